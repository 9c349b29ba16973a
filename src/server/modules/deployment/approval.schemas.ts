/** Request and response schemas of tiered approvals and approvers' signing keys. */
import { Type, type Static } from 'typebox';
import { UuidParam } from '../../../contracts/common.schemas.ts';

const Iso = Type.String({ format: 'date-time' });
const Algorithm = Type.Union([Type.Literal('ECDSA-P256-SHA256'), Type.Literal('Ed25519')], {
  description: 'ECDSA P-256 with SHA-256 (WebCrypto, IEEE P1363 r‖s signatures) or Ed25519',
});
const DecisionSchema = Type.Union([Type.Literal('approve'), Type.Literal('reject')]);
const Base64 = (description: string, maxLength: number) =>
  Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', minLength: 4, maxLength, description });

export const IdParams = Type.Object({ id: UuidParam }, { additionalProperties: false });

export const RegisterKeyBody = Type.Object(
  {
    publicKeySpki: Base64('base64 DER SubjectPublicKeyInfo, as crypto.subtle.exportKey("spki") gives', 1024),
    algorithm: Algorithm,
  },
  { additionalProperties: false },
);

export const ApproverKey = Type.Object({
  id: Type.String(),
  algorithm: Algorithm,
  publicKeySpki: Type.String(),
  createdAt: Iso,
  revokedAt: Type.Union([Iso, Type.Null()]),
});

export const ApproverKeyList = Type.Object({ items: Type.Array(ApproverKey) });

const Status = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('approved'),
    Type.Literal('rejected'),
    Type.Literal('escalated'),
    Type.Literal('ratified'),
  ],
  { description: 'pending → approved | rejected | escalated; an emergency plan’s approval → ratified' },
);

export const ApprovalListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export const Approval = Type.Object({
  id: Type.String(),
  planId: Type.String(),
  planStatus: Type.String(),
  tier: Type.Union([Type.Literal('city'), Type.Literal('province')]),
  jurisdictionId: Type.String(),
  status: Status,
  level: Type.Integer({ description: 'most severe demand level of the plan: 1 = I … 4 = IV' }),
  action: Type.String({ description: 'the policy action a decider needs over jurisdictionId' }),
  demandIds: Type.Array(Type.String()),
  emergency: Type.Boolean({ description: 'the plan was issued at once; this approval ratifies it afterwards' }),
  dueAt: Iso,
  overdue: Type.Boolean(),
  escalatedFrom: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Iso, Type.Null()]),
  comment: Type.Union([Type.String(), Type.Null()]),
  keyId: Type.Union([Type.String(), Type.Null()]),
  signed: Type.Boolean(),
  createdAt: Iso,
  canDecide: Type.Boolean({ description: 'whether you may decide it now' }),
});

export const ApprovalList = Type.Object({ items: Type.Array(Approval) });

export const PayloadQuery = Type.Object(
  {
    decision: Type.Optional(
      Type.Union([Type.Literal('approve'), Type.Literal('reject')], {
        description: 'the decision the payload states (default approve); sign the payload of the decision you send',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PayloadResponse = Type.Object({
  approvalId: Type.String(),
  decision: DecisionSchema,
  payload: Type.String({ description: 'canonical JSON; sign its UTF-8 bytes' }),
});

export const DecideBody = Type.Object(
  {
    decision: DecisionSchema,
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    keyId: UuidParam,
    signature: Base64('base64 signature of the payload (P1363 r‖s for ECDSA)', 512),
  },
  { additionalProperties: false },
);

export const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  algorithm: Algorithm,
  publicKeySpki: Type.String(),
  keyId: Type.String(),
  payload: Type.String(),
  signature: Type.String(),
  decidedBy: Type.String(),
  checks: Type.Object({
    signature: Type.Boolean(),
    approval: Type.Boolean(),
    decision: Type.Boolean(),
    signer: Type.Boolean(),
  }),
});

export const EscalateResponse = Type.Object({
  escalated: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
});

export type ApprovalDto = Static<typeof Approval>;
