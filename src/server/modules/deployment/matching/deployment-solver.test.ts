import { afterAll, describe, expect, it } from 'vitest';
import {
  DeploymentSolver,
  generateInstance,
  MatchInputError,
  solvePlan,
  solvePlanInProcess,
  SolverUnavailableError,
} from './index.ts';

const solver = new DeploymentSolver();
afterAll(() => solver.close());

describe('DeploymentSolver (worker thread)', () => {
  it('gives the same plan as the in-process solver and leaves the caller’s ETAs intact', async () => {
    const instance = generateInstance({ seed: 5, officers: 300, demands: 8, regions: 5, areaKm: 60 });
    const etaBefore = instance.eta.slice();
    const inWorker = await solver.solve(instance);
    const inProcess = await solvePlanInProcess(instance);
    expect(inWorker.assignments).toEqual(inProcess.assignments);
    expect(inWorker.shortfalls).toEqual(inProcess.shortfalls);
    expect(inWorker.objective).toBe(inProcess.objective);
    expect(instance.eta).toEqual(etaBefore);
    // The shared, module-level entry point answers the same.
    expect((await solvePlan(instance)).assignments).toEqual(inProcess.assignments);
  });

  it('keeps the event loop free while solving', async () => {
    const instance = generateInstance({ seed: 6, officers: 2000, demands: 50 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const plan = await solver.solve(instance);
    clearInterval(timer);
    expect(plan.assignments.length).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(2);
  });

  it('replaces a crashed worker', async () => {
    const instance = generateInstance({ seed: 7, officers: 100, demands: 4, regions: 3, areaKm: 40 });
    await solver.start();
    const started = solver.workersStarted;
    solver.crashForTest();
    await expect(solver.solve(instance)).rejects.toBeInstanceOf(SolverUnavailableError);
    const plan = await solver.solve(instance);
    expect(solver.workersStarted).toBe(started + 1);
    expect(plan.objective).toBe((await solvePlanInProcess(instance)).objective);
  });

  it('a timed-out solve is abandoned and the next one runs on a new worker', async () => {
    const instance = generateInstance({ seed: 8, officers: 2000, demands: 50 });
    await solver.start();
    const started = solver.workersStarted;
    await expect(solver.solve(instance, { timeoutMs: 1 })).rejects.toThrow(/timed out after 1 ms/);
    const plan = await solver.solve(instance);
    expect(solver.workersStarted).toBe(started + 1);
    expect(plan.assignments.length).toBeGreaterThan(0);
  });

  it('reports a bad instance as a failed request without killing the worker', async () => {
    const instance = generateInstance({ seed: 9, officers: 20, demands: 2, regions: 2, areaKm: 30 });
    await solver.start();
    const started = solver.workersStarted;
    const bad = solver.solve({ ...instance, eta: new Float64Array(1) });
    await expect(bad).rejects.toThrow(/eta has 1 entries/);
    await expect(bad).rejects.toBeInstanceOf(MatchInputError);
    await solver.solve(instance);
    expect(solver.workersStarted).toBe(started);
  });
});
