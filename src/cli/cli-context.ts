/** Shared by CLI commands that write: a system context on the configured, migrated database. */
import { loadConfig } from '../server/config.ts';
import { systemContext, type RequestContext } from '../server/context.ts';
import { buildApp } from '../server/app.ts';
import { migrateConfiguredDatabase, openConfiguredDatabase } from '../server/server.ts';

/**
 * Runs `fn` with a system context on the configured (migrated) database. The app is built so writes go
 * through the real audit sink, exactly as they would through the API; it never listens.
 */
export async function withCliContext<T>(
  fn: (ctx: RequestContext, config: ReturnType<typeof loadConfig>) => Promise<T>,
) {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    await migrateConfiguredDatabase(config, database);
    const app = await buildApp({ config, database, logger: false });
    await app.ready();
    try {
      const ctx = systemContext(database.db, app.auditSink, {
        requestId: `cli-${Date.now().toString(36)}`,
        userAgent: 'jingwu-cli',
      });
      return await fn(ctx, config);
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}
