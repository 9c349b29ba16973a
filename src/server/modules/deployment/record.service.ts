/**
 * A demand's record (issue 5, item 8): every audit entry about the demand, its plans, their approvals and its
 * assignments, each with its RFC 9162 inclusion proof against the latest signed checkpoint and the result of
 * checking it here — leaf hash recomputed from the stored bytes, entry MAC, inclusion proof, checkpoint
 * signature. The checkpoint is returned with its public key, so a reader can re-check every proof offline.
 *
 * Entries still waiting for the sequencer (at most one sequencing interval) are listed as `pending`, without a
 * proof. Only entry metadata leaves the server (no IP, no request id; payloads exist only as HMACs).
 */
import type { RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import {
  checkCheckpointSignature,
  exportCheckpoint,
  type Checkpoint,
  type ExportedCheckpoint,
} from '../audit/audit.checkpoint.ts';
import { checkEntryMac, decodeEntry } from '../audit/audit.entry.ts';
import type { AuditKeys } from '../audit/audit.keys.ts';
import { leafHash, verifyInclusion } from '../audit/audit.merkle.ts';
import type { AuditLogReader } from '../audit/audit.service.ts';
import { getDemand } from './demand.service.ts';
import { entriesAbout, recordIds } from './record.repository.ts';

export interface RecordEntry {
  index: number | null;
  status: 'verified' | 'failed' | 'pending';
  at: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  jurisdictionId: string | null;
  payloadHmac: string | null;
  leafHash: string | null;
  proof: { leafIndex: number; treeSize: number; rootHash: string; hashes: string[] } | null;
  checks: { leafHash: boolean; mac: boolean; inclusion: boolean; checkpoint: boolean } | null;
}

export interface DemandRecord {
  demandId: string;
  code: string;
  checkpoint: ExportedCheckpoint | null;
  checkpointValid: boolean | null;
  entries: RecordEntry[];
  counts: { verified: number; failed: number; pending: number };
}

/** What the record needs from the audit log. */
export interface RecordLog {
  reader: AuditLogReader;
  keys: AuditKeys;
}

async function latest(ctx: RequestContext, log: RecordLog): Promise<Checkpoint | null> {
  try {
    return await log.reader.latestCheckpoint(ctx.db);
  } catch (e) {
    if (e instanceof AppError && e.code === 'AUDIT_CHECKPOINT_NOT_FOUND') return null;
    throw e;
  }
}

/** The demand's audit record with proofs, for anyone who may read the demand. */
export async function demandRecord(ctx: RequestContext, demandId: string, log: RecordLog): Promise<DemandRecord> {
  const demand = await getDemand(ctx, demandId);
  const kinds = await recordIds(ctx.db, demandId);
  const cp = await latest(ctx, log);
  const checkpointValid = cp ? checkCheckpointSignature(cp, log.keys.publicKey) : null;
  const entries: RecordEntry[] = [];
  for (const stored of await entriesAbout(ctx.db, [...kinds.keys()])) {
    const fields = decodeEntry(stored.bytes);
    // The id matched; the type must match too (ids of different tables never collide, but be exact).
    if (fields.resourceId === null || kinds.get(fields.resourceId) !== fields.resourceType) continue;
    const base = {
      index: stored.index,
      at: fields.at,
      actor: fields.actor,
      action: fields.action,
      resourceType: fields.resourceType,
      resourceId: fields.resourceId,
      outcome: fields.outcome,
      jurisdictionId: fields.jurisdictionId,
      payloadHmac: fields.payloadHmac,
    };
    if (stored.index === null || !cp || stored.index >= cp.treeSize) {
      entries.push({ ...base, status: 'pending', leafHash: null, proof: null, checks: null });
      continue;
    }
    const recomputed = leafHash(stored.bytes);
    const p = await log.reader.inclusionProof(ctx.db, stored.index, cp.treeSize);
    const checks = {
      leafHash: recomputed.equals(stored.leafHash!) && recomputed.equals(p.leafHash),
      mac: checkEntryMac(log.keys.hmacKey, stored.bytes),
      inclusion: verifyInclusion(recomputed, stored.index, cp.treeSize, p.proof, cp.rootHash),
      checkpoint: checkpointValid === true,
    };
    entries.push({
      ...base,
      status: checks.leafHash && checks.mac && checks.inclusion && checks.checkpoint ? 'verified' : 'failed',
      leafHash: recomputed.toString('hex'),
      proof: {
        leafIndex: p.leafIndex,
        treeSize: p.treeSize,
        rootHash: p.rootHash.toString('hex'),
        hashes: p.proof.map((h) => h.toString('hex')),
      },
      checks,
    });
  }
  const counts = { verified: 0, failed: 0, pending: 0 };
  for (const e of entries) counts[e.status]++;
  return {
    demandId,
    code: demand.code,
    checkpoint: cp ? exportCheckpoint(cp, log.keys) : null,
    checkpointValid,
    entries,
    counts,
  };
}
