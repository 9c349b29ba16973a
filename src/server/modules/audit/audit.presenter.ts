/** Shapes audit objects for the API: hashes as hex, times as ISO strings. Entries expose metadata only. */
import type { Static } from 'typebox';
import { exportCheckpoint, type Checkpoint } from './audit.checkpoint.ts';
import type { AuditKeys } from './audit.keys.ts';
import type { ConsistencyProof, EntryMetadata, InclusionProof } from './audit.service.ts';
import type {
  CheckpointResponse,
  ConsistencyResponse,
  EntryMetadataResponse,
  InclusionResponse,
} from './audit.schemas.ts';

const hex = (b: Buffer): string => b.toString('hex');

/** A checkpoint with the public key that verifies it. */
export function presentCheckpoint(
  cp: Checkpoint,
  keys: Pick<AuditKeys, 'publicKeyPem'>,
): Static<typeof CheckpointResponse> {
  return exportCheckpoint(cp, keys);
}

/** An inclusion proof. */
export function presentInclusion(p: InclusionProof): Static<typeof InclusionResponse> {
  return {
    leafIndex: p.leafIndex,
    treeSize: p.treeSize,
    leafHash: hex(p.leafHash),
    rootHash: hex(p.rootHash),
    proof: p.proof.map(hex),
  };
}

/** A consistency proof. */
export function presentConsistency(p: ConsistencyProof): Static<typeof ConsistencyResponse> {
  return {
    fromSize: p.fromSize,
    toSize: p.toSize,
    fromRoot: hex(p.fromRoot),
    toRoot: hex(p.toRoot),
    proof: p.proof.map(hex),
  };
}

/** One entry's metadata. */
export function presentEntry(e: EntryMetadata): Static<typeof EntryMetadataResponse> {
  return {
    index: e.index,
    id: e.id,
    at: e.at,
    actorId: e.actorId,
    actor: e.actor,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    outcome: e.outcome,
    jurisdictionId: e.jurisdictionId,
    ip: e.ip,
    requestId: e.requestId,
    payloadHmac: e.payloadHmac,
    leafHash: hex(e.leafHash),
    sequencedAt: e.sequencedAt.toISOString(),
  };
}
