import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from './client.ts';
import { listMigrations, migrate } from './migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('have timestamped names in order', () => {
    const ids = listMigrations().map((m) => m.id);
    expect(ids.length).toBeGreaterThan(0);
    expect([...ids].sort()).toEqual(ids);
  });

  it('are all recorded as applied on a migrated database, and re-running applies nothing', async () => {
    const rows = await query<{ id: string }>(database.db, sql`select id from schema_migrations order by id`);
    expect(rows.map((r) => r.id)).toEqual(listMigrations().map((m) => m.id));
    expect(await migrate(database)).toEqual([]);
  });

  it('roll back a failing migration completely and say which one failed', async () => {
    const bad = [{ id: '29991231000000_bad', script: 'create table half_done (x int); select * from no_such_table;' }];
    await expect(migrate(database, bad)).rejects.toThrow(/Migration 29991231000000_bad failed/);
    const tables = await query<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.tables where table_name = 'half_done'`,
    );
    expect(tables[0]?.n).toBe(0);
    const recorded = await query<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from schema_migrations where id = '29991231000000_bad'`,
    );
    expect(recorded[0]?.n).toBe(0);
  });
});
