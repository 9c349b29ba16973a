/** Dispatch module: patrol units and their status, AVL position ingest, unit recommendation, dispatch orders. */
import fp from 'fastify-plugin';
import { dispatchRoutes } from './dispatch.routes.ts';
import { orderRoutes } from './order.routes.ts';
import { warmRunCardSolver } from './runcard.assign.ts';

export const dispatchModule = fp(
  async (app) => {
    await app.register(dispatchRoutes);
    await app.register(orderRoutes);
    // Load the run-card solver (WebAssembly) once at start-up, so the first run card does not pay for it.
    // A failed load only costs run cards (retried on use); plain recommendations do not need the solver.
    app.addHook('onReady', async () => {
      await warmRunCardSolver().catch((e: unknown) => app.log.warn({ err: e }, 'run-card solver failed to load'));
    });
  },
  { name: 'dispatch', dependencies: ['auth'] },
);
