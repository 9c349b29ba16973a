/**
 * The deployment matching core, pure and database-free: build a `MatchInstance` (model.ts), then
 * `solvePlan` (HiGHS in a worker thread), or the baselines `greedyPlan` / `nearestPlan`; `verifyPlan` checks any
 * plan against the hard limits; `generateInstance` makes seeded synthetic instances for tests and benchmarks.
 */
export type * from './model.ts';
export { greedyPlan } from './greedy.ts';
export { nearestPlan } from './nearest.ts';
export { verifyPlan, type Violation } from './verify.ts';
export { generateInstance, SKILL_CODES, type GenerateOptions } from './generate.ts';
export { WEIGHTS, GENERAL, DEFAULT_DUTY_CAP_MIN } from './slots.ts';
export { solvePlanInProcess, type SolveOptions } from './solver.ts';
export {
  solvePlan,
  warmDeploymentSolver,
  DeploymentSolver,
  SolverUnavailableError,
  type SolvePlanOptions,
} from './deployment-solver.ts';
