/**
 * The deployment solver's worker thread: loads HiGHS once, answers `solve` messages one at a time (the solve is
 * synchronous, so the main thread stays free). Started by deployment-solver.ts; never imported elsewhere.
 */
import { parentPort } from 'node:worker_threads';
import type { MatchInstance } from './model.ts';
import { loadHighs, solveWithHighs, type SolveOptions } from './solver.ts';
import { MatchInputError } from './slots.ts';

export type WorkerRequest =
  | { type: 'solve'; id: number; instance: MatchInstance; opts: SolveOptions }
  /** Ends the thread abruptly: lets tests prove that a crashed worker is replaced. */
  | { type: 'crash' };

export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'result'; id: number; plan: import('./model.ts').MatchPlan }
  | { type: 'failed'; id: number; message: string; input?: boolean }
  | { type: 'load-failed'; message: string };

const port = parentPort;
if (!port) throw new Error('solver.worker.ts must run in a worker thread.');
const send = (m: WorkerResponse) => port.postMessage(m);

const ready = loadHighs().then(
  (h) => {
    // Warm the WebAssembly up with a tiny model, so the first real plan does not pay for it.
    h.solve('Minimize\n obj: x\nSubject To\n c: x >= 1\nBounds\n 0 <= x <= 2\nEnd\n', { output_flag: false });
    send({ type: 'ready' });
    return h;
  },
  (e: unknown) => {
    send({ type: 'load-failed', message: e instanceof Error ? e.message : String(e) });
    throw e;
  },
);

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'crash') process.exit(3);
  void ready.then(
    (h) => {
      try {
        send({ type: 'result', id: msg.id, plan: solveWithHighs(h, msg.instance, msg.opts) });
      } catch (e) {
        send({
          type: 'failed',
          id: msg.id,
          message: e instanceof Error ? e.message : String(e),
          input: e instanceof MatchInputError,
        });
      }
    },
    (e: unknown) => send({ type: 'failed', id: msg.id, message: `HiGHS did not load: ${String(e)}` }),
  );
});
