/**
 * The shared core of every matcher (solver, greedy, nearest) and of the checker: expands demands into slot
 * groups, applies the planner's adjustments, decides pair eligibility under the hard limits of model.ts, prices
 * pairs with the lexicographic weights, and turns a set of picks into a `MatchPlan` with explanations.
 *
 * A slot group is (demand, skill) with a capacity: one group per required skill (capacity = its count) and one
 * general group (capacity = headcount − Σ counts, never negative; when the required skills add up to more than
 * the headcount, the skills win and the general group is empty). An officer fills at most one slot overall.
 */
import type { MatchAssignment, MatchInstance, MatchPlan, MatchShortfall } from './model.ts';

/** The general slot's label in assignments and shortfalls. */
export const GENERAL = 'general';

/**
 * Objective weights, in "minutes of travel" units. Lexicographic in practice: an unfilled skill slot costs as
 * much as 100 unfilled general slots, an unfilled general slot as much as ~7 days of summed extra travel, and
 * fairness is worth at most 3 minutes of travel (a tie-break among officers arriving within minutes of each
 * other). A pin is a bonus above everything, so pins are honoured whenever they are feasible together.
 */
export const WEIGHTS = {
  skillSlot: 1e6,
  generalSlot: 1e4,
  etaPerMin: 1,
  /** Up to this many minutes for task points (relative to the most points among the officers). */
  fairPoints: 2,
  /** Up to this many minutes for recent deployments (saturates at RECENT_CAP). */
  fairRecent: 1,
  pin: 1e8,
} as const;
const RECENT_CAP = 5;

/** Default daily duty cap (12 hours). */
export const DEFAULT_DUTY_CAP_MIN = 720;

/** Why a pair cannot be used at all (before skills and region capacity usage). */
export type PairBlock = 'removed' | 'unreachable' | 'deadline' | 'hours' | 'cover';

export interface SlotGroup {
  index: number;
  demand: number;
  /** Required skill, or null for the general slot. */
  skill: string | null;
  capacity: number;
}

export interface Prepared {
  instance: MatchInstance;
  nO: number;
  nD: number;
  dutyCapMin: number;
  groups: SlotGroup[];
  groupsByDemand: number[][];
  removed: Uint8Array;
  officerIndex: Map<string, number>;
  demandIndex: Map<string, number>;
  regionIds: string[];
  officerRegion: Int32Array;
  demandRegion: Int32Array;
  regionAvailable: number[];
  regionMinCover: number[];
  /** Officers a region may lend to other regions: max(0, available − minimum cover). */
  regionCap: number[];
  fairness: Float64Array;
  skills: Set<string>[];
  /** Valid pins (officer index → demand index). */
  pinned: Map<number, number>;
  rejectedPins: { officerId: string; demandId: string; why: string }[];
  /** Per demand: officers with no pair block, sorted by pair cost then index. */
  candidates: Int32Array[];
}

/** An officer in a slot group (indices into Prepared). */
export interface Pick {
  officer: number;
  group: number;
}

const minutes = (sec: number): number => Math.round(sec / 60);

/** A malformed instance (the caller's bug or bad input; the plan service maps it to VALIDATION_FAILED). */
export class MatchInputError extends Error {
  override name = 'MatchInputError';
}

/** Validates the instance's shape; throws MatchInputError. */
export function validateInstance(instance: MatchInstance): void {
  const fail = (message: string): never => {
    throw new MatchInputError(message);
  };
  const nO = instance.officers.length;
  const nD = instance.demands.length;
  if (instance.eta.length !== nO * nD)
    fail(`eta has ${instance.eta.length} entries; expected officers × demands = ${nO * nD}.`);
  const ids = new Set<string>();
  for (const o of instance.officers) {
    if (!o.id || ids.has(o.id)) fail(`Officer ids must be non-empty and unique (${o.id}).`);
    ids.add(o.id);
    if (!(o.dutyMinutesToday >= 0)) fail(`Officer ${o.id}: dutyMinutesToday must be ≥ 0.`);
  }
  const dIds = new Set<string>();
  for (const d of instance.demands) {
    if (!d.id || dIds.has(d.id)) fail(`Demand ids must be non-empty and unique (${d.id}).`);
    dIds.add(d.id);
    if (!Number.isInteger(d.headcount) || d.headcount < 0) fail(`Demand ${d.id}: bad headcount.`);
    if (!(d.deadlineSec >= 0) || !(d.expectedDurationMin >= 0))
      fail(`Demand ${d.id}: deadlineSec and expectedDurationMin must be ≥ 0.`);
    for (const s of d.skills)
      if (!Number.isInteger(s.count) || s.count < 0) fail(`Demand ${d.id}: bad count for ${s.skill}.`);
  }
}

