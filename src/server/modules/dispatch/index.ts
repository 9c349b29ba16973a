/** Dispatch module: patrol units and their status, AVL position ingest, unit recommendation. */
import fp from 'fastify-plugin';
import { dispatchRoutes } from './dispatch.routes.ts';
import { warmRunCardSolver } from './runcard.assign.ts';

export const dispatchModule = fp(
  async (app) => {
    await app.register(dispatchRoutes);
    // Load the run-card solver (WebAssembly) once at start-up, so the first run card does not pay for it.
    app.addHook('onReady', warmRunCardSolver);
  },
  { name: 'dispatch', dependencies: ['auth'] },
);
