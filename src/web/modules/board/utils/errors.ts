/** Board-specific error texts, falling back to the console's generic API error messages. */
import type { TFunction } from 'i18next';
import { ApiError } from '../../../app/http.ts';
import { errorMessage } from '../../auth/utils/error.message.ts';

const BOARD_CODES = new Set([
  'DISPATCH_OVERRIDE_REASON_REQUIRED',
  'UNIT_NOT_AVAILABLE',
  'INCIDENT_BAD_TRANSITION',
  'INCIDENT_NOT_FOUND',
  'INCIDENT_LOCATION_REQUIRED',
  'IDEMPOTENCY_KEY_REUSED',
]);

/** The user-facing message for an error from a board action. */
export function boardError(t: TFunction, err: unknown, language: string): string {
  if (err instanceof ApiError && BOARD_CODES.has(err.code)) return t(`board.errors.${err.code}` as 'board.title');
  return errorMessage(t, err, language);
}
