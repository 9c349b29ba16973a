/**
 * Execution and after action over HTTP on the seeded small demo city: a level III demand in one county served
 * by two officers lent from the next county (A arrives, B never does) and one of its own (C, no login). Issuing
 * (ordered, executing, deployed, idempotent, busy officers refused), the officer's terminal (mine, ack, stages,
 * repeats harmless, illegal moves 409), tracking (AVL or station, road ETA, arrived), hand-over with task-scoped
 * grants (the lent officer reads his demand and is denied another of the same county; the grant ends at
 * release), release with booking (exact minutes, points, allowance; idempotent), survey, logistics and KPIs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext, type RequestContext } from '../../context.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertUser } from '../../../../test/helpers/factories.ts';
import { issuePlan } from './execution.service.ts';
import { testSigner } from './approval.testing.ts';
import { DEMO_PASSWORD } from '../../../demo/demo-accounts.ts';

let t: TestApp;
let sys: RequestContext;
const token: Record<string, string> = {};
let C0 = ''; // receiving county
let C1 = ''; // lending county
let demand = ''; // the executed demand (in C0)
let otherDemand = ''; // another open demand of C0
let plan = '';
const officer = { A: '', B: '', C: '' };
const assignment = { A: '', B: '', C: '' };
let site = { lon: 0, lat: 0 };
let avl = { lon: 0, lat: 0 };

async function login(username: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

function call(who: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: who ? { authorization: `Bearer ${token[who]}` } : {},
  });
}
const err = (res: { json: <T>() => T }) =>
  res.json<{ error: { code: string; details: Record<string, unknown> } }>().error;

async function one<T extends Record<string, unknown>>(q: ReturnType<typeof sql>): Promise<T> {
  const [r] = await query<T>(t.database.db, q);
  return r!;
}

/** Audit entries written so far (queued or sequenced: the sum does not change when the sequencer runs). */
async function auditCount(): Promise<number> {
  const r = await one<{ n: string }>(
    sql`select (select count(*) from audit_queue) + (select count(*) from audit_entries) as n`,
  );
  return Number(r.n);
}

async function place(county: string): Promise<{ lon: number; lat: number }> {
  const r = await one<{ lon: number; lat: number }>(
    sql`select a.lon, a.lat from addresses a join jurisdictions j on j.id = a.grid_id
         where j.path like ${`%/${county}/%`} order by a.id limit 1`,
  );
  return { lon: Number(r.lon), lat: Number(r.lat) };
}

async function insertDemand(status: string, title: string): Promise<string> {
  const r = await one<{ id: string }>(
    sql`insert into deployment_demands (code, jurisdiction_id, type, level, title, lon, lat, headcount, deadline_at,
          expected_duration_min, status, source, created_at)
        values (${`TS-TEST-${title}`}, ${C0}, 'public_order', 3, ${title}, ${site.lon}, ${site.lat}, 3,
                now() + interval '3 hours', 240, ${status}, 'manual', now())
        returning id`,
  );
  return r.id;
}

async function insertPlan(status: string, demandId: string, rows: { officer: string; eta: number }[]) {
  const p = await one<{ id: string }>(
    sql`insert into deployment_plans (status, demand_ids, required_approval, summary, created_by, created_at)
        values (${status}, ${`{${demandId}}`}::text[], 'city', '{}', 'test', now()) returning id`,
  );
  const ids: string[] = [];
  for (const r of rows) {
    const a = await one<{ id: string }>(
      sql`insert into deployment_assignments (plan_id, demand_id, officer_id, slot, eta_sec, reason, status)
          values (${p.id}, ${demandId}, ${r.officer}, 'general', ${r.eta}, 'test', 'proposed') returning id`,
    );
    ids.push(a.id);
  }
  return { id: p.id, assignments: ids };
}

