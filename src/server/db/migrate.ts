/**
 * Migration runner: applies `migrations/*.sql` in file-name (timestamp) order, each in its own transaction,
 * recording applied ids in `schema_migrations`. An advisory lock makes concurrent starts of several app
 * instances safe: one migrates, the others wait and then find nothing to do.
 *
 * Migrations are frozen once landed: never edit one, add a new file instead. They import no app code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { query, type Database } from './client.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_110_001; // arbitrary constant shared by all instances

export interface Migration {
  id: string;
  script: string;
}

/** Lists the migration files, checking that names are `YYYYMMDDHHMMSS_name.sql`. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      if (!/^\d{14}_[a-z0-9_]+\.sql$/.test(f)) {
        throw new Error(`Migration file "${f}" must be named YYYYMMDDHHMMSS_snake_case.sql`);
      }
      return { id: f.replace(/\.sql$/, ''), script: readFileSync(join(dir, f), 'utf8') };
    });
}

/** Applies pending migrations; returns the ids applied now. Fails loudly on the first error. */
export async function migrate(database: Database, migrations = listMigrations()): Promise<string[]> {
  return database.withDedicatedConnection(async (conn) => {
    await conn.db.execute(sql`select pg_advisory_lock(${LOCK_KEY})`);
    try {
      await conn.execScript(
        `create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())`,
      );
      const done = new Set(
        (await query<{ id: string }>(conn.db, sql`select id from schema_migrations`)).map((r) => r.id),
      );
      const applied: string[] = [];
      for (const m of migrations) {
        if (done.has(m.id)) continue;
        // One transaction per migration: a failing script leaves nothing half-applied.
        const id = m.id.replace(/'/g, "''");
        try {
          await conn.execScript(
            `begin;\n${m.script}\n;\ninsert into schema_migrations (id) values ('${id}');\ncommit;`,
          );
        } catch (err) {
          await conn.execScript('rollback').catch(() => undefined);
          throw new Error(`Migration ${m.id} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.id);
      }
      return applied;
    } finally {
      await conn.db.execute(sql`select pg_advisory_unlock(${LOCK_KEY})`);
    }
  });
}
