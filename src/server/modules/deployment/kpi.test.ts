/**
 * The KPIs over a scripted deployment with known times: three demands (levels II, IV, I) in two counties, seven
 * assignments (one never arrived, one only proposed), four lent items of equipment, surveys and logistics. Every
 * expected figure is worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { computeKpis, percentile, type KpiAssignment, type KpiDemand, type KpiInput } from './kpi.ts';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const at = (min: number): Date => new Date(T0 + min * 60_000);
const C1 = '440103';
const C2 = '440104';
const B1 = '440203';

const demands: KpiDemand[] = [
  {
    id: 'D1',
    regionId: C1,
    level: 2,
    status: 'closed',
    createdAt: at(0),
    incidentId: 'I1',
    incidentClosed: true,
    logistics: { meals: true, lodging: true, medical: true },
  },
  {
    id: 'D2',
    regionId: C2,
    level: 4,
    status: 'executing',
    createdAt: at(0),
    incidentId: 'I2',
    incidentClosed: false,
    logistics: { meals: true, lodging: false, medical: false },
  },
  {
    id: 'D3',
    regionId: C1,
    level: 1,
    status: 'closed',
    createdAt: at(60),
    incidentId: null,
    incidentClosed: null,
    logistics: null,
  },
];

const a = (
  id: string,
  demandId: string,
  officerId: string,
  homeRegionId: string,
  status: string,
  ordered: number | null,
  arrived: number | null,
  dutyMinutes: number | null,
  rating: number | null,
): KpiAssignment => ({
  id,
  demandId,
  officerId,
  homeRegionId,
  status,
  orderedAt: ordered === null ? null : at(ordered),
  arrivedAt: arrived === null ? null : at(arrived),
  dutyMinutes,
  rating,
});

const assignments: KpiAssignment[] = [
  a('a1', 'D1', 'o1', C2, 'released', 5, 25, 300, 5), // 20 min
  a('a2', 'D1', 'o2', C2, 'released', 5, 45, 320, 3), // 40 min
  a('a3', 'D1', 'o3', B1, 'en_route', 6, null, null, null), // never arrived
  a('a4', 'D2', 'o4', C1, 'released', 10, 40, 240, null), // 30 min
  a('a5', 'D2', 'o5', C2, 'released', 10, 80, 200, 4), // 70 min, own county (not lent)
  a('a6', 'D3', 'o6', B1, 'released', 70, 95, 180, 2), // 25 min
  a('a7', 'D3', 'o7', B1, 'proposed', null, null, null, null), // never ordered: ignored
];

const input: KpiInput = {
  demands,
  assignments,
  equipment: [
    { demandId: 'D1', kind: 'radio', standard: 'PDT', receivingStandard: 'PDT' }, // same standard
    { demandId: 'D1', kind: 'radio', standard: 'DMR', receivingStandard: 'PDT' }, // incompatible
    { demandId: 'D2', kind: 'drone', standard: null, receivingStandard: 'X' }, // no standard needed
    { demandId: 'D2', kind: 'body_camera', standard: 'GA/T 947', receivingStandard: null }, // receiver has none
  ],
  deployedOfficers: 6,
  deployableOfficers: 40,
};

describe('computeKpis over a scripted deployment', () => {
  const k = computeKpis(input);

  it('times order → arrival per level against the standard (mean, nearest-rank p90, share within)', () => {
    expect(k.responseTime).toEqual([
      // D3: 25 min ≤ 30; ordered 10 min after the demand.
      {
        level: 1,
        standardMin: 30,
        arrivals: 1,
        notArrived: 0,
        meanMin: 25,
        p90Min: 25,
        withinStandardShare: 1,
        orderMinutes: 10,
      },
      // D1: 20 and 40 min (one officer still on the way); p90 of two = the 2nd; 1 of 2 within 30.
      {
        level: 2,
        standardMin: 30,
        arrivals: 2,
        notArrived: 1,
        meanMin: 30,
        p90Min: 40,
        withinStandardShare: 0.5,
        orderMinutes: 5,
      },
      {
        level: 3,
        standardMin: 60,
        arrivals: 0,
        notArrived: 0,
        meanMin: null,
        p90Min: null,
        withinStandardShare: null,
        orderMinutes: null,
      },
      // D2: 30 and 70 min; 1 of 2 within 60.
      {
        level: 4,
        standardMin: 60,
        arrivals: 2,
        notArrived: 0,
        meanMin: 50,
        p90Min: 70,
        withinStandardShare: 0.5,
        orderMinutes: 10,
      },
    ]);
  });

  it('computes utilisation from head-counts and books officer-hours of ordered assignments', () => {
    // 300 + 320 + 0 + 240 + 200 + 180 = 1,240 min = 20.67 h (the proposed a7 does not count).
    expect(k.utilisation).toEqual({ deployedOfficers: 6, deployableOfficers: 40, rate: 0.15, officerHours: 20.67 });
  });

  it('counts linked incidents closed, compatible equipment, survey answers and logistics', () => {
    expect(k.caseClearance).toEqual({ incidents: 2, closed: 1, rate: 0.5 });
    expect(k.equipmentCompatibility).toEqual({ items: 4, compatible: 3, rate: 0.75 });
    // Released: a1, a2, a4, a5, a6; ratings 5, 3, 4, 2.
    expect(k.satisfaction).toEqual({ released: 5, responses: 4, meanRating: 3.5, responseRate: 0.8 });
    // Executed demands D1, D2, D3: only D1 has all three; meals in D1 and D2.
    expect(k.logisticsCoverage).toEqual({
      demands: 3,
      covered: 1,
      rate: 0.3333,
      meals: 0.6667,
      lodging: 0.3333,
      medical: 0.3333,
    });
  });

  it('balances help given and received per region pair, leaving out officers serving their own region', () => {
    expect(k.balance.pairs).toEqual([
      { fromRegionId: C1, toRegionId: C2, officers: 1, officerHours: 4 },
      { fromRegionId: C2, toRegionId: C1, officers: 2, officerHours: 10.33 },
      { fromRegionId: B1, toRegionId: C1, officers: 2, officerHours: 3 },
    ]);
    expect(k.balance.regions).toEqual([
      { regionId: C1, givenHours: 4, receivedHours: 13.33, netHours: -9.33 },
      { regionId: C2, givenHours: 10.33, receivedHours: 4, netHours: 6.33 },
      { regionId: B1, givenHours: 3, receivedHours: 0, netHours: 3 },
    ]);
  });

  it('answers null, not zero, when there is nothing to measure', () => {
    const empty = computeKpis({
      demands: [],
      assignments: [],
      equipment: [],
      deployedOfficers: 0,
      deployableOfficers: 0,
    });
    expect(empty.utilisation.rate).toBeNull();
    expect(empty.caseClearance.rate).toBeNull();
    expect(empty.equipmentCompatibility.rate).toBeNull();
    expect(empty.satisfaction.meanRating).toBeNull();
    expect(empty.logisticsCoverage.rate).toBeNull();
    expect(empty.responseTime.every((r) => r.meanMin === null && r.withinStandardShare === null)).toBe(true);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([], 0.9)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.9)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
  });
});
