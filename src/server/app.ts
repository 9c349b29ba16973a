/**
 * buildApp: registers plugins, then modules, in a fixed order. It never listens; server.ts does, and tests
 * use `app.inject()`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { ErrorResponse } from '../contracts/common.schemas.ts';
import { installValidation } from './plugins/validation.ts';
import { installErrorHandler } from './plugins/error-handler.ts';
import { requestContextPlugin } from './plugins/request-context.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { webPlugin } from './plugins/web.ts';
import { realtimePlugin } from './plugins/realtime.ts';
import { systemRoutes } from './modules/system/system.routes.ts';
import { auditModule } from './modules/audit/index.ts';
import { authModule } from './modules/auth/index.ts';
import { jurisdictionsModule } from './modules/jurisdictions/index.ts';
import { usersModule } from './modules/users/index.ts';
import { geoModule } from './modules/geo/geo.module.ts';
import { incidentsModule } from './modules/incidents/index.ts';
import { dispatchModule } from './modules/dispatch/index.ts';
import { devicesModule } from './modules/devices/index.ts';
import { deploymentModule } from './modules/deployment/index.ts';

export interface BuildAppOptions {
  config: Config;
  database: Database;
  /** Pino options, or false for silence (tests). Defaults to JSON logs at config.logLevel. */
  logger?: boolean | { level: string };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Builds the Fastify application with all modules; the caller owns the database's lifetime. */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { config, database } = opts;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
              remove: true,
            },
          },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: false,
    // Accept a caller's request id only when it looks like one; otherwise make our own.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('database', database);
  installValidation(app);
  installErrorHandler(app);
  app.addSchema(ErrorResponse);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Gzip API responses of 1 KiB and more (map layers are megabytes of GeoJSON). The web build is served
  // pre-compressed, and the live stream is hijacked, so neither passes through here.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['gzip'] });
  await app.register(openapiPlugin);
  await app.register(requestContextPlugin);
  await app.register(auditModule);
  await app.register(authModule);
  await app.register(jurisdictionsModule);
  await app.register(usersModule);
  await app.register(geoModule);
  await app.register(dispatchModule);
  await app.register(realtimePlugin);
  await app.register(incidentsModule);
  await app.register(devicesModule);
  await app.register(deploymentModule);
  await app.register(systemRoutes);
  await app.register(webPlugin);
  return app;
}
