/**
 * E-signatures on approvals (pure, no I/O). An approver's browser generates a key pair with WebCrypto (the private
 * key is non-extractable), registers the public key (base64 DER SubjectPublicKeyInfo), fetches the canonical
 * payload of the approval and signs its UTF-8 bytes. WebCrypto's ECDSA produces IEEE P1363 signatures (r ‖ s,
 * 64 bytes for P-256), which node:crypto verifies with `dsaEncoding: 'ieee-p1363'`.
 *
 * The payload binds everything the decision is about: the approval and plan, the demands (code, level,
 * head-count), the officers assigned, the decision itself, the signer, and the time the approval was opened (each
 * approval is opened once and decided once, so the pair approval id + issued-at is a nonce no other decision
 * can reuse).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../audit/audit.entry.ts';
import type { ApprovalTier } from './approval.matrix.ts';

export const PAYLOAD_FORMAT = 'jingwu-deployment-approval/v1';
export const SIGNATURE_ALGORITHMS = ['ECDSA-P256-SHA256', 'Ed25519'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];
export type Decision = 'approve' | 'reject';

/** What an approver signs. */
export interface ApprovalPayload {
  format: typeof PAYLOAD_FORMAT;
  approvalId: string;
  planId: string;
  tier: ApprovalTier;
  jurisdictionId: string;
  /** Most severe demand level of the plan (1 = I … 4 = IV). */
  level: number;
  emergency: boolean;
  demands: { id: string; code: string; level: number; headcount: number }[];
  assignments: { demandId: string; officerId: string }[];
  decision: Decision;
  signerId: string;
  /** When the approval was opened (ISO); with `approvalId`, the nonce. */
  issuedAt: string;
}

/** The exact text that is signed: canonical JSON (sorted keys, no whitespace) of the payload. */
export function payloadText(p: ApprovalPayload): string {
  const sorted: ApprovalPayload = {
    ...p,
    demands: [...p.demands].sort((a, b) => a.code.localeCompare(b.code) || a.id.localeCompare(b.id)),
    assignments: [...p.assignments].sort(
      (a, b) => a.demandId.localeCompare(b.demandId) || a.officerId.localeCompare(b.officerId),
    ),
  };
  return canonicalJson(sorted);
}

/** Why a public key was refused, or the parsed key. */
export type ParsedKey = { ok: true; key: KeyObject } | { ok: false; reason: string };

/** Parses a base64 DER SPKI public key and checks it fits the algorithm (P-256 for ECDSA). */
export function parsePublicKey(spkiBase64: string, algorithm: SignatureAlgorithm): ParsedKey {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(spkiBase64)) return { ok: false, reason: 'not_base64' };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return { ok: false, reason: 'not_spki' };
  }
  if (algorithm === 'ECDSA-P256-SHA256') {
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      return { ok: false, reason: 'not_p256' };
    }
  } else if (key.asymmetricKeyType !== 'ed25519') {
    return { ok: false, reason: 'not_ed25519' };
  }
  return { ok: true, key };
}

/** True when `signatureBase64` is a valid signature of `text` (UTF-8) under the key. Malformed input is false. */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  spkiBase64: string,
  text: string,
  signatureBase64: string,
): boolean {
  const parsed = parsePublicKey(spkiBase64, algorithm);
  if (!parsed.ok || !/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  const signature = Buffer.from(signatureBase64, 'base64');
  const data = Buffer.from(text, 'utf8');
  try {
    if (algorithm === 'ECDSA-P256-SHA256') {
      if (signature.length !== 64) return false;
      return verify('sha256', data, { key: parsed.key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return verify(null, data, parsed.key, signature);
  } catch {
    return false;
  }
}