/** The pair's cost in the objective (travel minutes plus the fairness tie-break). */
export function pairCost(p: Prepared, i: number, j: number): number {
  return (p.instance.eta[i * p.nD + j]! / 60) * WEIGHTS.etaPerMin + p.fairness[i]!;
}

/** Penalty of one unfilled slot of the group. */
export function unfilledCost(g: SlotGroup): number {
  return g.skill === null ? WEIGHTS.generalSlot : WEIGHTS.skillSlot;
}

/** Why officer i cannot serve demand j at all, or null. */
export function pairBlock(p: Prepared, i: number, j: number): PairBlock | null {
  if (p.removed[i]) return 'removed';
  const eta = p.instance.eta[i * p.nD + j]!;
  if (!Number.isFinite(eta) || eta < 0) return 'unreachable';
  const d = p.instance.demands[j]!;
  if (eta > d.deadlineSec) return 'deadline';
  const o = p.instance.officers[i]!;
  if (o.dutyMinutesToday + eta / 60 + d.expectedDurationMin > p.dutyCapMin) return 'hours';
  if (p.officerRegion[i] !== p.demandRegion[j] && p.regionCap[p.officerRegion[i]!]! <= 0) return 'cover';
  return null;
}

/** Whether officer i may fill a slot of group g (pair unblocked and, for a skill slot, has the skill). */
export function groupEligible(p: Prepared, i: number, g: SlotGroup): boolean {
  return pairBlock(p, i, g.demand) === null && (g.skill === null || p.skills[i]!.has(g.skill));
}

/** Whether officer i serving demand j counts as lent by the officer's region. */
export const isLent = (p: Prepared, i: number, j: number): boolean => p.officerRegion[i] !== p.demandRegion[j];

