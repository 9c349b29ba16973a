/** Request and response schemas of execution (orders, stages, tracking, hand-over, release, after action). */
import { Type, type Static } from 'typebox';

const Iso = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const AssignmentStatusEnum = Type.Union([
  Type.Literal('proposed'),
  Type.Literal('ordered'),
  Type.Literal('acknowledged'),
  Type.Literal('en_route'),
  Type.Literal('arrived'),
  Type.Literal('handed_over'),
  Type.Literal('released'),
  Type.Literal('cancelled'),
]);

export const AssignmentIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const OfficerRef = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    policeNumber: Type.String(),
    homeRegionId: Type.String({ description: 'The county the officer belongs to' }),
    homeRegionName: Type.String(),
  },
  { additionalProperties: false },
);

export const Assignment = Type.Object(
  {
    id: Type.String(),
    planId: Type.String(),
    demandId: Type.String(),
    demandCode: Type.String(),
    demandTitle: Type.String(),
    demandLevel: Type.Integer({ minimum: 1, maximum: 4 }),
    officer: OfficerRef,
    slot: Type.String(),
    etaSec: Type.Integer({ description: 'Planned road ETA when the plan was made' }),
    status: AssignmentStatusEnum,
    lon: Type.Number({ description: 'Where to go (the demand location)' }),
    lat: Type.Number(),
    meetingPoint: Type.Union([Type.String(), Type.Null()]),
    deadlineAt: Type.String({ format: 'date-time' }),
    orderedAt: Iso,
    acknowledgedAt: Iso,
    arrivedAt: Iso,
    handedOverAt: Iso,
    releasedAt: Iso,
    dutyMinutes: Type.Union([Type.Integer(), Type.Null()]),
    points: NullableNumber,
    allowance: NullableNumber,
    surveyed: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type AssignmentDto = Static<typeof Assignment>;

export const AssignmentList = Type.Object({ items: Type.Array(Assignment) }, { additionalProperties: false });

export const StageBody = Type.Object(
  { status: Type.Union([Type.Literal('en_route'), Type.Literal('arrived')]) },
  { additionalProperties: false },
);

export const TrackingItem = Type.Object(
  {
    assignmentId: Type.String(),
    officer: OfficerRef,
    status: AssignmentStatusEnum,
    position: Type.Union([
      Type.Object(
        {
          lon: Type.Number(),
          lat: Type.Number(),
          source: Type.Union([Type.Literal('avl'), Type.Literal('station')]),
          recordedAt: Iso,
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    remainingEtaSec: Type.Union([
      Type.Integer({ description: 'Road ETA from the live position; 0 once arrived; null when unreachable' }),
      Type.Null(),
    ]),
    expectedArrivalAt: Iso,
    deadlineAt: Type.String({ format: 'date-time' }),
    arrived: Type.Boolean(),
    arrivedAt: Iso,
    late: Type.Boolean({ description: 'Arrived after the deadline, or not expected before it' }),
  },
  { additionalProperties: false },
);

export const Tracking = Type.Object(
  {
    demandId: Type.String(),
    code: Type.String(),
    status: Type.String(),
    lon: Type.Number(),
    lat: Type.Number(),
    deadlineAt: Type.String({ format: 'date-time' }),
    computedAt: Type.String({ format: 'date-time' }),
    items: Type.Array(TrackingItem),
  },
  { additionalProperties: false },
);
export type TrackingDto = Static<typeof Tracking>;

export const HandoverResponse = Type.Object(
  {
    demandId: Type.String(),
    handedOver: Type.Array(Assignment),
    grants: Type.Integer({ description: 'Task-scoped grants created (officers with a login)' }),
    grantsEndAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type HandoverDto = Static<typeof HandoverResponse>;

export const ReleaseResponse = Type.Object(
  {
    demandId: Type.String(),
    status: Type.String(),
    released: Type.Array(Assignment),
    grantsRevoked: Type.Integer(),
    alreadyClosed: Type.Boolean({
      description: 'True when the demand had been released before (nothing booked again)',
    }),
  },
  { additionalProperties: false },
);
export type ReleaseDto = Static<typeof ReleaseResponse>;

export const SurveyBody = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const Survey = Type.Object(
  {
    assignmentId: Type.String(),
    rating: Type.Integer(),
    comment: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type SurveyDto = Static<typeof Survey>;

export const LogisticsBody = Type.Object(
  {
    meals: Type.Boolean(),
    lodging: Type.Boolean(),
    medical: Type.Boolean(),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const Logistics = Type.Object(
  {
    demandId: Type.String(),
    meals: Type.Boolean(),
    lodging: Type.Boolean(),
    medical: Type.Boolean(),
    note: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type LogisticsDto = Static<typeof Logistics>;

export const DemandIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
