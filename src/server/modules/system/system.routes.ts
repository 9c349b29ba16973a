/** Liveness and readiness probes. */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ping } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { errorResponses } from '../../../contracts/common.schemas.ts';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

export const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'Liveness: the process answers', security: [], response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/api/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: the database answers',
        security: [],
        response: { 200: Ready, ...errorResponses(503) },
      },
    },
    async () => {
      if (!(await ping(app.database)))
        throw new AppError('DATABASE_UNAVAILABLE', 'The database does not answer; check DATABASE_URL and the server.');
      return { status: 'ready' as const, database: app.database.kind };
    },
  );
};