beforeAll(async () => {
  t = await createTestApp();
  sys = systemContext(t.database.db, t.app.auditSink);
  await seedDemo(sys, { scale: 'small', seed: 5 });
  const db = t.database.db;
  const counties = (
    await query<{ id: string }>(db, sql`select id from jurisdictions where level = 'county' order by id`)
  ).map((r) => r.id);
  [C0, C1] = [counties[0]!, counties[1]!];
  site = await place(C0);
  avl = await place(C1);
  const pick = (county: string, withUnit: boolean, not: string[]) =>
    one<{ id: string; station: string }>(
      sql`select o.id, o.jurisdiction_id as station from officers o join jurisdictions j on j.id = o.jurisdiction_id
             where j.path like ${`%/${county}/%`} and o.user_id is null and o.status = 'active'
               and (o.unit_id is not null) = ${withUnit} and o.id <> all(${`{${not.join(',')}}`}::text[])
             order by o.id limit 1`,
    );
  const a = await pick(C1, true, []);
  const b = await pick(C1, false, [a.id]);
  const c = await pick(C0, false, []);
  officer.A = a.id;
  officer.B = b.id;
  officer.C = c.id;
  for (const [name, o] of [
    ['A', a],
    ['B', b],
  ] as const) {
    const u = await insertUser(db, { roles: [{ role: 'patrol_officer', jurisdictionId: o.station }] });
    await db.execute(sql`update officers set user_id = ${u.id} where id = ${o.id}`);
    token[name] = await login(u.username, u.password);
  }
  // A's unit reports from the lending county; B has no unit (placed at his station).
  await db.execute(
    sql`insert into unit_positions (unit_id, lon, lat, recorded_at)
        select unit_id, ${avl.lon}, ${avl.lat}, now() from officers where id = ${officer.A}
        on conflict (unit_id) do update set lon = excluded.lon, lat = excluded.lat, recorded_at = excluded.recorded_at`,
  );
  const users = {
    recv: { role: 'county_duty_officer', jurisdictionId: C0 },
    recvPatrol: { role: 'patrol_officer', jurisdictionId: C0 },
    lender: { role: 'county_duty_officer', jurisdictionId: C1 },
  } as const;
  for (const [name, role] of Object.entries(users)) {
    const u = await insertUser(db, { roles: [role] });
    token[name] = await login(u.username, u.password);
  }
  demand = await insertDemand('approved', 'EXEC');
  otherDemand = await insertDemand('open', 'OTHER');
  const p = await insertPlan('approved', demand, [
    { officer: officer.A, eta: 1200 },
    { officer: officer.B, eta: 1200 },
    { officer: officer.C, eta: 600 },
  ]);
  plan = p.id;
  [assignment.A, assignment.B, assignment.C] = p.assignments as [string, string, string];
}, 180_000);

afterAll(async () => t?.close());

describe('issuing a plan', () => {
  it('orders the assignments, sets the demand executing and the officers deployed, with one audit entry', async () => {
    // C was on a shift begun 90 minutes ago: it is folded into his duty minutes today (the 12-hour cap).
    await t.database.db.execute(
      sql`insert into officer_duty (officer_id, status, duty_started_at, duty_minutes_today)
          values (${officer.C}, 'on_duty', now() - interval '90 minutes', 30)
          on conflict (officer_id) do update set status = 'on_duty', duty_started_at = excluded.duty_started_at,
            duty_minutes_today = excluded.duty_minutes_today`,
    );
    const before = await auditCount();
    const changes = await issuePlan(sys, plan);
    expect(await auditCount()).toBe(before + 1);
    const c = await one<{ duty_minutes_today: number; duty_started_at: Date | null }>(
      sql`select duty_minutes_today, duty_started_at from officer_duty where officer_id = ${officer.C}`,
    );
    expect(c).toEqual({ duty_minutes_today: 120, duty_started_at: null });
    expect(changes.demands).toEqual([expect.objectContaining({ id: demand, status: 'executing' })]);
    expect(changes.assignments.map((a) => a.status)).toEqual(['ordered', 'ordered', 'ordered']);
    expect(changes.plans).toEqual([expect.objectContaining({ id: plan, status: 'issued', demandId: demand })]);
    const p = await one<{ status: string; issued_at: Date | null }>(
      sql`select status, issued_at from deployment_plans where id = ${plan}`,
    );
    expect(p.status).toBe('issued');
    expect(p.issued_at).not.toBeNull();
    const rows = await query<{ status: string; ordered_at: Date | null; duty: string | null }>(
      t.database.db,
      sql`select a.status, a.ordered_at, d.status as duty from deployment_assignments a
            left join officer_duty d on d.officer_id = a.officer_id where a.plan_id = ${plan}`,
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ status: 'ordered', duty: 'deployed' });
    expect(rows.every((r) => r.ordered_at !== null)).toBe(true);
    const d = await one<{ status: string }>(sql`select status from deployment_demands where id = ${demand}`);
    expect(d.status).toBe('executing');
  });

  it('changes nothing when issued again', async () => {
    const before = await auditCount();
    const changes = await issuePlan(sys, plan);
    expect(changes).toEqual({ demands: [], plans: [], assignments: [] });
    expect(await auditCount()).toBe(before);
  });

  it('refuses a plan naming an officer already on a task, and a rejected plan, writing nothing', async () => {
    const busy = await insertPlan('approved', otherDemand, [{ officer: officer.A, eta: 300 }]);
    await expect(issuePlan(sys, busy.id)).rejects.toMatchObject({
      code: 'DEPLOYMENT_OFFICER_BUSY',
      details: { officers: [{ officerId: officer.A, assignmentId: assignment.A }] },
    });
    const after = await one<{ p: string; d: string; a: string }>(
      sql`select p.status as p, d.status as d, a.status as a from deployment_plans p, deployment_demands d,
            deployment_assignments a where p.id = ${busy.id} and d.id = ${otherDemand} and a.plan_id = ${busy.id}`,
    );
    expect(after).toEqual({ p: 'approved', d: 'open', a: 'proposed' });
    for (const status of ['proposed', 'pending_approval', 'rejected']) {
      await t.database.db.execute(sql`update deployment_plans set status = ${status} where id = ${busy.id}`);
      await expect(issuePlan(sys, busy.id)).rejects.toMatchObject({ code: 'PLAN_BAD_STATE' });
    }
  });
});

