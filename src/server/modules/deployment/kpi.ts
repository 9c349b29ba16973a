/**
 * The six indicators of paper 002 (3.4 目标验证) plus the region-to-region balance, computed from plain data
 * (no I/O; `kpi.service.ts` loads the data). Definitions:
 *
 * 1. **Response time** (响应时间, "指令下达至警力到位"): per assignment, order → arrival in minutes, grouped by
 *    demand level, against the standard: general (III, IV) ≤ 60 min, major (II) ≤ 30 min, especially major (I)
 *    ≤ 30 min on scene (and orders within 15 min of the demand: `orderMinutes`). Per level: count of arrivals,
 *    mean, p90 (nearest rank: the ⌈0.9·n⌉-th smallest) and the share within the standard. Officers who never
 *    arrived are not timed (they show in `notArrived`).
 * 2. **Utilisation** (警力资源利用率, "实际支援警力/可调配警力"), as head-counts: distinct officers of the scope
 *    ordered to a demand in the window ÷ deployable officers of the scope (active officers minus the regions'
 *    minimum cover, which may never be lent). Deployed officer-hours (booked duty minutes / 60) are reported
 *    beside it.
 * 3. **Cross-region case clearance** (跨区域案件破案率): demands linked to an incident (`incident_id`); closed
 *    incidents ÷ linked incidents (distinct).
 * 4. **Equipment compatibility rate** (装备兼容性达标率): equipment lent to demands (deployment_equipment)
 *    that is compatible with the receiving region ÷ all equipment lent. An item is compatible when it has no
 *    interoperability standard, when its standard equals the standard the receiving region itself uses for
 *    that kind (the most common one among its own equipment of the kind), or when the receiving region has
 *    none of that kind (nothing to interoperate with).
 * 5. **Officer satisfaction** (民警参与满意度): mean survey rating (1–5) of released assignments, and the
 *    response rate (surveys ÷ released assignments).
 * 6. **Logistics coverage** (保障覆盖率, "支援任务中保障措施落实比例"): demands with meals, lodging and medical
 *    all recorded ÷ demands that were executed (reached executing or closed); each measure's share too.
 * 7. **Balance of help**: per (home region → receiving region) pair of different regions, officers and booked
 *    officer-hours lent; per region, hours given, received and the net.
 *
 * Ratios with an empty denominator are null (not 0: "nothing to measure" is not "failed").
 */

/** Response standard in minutes (order → on scene) by level; I and II ≤ 30, III and IV ≤ 60. */
export const RESPONSE_STANDARD_MIN: Readonly<Record<number, number>> = { 1: 30, 2: 30, 3: 60, 4: 60 };
/** Level I: orders out within this many minutes of the demand. */
export const ORDER_STANDARD_MIN_LEVEL_1 = 15;

export interface KpiDemand {
  id: string;
  regionId: string;
  level: number;
  status: string;
  createdAt: Date;
  incidentId: string | null;
  incidentClosed: boolean | null;
  logistics: { meals: boolean; lodging: boolean; medical: boolean } | null;
}

export interface KpiAssignment {
  id: string;
  demandId: string;
  officerId: string;
  /** The officer's home region (county). */
  homeRegionId: string;
  status: string;
  orderedAt: Date | null;
  arrivedAt: Date | null;
  dutyMinutes: number | null;
  rating: number | null;
}

export interface KpiEquipment {
  demandId: string;
  kind: string;
  standard: string | null;
  /** The standard the receiving region uses for this kind, or null when it has none of the kind. */
  receivingStandard: string | null;
}

export interface KpiInput {
  demands: readonly KpiDemand[];
  assignments: readonly KpiAssignment[];
  equipment: readonly KpiEquipment[];
  /** Distinct officers of the scope ordered in the window. */
  deployedOfficers: number;
  /** Active officers of the scope minus the regions' minimum cover. */
  deployableOfficers: number;
}

export interface ResponseLevel {
  level: number;
  standardMin: number;
  arrivals: number;
  notArrived: number;
  meanMin: number | null;
  p90Min: number | null;
  withinStandardShare: number | null;
  /** Mean minutes from the demand's creation to its first order. */
  orderMinutes: number | null;
}

export interface Kpis {
  responseTime: ResponseLevel[];
  utilisation: { deployedOfficers: number; deployableOfficers: number; rate: number | null; officerHours: number };
  caseClearance: { incidents: number; closed: number; rate: number | null };
  equipmentCompatibility: { items: number; compatible: number; rate: number | null };
  satisfaction: { released: number; responses: number; meanRating: number | null; responseRate: number | null };
  logisticsCoverage: {
    demands: number;
    covered: number;
    rate: number | null;
    meals: number | null;
    lodging: number | null;
    medical: number | null;
  };
  balance: {
    pairs: { fromRegionId: string; toRegionId: string; officers: number; officerHours: number }[];
    regions: { regionId: string; givenHours: number; receivedHours: number; netHours: number }[];
  };
}

const LIVE_OR_DONE = new Set(['ordered', 'acknowledged', 'en_route', 'arrived', 'handed_over', 'released']);

const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const ratio = (a: number, b: number): number | null => (b === 0 ? null : round(a / b, 4));
const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : round(xs.reduce((s, x) => s + x, 0) / xs.length);

