/** Request and response schemas of the audit routes. */
import { Type, type Static } from 'typebox';

const MAX = Number.MAX_SAFE_INTEGER;
const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lowercase hex' });
const Size = (description: string) => Type.Integer({ minimum: 0, maximum: MAX, description });

export const CheckpointResponse = Type.Object(
  {
    format: Type.Literal('jingwu-audit-checkpoint/v1'),
    origin: Type.String(),
    treeSize: Size('number of entries the checkpoint covers'),
    rootHash: Hash,
    timestamp: Type.String({ format: 'date-time' }),
    keyId: Type.String(),
    signature: Type.String({ description: 'Ed25519 signature (base64) over the checkpoint note' }),
    publicKey: Type.String({ description: 'SPKI PEM of the signing key' }),
  },
  { additionalProperties: false, description: 'A signed checkpoint; save it to verify the log later' },
);

export const TreeSizeParams = Type.Object(
  { treeSize: Size('tree size of the checkpoint') },
  { additionalProperties: false },
);

export const InclusionQuery = Type.Object(
  {
    index: Size('leaf index of the entry'),
    treeSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX, description: 'default: latest checkpoint' })),
  },
  { additionalProperties: false },
);
export type InclusionQueryT = Static<typeof InclusionQuery>;

export const InclusionResponse = Type.Object(
  {
    leafIndex: Size('leaf index'),
    treeSize: Size('tree size'),
    leafHash: Hash,
    rootHash: Hash,
    proof: Type.Array(Hash),
  },
  { additionalProperties: false, description: 'RFC 9162 §2.1.3 inclusion proof' },
);

export const ConsistencyQuery = Type.Object(
  {
    from: Size('the earlier tree size'),
    to: Type.Optional(Size('the later tree size; default: latest checkpoint')),
  },
  { additionalProperties: false },
);
export type ConsistencyQueryT = Static<typeof ConsistencyQuery>;

export const ConsistencyResponse = Type.Object(
  { fromSize: Size('earlier size'), toSize: Size('later size'), fromRoot: Hash, toRoot: Hash, proof: Type.Array(Hash) },
  { additionalProperties: false, description: 'RFC 9162 §2.1.4 consistency proof' },
);

export const EntriesQuery = Type.Object(
  {
    from: Type.Optional(Size('first leaf index (default 0)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'page size (default 100)' })),
  },
  { additionalProperties: false },
);
export type EntriesQueryT = Static<typeof EntriesQuery>;

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

export const EntryMetadataResponse = Type.Object(
  {
    index: Size('leaf index'),
    id: Type.String(),
    at: Type.String({ format: 'date-time' }),
    actorId: Nullable(Type.String()),
    actor: Type.String({ description: "username, or 'system'" }),
    action: Type.String(),
    resourceType: Type.String(),
    resourceId: Nullable(Type.String()),
    outcome: Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]),
    jurisdictionId: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    requestId: Nullable(Type.String()),
    payloadHmac: Nullable(Type.String({ description: 'HMAC-SHA256 of the payload; the payload is never stored' })),
    leafHash: Hash,
    sequencedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const EntriesResponse = Type.Object(
  {
    entries: Type.Array(EntryMetadataResponse),
    nextFrom: Type.Union([Size('index to pass as `from` for the next page'), Type.Null()]),
  },
  { additionalProperties: false },
);
