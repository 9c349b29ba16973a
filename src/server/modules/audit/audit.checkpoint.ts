/**
 * Signed checkpoints (signed tree heads): tree size, root hash and time, signed with Ed25519.
 *
 * The signed message is a small text note in the spirit of C2SP checkpoints:
 *   jingwu-audit-log\n<tree size>\n<base64 root hash>\n<unix time in ms>\n
 * The exported file carries the public key, so an auditor can verify it without the server.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditKeys } from './audit.keys.ts';
import { keyIdOf } from './audit.keys.ts';
import { HASH_SIZE } from './audit.merkle.ts';

export const CHECKPOINT_ORIGIN = 'jingwu-audit-log';
export const CHECKPOINT_FORMAT = 'jingwu-audit-checkpoint/v1';

/** A checkpoint as stored and served. */
export interface Checkpoint {
  treeSize: number;
  rootHash: Buffer;
  timestamp: Date;
  keyId: string;
  signature: Buffer;
}

/** The JSON an auditor exports (`jingwu audit checkpoint --out`) and later verifies against. */
export interface ExportedCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  origin: string;
  treeSize: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
  signature: string;
  publicKey: string;
}

/** The exact bytes that are signed. */
export function checkpointMessage(treeSize: number, rootHash: Uint8Array, timestamp: Date): Buffer {
  return Buffer.from(
    `${CHECKPOINT_ORIGIN}\n${treeSize}\n${Buffer.from(rootHash).toString('base64')}\n${timestamp.getTime()}\n`,
    'utf8',
  );
}

/** Signs a checkpoint for (treeSize, rootHash) now. */
export function signCheckpoint(keys: AuditKeys, treeSize: number, rootHash: Buffer, timestamp: Date): Checkpoint {
  // Stored timestamps keep millisecond precision exactly, so sign a millisecond-precise time.
  const at = new Date(Math.floor(timestamp.getTime()));
  const signature = sign(null, checkpointMessage(treeSize, rootHash, at), keys.privateKey);
  return { treeSize, rootHash, timestamp: at, keyId: keys.keyId, signature };
}

/** True when `cp` is signed by `publicKey`. */
export function checkCheckpointSignature(cp: Checkpoint, publicKey: KeyObject): boolean {
  if (cp.rootHash.length !== HASH_SIZE) return false;
  try {
    return verify(null, checkpointMessage(cp.treeSize, cp.rootHash, cp.timestamp), publicKey, cp.signature);
  } catch {
    return false;
  }
}

/** The exportable JSON form. */
export function exportCheckpoint(cp: Checkpoint, keys: Pick<AuditKeys, 'publicKeyPem'>): ExportedCheckpoint {
  return {
    format: CHECKPOINT_FORMAT,
    origin: CHECKPOINT_ORIGIN,
    treeSize: cp.treeSize,
    rootHash: cp.rootHash.toString('hex'),
    timestamp: cp.timestamp.toISOString(),
    keyId: cp.keyId,
    signature: cp.signature.toString('base64'),
    publicKey: keys.publicKeyPem,
  };
}

/** Parses an exported checkpoint file, checking its shape and its own signature; throws with the reason. */
export function parseExportedCheckpoint(json: string): { checkpoint: Checkpoint; publicKey: KeyObject } {
  let raw: Partial<ExportedCheckpoint>;
  try {
    raw = JSON.parse(json) as Partial<ExportedCheckpoint>;
  } catch {
    throw new Error('the checkpoint file is not JSON');
  }
  if (raw.format !== CHECKPOINT_FORMAT) throw new Error(`the checkpoint file's format is not ${CHECKPOINT_FORMAT}`);
  if (raw.origin !== CHECKPOINT_ORIGIN)
    throw new Error(`the checkpoint is for log "${raw.origin}", not ${CHECKPOINT_ORIGIN}`);
  if (!Number.isSafeInteger(raw.treeSize) || (raw.treeSize as number) < 0) throw new Error('treeSize is not a size');
  if (typeof raw.rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(raw.rootHash))
    throw new Error('rootHash is not 32 hex bytes');
  const timestamp = new Date(raw.timestamp ?? '');
  if (Number.isNaN(timestamp.getTime())) throw new Error('timestamp is not a date');
  if (typeof raw.signature !== 'string' || typeof raw.publicKey !== 'string')
    throw new Error('signature or publicKey missing');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(raw.publicKey);
  } catch {
    throw new Error('publicKey is not a PEM public key');
  }
  const checkpoint: Checkpoint = {
    treeSize: raw.treeSize as number,
    rootHash: Buffer.from(raw.rootHash, 'hex'),
    timestamp,
    keyId: keyIdOf(publicKey),
    signature: Buffer.from(raw.signature, 'base64'),
  };
  if (!checkCheckpointSignature(checkpoint, publicKey))
    throw new Error("the checkpoint file's signature does not verify");
  return { checkpoint, publicKey };
}