describe("the officer's terminal", () => {
  it('lists my assignments with where to go; someone who is no officer has none', async () => {
    const res = await call('A', 'GET', '/api/deployment/assignments/mine');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: { id: string; status: string; lon: number; demandId: string }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: assignment.A, status: 'ordered', demandId: demand, lon: site.lon });
    const none = await call('recv', 'GET', '/api/deployment/assignments/mine');
    expect(none.json<{ items: unknown[] }>().items).toEqual([]);
    expect((await call(null, 'GET', '/api/deployment/assignments/mine')).statusCode).toBe(401);
  });

  it('acknowledges once (a repeat is harmless and not audited); others cannot see the assignment', async () => {
    const before = await auditCount();
    const res = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/ack`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ status: string; acknowledgedAt: string }>()).toMatchObject({ status: 'acknowledged' });
    const again = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/ack`);
    expect(again.statusCode).toBe(200);
    expect(again.json<{ status: string }>().status).toBe('acknowledged');
    expect(await auditCount()).toBe(before + 1);
    for (const who of ['B', 'lender']) {
      const r = await call(who, 'POST', `/api/deployment/assignments/${assignment.A}/ack`);
      expect(r.statusCode).toBe(404);
      expect(err(r).code).toBe('ASSIGNMENT_NOT_FOUND');
    }
    const b = await call('B', 'POST', `/api/deployment/assignments/${assignment.B}/ack`);
    expect(b.statusCode, b.body).toBe(200);
  });

  it('reports en route and arrived; a repeat is harmless, going back is a 409 with the allowed stages', async () => {
    const go = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/status`, { status: 'en_route' });
    expect(go.statusCode, go.body).toBe(200);
    expect(go.json<{ status: string }>().status).toBe('en_route');
    const arrive = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/status`, {
      status: 'arrived',
    });
    expect(arrive.json<{ status: string; arrivedAt: string | null }>()).toMatchObject({ status: 'arrived' });
    const firstArrival = arrive.json<{ arrivedAt: string }>().arrivedAt;
    const repeat = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/status`, {
      status: 'arrived',
    });
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json<{ arrivedAt: string }>().arrivedAt).toBe(firstArrival);
    const back = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/status`, {
      status: 'en_route',
    });
    expect(back.statusCode).toBe(409);
    expect(err(back)).toMatchObject({
      code: 'ASSIGNMENT_BAD_TRANSITION',
      details: { from: 'arrived', to: 'en_route', allowed: [] },
    });
  });

  it('rejects unknown stages and fields', async () => {
    const bad = await call('B', 'POST', `/api/deployment/assignments/${assignment.B}/status`, { status: 'home' });
    expect(bad.statusCode).toBe(400);
    const extra = await call('B', 'POST', `/api/deployment/assignments/${assignment.B}/status`, {
      status: 'en_route',
      speed: 3,
    });
    expect(extra.statusCode).toBe(400);
    expect(err(extra).code).toBe('UNKNOWN_FIELD');
  });

  it('lets the receiving commander report for an officer without a terminal, not a mere reader', async () => {
    const reader = await call('recvPatrol', 'POST', `/api/deployment/assignments/${assignment.C}/status`, {
      status: 'arrived',
    });
    expect(reader.statusCode).toBe(403);
    const res = await call('recv', 'POST', `/api/deployment/assignments/${assignment.C}/status`, {
      status: 'arrived',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ status: string }>().status).toBe('arrived');
  });
});

