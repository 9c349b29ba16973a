import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../server/db/client.ts';
import { systemContext, type AuditInput } from '../server/context.ts';
import { verifyPassword } from '../server/modules/auth/password.hasher.ts';
import { deserializeGraph } from '../server/modules/geo/index.ts';
import { toBuffer } from '../server/modules/audit/audit.repository.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { seedDemo } from './demo.seed.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';
import { generateGeography } from './geography/geography.generator.ts';

describe('demo seed', () => {
  let database: TestDatabase;
  const audited: AuditInput[] = [];
  const sink = { append: async (_ctx: unknown, input: AuditInput) => void audited.push(input) };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('writes the generated city and one account per role once, audited once, and is a no-op the second time', async () => {
    const ctx = systemContext(database.db, sink);
    const geo = generateGeography({ seed: 7, scale: 'small' });
    const first = await seedDemo(ctx, { scale: 'small', seed: 7 });
    expect(first.seeded).toBe(true);
    expect(first.jurisdictions).toBe(geo.jurisdictions.length);
    expect(first.users).toBe(DEMO_ACCOUNTS.length);
    expect(first.counts).toMatchObject({ addresses: geo.addresses.length, roads: geo.roads.length });
    const second = await seedDemo(ctx, { scale: 'small', seed: 7 });
    expect(second.seeded).toBe(false);

    const tableCount = async (t: string) =>
      (await query<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.raw(t)}`))[0]!.n;
    expect(await tableCount('jurisdictions')).toBe(geo.jurisdictions.length);
    expect(await tableCount('roads')).toBe(geo.roads.length);
    expect(await tableCount('addresses')).toBe(geo.addresses.length);
    expect(await tableCount('stations')).toBe(geo.stations.length);
    expect(await tableCount('water')).toBe(geo.water.length);

    const roles = await query<{ username: string; role: string; password_hash: string; path: string }>(
      database.db,
      sql`select u.username, r.role, u.password_hash, j.path from users u
          join role_assignments r on r.user_id = u.id join jurisdictions j on j.id = r.jurisdiction_id
          order by u.username`,
    );
    expect(roles.map((r) => `${r.username}:${r.role}`).sort()).toEqual(
      DEMO_ACCOUNTS.map((a) => `${a.username}:${a.role}`).sort(),
    );
    expect(await verifyPassword(roles[0]!.password_hash, DEMO_PASSWORD)).toBe(true);
    // Scoped accounts sit on one chain of real generated jurisdictions: grid ⊂ community ⊂ station ⊂ county.
    const pathOf = (u: string) => roles.find((r) => r.username === u)!.path;
    expect(pathOf('grid').startsWith(pathOf('community'))).toBe(true);
    expect(pathOf('community').startsWith(pathOf('chief'))).toBe(true);
    expect(pathOf('chief').startsWith(pathOf('county'))).toBe(true);
    expect(pathOf('grid').split('/').filter(Boolean)).toHaveLength(6);

    const seeds = audited.filter((a) => a.action === 'demo.seed');
    expect(seeds).toHaveLength(1);
    expect(seeds[0]!.payload).toMatchObject({ seed: 7, scale: 'small', users: DEMO_ACCOUNTS.length });

    const [g] = await query<{ graph: unknown; vertex_count: number }>(
      database.db,
      sql`select graph, vertex_count from road_graphs where name = 'demo'`,
    );
    const graph = deserializeGraph(toBuffer(g!.graph));
    expect(graph.vertexCount).toBe(g!.vertex_count);
    expect(graph.vertexCount).toBeGreaterThan(100);
  });

  it('writes nothing when a part fails: the transaction rolls back', async () => {
    const other = await createTestDatabase();
    try {
      const ctx = systemContext(other.db, sink);
      const { writeCity } = await import('./city.writer.ts');
      const geo = generateGeography({ seed: 8, scale: 'small' });
      const broken = { ...geo, addresses: [{ ...geo.addresses[0]!, gridId: '999999999999999' }] };
      await expect(writeCity(ctx, broken)).rejects.toThrow();
      const [r] = await query<{ n: number }>(other.db, sql`select count(*)::int as n from roads`);
      expect(r!.n).toBe(0);
    } finally {
      await other.close();
    }
  });
});
