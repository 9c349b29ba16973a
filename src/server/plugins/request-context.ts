/**
 * Builds `request.ctx` for every request: request id, client address, actor (filled in by the auth plugin),
 * the database executor and the audit sink. Route handlers hand `request.ctx` to services.
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { AuditSink, RequestContext } from '../context.ts';
import type { Database } from '../db/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    auditSink: AuditSink;
  }
  interface FastifyRequest {
    ctx: RequestContext;
  }
}

export const requestContextPlugin = fp(
  async (app) => {
    app.decorateRequest('ctx', null as unknown as RequestContext);
    app.addHook('onRequest', async (request) => {
      request.ctx = {
        requestId: request.id,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        actor: null,
        db: app.database.db,
        inTransaction: false,
        now: () => new Date(),
        auditSink: app.auditSink,
      };
    });
  },
  { name: 'request-context' },
);
