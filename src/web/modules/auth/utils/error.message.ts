/** Turns an API error into a translated sentence; codes without their own text get the generic one. */
import type { TFunction } from 'i18next';
import { ApiError } from '../../../app/http.ts';

const KNOWN = new Set([
  'INVALID_CREDENTIALS',
  'ACCOUNT_DISABLED',
  'TOTP_REQUIRED',
  'TOTP_INVALID',
  'SESSION_EXPIRED',
  'PASSWORD_EXPIRED',
  'RATE_LIMITED',
  'VALIDATION_FAILED',
  'DATABASE_UNAVAILABLE',
  'FORBIDDEN',
  'NETWORK',
]);

/** The user-facing message for an error thrown by the API client. */
export function errorMessage(t: TFunction, err: unknown, language: string): string {
  if (!(err instanceof ApiError)) return t('errors.UNKNOWN', { code: 'CLIENT' });
  if (err.code === 'ACCOUNT_LOCKED') {
    const until = typeof err.details.lockedUntil === 'string' ? new Date(err.details.lockedUntil) : null;
    if (!until || Number.isNaN(until.getTime())) return t('errors.ACCOUNT_LOCKED_NO_TIME');
    const formatted = until.toLocaleString(language, {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
      month: 'numeric',
      day: 'numeric',
    });
    return t('errors.ACCOUNT_LOCKED', { until: formatted });
  }
  if (err.code === 'PASSWORD_POLICY') {
    const min = typeof err.details.minLength === 'number' ? err.details.minLength : 10;
    return t('errors.PASSWORD_POLICY', { min });
  }
  if (err.code === 'UNKNOWN_FIELD') return t('errors.VALIDATION_FAILED');
  if (KNOWN.has(err.code)) return t(`errors.${err.code}` as 'errors.UNKNOWN');
  return t('errors.UNKNOWN', { code: err.code });
}
