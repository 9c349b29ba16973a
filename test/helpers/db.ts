/**
 * A fresh, migrated database per test file: embedded PGlite loaded from the template made in global setup,
 * or — with JW_TEST_DB=postgres — a new database on the PostgreSQL server, dropped afterwards.
 */
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/server/db/client.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { dbTarget, pgAdminUrl } from './env.ts';
import { createServerDatabase, dropServerDatabase } from './pg-server.ts';

export { createServerDatabase, dropServerDatabase };

export interface TestDatabase extends Database {
  /** postgres:// URL of this database (PostgreSQL only), for child processes such as a second app instance. */
  url?: string;
}

/** Opens a fresh migrated database of the configured target. */
export async function createTestDatabase(opts: { target?: 'pglite' | 'postgres' } = {}): Promise<TestDatabase> {
  const target = opts.target ?? dbTarget;
  if (target === 'postgres') {
    const adminUrl = pgAdminUrl;
    if (!adminUrl) throw new Error('JW_TEST_DB=postgres needs JW_TEST_PG_URL');
    const { url, name } = await createServerDatabase(adminUrl);
    const database = await openDatabase({ url });
    await migrate(database);
    const close = database.close.bind(database);
    return {
      ...database,
      url,
      close: async () => {
        await close();
        await dropServerDatabase(adminUrl, name);
      },
    };
  }
  const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
  const database = await openDatabase({ loadDataDir: template });
  await migrate(database); // no-op unless a migration was added since the template
  return database;
}
