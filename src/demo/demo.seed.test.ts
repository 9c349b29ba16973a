import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../server/db/client.ts';
import { systemContext, type AuditInput } from '../server/context.ts';
import { verifyPassword } from '../server/modules/auth/password.hasher.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { demoJurisdictions, seedDemo } from './demo.seed.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';

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

  it('builds a tree whose every child lies inside its parent', () => {
    const tree = demoJurisdictions();
    const byId = new Map(tree.map((j) => [j.id, j]));
    for (const j of tree) {
      if (!j.parentId) continue;
      const p = byId.get(j.parentId)!;
      expect(j.path.startsWith(p.path)).toBe(true);
      expect(j.bbox[0]).toBeGreaterThanOrEqual(p.bbox[0]);
      expect(j.bbox[1]).toBeGreaterThanOrEqual(p.bbox[1]);
      expect(j.bbox[2]).toBeLessThanOrEqual(p.bbox[2]);
      expect(j.bbox[3]).toBeLessThanOrEqual(p.bbox[3]);
    }
    expect(new Set(tree.map((j) => j.id)).size).toBe(tree.length);
    expect(tree.filter((j) => j.level === 'grid')).toHaveLength(24);
  });

  it('creates jurisdictions and one account per role once, audited, and is a no-op the second time', async () => {
    const ctx = systemContext(database.db, sink);
    const first = await seedDemo(ctx);
    expect(first).toEqual({ seeded: true, jurisdictions: demoJurisdictions().length, users: DEMO_ACCOUNTS.length });
    const second = await seedDemo(ctx);
    expect(second.seeded).toBe(false);
    const roles = await query<{ username: string; role: string; password_hash: string }>(
      database.db,
      sql`select u.username, r.role, u.password_hash from users u join role_assignments r on r.user_id = u.id order by u.username`,
    );
    expect(roles.map((r) => `${r.username}:${r.role}`).sort()).toEqual(
      DEMO_ACCOUNTS.map((a) => `${a.username}:${a.role}`).sort(),
    );
    expect(await verifyPassword(roles[0]!.password_hash, DEMO_PASSWORD)).toBe(true);
    expect(audited.filter((a) => a.action === 'demo.seed')).toHaveLength(1);
  });
});
