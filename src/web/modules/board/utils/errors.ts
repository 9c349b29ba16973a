/** Board-specific error texts, falling back to the console's generic API error messages. */
import type { TFunction } from 'i18next';
import { ApiError } from '../../../app/http.ts';
import { errorMessage } from '../../auth/utils/error.message.ts';
import { boardText } from '../i18n.ts';

/** Error codes with a board-specific text (board.errors.*). */
const BOARD_CODES: ReadonlySet<string> = new Set(Object.keys(boardText.zh.errors));

/** The user-facing message for an error from a board action. */
export function boardError(t: TFunction, err: unknown, language: string): string {
  if (err instanceof ApiError && BOARD_CODES.has(err.code)) return t(`board.errors.${err.code}` as 'board.title');
  return errorMessage(t, err, language);
}