/** Expands slots, applies adjustments, indexes everything the matchers need. */
export function prepare(instance: MatchInstance): Prepared {
  validateInstance(instance);
  const adj = instance.adjustments ?? {};
  const nO = instance.officers.length;
  const nD = instance.demands.length;
  const officerIndex = new Map(instance.officers.map((o, i) => [o.id, i]));
  const demandIndex = new Map(instance.demands.map((d, j) => [d.id, j]));

  const groups: SlotGroup[] = [];
  const groupsByDemand: number[][] = [];
  instance.demands.forEach((d, j) => {
    const headcount = Math.max(0, Math.floor(adj.headcount?.[d.id] ?? d.headcount));
    const bySkill = new Map<string, number>();
    for (const s of d.skills) if (s.count > 0) bySkill.set(s.skill, (bySkill.get(s.skill) ?? 0) + s.count);
    const mine: number[] = [];
    let skilled = 0;
    for (const [skill, count] of bySkill) {
      mine.push(groups.length);
      groups.push({ index: groups.length, demand: j, skill, capacity: count });
      skilled += count;
    }
    mine.push(groups.length);
    groups.push({ index: groups.length, demand: j, skill: null, capacity: Math.max(0, headcount - skilled) });
    groupsByDemand.push(mine);
  });

  const regionIds: string[] = [];
  const regionIndex = new Map<string, number>();
  const region = (id: string): number => {
    let r = regionIndex.get(id);
    if (r === undefined) {
      r = regionIds.length;
      regionIds.push(id);
      regionIndex.set(id, r);
    }
    return r;
  };
  for (const id of Object.keys(instance.regions)) region(id);
  const officerRegion = Int32Array.from(instance.officers, (o) => region(o.regionId));
  const demandRegion = Int32Array.from(instance.demands, (d) => region(d.regionId));
  const headCounts = new Array<number>(regionIds.length).fill(0);
  for (const r of officerRegion) headCounts[r]!++;
  const regionAvailable = regionIds.map((id, r) => instance.regions[id]?.available ?? headCounts[r]!);
  const regionMinCover = regionIds.map((id) => Math.max(0, adj.cover?.[id] ?? instance.regions[id]?.minCover ?? 0));
  const regionCap = regionIds.map((_, r) => Math.max(0, regionAvailable[r]! - regionMinCover[r]!));

  const removed = new Uint8Array(nO);
  for (const id of adj.remove ?? []) {
    const i = officerIndex.get(id);
    if (i !== undefined) removed[i] = 1;
  }
  let maxPoints = 0;
  for (const o of instance.officers) maxPoints = Math.max(maxPoints, o.taskPoints);
  const fairness = Float64Array.from(
    instance.officers,
    (o) =>
      (maxPoints > 0 ? (WEIGHTS.fairPoints * Math.max(0, o.taskPoints)) / maxPoints : 0) +
      (WEIGHTS.fairRecent * Math.min(RECENT_CAP, Math.max(0, o.recentDeployments))) / RECENT_CAP,
  );

  const p: Prepared = {
    instance,
    nO,
    nD,
    dutyCapMin: instance.dutyCapMin ?? DEFAULT_DUTY_CAP_MIN,
    groups,
    groupsByDemand,
    removed,
    officerIndex,
    demandIndex,
    regionIds,
    officerRegion,
    demandRegion,
    regionAvailable,
    regionMinCover,
    regionCap,
    fairness,
    skills: instance.officers.map((o) => new Set(o.skills)),
    pinned: new Map(),
    rejectedPins: [],
    candidates: [],
  };

  for (let j = 0; j < nD; j++) {
    const list: number[] = [];
    const cost: number[] = new Array<number>(nO);
    for (let i = 0; i < nO; i++) {
      if (pairBlock(p, i, j) === null) {
        list.push(i);
        cost[i] = pairCost(p, i, j);
      }
    }
    list.sort((a, b) => cost[a]! - cost[b]! || a - b);
    p.candidates.push(Int32Array.from(list));
  }

  // Pins: validated one by one; what cannot be honoured on its own (or together with earlier pins on counts
  // of slots and region cover) is rejected with the reason, the rest become a bonus in the objective.
  const pinsPerDemand = new Array<number>(nD).fill(0);
  const lentPins = new Array<number>(regionIds.length).fill(0);
  for (const pin of adj.pins ?? []) {
    const reject = (why: string) => p.rejectedPins.push({ officerId: pin.officerId, demandId: pin.demandId, why });
    const i = officerIndex.get(pin.officerId);
    const j = demandIndex.get(pin.demandId);
    if (i === undefined) {
      reject('unknown or ineligible officer (not in the pool)');
      continue;
    }
    if (j === undefined) {
      reject('unknown demand (not among the demands being planned)');
      continue;
    }
    if (p.pinned.has(i)) {
      reject(`officer already pinned to demand ${instance.demands[p.pinned.get(i)!]!.id}`);
      continue;
    }
    const block = pairBlock(p, i, j);
    if (block !== null) {
      reject(blockWhy(p, i, j, block));
      continue;
    }
    if (!p.groupsByDemand[j]!.some((g) => groupEligible(p, i, groups[g]!) && groups[g]!.capacity > 0)) {
      reject('the officer has none of the required skills and the demand has no general slot');
      continue;
    }
    const slots = p.groupsByDemand[j]!.reduce((n, g) => n + groups[g]!.capacity, 0);
    if (pinsPerDemand[j]! >= slots) {
      reject(`the demand has only ${slots} slot(s), all pinned`);
      continue;
    }
    if (isLent(p, i, j)) {
      const r = officerRegion[i]!;
      if (lentPins[r]! >= regionCap[r]!) {
        reject(
          `region ${regionIds[r]} cover: only ${regionCap[r]} officer(s) may be lent (minimum cover ${regionMinCover[r]})`,
        );
        continue;
      }
      lentPins[r]!++;
    }
    pinsPerDemand[j]!++;
    p.pinned.set(i, j);
  }
  return p;
}

/** A sentence for a pair block. */
export function blockWhy(p: Prepared, i: number, j: number, block: PairBlock): string {
  const o = p.instance.officers[i]!;
  const d = p.instance.demands[j]!;
  const eta = p.instance.eta[i * p.nD + j]!;
  switch (block) {
    case 'removed':
      return 'removed by the planner';
    case 'unreachable':
      return 'no road route to the demand';
    case 'deadline':
      return `arrives in ${minutes(eta)} min, after the ${minutes(d.deadlineSec)}-min deadline`;
    case 'hours':
      return (
        `would exceed the ${p.dutyCapMin / 60}-hour duty cap (${Math.round(o.dutyMinutesToday)} min on duty + ` +
        `${minutes(eta)} min travel + ${d.expectedDurationMin} min task)`
      );
    case 'cover': {
      const r = p.officerRegion[i]!;
      return `region ${p.regionIds[r]} has nothing to lend (available ${p.regionAvailable[r]}, minimum cover ${p.regionMinCover[r]})`;
    }
  }
}

