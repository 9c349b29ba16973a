/**
 * List/search parity: for generated actors (roles at random levels, task grants in and out of their window,
 * self-service ids) and generated records, the SQL filter selects exactly the records `can()` allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { ROLES } from '../../../contracts/roles.ts';
import type { Actor } from '../../context.ts';
import { query } from '../../db/client.ts';
import { TREE } from '../../../../test/helpers/factories.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.ts';
import { ACTIONS, GRANTABLE_ACTIONS } from './policy.rules.ts';
import { can } from './policy.ts';
import { policyFilter } from './policy.filter.ts';

const pathOf = new Map<string, string>();
for (const j of TREE) pathOf.set(j.id, `${j.parentId ? pathOf.get(j.parentId) : '/'}${j.id}/`);
const PATHS = ['/', ...pathOf.values()];
const NODE_IDS = TREE.map((j) => j.id);
const TASKS = ['deployment:a', 'deployment:b', 'incident:c'];
const USERS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
const NOW = new Date('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;

interface RecordRow {
  id: number;
  path: string;
  taskRefs: string[];
  ownerId: string | null;
}

const recordArb = fc.record({
  path: fc.constantFrom(...PATHS),
  taskRefs: fc.subarray(TASKS),
  ownerId: fc.option(fc.constantFrom(...USERS), { nil: null }),
});

const grantArb = fc.record({
  id: fc.uuid(),
  taskRef: fc.constantFrom(...TASKS),
  jurisdictionId: fc.constantFrom(...NODE_IDS),
  actions: fc.subarray([...GRANTABLE_ACTIONS, 'user.read', 'audit.read']),
  startOffsetHours: fc.integer({ min: -5, max: 2 }),
  lengthHours: fc.integer({ min: 1, max: 6 }),
});

const actorArb: fc.Arbitrary<Actor> = fc
  .record({
    userId: fc.constantFrom(...USERS),
    assignments: fc.array(fc.record({ role: fc.constantFrom(...ROLES), at: fc.constantFrom(...NODE_IDS) }), {
      maxLength: 3,
    }),
    grants: fc.array(grantArb, { maxLength: 3 }),
  })
  .map((a) => ({
    userId: a.userId,
    username: 'gen',
    sessionId: 's',
    assignments: a.assignments.map((x) => ({
      role: x.role,
      jurisdictionId: x.at,
      jurisdictionPath: pathOf.get(x.at)!,
    })),
    grants: a.grants.map((g) => ({
      id: g.id,
      taskRef: g.taskRef,
      jurisdictionId: g.jurisdictionId,
      jurisdictionPath: pathOf.get(g.jurisdictionId)!,
      actions: g.actions,
      startsAt: new Date(NOW.getTime() + g.startOffsetHours * HOUR),
      endsAt: new Date(NOW.getTime() + (g.startOffsetHours + g.lengthHours) * HOUR),
    })),
  }));

describe('policyFilter: SQL lists select exactly what can() allows', () => {
  let database: TestDatabase;
  let records: RecordRow[];

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.execute(
      sql`create table policy_parity_records (id integer primary key, path text not null, task_refs text[] not null, owner_id uuid)`,
    );
    const generated = fc.sample(recordArb, { numRuns: 400, seed: 20261123 });
    // Make sure every path and every owner/task combination appears at least once.
    for (const p of PATHS) generated.push({ path: p, taskRefs: [...TASKS], ownerId: USERS[0]! });
    records = generated.map((r, i) => ({ id: i + 1, ...r }));
    const values = records.map(
      (r) => sql`(${r.id}, ${r.path}, ${`{${r.taskRefs.join(',')}}`}::text[], ${r.ownerId}::uuid)`,
    );
    await database.db.execute(
      sql`insert into policy_parity_records (id, path, task_refs, owner_id) values ${sql.join(values, sql`, `)}`,
    );
  });
  afterAll(async () => database?.close());

  async function listIds(actor: Actor | null, action: string): Promise<number[]> {
    const where = policyFilter(
      actor,
      action,
      { path: sql`path`, taskRefs: sql`task_refs`, ownerId: sql`owner_id` },
      { now: NOW },
    );
    const rows = await query<{ id: number }>(
      database.db,
      sql`select id from policy_parity_records where ${where} order by id`,
    );
    return rows.map((r) => Number(r.id));
  }

  const expectedIds = (actor: Actor | null, action: string) =>
    records
      .filter((r) =>
        can(
          actor,
          action,
          {
            type: 'record',
            jurisdictionPath: r.path,
            taskRefs: r.taskRefs,
            ...(r.ownerId ? { ownerId: r.ownerId } : {}),
          },
          { now: NOW },
        ),
      )
      .map((r) => r.id);

  it('agrees with can() for generated actors and every kind of action', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(actorArb, fc.constantFrom(...ACTIONS), async (actor, action) => {
        const expected = expectedIds(actor, action);
        if (expected.length > 0 && expected.length < records.length) nonEmpty++;
        expect(await listIds(actor, action)).toEqual(expected);
      }),
      { numRuns: 250, seed: 4401 },
    );
    // The generated cases must exercise partial lists, not only "everything" and "nothing".
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('returns nothing without an actor or for an unknown action', async () => {
    const chief: Actor = {
      userId: USERS[0]!,
      username: 'c',
      sessionId: 's',
      assignments: [{ role: 'station_chief', jurisdictionId: '440103001', jurisdictionPath: pathOf.get('440103001')! }],
      grants: [],
    };
    expect(await listIds(null, 'incident.read')).toEqual([]);
    expect(await listIds(chief, 'incident.drop_table')).toEqual([]);
    expect((await listIds(chief, 'incident.read')).length).toBeGreaterThan(0);
  });

  it('treats LIKE wildcards in a scope path literally', async () => {
    const odd: Actor = {
      userId: USERS[1]!,
      username: 'o',
      sessionId: 's',
      assignments: [{ role: 'station_chief', jurisdictionId: 'x', jurisdictionPath: '/44/44_1/' }],
      grants: [],
    };
    expect(await listIds(odd, 'incident.read')).toEqual(expectedIds(odd, 'incident.read'));
    // Unescaped, `_` would match the `0` of /44/4401/ and list the whole city.
    expect(await listIds(odd, 'incident.read')).toEqual([]);
  });
});
