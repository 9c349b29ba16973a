/**
 * The deployment matching core, pure and database-free: build a `MatchInstance` (model.ts), then
 * `solvePlan` (HiGHS in a worker thread), or the baselines `greedyPlan` / `nearestPlan`; `verifyPlan` checks any
 * plan against the hard limits; `generateInstance` makes seeded synthetic instances for tests and benchmarks.
 *
 * For the plan service:
 * - officers: only those eligible at all (on duty or available, not resting, certifications valid — list only
 *   unexpired skills); `regions[r].available` = officers available in r now, `minCover` = its minimum cover
 *   (officers of r serving a demand in r are not "lent" and do not count against it); a region missing from
 *   `regions` counts its officers in the instance as available with no minimum cover.
 * - call `warmDeploymentSolver()` at start-up (loads HiGHS in the worker, ~0.3–1 s once);
 * - `solvePlan` rejects with `MatchInputError` for a malformed instance (→ VALIDATION_FAILED) and with
 *   `SolverUnavailableError` on timeout or a crashed worker (a new worker serves the next call);
 * - what-if: the same instance with `adjustments` (pins, remove, headcount, cover); infeasible pins come back in
 *   `plan.rejectedPins` with why; `plan.cover` gives each region's available / lent / left / minimum.
 */
export type * from './model.ts';
export { greedyPlan } from './greedy.ts';
export { nearestPlan } from './nearest.ts';
export { verifyPlan, type Violation } from './verify.ts';
export { generateInstance, SKILL_CODES, type GenerateOptions } from './generate.ts';
export { WEIGHTS, GENERAL, DEFAULT_DUTY_CAP_MIN, MatchInputError } from './slots.ts';
export { solvePlanInProcess, type SolveOptions } from './solver.ts';
export {
  solvePlan,
  warmDeploymentSolver,
  DeploymentSolver,
  SolverUnavailableError,
  type SolvePlanOptions,
} from './deployment-solver.ts';
