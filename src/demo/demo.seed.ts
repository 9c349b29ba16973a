/**
 * Demo seed for a newcomer's first start: the generated city (`generateCity`: 东川省 code 91, 江州市 with its
 * districts, stations, communities, grids, roads, river, addresses…) and one account per role, scoped to real
 * generated jurisdictions (the first district, station, community and grid). Deterministic for a seed.
 */
import { sql } from 'drizzle-orm';
import type { CityScale } from './city.model.ts';
import { query, type Executor } from '../server/db/client.ts';
import type { RequestContext } from '../server/context.ts';
import { hashPassword } from '../server/modules/auth/password.hasher.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';
import { generateCity } from './city.generate.ts';
import { insertMany, writeCity } from './city.writer.ts';

/** Options of seedDemo: the city's scale and random seed (defaults: city, 110). */
export interface DemoSeedOptions {
  scale?: CityScale;
  seed?: number;
}

export interface DemoSeedResult {
  seeded: boolean;
  jurisdictions: number;
  users: number;
  /** Rows written per table (empty when nothing was seeded). */
  counts: Record<string, number>;
  /** Milliseconds spent generating and writing (0 when nothing was seeded). */
  generateMs: number;
  writeMs: number;
}

/** True when the demo province already exists. */
export async function isDemoSeeded(db: Executor): Promise<boolean> {
  const rows = await query<{ n: number }>(db, sql`select count(*)::int as n from jurisdictions where id = '91'`);
  return (rows[0]?.n ?? 0) > 0;
}

/** Seeds the generated city and the demo accounts once; does nothing when the demo province exists. */
export async function seedDemo(ctx: RequestContext, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const none = { seeded: false, jurisdictions: 0, users: 0, counts: {}, generateMs: 0, writeMs: 0 };
  if (await isDemoSeeded(ctx.db)) return none;
  const t0 = performance.now();
  const city = generateCity({ scale: options.scale ?? 'city', seed: options.seed ?? 110 });
  const t1 = performance.now();
  // argon2 is deliberately slow: hash once, outside the transaction.
  const hash = await hashPassword(DEMO_PASSWORD);
  const levels = city.geography.jurisdictions;
  const firstOf = (level: (typeof DEMO_ACCOUNTS)[number]['jurisdiction']): string => {
    if (level === 'province' || level === 'city') return levels.find((j) => j.level === level)!.id;
    // The first grid's ancestors, so that every scoped account sees the same corner of the city.
    const grid = levels.find((j) => j.level === 'grid')!;
    const depth = { county: 6, station: 9, community: 12, grid: 15 }[level];
    return grid.id.slice(0, depth);
  };
  const writeAccounts = async (tx: RequestContext): Promise<Record<string, number>> => {
    const users = await query<{ id: string; username: string }>(
      tx.db,
      sql`insert into users (username, display_name, home_jurisdiction_id, password_hash) values ${sql.join(
        DEMO_ACCOUNTS.map((a) => sql`(${a.username}, ${a.displayName}, ${firstOf(a.jurisdiction)}, ${hash})`),
        sql`, `,
      )} returning id, username`,
    );
    const idOf = new Map(users.map((u) => [u.username, u.id]));
    await insertMany(
      tx.db,
      sql`insert into role_assignments (user_id, role, jurisdiction_id)`,
      DEMO_ACCOUNTS,
      (a) => sql`(${idOf.get(a.username)!}, ${a.role}, ${firstOf(a.jurisdiction)})`,
    );
    return { users: users.length };
  };
  const counts = await writeCity(ctx, city.geography, city.population, { also: [writeAccounts] });
  await startDemoShift(ctx, firstOf('station'), options.seed ?? 110);
  const t2 = performance.now();
  return {
    seeded: true,
    jurisdictions: counts.jurisdictions ?? 0,
    users: counts.users ?? 0,
    counts,
    generateMs: Math.round(t1 - t0),
    writeMs: Math.round(t2 - t1),
  };
}

/**
 * The demo's day shift, so the command board has units to send: about four in five units on duty (available,
 * their shift begun up to six hours ago), officers' duty state for the deployment pools, and the `patrol` account on the crew of a unit of its station (so
 * the officer's field view has a unit to receive orders for). Deterministic for a seed, apart from the clock.
 */
async function startDemoShift(ctx: RequestContext, stationId: string, seed: number): Promise<void> {
  await ctx.db.execute(
    sql`update units set status = 'available',
          shift_started_at = now() - make_interval(mins => (abs(hashtext(id || 'shift')) % 360)::int)
        where abs(hashtext(id || ${String(seed)})) % 10 < 8`,
  );
  // Officers' duty state for the deployment pools: about two in three on duty (begun up to 10 h ago), one in
  // ten resting after a task, the rest off duty; task points and recent deployments for fairness.
  await ctx.db.execute(
    sql`insert into officer_duty (officer_id, status, duty_started_at, duty_minutes_today, task_points, deployments_30d)
        select o.id,
               case when h % 100 < 65 then 'on_duty' when h % 100 < 75 then 'resting' else 'off_duty' end,
               case when h % 100 < 65 then now() - make_interval(mins => (h / 100 % 600)::int) end,
               0, (h / 7 % 60)::numeric, (h / 11 % 4)::int
          from (select id, abs(hashtext(id || ${String(seed)})) as h from officers where status = 'active') o
        on conflict (officer_id) do nothing`,
  );
  const [officer] = await query<{ id: string; unit_id: string }>(
    ctx.db,
    sql`select o.id, o.unit_id from officers o join units u on u.id = o.unit_id
         where u.jurisdiction_id = ${stationId} and u.type = 'patrol_car' and o.status = 'active' and o.user_id is null
         order by u.id, o.id limit 1`,
  );
  if (!officer) return;
  await ctx.db.execute(
    sql`update officers set user_id = (select id from users where username = 'patrol') where id = ${officer.id}`,
  );
  await ctx.db.execute(
    sql`update units set status = 'available', shift_started_at = coalesce(shift_started_at, now() - interval '1 hour')
        where id = ${officer.unit_id}`,
  );
}
