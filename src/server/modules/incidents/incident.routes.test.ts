/**
 * Incidents over HTTP on a seeded small demo city: intake (idempotent, located, graded, audited), masking of
 * caller data per role, list/read parity across counties, lifecycle, re-grading, alerts, duplicates, public
 * progress (with a property test that no protected value leaks), bad input.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertUser } from '../../../../test/helpers/factories.ts';
import type { RoleCode } from '../../../contracts/roles.ts';

let t: TestApp;
const token: Record<string, string> = {};

interface Place {
  id: string;
  gridId: string;
  stationId: string;
  countyId: string;
  text: string;
  lon: number;
  lat: number;
}
let a: Place; // in county A
let b: Place; // in county B

async function login(username: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

async function as(name: string, role: RoleCode, jurisdictionId: string): Promise<void> {
  const u = await insertUser(t.database.db, { username: name.toLowerCase(), roles: [{ role, jurisdictionId }] });
  token[name] = await login(u.username, u.password);
}

function call(
  who: string | null,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: { ...(who ? { authorization: `Bearer ${token[who]}` } : {}), ...headers },
  });
}

const code = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;

interface View {
  id: string;
  queryCode: string;
  status: string;
  severity: number;
  priority: number;
  jurisdictionId: string;
  address: string | null;
  lon: number | null;
  callers: { name: string | null; phone: string | null }[];
  masked: string[];
  gradingRules: string[];
}

function callBody(place: Place, extra: Record<string, unknown> = {}) {
  return {
    callerName: '王小明',
    callerPhone: '13912345678',
    lon: place.lon,
    lat: place.lat,
    address: place.text,
    category: 'public_order',
    subType: 'public_order.noise',
    description: '楼上深夜噪音',
    channel: 'phone',
    ...extra,
  };
}

async function intake(who: string, body: unknown, key?: string) {
  const res = await call(who, 'POST', '/api/incidents', body, key ? { 'idempotency-key': key } : {});
  return res;
}

async function incidentCount(): Promise<number> {
  const [r] = await query<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from incidents where not historical`,
  );
  return Number(r!.n);
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 3 });
  const rows = await query<{
    id: string;
    grid_id: string;
    path: string;
    district: string;
    street: string;
    lon: number;
    lat: number;
  }>(
    t.database.db,
    sql`select a.id, a.grid_id, j.path, a.district, a.street, a.lon, a.lat
        from addresses a join jurisdictions j on j.id = a.grid_id order by a.id`,
  );
  const places: Place[] = rows.map((r) => {
    const seg = r.path.split('/').filter(Boolean); // province, city, county, station, community, grid
    return {
      id: r.id,
      gridId: r.grid_id,
      countyId: seg[2]!,
      stationId: seg[3]!,
      text: `${r.district}${r.street}`,
      lon: Number(r.lon),
      lat: Number(r.lat),
    };
  });
  a = places[0]!;
  b = places.find((p) => p.countyId !== a.countyId)!;
  expect(b).toBeDefined();
  await as('dispatcherA', 'city_dispatcher', a.countyId.slice(0, 4));
  await as('chiefA', 'station_chief', a.stationId);
  await as('chiefB', 'station_chief', b.stationId);
  await as('countyB', 'county_duty_officer', b.countyId);
  await as('patrolA', 'patrol_officer', a.stationId);
  await as('leaderA', 'duty_leader', a.countyId.slice(0, 4));
  await as('gridB', 'grid_worker', b.gridId);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('intake', () => {
  it('takes a call: locates it to the grid, grades it, records caller, timeline and audit', async () => {
    const res = await intake(
      'dispatcherA',
      callBody(a, { category: 'criminal', subType: 'criminal.theft', weapons: true }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const { incident, alertId } = res.json<{ incident: View; alertId: string | null }>();
    expect(incident.jurisdictionId).toBe(a.gridId);
    expect(incident.status).toBe('received');
    expect([incident.severity, incident.priority]).toEqual([3, 3]);
    expect(incident.gradingRules).toEqual(['weapons']);
    expect(alertId).not.toBeNull();
    expect(incident.callers).toEqual([expect.objectContaining({ name: '王小明', phone: '13912345678' })]);
    expect(incident.queryCode).toMatch(/^[A-Z0-9]{10}$/);
    const [audit] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_queue where convert_from(entry, 'UTF8') like ${`%incident.create%${incident.id}%`}`,
    );
    const [sequenced] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where convert_from(entry, 'UTF8') like ${`%incident.create%${incident.id}%`}`,
    );
    expect(Number(audit!.n) + Number(sequenced!.n)).toBe(1);
    const tl = await call('dispatcherA', 'GET', `/api/incidents/${incident.id}/timeline`);
    expect(tl.json<{ items: { kind: string }[] }>().items.map((e) => e.kind)).toEqual(['status', 'grade', 'alert']);
  });

  it('geocodes an address when no coordinates are given', async () => {
    const res = await intake('dispatcherA', { ...callBody(a), lon: undefined, lat: undefined });
    expect(res.statusCode, res.body).toBe(201);
    const { incident } = res.json<{ incident: View }>();
    expect(incident.jurisdictionId).toBe(a.gridId);
    expect(incident.lon).toBeCloseTo(a.lon, 6);
  });

  it('creates one incident for a retried call with the same Idempotency-Key', async () => {
    const before = await incidentCount();
    const body = callBody(a, { description: 'idempotent call' });
    const first = await intake('dispatcherA', body, 'call-key-0001');
    const second = await intake('dispatcherA', body, 'call-key-0001');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json<{ incident: View }>().incident.id).toBe(first.json<{ incident: View }>().incident.id);
    expect(await incidentCount()).toBe(before + 1);
    const reused = await intake('dispatcherA', { ...body, description: 'another call' }, 'call-key-0001');
    expect(reused.statusCode).toBe(422);
    expect(code(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await incidentCount()).toBe(before + 1);
  });

  it.each([
    ['no location at all', { lon: undefined, lat: undefined, address: undefined }, 400, 'INCIDENT_LOCATION_REQUIRED'],
    ['lon without lat', { lat: undefined, address: undefined }, 400, 'INCIDENT_LOCATION_REQUIRED'],
    ['a sub-type of another category', { subType: 'fire.building' }, 400, 'INCIDENT_TYPE_UNKNOWN'],
    ['an unknown sub-type', { subType: 'public_order.alien' }, 400, 'INCIDENT_TYPE_UNKNOWN'],
    ['an unknown field', { secret: 1 }, 400, 'UNKNOWN_FIELD'],
    ['a bad channel', { channel: 'pigeon' }, 400, 'VALIDATION_FAILED'],
    ['negative injuries', { injuries: -1 }, 400, 'VALIDATION_FAILED'],
    ['a reception time in the future', { receivedAt: '2999-01-01T00:00:00Z' }, 400, 'VALIDATION_FAILED'],
    ['a malformed reception time', { receivedAt: 'yesterday' }, 400, 'VALIDATION_FAILED'],
    ['a point outside the city', { lon: 100, lat: 30, address: undefined }, 400, 'COORDINATES_INVALID'],
    ['an unknown address', { lon: undefined, lat: undefined, address: '火星大道999号' }, 404, 'ADDRESS_NOT_FOUND'],
  ])('rejects %s and writes nothing', async (_what, extra, status, errorCode) => {
    const before = await incidentCount();
    const res = await intake('dispatcherA', callBody(a, extra));
    expect(res.statusCode, res.body).toBe(status);
    expect(code(res)).toBe(errorCode);
    expect(await incidentCount()).toBe(before);
  });

  it('answers 401 without a session and 403 outside the caller-taker’s jurisdiction', async () => {
    expect((await call(null, 'POST', '/api/incidents', callBody(a))).statusCode).toBe(401);
    const res = await intake('gridB', callBody(a));
    expect(res.statusCode).toBe(403);
    expect(code(res)).toBe('FORBIDDEN');
    expect((await intake('gridB', callBody(b))).statusCode).toBe(201);
  });
});

describe('grading at intake', () => {
  it('escalates the third call from the same address within the repeat window', async () => {
    const [free] = await query<{ id: string; text: string; lon: number; lat: number }>(
      t.database.db,
      sql`select a.id, a.search_text as text, a.lon, a.lat from addresses a
          where a.grid_id like ${`${a.countyId.slice(0, 4)}%`}
            and not exists (select 1 from incidents i where i.address_id = a.id and i.reported_at >= now() - interval '30 days')
            and (select count(*) from addresses b where b.search_text = a.search_text) = 1
          order by a.id limit 1`,
    );
    const body = {
      ...callBody(a, { category: 'dispute', subType: 'dispute.domestic', description: 'repeat' }),
      address: free!.text,
      lon: Number(free!.lon),
      lat: Number(free!.lat),
    };
    const rules: string[][] = [];
    const severities: number[] = [];
    for (let k = 0; k < 3; k++) {
      const v = (await intake('dispatcherA', body)).json<{ incident: View }>().incident;
      rules.push(v.gradingRules);
      severities.push(v.severity);
      const [row] = await query<{ address_id: string }>(
        t.database.db,
        sql`select address_id from incidents where id = ${v.id}`,
      );
      expect(row!.address_id).toBe(free!.id);
    }
    expect(rules).toEqual([[], [], ['repeat_address']]);
    expect(severities).toEqual([3, 3, 2]);
  });

  it('announces a threat to life as an alert to the consoles that may dispatch', async () => {
    const spy = vi.spyOn(t.app.realtime, 'publish');
    try {
      const res = await intake(
        'dispatcherA',
        callBody(a, { category: 'fire', subType: 'fire.building', description: 'fire' }),
      );
      const { incident, alertId } = res.json<{ incident: View; alertId: string }>();
      const alert = spy.mock.calls.find(([topic, e]) => topic === 'incidents' && e.type === 'incident.alert');
      expect(alert).toBeDefined();
      expect(alert![1].data).toEqual({ id: incident.id, alertId, severity: 2 });
      expect(alert![1].audience).toMatchObject({ action: 'incident.dispatch' });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('reading incidents', () => {
  let id: string;
  beforeAll(async () => {
    id = (await intake('dispatcherA', callBody(a, { description: 'masking' }))).json<{ incident: View }>().incident.id;
  });

  it('shows caller name and phone to the call-taker, masked to the station chief and patrol officer', async () => {
    const full = (await call('dispatcherA', 'GET', `/api/incidents/${id}`)).json<View>();
    expect(full.callers[0]).toMatchObject({ name: '王小明', phone: '13912345678' });
    expect(full.masked).toEqual([]);
    for (const who of ['chiefA', 'patrolA']) {
      const v = (await call(who, 'GET', `/api/incidents/${id}`)).json<View>();
      expect(v.callers[0]).toMatchObject({ name: '王**', phone: '139****5678' });
      expect(v.masked).toEqual(['callers']);
      expect(v.address).toBe(a.text);
    }
  });

  it('masks the same way in lists', async () => {
    const list = (await call('chiefA', 'GET', '/api/incidents?limit=200')).json<{ items: View[] }>();
    const mine = list.items.find((i) => i.id === id)!;
    expect(mine.callers[0]!.phone).toBe('139****5678');
  });

  it('does not let a station officer of another county read or list the incident (list parity)', async () => {
    const res = await call('chiefB', 'GET', `/api/incidents/${id}`);
    expect(res.statusCode).toBe(404);
    expect(code(res)).toBe('INCIDENT_NOT_FOUND');
    const listB = (await call('chiefB', 'GET', '/api/incidents?limit=200')).json<{ items: View[] }>();
    expect(listB.items.some((i) => i.id === id)).toBe(false);
    for (const i of listB.items) expect(i.jurisdictionId.startsWith(b.stationId)).toBe(true);
    const listA = (await call('chiefA', 'GET', '/api/incidents?limit=200')).json<{ items: View[] }>();
    expect(listA.items.some((i) => i.id === id)).toBe(true);
    for (const i of listA.items) expect(i.jurisdictionId.startsWith(a.stationId)).toBe(true);
  });

  it('lets an officer lent by a task grant read and list exactly that incident', async () => {
    const [chiefB] = await query<{ id: string }>(t.database.db, sql`select id from users where username = 'chiefb'`);
    const other = (await intake('dispatcherA', callBody(a, { description: 'not lent' }))).json<{ incident: View }>()
      .incident.id;
    await t.database.db.execute(
      sql`insert into task_grants (user_id, task_ref, jurisdiction_id, actions, ends_at)
          values (${chiefB!.id}, ${`incident:${id}`}, ${a.countyId}, array['incident.read'], now() + interval '1 hour')`,
    );
    const token2 = await login('chiefb', 'Jingwu#2026pass');
    token.chiefB2 = token2;
    expect((await call('chiefB2', 'GET', `/api/incidents/${id}`)).statusCode).toBe(200);
    expect((await call('chiefB2', 'GET', `/api/incidents/${other}`)).statusCode).toBe(404);
    const list = (await call('chiefB2', 'GET', '/api/incidents?limit=200')).json<{ items: View[] }>();
    expect(list.items.some((i) => i.id === id)).toBe(true);
    expect(list.items.some((i) => i.id === other)).toBe(false);
    // Lent to read, not to see the callers' identities.
    expect(list.items.find((i) => i.id === id)!.callers[0]!.phone).toBe('139****5678');
  });

  it('rejects malformed ids and unknown query fields', async () => {
    expect((await call('chiefA', 'GET', '/api/incidents/not-a-uuid')).statusCode).toBe(400);
    expect((await call('chiefA', 'GET', '/api/incidents?foo=1')).statusCode).toBe(400);
    expect((await call(null, 'GET', '/api/incidents')).statusCode).toBe(401);
  });
});

describe('lifecycle', () => {
  it('walks the stages, rejecting illegal transitions with a stable code, each on the timeline', async () => {
    const id = (await intake('dispatcherA', callBody(a, { description: 'lifecycle' }))).json<{ incident: View }>()
      .incident.id;
    const go = (who: string, transition: string, note?: string) =>
      call(who, 'POST', `/api/incidents/${id}/transitions`, {
        transition,
        ...(note ? { note } : {}),
        ...(transition === 'close' && note ? { disposition: 'on_scene_resolved', resultCode: 'resolved' } : {}),
      });
    const bad = await go('dispatcherA', 'close');
    expect(bad.statusCode).toBe(409);
    expect(bad.json<{ error: { code: string; details: unknown } }>().error).toMatchObject({
      code: 'INCIDENT_BAD_TRANSITION',
      details: { from: 'received', transition: 'close' },
    });
    expect((await go('dispatcherA', 'grade')).json<View>().status).toBe('graded');
    // A patrol officer may update but not dispatch.
    expect((await go('patrolA', 'dispatch')).statusCode).toBe(403);
    for (const [who, tr, status] of [
      ['dispatcherA', 'dispatch', 'dispatched'],
      ['patrolA', 'acknowledge', 'acknowledged'],
      ['patrolA', 'depart', 'en_route'],
      ['patrolA', 'arrive', 'on_scene'],
      ['patrolA', 'handle', 'handled'],
      ['dispatcherA', 'close', 'closed'],
    ] as const) {
      const res = await go(who, tr, `note ${tr}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<View>().status).toBe(status);
    }
    expect((await go('dispatcherA', 'cancel')).statusCode).toBe(409);
    expect((await go('dispatcherA', 'reopen')).json<View>().status).toBe('graded');
    expect((await go('dispatcherA', 'cancel')).json<View>().status).toBe('cancelled');
    expect((await go('chiefB', 'reopen')).statusCode).toBe(404);
    expect((await go('dispatcherA', 'teleport')).statusCode).toBe(400);
    const tl = (await call('dispatcherA', 'GET', `/api/incidents/${id}/timeline`)).json<{
      items: { kind: string; toStatus: string | null; actorId: string | null; note: string | null }[];
    }>();
    const stages = tl.items.filter((e) => e.kind === 'status');
    expect(stages.map((e) => e.toStatus)).toEqual([
      'received',
      'graded',
      'dispatched',
      'acknowledged',
      'en_route',
      'on_scene',
      'handled',
      'closed',
      'graded',
      'cancelled',
    ]);
    expect(stages.every((e) => e.actorId !== null)).toBe(true);
    expect(stages.find((e) => e.toStatus === 'on_scene')!.note).toBe('note arrive');
  });

  it('lets the call-taker re-grade with a reason, on the timeline', async () => {
    const id = (await intake('dispatcherA', callBody(a, { description: 'regrade' }))).json<{ incident: View }>()
      .incident.id;
    const res = await call('dispatcherA', 'POST', `/api/incidents/${id}/grade`, {
      severity: 2,
      reason: '报警人称有刀',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<View>()).toMatchObject({ severity: 2, priority: 3 });
    const tl = (await call('dispatcherA', 'GET', `/api/incidents/${id}/timeline`)).json<{
      items: { kind: string; note: string }[];
    }>();
    expect(tl.items.at(-1)).toMatchObject({ kind: 'grade', note: expect.stringContaining('报警人称有刀') });
    expect(
      (await call('dispatcherA', 'POST', `/api/incidents/${id}/grade`, { severity: 5, reason: 'x' })).statusCode,
    ).toBe(400);
    expect((await call('dispatcherA', 'POST', `/api/incidents/${id}/grade`, { severity: 2 })).statusCode).toBe(400);
  });
});

describe('duty-leader alerts', () => {
  it('opens an alert for a threat to life that the duty leader acknowledges once', async () => {
    const res = await intake(
      'dispatcherA',
      callBody(a, { category: 'criminal', subType: 'criminal.robbery', description: 'alert' }),
    );
    const { incident, alertId } = res.json<{ incident: View; alertId: string }>();
    expect(alertId).toMatch(/^[0-9a-f-]{36}$/);
    const url = `/api/incidents/${incident.id}/alerts/${alertId}/ack`;
    expect((await call('patrolA', 'POST', url)).statusCode).toBe(403);
    const ack = await call('leaderA', 'POST', url);
    expect(ack.statusCode, ack.body).toBe(200);
    const again = await call('leaderA', 'POST', url);
    expect(again.statusCode).toBe(404);
    expect(code(again)).toBe('INCIDENT_ALERT_NOT_FOUND');
  });

  it('opens none for a minor call', async () => {
    const res = await intake('dispatcherA', callBody(a, { description: 'no alert' }));
    expect(res.json<{ alertId: string | null }>().alertId).toBeNull();
  });
});

describe('duplicate candidates', () => {
  it('offers an open incident nearby of a compatible category, not an incompatible one', async () => {
    const first = (
      await intake(
        'dispatcherA',
        callBody(a, { category: 'dispute', subType: 'dispute.neighbour', description: 'dup 1' }),
      )
    ).json<{
      incident: View;
    }>().incident;
    const near = { ...callBody(a, { description: 'dup 2' }), lon: a.lon + 0.0005, lat: a.lat };
    const second = (await intake('dispatcherA', near)).json<{
      duplicateCandidates: { id: string; distanceM: number }[];
    }>();
    const hit = second.duplicateCandidates.find((c) => c.id === first.id);
    expect(hit).toBeDefined();
    expect(hit!.distanceM).toBeLessThanOrEqual(300);
    const other = (
      await intake('dispatcherA', { ...near, category: 'assistance', subType: 'assistance.locked_out' })
    ).json<{
      duplicateCandidates: { id: string }[];
    }>();
    expect(other.duplicateCandidates.some((c) => c.id === first.id)).toBe(false);
  });
});

describe('merging duplicates', () => {
  it('keeps both callers, cancels the duplicate, and sends its query code to the kept incident', async () => {
    const keep = (await intake('dispatcherA', callBody(a, { callerName: '李一', callerPhone: '13800000001' }))).json<{
      incident: View;
    }>().incident;
    const dup = (await intake('dispatcherA', callBody(a, { callerName: '赵二', callerPhone: '13800000002' }))).json<{
      incident: View;
    }>().incident;
    const merge = (who: string, id: string, duplicateId: string) =>
      call(who, 'POST', `/api/incidents/${id}/merge`, { duplicateId, note: '同一事件' });
    expect((await merge('chiefB', keep.id, dup.id)).statusCode).toBe(404);
    const self = await merge('dispatcherA', keep.id, keep.id);
    expect(self.statusCode).toBe(409);
    expect(code(self)).toBe('INCIDENT_MERGE_INVALID');
    const res = await merge('dispatcherA', keep.id, dup.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<View>().callers.map((c) => c.name)).toEqual(['李一', '赵二']);
    expect((await call('dispatcherA', 'GET', `/api/incidents/${dup.id}`)).json<View>().status).toBe('cancelled');
    const again = await merge('dispatcherA', keep.id, dup.id);
    expect(again.statusCode).toBe(409);
    await call('dispatcherA', 'POST', `/api/incidents/${keep.id}/transitions`, { transition: 'grade' });
    const pub = (await call(null, 'GET', `/api/public/progress/${dup.queryCode}`)).json<{ current: string }>();
    expect(pub.current).toBe('graded');
    const tl = (await call('dispatcherA', 'GET', `/api/incidents/${keep.id}/timeline`)).json<{
      items: { kind: string }[];
    }>();
    expect(tl.items.some((e) => e.kind === 'merge')).toBe(true);
    expect(
      (await call('dispatcherA', 'POST', `/api/incidents/${keep.id}/merge`, { duplicateId: 'x' })).statusCode,
    ).toBe(400);
  });
});

describe('public progress', () => {
  it('shows stage names and times without login, 404 for unknown codes, 400 for malformed ones', async () => {
    const { incident } = (await intake('dispatcherA', callBody(a, { description: 'progress' }))).json<{
      incident: View;
    }>();
    await call('dispatcherA', 'POST', `/api/incidents/${incident.id}/transitions`, {
      transition: 'grade',
      note: '内部备注',
    });
    const res = await call(null, 'GET', `/api/public/progress/${incident.queryCode}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ stages: { stage: string; at: string }[]; current: string }>();
    expect(Object.keys(body).sort()).toEqual(['current', 'stages']);
    expect(body.stages.map((s) => s.stage)).toEqual(['received', 'graded']);
    expect(body.stages.every((s) => Object.keys(s).sort().join() === 'at,stage')).toBe(true);
    expect(body.current).toBe('graded');
    expect((await call(null, 'GET', '/api/public/progress/ZZZZZZZZZZ')).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/public/progress/bad')).statusCode).toBe(400);
  });

  it('never carries a protected field value in any public payload (property)', async () => {
    const text = fc.string({ minLength: 4, maxLength: 20 }).filter((s) => /^[\p{L}\p{N}]{4,}$/u.test(s));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: text,
          phone: fc.stringMatching(/^1[3-9][0-9]{9}$/),
          description: text,
          note: text,
          transitions: fc.integer({ min: 0, max: 3 }),
        }),
        async (p) => {
          const res = await intake(
            'dispatcherA',
            callBody(a, { callerName: p.name, callerPhone: p.phone, description: p.description }),
          );
          expect(res.statusCode, res.body).toBe(201);
          const { incident } = res.json<{ incident: View }>();
          const path = ['grade', 'dispatch', 'acknowledge'].slice(0, p.transitions);
          for (const tr of path) {
            await call('dispatcherA', 'POST', `/api/incidents/${incident.id}/transitions`, {
              transition: tr,
              note: p.note,
            });
          }
          const pub = await call(null, 'GET', `/api/public/progress/${incident.queryCode}`);
          expect(pub.statusCode).toBe(200);
          const [actor] = await query<{ id: string; username: string }>(
            t.database.db,
            sql`select id, username from users where username = 'dispatchera'`,
          );
          const protectedValues = [
            p.name,
            p.phone,
            p.description,
            p.note,
            a.text,
            a.id,
            a.gridId,
            String(a.lon),
            String(a.lat),
            incident.id,
            actor!.id,
            actor!.username,
          ];
          for (const v of protectedValues) expect(pub.body.includes(v), v).toBe(false);
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);
});