interface TrackItem {
  assignmentId: string;
  status: string;
  position: { lon: number; lat: number; source: string } | null;
  remainingEtaSec: number | null;
  arrived: boolean;
  late: boolean;
  officer: { homeRegionId: string; policeNumber: string };
}

describe('tracking', () => {
  it('shows each officer with position, remaining road ETA, arrived and late, to the receiving side', async () => {
    const res = await call('recv', 'GET', `/api/deployment/demands/${demand}/tracking`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: TrackItem[] }>().items;
    const by = new Map(items.map((i) => [i.assignmentId, i]));
    expect(by.get(assignment.A)).toMatchObject({
      status: 'arrived',
      arrived: true,
      remainingEtaSec: 0,
      late: false,
      position: { source: 'avl', lon: avl.lon, lat: avl.lat },
      officer: { homeRegionId: C1 },
    });
    const b = by.get(assignment.B)!;
    expect(b).toMatchObject({ status: 'acknowledged', arrived: false, position: { source: 'station' } });
    // From the lending county's station to the receiving county by road: minutes, not hours, not zero.
    expect(b.remainingEtaSec).toBeGreaterThan(0);
    expect(b.remainingEtaSec).toBeLessThan(3 * 3600);
    expect(b.late).toBe(false);
    expect(by.get(assignment.C)!.officer.homeRegionId).toBe(C0);
  });

  it('is not readable by a lent officer before the hand-over, nor by another county', async () => {
    for (const who of ['A', 'lender']) {
      const r = await call(who, 'GET', `/api/deployment/demands/${demand}/tracking`);
      expect(r.statusCode).toBe(404);
    }
  });
});

describe('hand-over and the task-scoped grant', () => {
  it('is for the receiving commander only', async () => {
    expect((await call('recvPatrol', 'POST', `/api/deployment/demands/${demand}/handover`)).statusCode).toBe(403);
    expect((await call('lender', 'POST', `/api/deployment/demands/${demand}/handover`)).statusCode).toBe(404);
    const open = await call('recv', 'POST', `/api/deployment/demands/${otherDemand}/handover`);
    expect(open.statusCode).toBe(409);
    expect(err(open).code).toBe('DEMAND_BAD_STATE');
  });

  it('hands over arrived officers and grants the one with a login the task until its expected end + 2 h', async () => {
    const res = await call('recv', 'POST', `/api/deployment/demands/${demand}/handover`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ handedOver: { id: string; status: string }[]; grants: number; grantsEndAt: string }>();
    expect(body.handedOver.map((h) => h.id).sort()).toEqual([assignment.A, assignment.C].sort());
    expect(body.handedOver.every((h) => h.status === 'handed_over')).toBe(true);
    expect(body.grants).toBe(1);
    const g = await one<{ task_ref: string; jurisdiction_id: string; actions: string[]; minutes: number }>(
      sql`select g.task_ref, g.jurisdiction_id, g.actions,
                 round(extract(epoch from g.ends_at - g.starts_at) / 60)::int as minutes
            from task_grants g join deployment_assignments a on a.grant_id = g.id where a.id = ${assignment.A}`,
    );
    expect(g).toEqual({
      task_ref: `deployment:${demand}`,
      jurisdiction_id: C0,
      actions: ['deployment.read', 'deployment.report', 'incident.read'],
      minutes: 240 + 120,
    });
    const again = await call('recv', 'POST', `/api/deployment/demands/${demand}/handover`);
    expect(again.json<{ handedOver: unknown[]; grants: number }>()).toMatchObject({ handedOver: [], grants: 0 });
  });

  it("lets the lent officer read his own task's records and denies another demand of the same county", async () => {
    expect((await call('A', 'GET', `/api/deployment/demands/${demand}/tracking`)).statusCode).toBe(200);
    expect((await call('A', 'GET', `/api/deployment/demands/${demand}`)).statusCode).toBe(200);
    const other = await call('A', 'GET', `/api/deployment/demands/${otherDemand}/tracking`);
    expect(other.statusCode).toBe(404);
    expect((await call('A', 'GET', `/api/deployment/demands/${otherDemand}`)).statusCode).toBe(404);
    // The grant reads; it does not command.
    const lg = await call('A', 'PUT', `/api/deployment/demands/${demand}/logistics`, {
      meals: true,
      lodging: true,
      medical: true,
    });
    expect(lg.statusCode).toBe(403);
    // B has not arrived: no grant.
    expect((await call('B', 'GET', `/api/deployment/demands/${demand}/tracking`)).statusCode).toBe(404);
  });
});

