/**
 * TOTP (RFC 6238) secrets and codes. Secrets are stored encrypted at rest with AES-256-GCM; the key is derived
 * with HKDF-SHA256 from the configured AUDIT_HMAC_KEY under a label of its own, so it is independent of the
 * audit HMAC key although both come from one secret the operator already manages (see
 * docs/adr/0002-sessions-and-tokens.md). The user id is the GCM associated data: a ciphertext copied into
 * another account's row does not decrypt.
 *
 * Stored form: `v1:` + base64(iv[12] ‖ tag[16] ‖ ciphertext).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';

const INFO = 'jingwu/auth/totp-secret/v1';
const SALT = 'jingwu-auth';
/** Codes from one step before or after the current one are accepted (clock drift of up to 30 s). */
const TOLERANCE_SECONDS = 30;
export const TOTP_ISSUER = 'Jingwu 警务';

/** Derives the 32-byte TOTP encryption key from the root secret. */
export function deriveTotpKey(rootKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', rootKey, SALT, INFO, 32));
}

/** Encrypts a base32 TOTP secret for storage, bound to `userId`. */
export function encryptTotpSecret(key: Buffer, userId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(userId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** Decrypts a stored TOTP secret; throws when it was tampered with, moved to another user or the key changed. */
export function decryptTotpSecret(key: Buffer, userId: string, stored: string): string {
  if (!stored.startsWith('v1:')) throw new Error('unknown TOTP secret format');
  const raw = Buffer.from(stored.slice(3), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(userId));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** A new random base32 secret (160 bits) and its otpauth:// URI for authenticator apps. */
export function newTotpSecret(username: string): { secret: string; otpauthUri: string } {
  const secret = generateSecret();
  return { secret, otpauthUri: generateURI({ issuer: TOTP_ISSUER, label: username, secret }) };
}

/**
 * Checks `code` against `secret` at `now`; returns the matched RFC 6238 time step, or null. A code whose step
 * is not after `lastStep` is refused, so an accepted code cannot be replayed within its window.
 */
export async function verifyTotpCode(
  secret: string,
  code: string,
  opts: { now: Date; lastStep: number | null },
): Promise<number | null> {
  if (!/^[0-9]{6}$/.test(code)) return null;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(opts.now.getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      ...(opts.lastStep === null ? {} : { afterTimeStep: opts.lastStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    // otplib throws on malformed input (e.g. a corrupt secret); that is a failed check, not a crash.
    return null;
  }
}
