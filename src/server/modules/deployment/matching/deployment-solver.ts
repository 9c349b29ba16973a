/**
 * Runs the deployment solver in a worker thread so the server stays responsive while HiGHS works (a 5,000 × 100
 * plan blocks for about a second). One reused worker (HiGHS' WebAssembly loads once per worker), requests
 * answered in order, a per-request timeout, and a fresh worker after a crash or a timeout (the stuck solve is
 * abandoned by terminating the thread). The worker is a .ts file run through tsx (`--import tsx`), as
 * everything here is; where it cannot start (no tsx), `solvePlan` falls back to solving in-process.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MatchInstance, MatchPlan } from './model.ts';
import { solvePlanInProcess, type SolveOptions } from './solver.ts';
import { MatchInputError } from './slots.ts';
import type { WorkerRequest, WorkerResponse } from './solver.worker.ts';

export interface DeploymentSolverOptions {
  /** Default time limit of one request in ms, queueing included (default 30,000). */
  timeoutMs?: number;
}

export interface SolvePlanOptions extends SolveOptions {
  /** Time limit of this request in ms (default: the solver's). */
  timeoutMs?: number;
  /** Hand the instance's `eta` buffer over to the worker instead of copying it (the caller's array is emptied). */
  transferEta?: boolean;
}

/**
 * Node 20 does not apply `--import tsx` in a worker's execArgv to the worker's own entry file (it fails with
 * "Unknown file extension .ts"), so the worker starts as a two-line script that loads the .ts entry through
 * tsx's API (`tsImport`, which also compiles everything the entry imports).
 */
function startWorker(): Worker {
  // The ESM build of tsx's API (its CommonJS build fails to load its own ESM half inside a worker).
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./solver.worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(boot, { eval: true });
}

interface Pending {
  resolve: (plan: MatchPlan) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** The error of a request that timed out or whose worker died. */
export class SolverUnavailableError extends Error {}

/** Owns one solver worker thread. */
export class DeploymentSolver {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Workers started so far (tests check that a crash starts a new one). */
  workersStarted = 0;
  private readonly timeoutMs: number;

  constructor(opts: DeploymentSolverOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Starts the worker (if needed) and resolves once HiGHS is loaded and warm in it. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = startWorker();
    this.workersStarted++;
    this.worker = worker;
    worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerResponse) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'load-failed') reject(new SolverUnavailableError(`HiGHS did not load: ${m.message}`));
        else this.settle(m);
      });
      const died = (why: string) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.ready = undefined;
        const e = new SolverUnavailableError(why);
        reject(e);
        this.failAll(e);
      };
      worker.on('error', (e) => died(`solver worker failed: ${e.message}`));
      worker.on('exit', (code) => died(`solver worker exited (code ${code})`));
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /** Solves one instance in the worker. */
  async solve(instance: MatchInstance, opts: SolvePlanOptions = {}): Promise<MatchPlan> {
    const { timeoutMs = this.timeoutMs, transferEta = false, ...solveOpts } = opts;
    const worker = (await this.start(), this.worker);
    if (!worker) throw new SolverUnavailableError('solver worker is not running');
    const eta = transferEta ? instance.eta : new Float64Array(instance.eta);
    const id = this.nextId++;
    return new Promise<MatchPlan>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SolverUnavailableError(`deployment solve timed out after ${timeoutMs} ms`));
        void this.restart(worker);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      const msg: WorkerRequest = { type: 'solve', id, instance: { ...instance, eta }, opts: solveOpts };
      worker.postMessage(msg, [eta.buffer as ArrayBuffer]);
    });
  }

  /** Test hook: makes the worker thread exit abruptly, as a crash would. */
  crashForTest(): void {
    this.worker?.postMessage({ type: 'crash' } satisfies WorkerRequest);
  }

  /** Stops the worker; pending requests fail. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.failAll(new SolverUnavailableError('solver closed'));
    if (w) await w.terminate();
  }

  private async restart(worker: Worker): Promise<void> {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    this.failAll(new SolverUnavailableError('solver worker restarted after a timeout'));
    await worker.terminate();
  }

  private settle(m: Extract<WorkerResponse, { id: number }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.type === 'result') p.resolve(m.plan);
    else p.reject(m.input ? new MatchInputError(m.message) : new Error(m.message));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }
}

let shared: DeploymentSolver | undefined;
let workerUnavailable = false;

/** The process' shared solver (one worker). */
export function deploymentSolver(): DeploymentSolver {
  shared ??= new DeploymentSolver();
  return shared;
}

/** Starts the shared worker and warms HiGHS (call at service start); false when workers cannot run here. */
export async function warmDeploymentSolver(): Promise<boolean> {
  try {
    await deploymentSolver().start();
    return true;
  } catch {
    workerUnavailable = true;
    return false;
  }
}

/**
 * The optimal plan, solved in the shared worker thread; in-process when a worker cannot start in this
 * environment. A malformed instance rejects with MatchInputError; a timed-out or crashed solve rejects with
 * SolverUnavailableError (the next call gets a new worker).
 */
export async function solvePlan(instance: MatchInstance, opts: SolvePlanOptions = {}): Promise<MatchPlan> {
  if (!workerUnavailable) {
    try {
      await deploymentSolver().start();
    } catch {
      workerUnavailable = true;
    }
  }
  if (workerUnavailable) {
    const { timeoutMs: _t, transferEta: _e, ...solveOpts } = opts;
    return solvePlanInProcess(instance, solveOpts);
  }
  return deploymentSolver().solve(instance, opts);
}
