/** Deployment-specific error texts, falling back to the console's generic API error messages. */
import type { TFunction } from 'i18next';
import { ApiError } from '../../../app/http.ts';
import { errorMessage } from '../../auth/utils/error.message.ts';
import { deploymentText } from '../i18n.ts';

const CODES: ReadonlySet<string> = new Set(Object.keys(deploymentText.zh.errors));

/** The user-facing message for an error from a deployment action (with the server's message for unknown codes). */
export function deploymentError(t: TFunction, err: unknown, language: string): string {
  if (err instanceof ApiError && CODES.has(err.code)) return t(`deployment.errors.${err.code}` as 'deployment.title');
  if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.message)
    return `${errorMessage(t, err, language)}（${err.code}）`;
  return errorMessage(t, err, language);
}
