/** Turns a failed field-view request into a sentence that says what happened (and that retrying is safe). */
import type { TFunction } from 'i18next';
import { ApiError } from '../../../app/http.ts';
import { errorMessage } from '../../auth/utils/error.message.ts';

const OWN = new Set(['NETWORK', 'ORDER_NOT_FOUND', 'ORDER_BAD_TRANSITION', 'ORDER_NOT_ACTIVE', 'FORBIDDEN']);

/** The user-facing reason for `err`. */
export function fieldErrorMessage(t: TFunction, err: unknown, language: string): string {
  if (err instanceof ApiError) {
    if (err.code === 'TIMEOUT') return t('field.errors.timeout');
    if (OWN.has(err.code)) return t(`field.errors.${err.code}` as 'field.errors.NETWORK');
  }
  return errorMessage(t, err, language);
}
