/** Jurisdictions module: the 省-市-县-所-社区-网格 tree. */
import fp from 'fastify-plugin';
import { jurisdictionRoutes } from './jurisdiction.routes.ts';

export const jurisdictionsModule = fp(
  async (app) => {
    await app.register(jurisdictionRoutes);
  },
  { name: 'jurisdictions', dependencies: ['auth'] },
);
