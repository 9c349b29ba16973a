/** Audit module: tamper-evident log (placeholder sink until the Merkle log lands). */
import fp from 'fastify-plugin';
import type { AuditSink } from '../../context.ts';

export const auditModule = fp(
  async (app) => {
    const sink: AuditSink = { append: async () => undefined };
    app.decorate('auditSink', sink);
  },
  { name: 'audit' },
);
