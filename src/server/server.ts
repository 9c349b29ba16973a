/** Reads config, opens and migrates the database, builds the app, listens, and shuts down cleanly on signals. */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { buildApp } from './app.ts';
import { currentRole, restrictAuditPrivileges } from './modules/audit/audit.privileges.ts';
import { systemContext } from './context.ts';
import { seedDemo, type DemoSeedResult } from '../demo/demo.seed.ts';

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  /** True when this start created the demo data. */
  demoSeeded: boolean;
  /** What the demo seed did (counts, time), when DEMO_SEED is on. */
  demoSeed?: DemoSeedResult;
  close(): Promise<void>;
}

/** Opens the configured database (embedded PGlite in DATA_DIR unless DATABASE_URL is set). */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) return openDatabase({ url: config.databaseUrl });
  return openDatabase({ dataDir: config.dataDir });
}

/** Migrates (using DATABASE_MIGRATION_URL when given, so the app role can stay unprivileged). */
export async function migrateConfiguredDatabase(config: Config, database: Database): Promise<string[]> {
  if (config.databaseMigrationUrl) {
    const owner = await openDatabase({ url: config.databaseMigrationUrl, poolSize: 1 });
    try {
      const applied = await migrate(owner);
      // The app role may read and append audit rows but never rewrite them (docs/ARCHITECTURE.md, "Audit log").
      const appRole = await currentRole(database.db);
      if ((await currentRole(owner.db)) !== appRole) await restrictAuditPrivileges(owner.db, appRole);
      return applied;
    } finally {
      await owner.close();
    }
  }
  return migrate(database);
}

/** Starts the platform and returns a handle; the caller decides about signals. */
export async function startServer(config: Config): Promise<RunningServer> {
  const database = await openConfiguredDatabase(config);
  await migrateConfiguredDatabase(config, database);
  const app = await buildApp({ config, database });
  await app.ready();
  const demoSeed = config.demo.seedOnStart
    ? await seedDemo(systemContext(database.db, app.auditSink), { scale: config.demo.scale, seed: config.demo.seed })
    : undefined;
  const demoSeeded = demoSeed?.seeded ?? false;
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    database,
    url: `http://${shownHost}:${port}`,
    demoSeeded,
    demoSeed,
    close() {
      closing ??= (async () => {
        await app.close();
        await database.close();
      })();
      return closing;
    },
  };
}