/** The objective of a set of picks (pins not counted): unfilled penalties + travel + fairness. */
export function picksObjective(p: Prepared, picks: readonly Pick[]): number {
  const filled = new Array<number>(p.groups.length).fill(0);
  let total = 0;
  for (const k of picks) {
    filled[k.group]!++;
    total += pairCost(p, k.officer, p.groups[k.group]!.demand);
  }
  for (const g of p.groups) total += Math.max(0, g.capacity - filled[g.index]!) * unfilledCost(g);
  return total;
}

/** Unfilled slots split by kind. */
export function unmetSlots(p: Prepared, picks: readonly Pick[]): { skill: number; general: number } {
  const filled = new Array<number>(p.groups.length).fill(0);
  for (const k of picks) filled[k.group]!++;
  let skill = 0;
  let general = 0;
  for (const g of p.groups) {
    const missing = Math.max(0, g.capacity - filled[g.index]!);
    if (g.skill === null) general += missing;
    else skill += missing;
  }
  return { skill, general };
}

function fairnessText(p: Prepared, i: number): string {
  const o = p.instance.officers[i]!;
  return `${Math.round(o.taskPoints)} task points, ${o.recentDeployments} deployment(s) in 30 days`;
}

function shortfallWhy(p: Prepared, g: SlotGroup, taken: Map<number, number>): string {
  const d = p.instance.demands[g.demand]!;
  const what = g.skill === null ? 'officers' : `officers with ${g.skill}`;
  const withSkill: number[] = [];
  for (let i = 0; i < p.nO; i++)
    if (!p.removed[i] && (g.skill === null || p.skills[i]!.has(g.skill))) withSkill.push(i);
  if (!withSkill.length) return g.skill === null ? 'no officer in the pool' : `no officer in the pool has ${g.skill}`;
  const counts: Record<PairBlock, number> = { removed: 0, unreachable: 0, deadline: 0, hours: 0, cover: 0 };
  let eligible = 0;
  for (const i of withSkill) {
    const b = pairBlock(p, i, g.demand);
    if (b === null) eligible++;
    else counts[b]++;
  }
  if (!eligible) {
    const late = counts.deadline + counts.unreachable;
    if (late === withSkill.length)
      return `none of the ${withSkill.length} ${what} arrives before the ${minutes(d.deadlineSec)}-min deadline (too far or unreachable)`;
    const parts: string[] = [];
    if (late) parts.push(`${late} arrive too late`);
    if (counts.hours) parts.push(`${counts.hours} would exceed the ${p.dutyCapMin / 60}-hour duty cap`);
    if (counts.cover) parts.push(`${counts.cover} are held by their region's minimum cover`);
    return `none of the ${withSkill.length} ${what} is eligible: ${parts.join(', ')}`;
  }
  let elsewhere = 0;
  let coverBound = 0;
  for (const i of withSkill) {
    if (pairBlock(p, i, g.demand) !== null) continue;
    if (taken.has(i)) elsewhere++;
    else if (isLent(p, i, g.demand)) coverBound++;
  }
  const parts = [`all ${eligible} eligible ${what} are used`];
  if (elsewhere) parts[0] = `${elsewhere} of ${eligible} eligible ${what} fill other slots`;
  if (coverBound) parts.push(`${coverBound} more are held by their region's minimum cover (lending limit reached)`);
  return parts.join('; ');
}

