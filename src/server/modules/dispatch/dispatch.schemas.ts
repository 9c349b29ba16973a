/** Request and response schemas of units, AVL and recommendation. */
import { Type, type Static } from 'typebox';
const StatusEnum = Type.Union([
  Type.Literal('available'),
  Type.Literal('dispatched'),
  Type.Literal('en_route'),
  Type.Literal('on_scene'),
  Type.Literal('returning'),
  Type.Literal('busy'),
  Type.Literal('off_duty'),
]);
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });

export const UnitIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const UnitListQuery = Type.Object(
  {
    status: Type.Optional(StatusEnum),
    staleAfterSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'Default 120' })),
    incidentType: Type.Optional(
      Type.String({
        pattern: '^[a-z_]+\\.[a-z_]+$',
        maxLength: 64,
        description: 'Incident sub-type (e.g. criminal.robbery): also fill its run card as an optimal assignment',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UnitPosition = Type.Object(
  {
    lon: Type.Number(),
    lat: Type.Number(),
    recordedAt: Type.String({ format: 'date-time' }),
    stale: Type.Boolean({ description: 'Older than staleAfterSec' }),
  },
  { additionalProperties: false },
);

export const Unit = Type.Object(
  {
    id: Type.String(),
    callSign: Type.String(),
    unitType: Type.String(),
    status: StatusEnum,
    stationId: Type.String(),
    home: Type.Object({ lon: Type.Number(), lat: Type.Number() }, { additionalProperties: false }),
    position: Type.Union([UnitPosition, Type.Null()]),
    shiftStartedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type UnitDto = Static<typeof Unit>;

export const UnitListResponse = Type.Object({ items: Type.Array(Unit) }, { additionalProperties: false });

export const UnitStatusBody = Type.Object(
  { status: StatusEnum, reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const PositionItem = Type.Object(
  {
    unitId: Type.String({ minLength: 1, maxLength: 64 }),
    lon: Lon,
    lat: Lat,
    recordedAt: Type.String({ format: 'date-time', description: 'Device time of the fix' }),
    speedKmh: Type.Optional(Type.Number({ minimum: 0, maximum: 400 })),
    heading: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 360 })),
  },
  { additionalProperties: false },
);
export type PositionItemDto = Static<typeof PositionItem>;

export const PositionBatch = Type.Object(
  { positions: Type.Array(PositionItem, { minItems: 1, maxItems: 5000 }) },
  { additionalProperties: false },
);

export const PositionBatchResponse = Type.Object(
  {
    accepted: Type.Integer({ description: 'New fixes stored in the history' }),
    duplicates: Type.Integer({ description: 'Fixes already stored (same unit and time): retries' }),
    moved: Type.Integer({ description: 'Units whose latest position moved forward' }),
    rejected: Type.Array(
      Type.Object(
        {
          index: Type.Integer(),
          unitId: Type.String(),
          reason: Type.Union([
            Type.Literal('unit_not_found'),
            Type.Literal('forbidden'),
            Type.Literal('coordinates_invalid'),
            Type.Literal('future_timestamp'),
          ]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const RecommendBody = Type.Object(
  {
    lon: Lon,
    lat: Lat,
    requiredSkills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
    requiredEquipment: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Units to recommend (default 3)' })),
    staleAfterSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'Default 120' })),
    coverage: Type.Optional(
      Type.Boolean({
        description:
          'Apply the coverage rule (for low priorities): a station’s last available unit ranks as if 5 min farther',
      }),
    ),
    incidentType: Type.Optional(
      Type.String({
        pattern: '^[a-z_]+\\.[a-z_]+$',
        maxLength: 64,
        description: 'Incident sub-type (e.g. criminal.robbery): also fill its run card as an optimal assignment',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RecommendBodyDto = Static<typeof RecommendBody>;

const WhyNot = Type.Union([
  Type.Literal('busy'),
  Type.Literal('off_duty'),
  Type.Literal('stale_position'),
  Type.Literal('missing_skill'),
  Type.Literal('missing_equipment'),
  Type.Literal('over_hours'),
  Type.Literal('unreachable'),
  Type.Literal('ranked_lower'),
]);
export type WhyNotReason = Static<typeof WhyNot>;

export const RecommendResponse = Type.Object(
  {
    recommended: Type.Array(
      Type.Object(
        {
          unitId: Type.String(),
          callSign: Type.String(),
          rank: Type.Integer(),
          etaSec: Type.Number(),
          positionSource: Type.Union([Type.Literal('live'), Type.Literal('home_base')]),
          dutyHours: Type.Union([Type.Number(), Type.Null()]),
          coverLeft: Type.Union([Type.Integer(), Type.Null()], {
            description: 'Units of its station still able to answer if it goes (null: coverage rule not applied)',
          }),
          reason: Type.String({ description: 'In English, for logs and API clients; consoles compose their own' }),
        },
        { additionalProperties: false },
      ),
    ),
    excluded: Type.Array(
      Type.Object(
        {
          unitId: Type.String(),
          callSign: Type.String(),
          why: WhyNot,
          detail: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    searchMs: Type.Number({ description: 'Time of the reverse road search' }),
    runCard: Type.Optional(
      Type.Object(
        {
          incidentType: Type.String(),
          picks: Type.Array(
            Type.Object(
              {
                slotId: Type.String(),
                label: Type.String(),
                unitId: Type.String(),
                callSign: Type.String(),
                etaSec: Type.Number(),
                reason: Type.String(),
              },
              { additionalProperties: false },
            ),
          ),
          unfilled: Type.Array(
            Type.Object(
              {
                slotId: Type.String(),
                label: Type.String(),
                why: Type.Union([Type.Literal('no_eligible_unit'), Type.Literal('eligible_units_taken')]),
                detail: Type.String(),
              },
              { additionalProperties: false },
            ),
          ),
          totalEtaSec: Type.Number(),
          method: Type.Union([Type.Literal('lp'), Type.Literal('mip'), Type.Literal('none')]),
          solveMs: Type.Number({ description: 'Time of the assignment solve' }),
        },
        { additionalProperties: false, description: 'Present when incidentType was given' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type RecommendResponseDto = Static<typeof RecommendResponse>;
