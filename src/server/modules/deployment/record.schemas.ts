/** Response schema of a demand's audit record with inclusion proofs. */
import { Type } from 'typebox';
import { UuidParam } from '../../../contracts/common.schemas.ts';

export const DemandIdParams = Type.Object({ id: UuidParam }, { additionalProperties: false });

const Hex = Type.String({ pattern: '^[0-9a-f]*$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RecordEntry = Type.Object({
  index: Nullable(Type.Integer({ description: 'leaf index; null while the entry waits for the sequencer' })),
  status: Type.Union([Type.Literal('verified'), Type.Literal('failed'), Type.Literal('pending')]),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Nullable(Type.String()),
  outcome: Type.String(),
  jurisdictionId: Nullable(Type.String()),
  payloadHmac: Nullable(Type.String()),
  leafHash: Nullable(Hex),
  proof: Nullable(
    Type.Object({
      leafIndex: Type.Integer(),
      treeSize: Type.Integer(),
      rootHash: Hex,
      hashes: Type.Array(Hex, { description: 'RFC 9162 inclusion proof, leaf to root' }),
    }),
  ),
  checks: Nullable(
    Type.Object({
      leafHash: Type.Boolean({ description: 'SHA-256(0x00 ‖ stored bytes) equals the stored and proven leaf' }),
      mac: Type.Boolean({ description: 'the entry MAC made with the audit HMAC key holds' }),
      inclusion: Type.Boolean({ description: 'the proof leads to the checkpoint root' }),
      checkpoint: Type.Boolean({ description: 'the checkpoint signature verifies' }),
    }),
  ),
});

export const DemandRecordResponse = Type.Object({
  demandId: Type.String(),
  code: Type.String(),
  checkpoint: Nullable(
    Type.Object({
      format: Type.String(),
      origin: Type.String(),
      treeSize: Type.Integer(),
      rootHash: Type.String(),
      timestamp: Type.String(),
      keyId: Type.String(),
      signature: Type.String(),
      publicKey: Type.String({ description: 'Ed25519 public key (SPKI PEM) that verifies the checkpoint' }),
    }),
  ),
  checkpointValid: Nullable(Type.Boolean()),
  entries: Type.Array(RecordEntry),
  counts: Type.Object({ verified: Type.Integer(), failed: Type.Integer(), pending: Type.Integer() }),
});
