/** Dispatch module: patrol units and their status, AVL position ingest, unit recommendation. */
import fp from 'fastify-plugin';
import { dispatchRoutes } from './dispatch.routes.ts';

export const dispatchModule = fp(
  async (app) => {
    await app.register(dispatchRoutes);
  },
  { name: 'dispatch', dependencies: ['auth'] },
);
