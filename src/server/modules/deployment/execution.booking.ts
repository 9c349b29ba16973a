/**
 * What a released assignment books (pure, no I/O): duty minutes, task points and the out-of-area allowance.
 *
 * - **Duty minutes** = outward travel (order → arrival, or order → release when the officer never arrived)
 *   + time on task (arrival → release) + the drive home, estimated as the planned road ETA (`etaSec`) but never
 *   longer than the outward leg actually took (an officer stood down on the way turns back from where he is).
 * - **Task points** (任务积分, the fairness ledger) = difficulty × duration in hours × risk, rounded to 0.01;
 *   difficulty by the demand's level (I = 4 … IV = 1, `DIFFICULTY_BY_LEVEL`), risk by the demand's type
 *   (`RISK_BY_TYPE`, 1.0 for a type not in the table), duration = duty minutes / 60.
 *   Example: a level II (difficulty 3) public-order task (risk 1.2) of 5 h → 3 × 5 × 1.2 = 18 points.
 * - **Allowance** (异地执勤补贴) = base daily pay × 1.2 (paper 002, 5.4: "本地基础工资的1.2倍"), pro rata per
 *   24-hour day of duty minutes, rounded to 0.01 yuan; only for officers whose home station lies outside the
 *   receiving region (helping one's own county is not out-of-area). Example: 6 h away at the default base of
 *   400 yuan/day → 400 × 1.2 × 360 / 1440 = 120.00.
 *
 * The tables are plain constants so a deployment can change them in one place; `bookAssignment` takes
 * overrides for tests and what-if calculations.
 */

/** Difficulty by demand level (1 = I 特别重大 … 4 = IV 一般). */
export const DIFFICULTY_BY_LEVEL: Readonly<Record<number, number>> = { 1: 4, 2: 3, 3: 2, 4: 1 };

/** Risk factor by demand type; types not listed count 1.0. */
export const RISK_BY_TYPE: Readonly<Record<string, number>> = {
  riot: 1.5,
  counter_terror: 1.5,
  disaster: 1.4,
  search: 1.3,
  public_order: 1.2,
  investigation: 1.1,
  security: 1.0,
  traffic: 1.0,
};

/** Base daily pay (yuan) the allowance is a multiple of. */
export const ALLOWANCE_BASE_PER_DAY = 400;
/** Out-of-area allowance factor (paper 002: 1.2 × local base pay). */
export const ALLOWANCE_FACTOR = 1.2;

export interface BookingRules {
  difficultyByLevel: Readonly<Record<number, number>>;
  riskByType: Readonly<Record<string, number>>;
  allowanceBasePerDay: number;
  allowanceFactor: number;
}

export const DEFAULT_BOOKING_RULES: BookingRules = {
  difficultyByLevel: DIFFICULTY_BY_LEVEL,
  riskByType: RISK_BY_TYPE,
  allowanceBasePerDay: ALLOWANCE_BASE_PER_DAY,
  allowanceFactor: ALLOWANCE_FACTOR,
};

export interface BookingInput {
  level: number;
  type: string;
  orderedAt: Date;
  arrivedAt: Date | null;
  releasedAt: Date;
  /** The planned road ETA to the demand (seconds): the drive home is estimated from it. */
  etaSec: number;
  /** True when the officer's home station lies outside the receiving region. */
  outOfArea: boolean;
}

export interface Booking {
  travelMinutes: number;
  onTaskMinutes: number;
  dutyMinutes: number;
  points: number;
  allowance: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const minutesBetween = (a: Date, b: Date): number => Math.max(0, (b.getTime() - a.getTime()) / 60_000);

/** Books one released assignment (see the module comment for the formulas). */
export function bookAssignment(input: BookingInput, rules: BookingRules = DEFAULT_BOOKING_RULES): Booking {
  const outward = minutesBetween(input.orderedAt, input.arrivedAt ?? input.releasedAt);
  const onTask = input.arrivedAt ? minutesBetween(input.arrivedAt, input.releasedAt) : 0;
  const home = Math.min(Math.max(0, input.etaSec) / 60, outward);
  const travel = outward + home;
  const dutyMinutes = Math.round(travel + onTask);
  const difficulty = rules.difficultyByLevel[input.level] ?? 1;
  const risk = rules.riskByType[input.type] ?? 1;
  const points = round2(difficulty * (dutyMinutes / 60) * risk);
  const allowance = input.outOfArea
    ? round2(rules.allowanceBasePerDay * rules.allowanceFactor * (dutyMinutes / 1440))
    : 0;
  return { travelMinutes: Math.round(travel), onTaskMinutes: Math.round(onTask), dutyMinutes, points, allowance };
}