describe('after action', () => {
  it('records logistics (receiving side), validating the body', async () => {
    const bad = await call('recv', 'PUT', `/api/deployment/demands/${demand}/logistics`, { meals: true });
    expect(bad.statusCode).toBe(400);
    const res = await call('recv', 'PUT', `/api/deployment/demands/${demand}/logistics`, {
      meals: true,
      lodging: true,
      medical: true,
      note: '体育中心食堂、宾馆两处',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ demandId: demand, meals: true, lodging: true, medical: true });
  });

  it('opens the survey only after release', async () => {
    const res = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/survey`, { rating: 4 });
    expect(res.statusCode).toBe(409);
    expect(err(res).code).toBe('SURVEY_NOT_OPEN');
  });
});

describe('release', () => {
  let dutyBefore: { task_points: string; deployments_30d: number; duty_minutes_today: number };

  it('is for the receiving commander, on an executing demand only', async () => {
    expect((await call('recvPatrol', 'POST', `/api/deployment/demands/${demand}/release`)).statusCode).toBe(403);
    expect((await call('lender', 'POST', `/api/deployment/demands/${demand}/release`)).statusCode).toBe(404);
    const open = await call('recv', 'POST', `/api/deployment/demands/${otherDemand}/release`);
    expect(open.statusCode).toBe(409);
    expect(err(open)).toMatchObject({ code: 'DEMAND_BAD_STATE', details: { status: 'open' } });
    const unknown = await call('recv', 'GET', '/api/deployment/demands/00000000-0000-4000-8000-000000000000/tracking');
    expect(unknown.statusCode).toBe(404);
    expect((await call('recv', 'GET', '/api/deployment/demands/not-an-id/tracking')).statusCode).toBe(400);
    expect(
      (await call('recv', 'POST', '/api/deployment/assignments/00000000-0000-4000-8000-000000000000/ack')).statusCode,
    ).toBe(404);
  });

  it('books exact duty minutes, points and allowance, rests the officers, revokes the grant and closes', async () => {
    // Known times: ordered 100 min ago; A and C arrived 60 min ago; B never arrived.
    await t.database.db.execute(
      sql`update deployment_assignments set ordered_at = now() - interval '100 minutes',
            arrived_at = case when id = ${assignment.B} then null else now() - interval '60 minutes' end
          where plan_id = ${plan}`,
    );
    dutyBefore = await one(
      sql`select task_points, deployments_30d, duty_minutes_today from officer_duty where officer_id = ${officer.A}`,
    );
    const res = await call('recv', 'POST', `/api/deployment/demands/${demand}/release`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      status: string;
      alreadyClosed: boolean;
      grantsRevoked: number;
      released: { id: string; status: string; dutyMinutes: number; points: number; allowance: number }[];
    }>();
    expect(body).toMatchObject({ status: 'closed', alreadyClosed: false, grantsRevoked: 1 });
    const by = new Map(body.released.map((r) => [r.id, r]));
    // A: 40 out + 60 on task + 20 home (ETA 1,200 s) = 120 min; level III (2) × 2 h × public order (1.2) = 4.8;
    // lent: 400 × 1.2 × 120 / 1440 = 40.
    expect(by.get(assignment.A)).toMatchObject({ status: 'released', dutyMinutes: 120, points: 4.8, allowance: 40 });
    // B: 100 out, never arrived, home min(20, 100) = 20 → 120 min, same points and allowance.
    expect(by.get(assignment.B)).toMatchObject({ dutyMinutes: 120, points: 4.8, allowance: 40 });
    // C: 40 + 60 + 10 = 110 min; 2 × 110/60 × 1.2 = 4.4; own county: no allowance.
    expect(by.get(assignment.C)).toMatchObject({ dutyMinutes: 110, points: 4.4, allowance: 0 });
    const duty = await one<{
      status: string;
      task_points: string;
      deployments_30d: number;
      duty_minutes_today: number;
      last_deployed_at: Date | null;
    }>(
      sql`select status, task_points, deployments_30d, duty_minutes_today, last_deployed_at from officer_duty
           where officer_id = ${officer.A}`,
    );
    expect(duty.status).toBe('resting');
    expect(Number(duty.task_points)).toBeCloseTo(Number(dutyBefore.task_points) + 4.8, 2);
    expect(duty.deployments_30d).toBe(dutyBefore.deployments_30d + 1);
    expect(duty.duty_minutes_today).toBe(dutyBefore.duty_minutes_today + 120);
    expect(duty.last_deployed_at).not.toBeNull();
    const state = await one<{ d: string; p: string; revoked: boolean }>(
      sql`select d.status as d, p.status as p,
                 (select bool_and(revoked_at is not null) from task_grants where task_ref = ${`deployment:${demand}`}) as revoked
            from deployment_demands d, deployment_plans p where d.id = ${demand} and p.id = ${plan}`,
    );
    expect(state).toEqual({ d: 'closed', p: 'completed', revoked: true });
  });

  it('ends the grant: the lent officer can no longer read the task', async () => {
    expect((await call('A', 'GET', `/api/deployment/demands/${demand}/tracking`)).statusCode).toBe(404);
    expect((await call('A', 'GET', `/api/deployment/demands/${demand}`)).statusCode).toBe(404);
  });

  it('is idempotent: releasing again books nothing and answers the booked result', async () => {
    const before = await auditCount();
    const res = await call('recv', 'POST', `/api/deployment/demands/${demand}/release`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ alreadyClosed: boolean; released: { id: string; points: number }[] }>();
    expect(body.alreadyClosed).toBe(true);
    expect(body.released.find((r) => r.id === assignment.A)!.points).toBe(4.8);
    const duty = await one<{ deployments_30d: number }>(
      sql`select deployments_30d from officer_duty where officer_id = ${officer.A}`,
    );
    expect(duty.deployments_30d).toBe(dutyBefore.deployments_30d + 1);
    expect(await auditCount()).toBe(before);
    const ack = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/ack`);
    expect(ack.statusCode).toBe(409);
    expect(err(ack).code).toBe('ASSIGNMENT_BAD_TRANSITION');
  });

  it('takes one survey per officer after release', async () => {
    const range = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/survey`, { rating: 6 });
    expect(range.statusCode).toBe(400);
    const notMine = await call('recv', 'POST', `/api/deployment/assignments/${assignment.A}/survey`, { rating: 5 });
    expect(notMine.statusCode).toBe(403);
    const res = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/survey`, {
      rating: 4,
      comment: '食宿安排好',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ assignmentId: assignment.A, rating: 4, comment: '食宿安排好' });
    const again = await call('A', 'POST', `/api/deployment/assignments/${assignment.A}/survey`, { rating: 5 });
    expect(again.statusCode).toBe(409);
    expect(err(again).code).toBe('SURVEY_ALREADY_SUBMITTED');
  });
});

