/**
 * Pools, demands and plans over HTTP on the seeded small demo city (5 counties, ~280 officers): eligibility and
 * why-not (over hours, resting, lapsed certification), regional cover, demand validation and permissions,
 * automatic drafts at the thresholds (strength gap > 30%, incident of level III or above), plans that respect
 * every hard limit, what-if (remove, pin, head-count) and submission for approval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { DEMO_PASSWORD } from '../../../demo/demo-accounts.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertUser } from '../../../../test/helpers/factories.ts';
import { strengthGap } from './demand.service.ts';

let t: TestApp;
const token: Record<string, string> = {};
let counties: string[] = [];
let cityId = '';
let home = { lon: 0, lat: 0 }; // a street address in the first county

async function login(username: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

function call(who: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, key?: string) {
  return t.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: {
      ...(who ? { authorization: `Bearer ${token[who]}` } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
    },
  });
}
const err = (res: { json: <T>() => T }) =>
  res.json<{ error: { code: string; details: Record<string, unknown> } }>().error;

interface Officer {
  id: string;
  eligible: boolean;
  why: string | null;
  skills: string[];
  lapsedSkills: { skill: string }[];
  regionId: string;
  dutyMinutes: number;
}
interface Plan {
  id: string;
  status: string;
  demandIds: string[];
  assignments: { id: string; officerId: string; demandId: string; slot: string; etaSec: number; regionId: string }[];
  shortfalls: { demandId: string; slot: string; missing: number }[];
  cover: Record<string, { available: number; lent: number; left: number; minCover: number }>;
  rejectedPins: { officerId: string }[];
  equipment: { demandId: string; kind: string }[];
}

function demandBody(extra: Record<string, unknown> = {}) {
  return {
    jurisdictionId: counties[0],
    type: 'public_order',
    level: 3,
    title: '大型活动安保增援',
    lon: home.lon,
    lat: home.lat,
    meetingPoint: '体育中心北门',
    headcount: 6,
    requiredSkills: [{ skill: 'riot_control', count: 2 }],
    deadlineAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    expectedDurationMin: 240,
    ...extra,
  };
}

async function officers(jurisdictionId: string, extra = ''): Promise<Officer[]> {
  const res = await call(
    'dutyleader',
    'GET',
    `/api/deployment/officers?jurisdictionId=${jurisdictionId}&limit=1000${extra}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Officer[] }>().items;
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 5 });
  const db = t.database.db;
  counties = (
    await query<{ id: string }>(db, sql`select id from jurisdictions where level = 'county' order by id`)
  ).map((r) => r.id);
  cityId = counties[0]!.slice(0, 4);
  const [addr] = await query<{ lon: number; lat: number }>(
    db,
    sql`select a.lon, a.lat from addresses a join jurisdictions j on j.id = a.grid_id
         where j.path like ${`%/${counties[0]}/%`} order by a.id limit 1`,
  );
  home = { lon: Number(addr!.lon), lat: Number(addr!.lat) };
  for (const u of ['dutyleader', 'county', 'chief', 'commander', 'dispatcher'])
    token[u] = await login(u, DEMO_PASSWORD);
  const other = await insertUser(db, { roles: [{ role: 'county_duty_officer', jurisdictionId: counties[1]! }] });
  token.countyB = await login(other.username, other.password);
}, 180_000);

afterAll(async () => t?.close());

describe('pools and eligibility', () => {
  it('summarises a county’s pool consistently', async () => {
    const res = await call('dutyleader', 'GET', `/api/deployment/pools?jurisdictionId=${counties[0]}`);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<{
      officers: Record<string, number>;
      regions: { regionId: string; available: number; minCover: number; lendable: number }[];
      lendable: number;
      bySkill: Record<string, number>;
    }>();
    const o = p.officers;
    expect(o.total).toBe(o.eligible! + o.onTask! + o.resting! + o.offDuty! + o.overHours!);
    expect(o.eligible).toBeGreaterThan(0);
    expect(p.regions).toHaveLength(1);
    expect(p.regions[0]!.lendable).toBe(Math.max(0, p.regions[0]!.available - p.regions[0]!.minCover));
    expect(Math.max(...Object.values(p.bySkill))).toBeLessThanOrEqual(o.eligible!);
    const fleet = res.json<{
      units: { type: string; total: number; available: number }[];
      vehicles: { kind: string; total: number; inService: number }[];
    }>();
    const [units] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from units u join jurisdictions j on j.id = u.jurisdiction_id where j.path like ${`%/${counties[0]}/%`}`,
    );
    expect(fleet.units.reduce((n, u) => n + u.total, 0)).toBe(Number(units!.n));
    expect(fleet.units.every((u) => u.available <= u.total)).toBe(true);
    expect(fleet.vehicles.length).toBeGreaterThan(0);
    expect(fleet.vehicles.every((v) => v.inService <= v.total)).toBe(true);
    // Outside the reader's scope: the county officer of county B cannot read county A's pool.
    expect((await call('countyB', 'GET', `/api/deployment/pools?jurisdictionId=${counties[0]}`)).statusCode).toBe(403);
  });

  it('says why an officer cannot go: over hours, resting, lapsed certification', async () => {
    const all = await officers(counties[0]!);
    const eligible = all.filter((o) => o.eligible);
    const [tired, rest, lapsed] = eligible;
    await t.database.db.execute(
      sql`update officer_duty set duty_started_at = now() - interval '12 hours 5 minutes' where officer_id = ${tired!.id}`,
    );
    await t.database.db.execute(sql`update officer_duty set status = 'resting' where officer_id = ${rest!.id}`);
    await t.database.db.execute(
      sql`insert into officer_skills (officer_id, skill, level, jurisdiction_id)
          select ${lapsed!.id}, 'drone', 2, jurisdiction_id from officers where id = ${lapsed!.id}
          on conflict do nothing`,
    );
    await t.database.db.execute(
      sql`insert into certifications (officer_id, name, issued_on, expires_on, jurisdiction_id)
          select ${lapsed!.id}, '民用无人机驾驶员执照', '2020-01-01', '2022-01-01', jurisdiction_id
            from officers where id = ${lapsed!.id}`,
    );
    const after = new Map((await officers(counties[0]!)).map((o) => [o.id, o]));
    expect(after.get(tired!.id)).toMatchObject({ eligible: false, why: 'over_hours' });
    expect(after.get(tired!.id)!.dutyMinutes).toBeGreaterThanOrEqual(725);
    expect(after.get(rest!.id)).toMatchObject({ eligible: false, why: 'resting' });
    expect(after.get(lapsed!.id)!.skills).not.toContain('drone');
    expect(after.get(lapsed!.id)!.lapsedSkills.map((s) => s.skill)).toContain('drone');
    const onlyEligible = await officers(counties[0]!, '&eligible=true');
    expect(onlyEligible.every((o) => o.eligible)).toBe(true);
    expect(onlyEligible.map((o) => o.id)).not.toContain(tired!.id);
  });

  it('lets the county set its minimum cover, not a station chief', async () => {
    const ok = await call('county', 'PUT', `/api/deployment/cover/${counties[0]}`, { minOfficers: 5 });
    expect(ok.statusCode, ok.body).toBe(200);
    const p = (await call('dutyleader', 'GET', `/api/deployment/pools?jurisdictionId=${counties[0]}`)).json<{
      regions: { minCover: number }[];
    }>();
    expect(p.regions[0]!.minCover).toBe(5);
    expect((await call('chief', 'PUT', `/api/deployment/cover/${counties[0]}`, { minOfficers: 0 })).statusCode).toBe(
      403,
    );
    expect((await call('county', 'PUT', `/api/deployment/cover/${counties[0]}`, { minOfficers: -1 })).statusCode).toBe(
      400,
    );
  });
});

describe('demands', () => {
  it('validates a demand and rejects other counties, unknown skills and past deadlines', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ requiredSkills: [{ skill: 'levitation', count: 1 }] }, 'VALIDATION_FAILED'],
      [{ requiredSkills: [{ skill: 'riot_control', count: 9 }] }, 'VALIDATION_FAILED'],
      [{ deadlineAt: new Date(Date.now() - 60_000).toISOString() }, 'VALIDATION_FAILED'],
      [{ level: 5 }, 'VALIDATION_FAILED'],
      [{ surprise: true }, 'UNKNOWN_FIELD'],
      [{ requiredEquipment: [{ kind: 'tank', count: 1 }] }, 'VALIDATION_FAILED'],
    ];
    for (const [extra, code] of cases) {
      const res = await call('county', 'POST', '/api/deployment/demands', demandBody(extra));
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(err(res).code).toBe(code);
    }
    expect((await call('countyB', 'POST', '/api/deployment/demands', demandBody())).statusCode).toBe(403);
    expect((await call('chief', 'POST', '/api/deployment/demands', demandBody())).statusCode).toBe(403);
  });

  it('raises a demand once per idempotency key, open at once', async () => {
    const body = demandBody({ title: '幂等测试' });
    const a = await call('county', 'POST', '/api/deployment/demands', body, 'demand-key-0001');
    expect(a.statusCode, a.body).toBe(201);
    const b = await call('county', 'POST', '/api/deployment/demands', body, 'demand-key-0001');
    expect(b.json<{ id: string }>().id).toBe(a.json<{ id: string }>().id);
    expect(a.json<{ status: string; code: string }>()).toMatchObject({
      status: 'open',
      code: expect.stringMatching(/^TS-\d{8}-\d{4}$/),
    });
    const [n] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from deployment_demands where title = '幂等测试'`,
    );
    expect(Number(n!.n)).toBe(1);
    // Visible to the county and the city; not to another county.
    const id = a.json<{ id: string }>().id;
    expect((await call('dutyleader', 'GET', `/api/deployment/demands/${id}`)).statusCode).toBe(200);
    expect((await call('countyB', 'GET', `/api/deployment/demands/${id}`)).statusCode).toBe(404);
    const cancelled = await call('county', 'POST', `/api/deployment/demands/${id}/cancel`, { reason: '测试结束' });
    expect(cancelled.json<{ status: string }>().status).toBe('cancelled');
  });

  it('computes the strength gap rule at its threshold', () => {
    // need = 2 × incidents + roster minimum; a gap over 30% of the need triggers.
    expect(strengthGap(7, 2, 6)).toMatchObject({ needed: 10, gap: 3, triggers: false }); // exactly 30%
    expect(strengthGap(6, 2, 6)).toMatchObject({ needed: 10, gap: 4, triggers: true });
    expect(strengthGap(0, 0, 0).triggers).toBe(false);
  });

  it('drafts demands automatically at the thresholds, once per county and cause, for the duty leader', async () => {
    const db = t.database.db;
    const target = counties[2]!;
    // No open incident and full strength: nothing to draft for this county.
    let scan = await call('dutyleader', 'POST', '/api/deployment/demands/scan');
    expect(scan.statusCode, scan.body).toBe(200);
    expect(
      scan.json<{ items: { jurisdictionId: string }[] }>().items.filter((d) => d.jurisdictionId === target),
    ).toEqual([]);
    // A level III incident in the county and most of its officers sent home.
    const [addr] = await query<{ lon: number; lat: number }>(
      db,
      sql`select a.lon, a.lat from addresses a join jurisdictions j on j.id = a.grid_id
           where j.path like ${`%/${target}/%`} order by a.id limit 1`,
    );
    const inc = await call('dispatcher', 'POST', '/api/incidents', {
      lon: Number(addr!.lon),
      lat: Number(addr!.lat),
      category: 'public_order',
      subType: 'public_order.fight',
      description: '多人斗殴',
      channel: 'phone',
      crowdSize: 30,
    });
    expect(inc.statusCode, inc.body).toBe(201);
    const incident = inc.json<{ incident: { id: string; severity: number } }>().incident;
    expect(incident.severity).toBeLessThanOrEqual(3);
    await db.execute(
      sql`update officer_duty set status = 'off_duty' where officer_id in (
            select o.id from officers o join jurisdictions j on j.id = o.jurisdiction_id
             where j.path like ${`%/${target}/%`})`,
    );
    scan = await call('dutyleader', 'POST', '/api/deployment/demands/scan');
    const drafts = scan
      .json<{
        items: { id: string; jurisdictionId: string; source: string; status: string; incidentId: string | null }[];
      }>()
      .items.filter((d) => d.jurisdictionId === target);
    expect(drafts.map((d) => d.source).sort()).toEqual(['auto_incident', 'auto_strength_gap']);
    expect(drafts.every((d) => d.status === 'draft')).toBe(true);
    expect(drafts.find((d) => d.source === 'auto_incident')!.incidentId).toBe(incident.id);
    // A second scan while they are undecided drafts nothing new.
    const again = await call('dutyleader', 'POST', '/api/deployment/demands/scan');
    expect(
      again.json<{ items: { jurisdictionId: string }[] }>().items.filter((d) => d.jurisdictionId === target),
    ).toEqual([]);
    // The duty leader confirms one; confirming twice is refused.
    const gap = drafts.find((d) => d.source === 'auto_strength_gap')!;
    const confirmed = await call('dutyleader', 'POST', `/api/deployment/demands/${gap.id}/confirm`);
    expect(confirmed.json<{ status: string }>().status).toBe('open');
    expect(err(await call('dutyleader', 'POST', `/api/deployment/demands/${gap.id}/confirm`)).code).toBe(
      'DEMAND_BAD_STATE',
    );
    for (const d of drafts)
      await call('dutyleader', 'POST', `/api/deployment/demands/${d.id}/cancel`, { reason: '测试' });
    await db.execute(
      sql`update officer_duty set status = 'on_duty', duty_started_at = now() - interval '1 hour' where officer_id in (
            select o.id from officers o join jurisdictions j on j.id = o.jurisdiction_id
             where j.path like ${`%/${target}/%`})`,
    );
  });
});

describe('plans', () => {
  let demandA: string;
  let demandB: string;
  let plan: Plan;

  beforeAll(async () => {
    const a = await call('county', 'POST', '/api/deployment/demands', demandBody({ title: '计划甲', headcount: 8 }));
    demandA = a.json<{ id: string }>().id;
    const b = await call(
      'dutyleader',
      'POST',
      '/api/deployment/demands',
      demandBody({
        jurisdictionId: counties[1],
        title: '计划乙',
        headcount: 5,
        requiredSkills: [{ skill: 'negotiation', count: 1 }],
        requiredEquipment: [{ kind: 'drone', count: 1 }],
      }),
    );
    expect(b.statusCode, b.body).toBe(201);
    demandB = b.json<{ id: string }>().id;
  });

  it('matches officers to all demands together within every hard limit', async () => {
    const res = await call('dutyleader', 'POST', '/api/deployment/plans', { demandIds: [demandA, demandB] });
    expect(res.statusCode, res.body).toBe(201);
    plan = res.json<Plan>();
    expect(plan.status).toBe('proposed');
    const pool = new Map((await officers(cityId)).map((o) => [o.id, o]));
    const seen = new Set<string>();
    for (const a of plan.assignments) {
      const o = pool.get(a.officerId)!;
      expect(o.eligible, `${a.officerId} ${o.why}`).toBe(true);
      expect(seen.has(a.officerId)).toBe(false); // one task at a time
      seen.add(a.officerId);
      if (a.slot !== 'general') expect(o.skills).toContain(a.slot);
      expect(a.etaSec).toBeLessThanOrEqual(3 * 3600);
      expect(o.dutyMinutes + a.etaSec / 60 + 240).toBeLessThanOrEqual(720);
    }
    for (const d of [demandA, demandB]) {
      const n = plan.assignments.filter((a) => a.demandId === d).length;
      const missing = plan.shortfalls.filter((s) => s.demandId === d).reduce((x, s) => x + s.missing, 0);
      expect(n + missing).toBe(d === demandA ? 8 : 5);
    }
    expect(plan.assignments.filter((a) => a.demandId === demandA && a.slot === 'riot_control')).toHaveLength(2);
    for (const c of Object.values(plan.cover)) expect(c.left).toBeGreaterThanOrEqual(Math.min(c.minCover, c.available));
    expect(plan.equipment.filter((e) => e.demandId === demandB).map((e) => e.kind)).toEqual(['drone']);
    const d = (await call('dutyleader', 'GET', `/api/deployment/demands/${demandA}`)).json<{ status: string }>();
    expect(d.status).toBe('planned');
  });

  it('what-if: removing an officer re-plans without them and supersedes the plan; pins are honoured', async () => {
    const removed = plan.assignments[0]!.officerId;
    const res = await call('dutyleader', 'POST', `/api/deployment/plans/${plan.id}/whatif`, {
      adjustments: { remove: [removed] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const next = res.json<Plan>();
    expect(next.id).not.toBe(plan.id);
    expect(next.assignments.map((a) => a.officerId)).not.toContain(removed);
    const old = (await call('dutyleader', 'GET', `/api/deployment/plans/${plan.id}`)).json<Plan>();
    expect(old.status).toBe('superseded');
    expect(
      err(await call('dutyleader', 'POST', `/api/deployment/plans/${plan.id}/whatif`, { adjustments: {} })).code,
    ).toBe('PLAN_BAD_STATE');
    // Pin an eligible officer not in the plan to demand B.
    const pool = (await officers(cityId, '&eligible=true')).filter(
      (o) => !next.assignments.some((a) => a.officerId === o.id),
    );
    const pinned = pool[0]!;
    const withPin = (
      await call('dutyleader', 'POST', `/api/deployment/plans/${next.id}/whatif`, {
        adjustments: { pins: [{ officerId: pinned.id, demandId: demandB }], headcount: { [demandA]: 9 } },
      })
    ).json<Plan>();
    const pinnedAssignment = withPin.assignments.find((a) => a.officerId === pinned.id);
    const rejected = withPin.rejectedPins.map((p) => p.officerId);
    expect(pinnedAssignment?.demandId === demandB || rejected.includes(pinned.id)).toBe(true);
    const aCount =
      withPin.assignments.filter((a) => a.demandId === demandA).length +
      withPin.shortfalls.filter((s) => s.demandId === demandA).reduce((x, s) => x + s.missing, 0);
    expect(aCount).toBe(9);
    plan = withPin;
  });

  it('only lets those who may request deployments plan, and not for other regions', async () => {
    expect((await call('chief', 'POST', '/api/deployment/plans', { demandIds: [demandA] })).statusCode).toBe(404);
    expect((await call('countyB', 'POST', '/api/deployment/plans', { demandIds: [demandA] })).statusCode).toBe(404);
  });

  it('submits the plan for the city’s approval', async () => {
    const res = await call('dutyleader', 'POST', `/api/deployment/plans/${plan.id}/submit`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Plan>().status).toBe('pending_approval');
    expect(err(await call('dutyleader', 'POST', `/api/deployment/plans/${plan.id}/submit`, {})).code).toMatch(
      /PLAN_BAD_STATE|APPROVAL_PLAN_NOT_PROPOSED/,
    );
  });
});
