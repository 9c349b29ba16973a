/**
 * Audit keys: the HMAC key for payload digests and entry MACs, and the Ed25519 key that signs checkpoints.
 *
 * Both come from configuration (AUDIT_HMAC_KEY, AUDIT_SIGNING_KEY; required in production). In development a
 * missing key is generated once into `${DATA_DIR}/keys/` with mode 0600 and reused afterwards, so restarts
 * keep verifying the same log.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.ts';

export interface AuditKeys {
  hmacKey: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key, exported with checkpoints so auditors can verify offline. */
  publicKeyPem: string;
  /** First 16 hex digits of SHA-256 over the SPKI DER: names the key in stored checkpoints. */
  keyId: string;
}

export const HMAC_KEY_FILE = 'audit-hmac.key';
export const SIGNING_KEY_FILE = 'audit-signing.pem';

/** Reads `file`, or creates it with `make()` (mode 0600, exclusive create so two starts agree on one key). */
function readOrCreate(dir: string, file: string, make: () => string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, file);
  try {
    writeFileSync(path, make(), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // A key readable by others is no secret: tighten it rather than refuse, the owner asked for this folder.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

/** Key id of an Ed25519 public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

/** Builds AuditKeys from PEM/bytes. */
export function auditKeysFrom(hmacKey: Buffer, signingKeyPem: string): AuditKeys {
  const privateKey = createPrivateKey(signingKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 key; generate one with: openssl genpkey -algorithm ed25519');
  }
  const publicKey = createPublicKey(privateKey);
  return {
    hmacKey,
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** The configured keys, generating and keeping missing ones under `${dataDir}/keys` (never in production). */
export function resolveAuditKeys(config: Config): AuditKeys {
  const dir = join(config.dataDir, 'keys');
  const missing = !config.audit.hmacKey || !config.audit.signingKeyPem;
  if (missing && config.env === 'production') {
    throw new Error('AUDIT_HMAC_KEY and AUDIT_SIGNING_KEY are required in production (see .env.example).');
  }
  const hmacKey =
    config.audit.hmacKey ??
    Buffer.from(
      readOrCreate(dir, HMAC_KEY_FILE, () => randomBytes(32).toString('hex')),
      'hex',
    );
  const pem =
    config.audit.signingKeyPem ??
    readOrCreate(dir, SIGNING_KEY_FILE, () =>
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
  return auditKeysFrom(hmacKey, pem);
}
