/** Schemas of the deployment KPIs (`GET /api/deployment/kpis`); definitions in kpi.ts. */
import { Type, type Static } from 'typebox';

const Ratio = Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'null: nothing to measure' });
const Num = Type.Union([Type.Number(), Type.Null()]);

export const KpiQuery = Type.Object(
  {
    jurisdictionId: Type.String({ pattern: '^[0-9]{2,24}$', description: 'Scope: this jurisdiction’s subtree' }),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Demands created from (default: to − 30 days)' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Demands created before (default: now)' })),
  },
  { additionalProperties: false },
);
export type KpiQueryDto = Static<typeof KpiQuery>;

const obj = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });

export const KpiResponse = obj({
  jurisdictionId: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  responseTime: Type.Array(
    obj({
      level: Type.Integer({ minimum: 1, maximum: 4 }),
      standardMin: Type.Number(),
      arrivals: Type.Integer(),
      notArrived: Type.Integer(),
      meanMin: Num,
      p90Min: Num,
      withinStandardShare: Ratio,
      orderMinutes: Num,
    }),
  ),
  utilisation: obj({
    deployedOfficers: Type.Integer(),
    deployableOfficers: Type.Integer(),
    rate: Ratio,
    officerHours: Type.Number(),
  }),
  caseClearance: obj({ incidents: Type.Integer(), closed: Type.Integer(), rate: Ratio }),
  equipmentCompatibility: obj({ items: Type.Integer(), compatible: Type.Integer(), rate: Ratio }),
  satisfaction: obj({
    released: Type.Integer(),
    responses: Type.Integer(),
    meanRating: Num,
    responseRate: Ratio,
  }),
  logisticsCoverage: obj({
    demands: Type.Integer(),
    covered: Type.Integer(),
    rate: Ratio,
    meals: Ratio,
    lodging: Ratio,
    medical: Ratio,
  }),
  balance: obj({
    pairs: Type.Array(
      obj({
        fromRegionId: Type.String(),
        toRegionId: Type.String(),
        officers: Type.Integer(),
        officerHours: Type.Number(),
      }),
    ),
    regions: Type.Array(
      obj({
        regionId: Type.String(),
        givenHours: Type.Number(),
        receivedHours: Type.Number(),
        netHours: Type.Number(),
      }),
    ),
  }),
});
