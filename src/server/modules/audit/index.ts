/**
 * Audit module: the tamper-evident log. Decorates `app.auditSink` (every write's audit entry) and
 * `app.auditLog` (keys, sequencer, reader), serves the audit routes, and runs the sequencer from ready to
 * close.
 */
import fp from 'fastify-plugin';
import { openAuditLog, type AuditLog } from './audit.log.ts';
import { auditRoutes } from './audit.routes.ts';
import { AuditService } from './audit.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    auditLog: AuditLog;
  }
}

export const auditModule = fp(
  async (app) => {
    const log = openAuditLog(app.database, app.config, { logger: app.log });
    app.decorate('auditSink', log.sink);
    app.decorate('auditLog', log);
    await app.register(auditRoutes, { service: new AuditService(log.reader), keys: log.keys });
    app.addHook('onReady', async () => log.sequencer.start());
    app.addHook('onClose', async () => log.sequencer.stop());
  },
  { name: 'audit', dependencies: ['request-context'] },
);
