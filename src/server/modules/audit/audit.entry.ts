/**
 * Audit entry encoding. An entry is serialised once, here, to canonical JSON bytes; those exact bytes are
 * stored (bytea), hashed into the Merkle tree and never re-serialised.
 *
 * Layout (fixed key order, no whitespace, JSON.stringify string escaping):
 *   {"v":1,"id":…,"at":…,"actorId":…,"actor":…,"action":…,"resourceType":…,"resourceId":…,"outcome":…,
 *    "jurisdictionId":…,"ip":…,"requestId":…,"payloadHmac":…,"mac":"<64 hex>"}
 *
 * `payloadHmac` = HMAC-SHA256(key, canonical JSON of the payload): the payload itself is never stored.
 * `mac` = HMAC-SHA256(key, "jingwu-audit-entry-v1\n" || the bytes before `,"mac"` followed by `}`): an
 * entry written without the key (a forgery) fails verification even if its leaf hash is made to match.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuditInput } from '../../context.ts';

export const ENTRY_VERSION = 1;
const MAC_DOMAIN = 'jingwu-audit-entry-v1\n';
const MAC_SUFFIX = /,"mac":"([0-9a-f]{64})"\}$/;

/** What an entry says, as decoded from its bytes. */
export interface AuditEntryFields {
  v: number;
  id: string;
  at: string;
  actorId: string | null;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: AuditInput['outcome'];
  jurisdictionId: string | null;
  ip: string | null;
  requestId: string | null;
  payloadHmac: string | null;
}

/** Who and from where: the parts of an entry that come from the request context. */
export interface EntryOrigin {
  actorId: string | null;
  actor: string;
  ip: string | null;
  requestId: string | null;
  at: Date;
}

/** Deterministic JSON: object keys sorted, no whitespace; undefined members dropped as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function')
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** HMAC-SHA256 of the payload's canonical JSON, hex; null when there is no payload. */
export function payloadHmac(key: Buffer, payload: unknown): string | null {
  if (payload === undefined) return null;
  return createHmac('sha256', key).update(canonicalJson(payload)).digest('hex');
}

function entryMac(key: Buffer, body: Buffer): string {
  return createHmac('sha256', key).update(MAC_DOMAIN).update(body).digest('hex');
}

/** Serialises one entry to the bytes that are stored and hashed. */
export function encodeEntry(key: Buffer, input: AuditInput, origin: EntryOrigin, id: string = randomUUID()): Buffer {
  const fields: AuditEntryFields = {
    v: ENTRY_VERSION,
    id,
    at: origin.at.toISOString(),
    actorId: origin.actorId,
    actor: origin.actor,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    outcome: input.outcome,
    jurisdictionId: input.jurisdictionId ?? null,
    ip: origin.ip,
    requestId: origin.requestId,
    payloadHmac: payloadHmac(key, input.payload),
  };
  // JSON.stringify keeps insertion order, which is the fixed order above; every value is a string, number or null.
  const body = Buffer.from(JSON.stringify(fields), 'utf8');
  const mac = entryMac(key, body);
  return Buffer.concat([body.subarray(0, body.length - 1), Buffer.from(`,"mac":"${mac}"}`, 'utf8')]);
}

/** True when the entry's trailing `mac` was made with `key` over exactly the preceding bytes. */
export function checkEntryMac(key: Buffer, bytes: Buffer): boolean {
  const text = bytes.toString('latin1'); // byte-preserving view; the suffix is ASCII
  const m = MAC_SUFFIX.exec(text);
  if (!m) return false;
  const body = Buffer.concat([bytes.subarray(0, bytes.length - m[0].length), Buffer.from('}')]);
  const want = Buffer.from(entryMac(key, body), 'hex');
  return timingSafeEqual(want, Buffer.from(m[1]!, 'hex'));
}

/** Decodes an entry's fields (metadata only; the mac is dropped). Throws on bytes that are not an entry. */
export function decodeEntry(bytes: Buffer): AuditEntryFields {
  const parsed = JSON.parse(bytes.toString('utf8')) as AuditEntryFields & { mac?: string };
  if (typeof parsed !== 'object' || parsed === null || parsed.v !== ENTRY_VERSION) {
    throw new Error('not a version-1 audit entry');
  }
  const { mac: _mac, ...fields } = parsed;
  return fields;
}