/** Nearest-rank percentile: the ⌈p·n⌉-th smallest value. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

const minutes = (a: Date, b: Date): number => (b.getTime() - a.getTime()) / 60_000;

/** Computes the indicators (see the module comment for each definition). */
export function computeKpis(input: KpiInput): Kpis {
  const demandById = new Map(input.demands.map((d) => [d.id, d]));
  const sent = input.assignments.filter((a) => LIVE_OR_DONE.has(a.status) && a.orderedAt !== null);

  const responseTime: ResponseLevel[] = [1, 2, 3, 4].map((level) => {
    const mine = sent.filter((a) => demandById.get(a.demandId)?.level === level);
    const times = mine.filter((a) => a.arrivedAt !== null).map((a) => minutes(a.orderedAt!, a.arrivedAt!));
    const standardMin = RESPONSE_STANDARD_MIN[level]!;
    const firstOrder = new Map<string, Date>();
    for (const a of mine) {
      const t = firstOrder.get(a.demandId);
      if (!t || a.orderedAt! < t) firstOrder.set(a.demandId, a.orderedAt!);
    }
    const orderTimes = [...firstOrder].map(([id, t]) => minutes(demandById.get(id)!.createdAt, t));
    const p90 = percentile(times, 0.9);
    return {
      level,
      standardMin,
      arrivals: times.length,
      notArrived: mine.length - times.length,
      meanMin: mean(times),
      p90Min: p90 === null ? null : round(p90),
      withinStandardShare: ratio(times.filter((t) => t <= standardMin).length, times.length),
      orderMinutes: mean(orderTimes),
    };
  });

  const officerHours = round(sent.reduce((s, a) => s + (a.dutyMinutes ?? 0), 0) / 60);

  const incidents = new Map<string, boolean>();
  for (const d of input.demands) {
    if (d.incidentId !== null) incidents.set(d.incidentId, d.incidentClosed === true);
  }
  const closedIncidents = [...incidents.values()].filter(Boolean).length;

  const compatible = input.equipment.filter(
    (e) => e.standard === null || e.receivingStandard === null || e.standard === e.receivingStandard,
  ).length;

  const released = sent.filter((a) => a.status === 'released');
  const ratings = released.filter((a) => a.rating !== null).map((a) => a.rating!);

  const executed = input.demands.filter((d) => d.status === 'executing' || d.status === 'closed');
  const has = (k: 'meals' | 'lodging' | 'medical') => executed.filter((d) => d.logistics?.[k] === true).length;
  const covered = executed.filter((d) => d.logistics?.meals && d.logistics.lodging && d.logistics.medical).length;

  const pairs = new Map<string, { fromRegionId: string; toRegionId: string; officers: Set<string>; min: number }>();
  for (const a of sent) {
    const d = demandById.get(a.demandId);
    if (!d || d.regionId === a.homeRegionId) continue;
    const key = `${a.homeRegionId}→${d.regionId}`;
    const p = pairs.get(key) ?? { fromRegionId: a.homeRegionId, toRegionId: d.regionId, officers: new Set(), min: 0 };
    p.officers.add(a.officerId);
    p.min += a.dutyMinutes ?? 0;
    pairs.set(key, p);
  }
  const regions = new Map<string, { given: number; received: number }>();
  const region = (id: string) => regions.get(id) ?? regions.set(id, { given: 0, received: 0 }).get(id)!;
  for (const p of pairs.values()) {
    region(p.fromRegionId).given += p.min;
    region(p.toRegionId).received += p.min;
  }
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  return {
    responseTime,
    utilisation: {
      deployedOfficers: input.deployedOfficers,
      deployableOfficers: input.deployableOfficers,
      rate: input.deployableOfficers <= 0 ? null : ratio(input.deployedOfficers, input.deployableOfficers),
      officerHours,
    },
    caseClearance: { incidents: incidents.size, closed: closedIncidents, rate: ratio(closedIncidents, incidents.size) },
    equipmentCompatibility: {
      items: input.equipment.length,
      compatible,
      rate: ratio(compatible, input.equipment.length),
    },
    satisfaction: {
      released: released.length,
      responses: ratings.length,
      meanRating: mean(ratings),
      responseRate: ratio(ratings.length, released.length),
    },
    logisticsCoverage: {
      demands: executed.length,
      covered,
      rate: ratio(covered, executed.length),
      meals: ratio(has('meals'), executed.length),
      lodging: ratio(has('lodging'), executed.length),
      medical: ratio(has('medical'), executed.length),
    },
    balance: {
      pairs: [...pairs.values()]
        .map((p) => ({
          fromRegionId: p.fromRegionId,
          toRegionId: p.toRegionId,
          officers: p.officers.size,
          officerHours: round(p.min / 60),
        }))
        .sort((a, b) => byId(a.fromRegionId, b.fromRegionId) || byId(a.toRegionId, b.toRegionId)),
      regions: [...regions]
        .map(([regionId, r]) => ({
          regionId,
          givenHours: round(r.given / 60),
          receivedHours: round(r.received / 60),
          netHours: round((r.given - r.received) / 60),
        }))
        .sort((a, b) => byId(a.regionId, b.regionId)),
    },
  };
}
