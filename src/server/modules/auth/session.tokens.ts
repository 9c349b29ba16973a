/**
 * Opaque session tokens: 32 random bytes, base64url, with a prefix that says what the token is
 * (`jwa_` access, `jwr_` refresh) so a leaked token is recognisable in logs and secret scanners.
 * Only the SHA-256 digest is stored; a database dump therefore holds no usable token.
 */
import { createHash, randomBytes } from 'node:crypto';

export type TokenKind = 'access' | 'refresh';

const PREFIX: Record<TokenKind, string> = { access: 'jwa_', refresh: 'jwr_' };
const SHAPE: Record<TokenKind, RegExp> = {
  access: /^jwa_[A-Za-z0-9_-]{43}$/,
  refresh: /^jwr_[A-Za-z0-9_-]{43}$/,
};

/** A new random token of the given kind. */
export function newToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** True when `token` has the shape of a token of `kind` (checked before touching the database). */
export function isWellFormedToken(kind: TokenKind, token: string): boolean {
  return SHAPE[kind].test(token);
}

/** The stored form of a token: SHA-256, hex. (High-entropy tokens need no salt or slow hash.) */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
