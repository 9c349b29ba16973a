/** Request and response schemas of pools, demands and plans (`/api/deployment`). */
import { Type, type Static } from 'typebox';

const JurisdictionId = Type.String({ pattern: '^[0-9]{2,24}$' });
const Id = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const JurisdictionParams = Type.Object({ jurisdictionId: JurisdictionId }, { additionalProperties: false });

export const PoolQuery = Type.Object({ jurisdictionId: JurisdictionId }, { additionalProperties: false });

export const PoolSummary = Type.Object(
  {
    jurisdictionId: Type.String(),
    units: Type.Array(
      Type.Object(
        { type: Type.String(), total: Type.Integer(), available: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
    vehicles: Type.Array(
      Type.Object(
        { kind: Type.String(), total: Type.Integer(), inService: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
    officers: Type.Object(
      {
        total: Type.Integer(),
        eligible: Type.Integer(),
        onTask: Type.Integer(),
        resting: Type.Integer(),
        offDuty: Type.Integer(),
        overHours: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    bySkill: Type.Record(Type.String(), Type.Integer()),
    equipment: Type.Array(
      Type.Object(
        {
          kind: Type.String(),
          standard: Type.Union([Type.String(), Type.Null()]),
          total: Type.Integer(),
          available: Type.Integer(),
        },
        { additionalProperties: false },
      ),
    ),
    regions: Type.Array(
      Type.Object(
        {
          regionId: Type.String(),
          onDuty: Type.Integer(),
          available: Type.Integer(),
          minCover: Type.Integer(),
          lendable: Type.Integer(),
        },
        { additionalProperties: false },
      ),
    ),
    minCover: Type.Integer(),
    lendable: Type.Integer(),
  },
  { additionalProperties: false },
);

export const OfficersQuery = Type.Object(
  {
    jurisdictionId: JurisdictionId,
    skill: Type.Optional(Type.String({ pattern: '^[a-z_]{2,40}$' })),
    eligible: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  },
  { additionalProperties: false },
);

export const PoolOfficerView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    policeNumber: Type.String(),
    post: Type.String(),
    stationId: Type.String(),
    regionId: Type.String(),
    position: Type.Union([
      Type.Object(
        {
          lon: Type.Number(),
          lat: Type.Number(),
          source: Type.Union([Type.Literal('avl'), Type.Literal('station')]),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    eligible: Type.Boolean(),
    why: Type.Union([Type.String(), Type.Null()]),
    dutyMinutes: Type.Integer(),
    skills: Type.Array(Type.String()),
    lapsedSkills: Type.Array(
      Type.Object(
        { skill: Type.String(), certificate: Type.String(), expiredOn: Type.Union([Type.String(), Type.Null()]) },
        { additionalProperties: false },
      ),
    ),
    taskPoints: Type.Number(),
    deployments30d: Type.Integer(),
  },
  { additionalProperties: false },
);
export const OfficerList = Type.Object({ items: Type.Array(PoolOfficerView) }, { additionalProperties: false });

export const CoverBody = Type.Object(
  { minOfficers: Type.Integer({ minimum: 0, maximum: 100_000 }) },
  { additionalProperties: false },
);
export const CoverResponse = Type.Object(
  { jurisdictionId: Type.String(), minOfficers: Type.Integer() },
  { additionalProperties: false },
);

const SkillNeed = Type.Object(
  { skill: Type.String({ pattern: '^[a-z_]{2,40}$' }), count: Type.Integer({ minimum: 1, maximum: 500 }) },
  { additionalProperties: false },
);
const EquipmentNeed = Type.Object(
  {
    kind: Type.String({ pattern: '^[a-z_]{2,40}$' }),
    count: Type.Integer({ minimum: 1, maximum: 100 }),
    standard: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const DemandBody = Type.Object(
  {
    jurisdictionId: JurisdictionId,
    type: Type.String({ pattern: '^[a-z_]{2,40}$', description: 'e.g. public_order, search, disaster, security' }),
    level: Type.Integer({ minimum: 1, maximum: 4, description: '1 = I 特别重大 … 4 = IV 一般' }),
    title: Type.String({ minLength: 2, maxLength: 200 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    meetingPoint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    headcount: Type.Integer({ minimum: 1, maximum: 500 }),
    requiredSkills: Type.Optional(Type.Array(SkillNeed, { maxItems: 20 })),
    requiredEquipment: Type.Optional(Type.Array(EquipmentNeed, { maxItems: 20 })),
    deadlineAt: Type.String({ format: 'date-time', description: 'on scene by' }),
    expectedDurationMin: Type.Integer({ minimum: 15, maximum: 1440 }),
    incidentId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type DemandBodyDto = Static<typeof DemandBody>;

export const DemandView = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    jurisdictionId: Type.String(),
    type: Type.String(),
    level: Type.Integer(),
    title: Type.String(),
    lon: Type.Number(),
    lat: Type.Number(),
    meetingPoint: Type.Union([Type.String(), Type.Null()]),
    headcount: Type.Integer(),
    requiredSkills: Type.Array(Type.Object({ skill: Type.String(), count: Type.Integer() })),
    requiredEquipment: Type.Array(
      Type.Object({ kind: Type.String(), count: Type.Integer(), standard: Type.Optional(Type.String()) }),
    ),
    deadlineAt: Type.String(),
    expectedDurationMin: Type.Integer(),
    status: Type.String(),
    source: Type.String(),
    sourceDetail: Type.Unknown(),
    incidentId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    confirmedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const DemandListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(
        ['draft', 'open', 'planned', 'approved', 'executing', 'closed', 'cancelled'].map((s) => Type.Literal(s)),
      ),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
export const DemandList = Type.Object({ items: Type.Array(DemandView) }, { additionalProperties: false });

export const CancelBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);

const Adjustments = Type.Object(
  {
    pins: Type.Optional(
      Type.Array(Type.Object({ officerId: Type.String({ minLength: 1, maxLength: 64 }), demandId: Id }), {
        maxItems: 200,
      }),
    ),
    remove: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 500 })),
    headcount: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 500 }))),
    cover: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 100_000 }))),
  },
  { additionalProperties: false },
);

export const PlanBody = Type.Object(
  {
    demandIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })),
    adjustments: Type.Optional(Adjustments),
  },
  { additionalProperties: false },
);
export const WhatIfBody = Type.Object({ adjustments: Adjustments }, { additionalProperties: false });
export const SubmitBody = Type.Object(
  {
    emergency: Type.Optional(
      Type.Boolean({ description: 'Act now, approve after: only for especially major (level I) demands' }),
    ),
  },
  { additionalProperties: false },
);

const Shortfall = Type.Object({
  demandId: Type.String(),
  slot: Type.String(),
  missing: Type.Integer(),
  why: Type.String(),
});

export const PlanView = Type.Object(
  {
    id: Type.String(),
    status: Type.String(),
    demandIds: Type.Array(Type.String()),
    requiredApproval: Type.String(),
    emergency: Type.Boolean(),
    objective: Type.Union([Type.Number(), Type.Null()]),
    method: Nullable(Type.String()),
    solveMs: Type.Union([Type.Number(), Type.Null()]),
    assignments: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          officerId: Type.String(),
          officerName: Type.String(),
          policeNumber: Type.String(),
          regionId: Type.String(),
          demandId: Type.String(),
          slot: Type.String(),
          etaSec: Type.Number(),
          reason: Type.String(),
          status: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    shortfalls: Type.Array(Shortfall),
    cover: Type.Record(
      Type.String(),
      Type.Object({ available: Type.Number(), lent: Type.Number(), left: Type.Number(), minCover: Type.Number() }),
    ),
    passedOver: Type.Array(Type.Object({ officerId: Type.String(), demandId: Type.String(), why: Type.String() })),
    rejectedPins: Type.Array(Type.Object({ officerId: Type.String(), demandId: Type.String(), why: Type.String() })),
    equipment: Type.Array(
      Type.Object({
        demandId: Type.String(),
        equipmentId: Type.String(),
        kind: Type.String(),
        standard: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    equipmentShortfalls: Type.Array(
      Type.Object({ demandId: Type.String(), kind: Type.String(), missing: Type.Integer() }),
    ),
    adjustments: Type.Unknown(),
    timings: Type.Object({
      loadMs: Type.Number(),
      etaMs: Type.Number(),
      solveMs: Type.Number(),
      totalMs: Type.Number(),
    }),
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);
