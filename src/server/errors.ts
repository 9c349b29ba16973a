/** One error type for the whole server; its code decides the HTTP status (see contracts/error-codes.ts). */
import { ERROR_CODES, type ErrorCode } from '../contracts/error-codes.ts';

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }
}

/** The error body every endpoint answers with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, unknown> };
}

/** Renders an AppError as the public error body. */
export function toErrorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, details: err.details } };
}