describe('KPIs', () => {
  interface Kpi {
    responseTime: { level: number; arrivals: number; notArrived: number; meanMin: number | null }[];
    utilisation: { deployedOfficers: number; officerHours: number };
    satisfaction: { released: number; responses: number; meanRating: number | null; responseRate: number | null };
    logisticsCoverage: { demands: number; covered: number; rate: number | null };
    caseClearance: { incidents: number; closed: number; rate: number | null };
    equipmentCompatibility: { items: number; compatible: number; rate: number | null };
    balance: {
      pairs: { fromRegionId: string; toRegionId: string; officers: number; officerHours: number }[];
      regions: { regionId: string; givenHours: number; receivedHours: number; netHours: number }[];
    };
  }

  it('computes the receiving county’s indicators from the executed demand', async () => {
    const db = t.database.db;
    // The demand served a closed incident; two bomb robots were lent from C1, one of the standard C0 uses.
    const [closed] = await query<{ id: string }>(db, sql`select id from incidents where status = 'closed' limit 1`);
    await db.execute(sql`update deployment_demands set incident_id = ${closed!.id} where id = ${demand}`);
    const station = async (county: string) =>
      (
        await one<{ id: string }>(
          sql`select id from jurisdictions where level = 'station' and path like ${`%/${county}/%`} order by id limit 1`,
        )
      ).id;
    const [s0, s1] = [await station(C0), await station(C1)];
    const existing = await one<{ n: number }>(
      sql`select count(*)::int as n from equipment e join jurisdictions j on j.id = e.jurisdiction_id
           where e.kind = 'bomb_robot' and e.standard is not null and j.path like ${`%/${C0}/%`}`,
    );
    const robot = async (serial: string, standard: string, at: string) =>
      (
        await one<{ id: string }>(
          sql`insert into equipment (kind, serial, model, standard, jurisdiction_id)
              values ('bomb_robot', ${serial}, 'T-1', ${standard}, ${at}) returning id`,
        )
      ).id;
    for (let i = 0; i <= existing.n; i++) await robot(`KPI-C0-${i}`, 'GA-TEST', s0);
    for (const [serial, standard] of [
      ['KPI-C1-a', 'GA-TEST'],
      ['KPI-C1-b', 'OTHER-STD'],
    ] as const) {
      const id = await robot(serial, standard, s1);
      await db.execute(
        sql`insert into deployment_equipment (plan_id, demand_id, equipment_id) values (${plan}, ${demand}, ${id})`,
      );
    }
    const res = await call('recv', 'GET', `/api/deployment/kpis?jurisdictionId=${C0}`);
    expect(res.statusCode, res.body).toBe(200);
    const k = res.json<Kpi>();
    // A and C: order → arrival 40 min each; B never arrived.
    expect(k.responseTime.find((r) => r.level === 3)).toMatchObject({ arrivals: 2, notArrived: 1, meanMin: 40 });
    expect(k.satisfaction).toEqual({ released: 3, responses: 1, meanRating: 4, responseRate: 0.3333 });
    expect(k.logisticsCoverage).toMatchObject({ demands: 1, covered: 1, rate: 1 });
    expect(k.caseClearance).toEqual({ incidents: 1, closed: 1, rate: 1 });
    expect(k.equipmentCompatibility).toEqual({ items: 2, compatible: 1, rate: 0.5 });
    // Of the county's own officers only C was deployed; 120 + 120 + 110 min booked.
    expect(k.utilisation).toMatchObject({ deployedOfficers: 1, officerHours: 5.83 });
    expect(k.balance.pairs).toEqual([{ fromRegionId: C1, toRegionId: C0, officers: 2, officerHours: 4 }]);
  });

  it('shows help given in the lending county’s balance', async () => {
    const res = await call('lender', 'GET', `/api/deployment/kpis?jurisdictionId=${C1}`);
    expect(res.statusCode, res.body).toBe(200);
    const k = res.json<Kpi>();
    expect(k.responseTime.every((r) => r.arrivals === 0)).toBe(true);
    expect(k.balance.regions).toEqual([
      { regionId: C0, givenHours: 0, receivedHours: 4, netHours: -4 },
      { regionId: C1, givenHours: 4, receivedHours: 0, netHours: 4 },
    ]);
    expect(k.utilisation.deployedOfficers).toBe(2);
  });

  it('refuses other scopes, bad windows and unknown jurisdictions', async () => {
    expect((await call('lender', 'GET', `/api/deployment/kpis?jurisdictionId=${C0}`)).statusCode).toBe(403);
    const range = await call(
      'recv',
      'GET',
      `/api/deployment/kpis?jurisdictionId=${C0}&from=2026-11-20T00:00:00Z&to=2026-11-19T00:00:00Z`,
    );
    expect(range.statusCode).toBe(400);
    expect(err(range).code).toBe('KPI_RANGE_INVALID');
    expect((await call('recv', 'GET', '/api/deployment/kpis?jurisdictionId=99')).statusCode).toBe(404);
    expect((await call('recv', 'GET', `/api/deployment/kpis?jurisdictionId=${C0}&x=1`)).statusCode).toBe(400);
  });
});

