/**
 * What the auth services need besides the request context: the `auth` configuration and the TOTP
 * encryption key. Built once by the plugin (or the CLI) from the configuration.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import { deriveTotpKey } from './totp.crypto.ts';
import { hashPassword } from './password.hasher.ts';

export interface AuthSettings {
  auth: Config['auth'];
  /** AES-256-GCM key for TOTP secrets at rest. */
  totpKey: Buffer;
}

/**
 * The root secret the TOTP key is derived from: AUDIT_HMAC_KEY when configured (always in production). In
 * development without it, a random key kept in `DATA_DIR/keys/auth-root.key` (created on first use), so secrets
 * survive restarts of the same data folder.
 */
function rootKey(config: Config): Buffer {
  if (config.audit.hmacKey) return config.audit.hmacKey;
  const dir = join(config.dataDir, 'keys');
  const file = join(dir, 'auth-root.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // Exclusive create: two instances starting on one data folder agree on the first key written.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

/** Builds the settings from configuration. */
export function authSettings(config: Config): AuthSettings {
  return { auth: config.auth, totpKey: deriveTotpKey(rootKey(config)) };
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password that nobody knows. Logins for unknown usernames are verified against it so
 * they take as long as a wrong password for a real account (no username enumeration by timing).
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}