/** Turns picks into a plan with reasons, shortfalls, cover per region and passed-over officers. */
export function buildPlan(
  p: Prepared,
  picks: readonly Pick[],
  meta: { method: MatchPlan['method']; gap: number; solveMs: number },
): MatchPlan {
  const taken = new Map<number, number>(); // officer -> group
  for (const k of picks) taken.set(k.officer, k.group);
  const lent = new Array<number>(p.regionIds.length).fill(0);
  const assignments: MatchAssignment[] = picks.map((k) => {
    const g = p.groups[k.group]!;
    const d = p.instance.demands[g.demand]!;
    const o = p.instance.officers[k.officer]!;
    const eta = p.instance.eta[k.officer * p.nD + g.demand]!;
    const lending = isLent(p, k.officer, g.demand);
    if (lending) lent[p.officerRegion[k.officer]!]!++;
    const slot = g.skill ?? GENERAL;
    const pin = p.pinned.get(k.officer) === g.demand ? 'pinned by the planner; ' : '';
    const reason =
      `${pin}${g.skill ? `has ${g.skill}` : 'general slot'}; ETA ${minutes(eta)} min, ` +
      `${minutes(d.deadlineSec - eta)} min before the ${minutes(d.deadlineSec)}-min deadline; ` +
      `${fairnessText(p, k.officer)}; ` +
      (lending ? `lent by region ${o.regionId}` : 'from the receiving region');
    return { officerId: o.id, demandId: d.id, slot, etaSec: eta, reason };
  });

  const filled = new Array<number>(p.groups.length).fill(0);
  for (const k of picks) filled[k.group]!++;
  const shortfalls: MatchShortfall[] = [];
  for (const g of p.groups) {
    const missing = g.capacity - filled[g.index]!;
    if (missing > 0)
      shortfalls.push({
        demandId: p.instance.demands[g.demand]!.id,
        slot: g.skill ?? GENERAL,
        missing,
        why: shortfallWhy(p, g, taken),
      });
  }

  const cover: MatchPlan['cover'] = {};
  p.regionIds.forEach((id, r) => {
    cover[id] = {
      available: p.regionAvailable[r]!,
      lent: lent[r]!,
      left: p.regionAvailable[r]! - lent[r]!,
      minCover: p.regionMinCover[r]!,
    };
  });

  // Passed over: per demand, officers nearer than its farthest pick who serve elsewhere or cannot serve it.
  const passedOver: MatchPlan['passedOver'] = [];
  const PER_DEMAND = 5;
  const farthestEta = new Float64Array(p.nD).fill(-1);
  for (const k of picks) {
    const j = p.groups[k.group]!.demand;
    farthestEta[j] = Math.max(farthestEta[j]!, p.instance.eta[k.officer * p.nD + j]!);
  }
  for (let j = 0; j < p.nD; j++) {
    const farthest = farthestEta[j]!;
    if (farthest < 0) continue;
    const nearer: number[] = [];
    for (let i = 0; i < p.nO; i++) {
      const eta = p.instance.eta[i * p.nD + j]!;
      if (eta < farthest && p.groups[taken.get(i) ?? -1]?.demand !== j) nearer.push(i);
    }
    nearer.sort((a, b) => p.instance.eta[a * p.nD + j]! - p.instance.eta[b * p.nD + j]!);
    for (const i of nearer.slice(0, PER_DEMAND)) {
      const d = p.instance.demands[j]!;
      const block = pairBlock(p, i, j);
      let why: string;
      if (block !== null) why = blockWhy(p, i, j, block);
      else if (taken.has(i)) {
        const g = p.groups[taken.get(i)!]!;
        why = `assigned to demand ${p.instance.demands[g.demand]!.id} (${g.skill ?? GENERAL} slot), where the plan needs them more`;
      } else if (isLent(p, i, j) && lent[p.officerRegion[i]!]! >= p.regionCap[p.officerRegion[i]!]!)
        why = `region ${p.regionIds[p.officerRegion[i]!]} has lent all it may (minimum cover ${p.regionMinCover[p.officerRegion[i]!]})`;
      else why = `lacks the required skills of ${d.id} and its general slots are filled`;
      passedOver.push({ officerId: p.instance.officers[i]!.id, demandId: d.id, why });
    }
  }

  const rejectedPins = [...p.rejectedPins];
  for (const [i, j] of p.pinned) {
    const g = taken.get(i);
    if (g === undefined || p.groups[g]!.demand !== j)
      rejectedPins.push({
        officerId: p.instance.officers[i]!.id,
        demandId: p.instance.demands[j]!.id,
        why: 'could not be honoured together with the other pins (slots or region cover)',
      });
  }

  return {
    assignments,
    shortfalls,
    cover,
    passedOver,
    rejectedPins,
    objective: Math.round(picksObjective(p, picks) * 1e6) / 1e6,
    method: meta.method,
    gap: meta.gap,
    solveMs: Math.round(meta.solveMs * 100) / 100,
  };
}
