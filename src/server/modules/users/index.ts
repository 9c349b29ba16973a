/** Users module: account management, role assignments and task grants under the policy layer. */
import fp from 'fastify-plugin';
import { userRoutes } from './user.routes.ts';

export const usersModule = fp(
  async (app) => {
    await app.register(userRoutes);
  },
  { name: 'users', dependencies: ['auth', 'jurisdictions'] },
);