describe('a plan from the planner, approved with a signature, issued and followed live', () => {
  let demandId = '';
  let planId = '';
  let planned: { id: string; officerId: string }[] = [];

  it('issues, on its signed approval, the assignments the planner proposed for a demand raised over HTTP', async () => {
    const raised = await call('recv', 'POST', '/api/deployment/demands', {
      jurisdictionId: C0,
      type: 'security',
      level: 4,
      title: '集市安保',
      lon: site.lon,
      lat: site.lat,
      headcount: 2,
      requiredSkills: [],
      requiredEquipment: [],
      deadlineAt: new Date(Date.now() + 4 * 3600_000).toISOString(),
      expectedDurationMin: 60,
    });
    expect(raised.statusCode, raised.body).toBe(201);
    demandId = raised.json<{ id: string }>().id;
    const proposed = await call('recv', 'POST', '/api/deployment/plans', { demandIds: [demandId] });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const p = proposed.json<{ id: string; assignments: { id: string; officerId: string }[] }>();
    planId = p.id;
    planned = p.assignments;
    expect(planned.length).toBe(2);
    // Submitted for approval; the city's duty leader signs the approval, which issues the plan (issuePlan).
    const submit = await call('recv', 'POST', `/api/deployment/plans/${planId}/submit`, {});
    expect(submit.statusCode, submit.body).toBe(200);
    token.dutyleader = await login('dutyleader', DEMO_PASSWORD);
    const signer = testSigner();
    const key = await call('dutyleader', 'POST', '/api/deployment/approver-keys', {
      publicKeySpki: signer.spki,
      algorithm: 'ECDSA-P256-SHA256',
    });
    expect(key.statusCode, key.body).toBe(201);
    const list = await call('dutyleader', 'GET', '/api/deployment/approvals?status=pending');
    const approval = list.json<{ items: { id: string; planId: string }[] }>().items.find((a) => a.planId === planId)!;
    const payload = await call(
      'dutyleader',
      'GET',
      `/api/deployment/approvals/${approval.id}/payload?decision=approve`,
    );
    expect(payload.statusCode, payload.body).toBe(200);
    const decided = await call('dutyleader', 'POST', `/api/deployment/approvals/${approval.id}/decide`, {
      decision: 'approve',
      keyId: key.json<{ id: string }>().id,
      signature: signer.sign(payload.json<{ payload: string }>().payload),
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const rows = await query<{ id: string; status: string; ordered_at: Date | null }>(
      t.database.db,
      sql`select id, status, ordered_at from deployment_assignments where plan_id = ${planId}`,
    );
    expect(rows.map((r) => r.id).sort()).toEqual(planned.map((a) => a.id).sort());
    expect(rows.every((r) => r.status === 'ordered' && r.ordered_at !== null)).toBe(true);
    // Issuing again (a retried approval) changes nothing.
    expect(await issuePlan(sys, planId)).toEqual({ demands: [], plans: [], assignments: [] });
    const tracking = await call('recv', 'GET', `/api/deployment/demands/${demandId}/tracking`);
    expect(tracking.statusCode, tracking.body).toBe(200);
    const items = tracking.json<{ status: string; items: TrackItem[] }>();
    expect(items.status).toBe('executing');
    expect(items.items.map((i) => i.status)).toEqual(['ordered', 'ordered']);
    expect(items.items.every((i) => i.remainingEtaSec !== null && i.position !== null)).toBe(true);
  });

  it("announces a stage on the 'deployment' topic to the receiving side, not to another county", async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const open = async (who: string) => {
      const abort = new AbortController();
      const res = await fetch(`${base}/api/stream?topics=deployment`, {
        headers: { authorization: `Bearer ${token[who]}` },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      let text = '';
      const reader = res.body!.getReader();
      const pump = (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
        } catch {
          // aborted
        }
      })();
      return { text: () => text, close: async () => (abort.abort(), pump) };
    };
    const recv = await open('recv');
    const lender = await open('lender');
    try {
      const res = await call('recv', 'POST', `/api/deployment/assignments/${planned[0]!.id}/status`, {
        status: 'en_route',
      });
      expect(res.statusCode, res.body).toBe(200);
      const deadline = Date.now() + 5000;
      while (!recv.text().includes(planned[0]!.id) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(recv.text()).toContain('event: deployment.assignment');
      expect(recv.text()).toContain('"status":"en_route"');
      // A marker every signed-in user may see, published after: once the lender has it, ours would have come.
      t.app.realtime.publish('deployment', { type: 'notice', data: { marker: 1 }, audience: 'authenticated' });
      const until = Date.now() + 5000;
      while (!lender.text().includes('marker') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(lender.text()).toContain('marker');
      expect(lender.text()).not.toContain(planned[0]!.id);
    } finally {
      await recv.close();
      await lender.close();
    }
  });
});
