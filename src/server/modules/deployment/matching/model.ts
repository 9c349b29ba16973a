/**
 * The matching problem of cross-region deployment, as plain data (no database, no HTTP): which eligible
 * officers go to which open demands. Built by the plan service from the pools, demands and road ETAs; solved by
 * `solver.ts` (HiGHS, in a worker thread); compared with `greedy.ts` / `nearest.ts`; checked by `verify.ts`.
 *
 * Slots: a demand of headcount h with required skills [{skill, count}] has one slot per required skill
 * instance and h − Σcount general slots (any officer). An officer fills at most one slot in the whole plan
 * (one task at a time). Hard limits per (officer, demand) pair: the officer has the slot's skill; arrival by
 * the deadline (etaSec ≤ deadlineSec); duty today + travel + expected duration ≤ dutyCapMin. Per region:
 * officers lent ≤ available − minimum cover. Objective, lexicographic by weights: fill skill slots first, then
 * general slots, then least travel time, then fairness (fewer task points, fewer recent deployments).
 */

export interface MatchOfficer {
  id: string;
  /** The region (county) the officer belongs to: its minimum cover limits lending. */
  regionId: string;
  skills: readonly string[];
  /** Minutes already on duty today (including the current shift so far). */
  dutyMinutesToday: number;
  /** Fairness ledger: accumulated task points, and deployments in the last 30 days. */
  taskPoints: number;
  recentDeployments: number;
}

export interface MatchDemand {
  id: string;
  /** The receiving region; its own officers may serve it without counting as lent. */
  regionId: string;
  level: 1 | 2 | 3 | 4;
  headcount: number;
  skills: readonly { skill: string; count: number }[];
  /** Seconds from now by which officers must be on scene. */
  deadlineSec: number;
  expectedDurationMin: number;
}

export interface MatchAdjustments {
  /** Officers that must be in the plan for that demand (the planner's pins); infeasible pins are reported. */
  pins?: readonly { officerId: string; demandId: string }[];
  /** Officers that must not be used. */
  remove?: readonly string[];
  /** Headcount overrides per demand id. */
  headcount?: Readonly<Record<string, number>>;
  /** Minimum-cover overrides per region id. */
  cover?: Readonly<Record<string, number>>;
}

export interface MatchInstance {
  officers: readonly MatchOfficer[];
  demands: readonly MatchDemand[];
  /** Road ETA in seconds of officer i to demand j at eta[i * demands.length + j]; Infinity when unreachable. */
  eta: Float64Array;
  /** Per region: officers available there now (eligible, at home) and the minimum that must stay. */
  regions: Readonly<Record<string, { available: number; minCover: number }>>;
  /** Daily duty cap in minutes (default 720 = 12 h). */
  dutyCapMin?: number;
  adjustments?: MatchAdjustments;
}

export interface MatchAssignment {
  officerId: string;
  demandId: string;
  /** The skill the officer fills, or 'general'. */
  slot: string;
  etaSec: number;
  /** Why this officer: skill, ETA against the deadline, fairness. */
  reason: string;
}

export interface MatchShortfall {
  demandId: string;
  slot: string;
  missing: number;
  /** Why it could not be filled, e.g. "no eligible officer with negotiation arrives before the deadline". */
  why: string;
}

export interface MatchPlan {
  assignments: MatchAssignment[];
  shortfalls: MatchShortfall[];
  /** Per region: available before, lent, left, minimum cover. */
  cover: Record<string, { available: number; lent: number; left: number; minCover: number }>;
  /** Why notable officers were not used (nearest ones passed over), by officer id. */
  passedOver: { officerId: string; demandId: string; why: string }[];
  /** Planner pins that could not be honoured, with why (unknown officer, over hours, region cover…). */
  rejectedPins?: { officerId: string; demandId: string; why: string }[];
  objective: number;
  method: 'lp' | 'mip' | 'greedy' | 'nearest';
  /** Integrality gap reported by the MIP (0 when the LP was integral). */
  gap: number;
  solveMs: number;
}
