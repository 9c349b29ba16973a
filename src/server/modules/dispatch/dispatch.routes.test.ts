/**
 * Units, AVL and recommendation over HTTP, on a tiny hand-made geography where straight-line and road
 * distance disagree: a river along lon 113.300 with a road on each bank and a single bridge far to the north.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { buildGraph, haversineM, serializeGraph } from '../geo/index.ts';
import { resetGeoState } from '../geo/geo.state.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser, type CreatedUser } from '../../../../test/helpers/factories.ts';

let t: TestApp;
const token: Record<string, string> = {};

const SCENE = { lon: 113.295, lat: 23.1 };
// West bank, 2.2 km south of the scene on the same road; east bank, 1 km away across the river.
const WEST = { lon: 113.295, lat: 23.08 };
const EAST = { lon: 113.305, lat: 23.1 };

async function login(user: CreatedUser): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user.username, password: user.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

function req(method: 'GET' | 'POST', who: string | null, url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: who ? { authorization: `Bearer ${token[who]}` } : {},
  });
}

const err = (res: { json: <T>() => T }) =>
  res.json<{ error: { code: string; details: Record<string, unknown> } }>().error;

async function insertUnit(
  id: string,
  station: string,
  home: { lon: number; lat: number },
  opts: { status?: string; shiftHoursAgo?: number; type?: string } = {},
): Promise<void> {
  const shift =
    opts.shiftHoursAgo === undefined ? null : new Date(Date.now() - opts.shiftHoursAgo * 3_600_000).toISOString();
  await t.database.db.execute(
    sql`insert into units (id, call_sign, type, jurisdiction_id, home_lon, home_lat, status, shift_started_at)
        values (${id}, ${id.toUpperCase()}, ${opts.type ?? 'patrol_car'}, ${station}, ${home.lon}, ${home.lat}, ${opts.status ?? 'available'},
                ${shift}::timestamptz)`,
  );
}

let officerSeq = 0;
async function crew(unitId: string, station: string, skills: string[]): Promise<void> {
  const n = ++officerSeq;
  const id = `o-${unitId}-${n}`;
  await t.database.db.execute(
    sql`insert into officers (id, police_number, name, sex, birth_date, id_number, rank, post, jurisdiction_id, unit_id)
        values (${id}, ${String(100000 + n)}, ${'警员' + n}, 'M', '1990-01-01', ${'ID' + n}, '一级警员', 'patrol', ${station}, ${unitId})`,
  );
  for (const s of skills) {
    await t.database.db.execute(
      sql`insert into officer_skills (officer_id, skill, level, jurisdiction_id) values (${id}, ${s}, 2, ${station})`,
    );
  }
}

async function setStatus(id: string, status: string): Promise<void> {
  await t.database.db.execute(sql`update units set status = ${status} where id = ${id}`);
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  await insertJurisdictions(db);
  const nodes = [
    { id: 'w0', lon: 113.295, lat: 23.07 },
    { id: 'w1', lon: 113.295, lat: 23.15 },
    { id: 'e0', lon: 113.305, lat: 23.07 },
    { id: 'e1', lon: 113.305, lat: 23.15 },
    { id: 'f0', lon: 113.5, lat: 23.3 },
    { id: 'f1', lon: 113.51, lat: 23.3 },
  ];
  const graph = buildGraph({
    nodes,
    ways: [
      { nodeIds: ['w0', 'w1'], roadClass: 'secondary' },
      { nodeIds: ['e0', 'e1'], roadClass: 'secondary' },
      { nodeIds: ['w1', 'e1'], roadClass: 'secondary' }, // the only bridge
      { nodeIds: ['f0', 'f1'], roadClass: 'secondary' }, // a road not connected to the rest
    ],
  });
  const bytes = serializeGraph(graph);
  await db.execute(
    sql`insert into road_graphs (name, graph, vertex_count, edge_count)
        values ('demo', decode(${Buffer.from(bytes).toString('hex')}, 'hex'), ${graph.vertexCount}, ${graph.edgeCount})`,
  );
  resetGeoState(db);

  await insertUnit('u-west', '440104001', WEST, { shiftHoursAgo: 2 });
  await insertUnit('u-east', '440103001', EAST, { shiftHoursAgo: 3 });
  await insertUnit('u-busy', '440103001', { lon: 113.295, lat: 23.09 }, { status: 'on_scene' });
  await insertUnit('u-off', '440103001', { lon: 113.295, lat: 23.09 }, { status: 'off_duty' });
  await insertUnit('u-tired', '440103001', { lon: 113.295, lat: 23.09 }, { shiftHoursAgo: 13 });
  await insertUnit('u-stale', '440103001', { lon: 113.295, lat: 23.11 });
  await insertUnit('u-island', '440104001', { lon: 113.505, lat: 23.3 });
  await insertUnit('u-b', '440203001', { lon: 113.295, lat: 23.1 }); // another city: out of the dispatcher's scope
  await crew('u-east', '440103001', ['negotiation', 'first_aid']);
  await crew('u-west', '440104001', ['first_aid']);
  await db.execute(
    sql`insert into equipment (kind, serial, model, jurisdiction_id, unit_id) values ('taser', 'T-1', 'X26', '440103001', 'u-east')`,
  );

  const users: Record<string, Parameters<typeof insertUser>[1]> = {
    dispatcher: { roles: [{ role: 'city_dispatcher', jurisdictionId: '4401' }] },
    chief: { roles: [{ role: 'station_chief', jurisdictionId: '440103001' }] },
    chiefB: { roles: [{ role: 'station_chief', jurisdictionId: '440203001' }] },
    patrol: { roles: [{ role: 'patrol_officer', jurisdictionId: '440103001' }] },
  };
  for (const [name, seed] of Object.entries(users)) token[name] = await login(await insertUser(db, seed));
}, 120_000);

afterAll(async () => t?.close());

describe('GET /api/units', () => {
  it('lists only the units in the reader’s scope, filtered by status', async () => {
    const res = await req('GET', 'dispatcher', '/api/units');
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json<{ items: { id: string }[] }>().items.map((u) => u.id);
    expect(ids).toContain('u-west');
    expect(ids).toContain('u-east');
    expect(ids).not.toContain('u-b');
    const chief = res.json<{ items: { id: string }[] }>();
    expect(chief.items.length).toBe(7);
    const own = (await req('GET', 'chief', '/api/units')).json<{ items: { id: string }[] }>().items.map((u) => u.id);
    expect(own).not.toContain('u-west'); // another station
    const busy = (await req('GET', 'dispatcher', '/api/units?status=on_scene')).json<{ items: { id: string }[] }>();
    expect(busy.items.map((u) => u.id)).toEqual(['u-busy']);
  });

  it('rejects unknown statuses and fields, and anonymous callers', async () => {
    expect((await req('GET', 'dispatcher', '/api/units?status=sleeping')).statusCode).toBe(400);
    expect((await req('GET', 'dispatcher', '/api/units?colour=red')).statusCode).toBe(400);
    const anon = await req('GET', null, '/api/units');
    expect(anon.statusCode).toBe(401);
    expect(err(anon).code).toBe('UNAUTHENTICATED');
  });
});

describe('POST /api/units/{id}/status', () => {
  it('applies a legal transition, starts the shift, audits it and announces it on the units topic', async () => {
    await insertUnit('u-s1', '440103001', { lon: 113.295, lat: 23.12 }, { status: 'off_duty' });
    const spy = vi.spyOn(t.app.realtime, 'publish');
    const res = await req('POST', 'chief', '/api/units/u-s1/status', { status: 'available', reason: '上岗' });
    expect(res.statusCode, res.body).toBe(200);
    const unit = res.json<{ status: string; shiftStartedAt: string | null }>();
    expect(unit.status).toBe('available');
    expect(unit.shiftStartedAt).not.toBeNull();
    expect(spy).toHaveBeenCalledWith(
      'units',
      expect.objectContaining({
        type: 'unit.status',
        data: { id: 'u-s1', callSign: 'U-S1', status: 'available', lon: 113.295, lat: 23.12 },
        audience: {
          action: 'unit.read',
          resource: { type: 'unit', id: 'u-s1', jurisdictionPath: '/44/4401/440103/440103001/' },
        },
      }),
    );
    spy.mockRestore();
    const audit = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from (select entry from audit_queue union all select entry from audit_entries) a
           where convert_from(entry, 'UTF8') like '%"unit.status"%' and convert_from(entry, 'UTF8') like '%u-s1%'`,
    );
    expect(audit[0]!.n).toBe(1);
    // The dispatcher (incident.dispatch) may stand the unit down too; going off duty clears the shift.
    const off = await req('POST', 'dispatcher', '/api/units/u-s1/status', { status: 'off_duty' });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json<{ shiftStartedAt: string | null }>().shiftStartedAt).toBeNull();
  });

  it('rejects an illegal transition with the allowed ones', async () => {
    await insertUnit('u-s2', '440103001', { lon: 113.295, lat: 23.12 }, { status: 'off_duty' });
    const res = await req('POST', 'chief', '/api/units/u-s2/status', { status: 'on_scene' });
    expect(res.statusCode).toBe(409);
    expect(err(res)).toMatchObject({
      code: 'UNIT_STATUS_TRANSITION',
      details: { from: 'off_duty', allowed: ['available'] },
    });
    const [row] = await query<{ status: string }>(t.database.db, sql`select status from units where id = 'u-s2'`);
    expect(row!.status).toBe('off_duty');
  });

  it('hides other regions’ units, forbids readers without update rights, and validates the body', async () => {
    const other = await req('POST', 'chiefB', '/api/units/u-east/status', { status: 'busy' });
    expect(other.statusCode).toBe(404);
    expect(err(other).code).toBe('UNIT_NOT_FOUND');
    expect((await req('POST', 'chief', '/api/units/nope/status', { status: 'busy' })).statusCode).toBe(404);
    const patrol = await req('POST', 'patrol', '/api/units/u-busy/status', { status: 'returning' });
    expect(patrol.statusCode).toBe(403);
    expect((await req('POST', 'chief', '/api/units/u-busy/status', { status: 'napping' })).statusCode).toBe(400);
    expect((await req('POST', 'chief', '/api/units/u-busy/status', { status: 'returning', x: 1 })).statusCode).toBe(
      400,
    );
    const [row] = await query<{ status: string }>(t.database.db, sql`select status from units where id = 'u-busy'`);
    expect(row!.status).toBe('on_scene');
  });
});

describe('POST /api/avl/positions', () => {
  it('stores fixes idempotently, moves the latest position only forward and publishes unit.position', async () => {
    await insertUnit('u-avl', '440103001', { lon: 113.295, lat: 23.12 });
    const t1 = new Date(Date.now() - 30_000).toISOString();
    const t2 = new Date(Date.now() - 20_000).toISOString();
    const spy = vi.spyOn(t.app.realtime, 'publish');
    const first = await req('POST', 'chief', '/api/avl/positions', {
      positions: [
        { unitId: 'u-avl', lon: 113.296, lat: 23.121, recordedAt: t2, speedKmh: 30, heading: 90 },
        { unitId: 'u-avl', lon: 113.295, lat: 23.12, recordedAt: t1 },
      ],
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ accepted: 2, duplicates: 0, moved: 1, rejected: [] });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![1]).toMatchObject({
      type: 'unit.position',
      data: { id: 'u-avl', callSign: 'U-AVL', status: 'available', lon: 113.296, lat: 23.121 },
    });
    spy.mockRestore();
    // A retry of the same batch stores nothing and moves nothing.
    const retry = await req('POST', 'chief', '/api/avl/positions', {
      positions: [{ unitId: 'u-avl', lon: 113.296, lat: 23.121, recordedAt: t2 }],
    });
    expect(retry.json()).toEqual({ accepted: 0, duplicates: 1, moved: 0, rejected: [] });
    // A late, older fix goes into the history but does not move the latest position back.
    const late = await req('POST', 'chief', '/api/avl/positions', {
      positions: [{ unitId: 'u-avl', lon: 113.2, lat: 23.0, recordedAt: new Date(Date.now() - 60_000).toISOString() }],
    });
    expect(late.json()).toEqual({ accepted: 1, duplicates: 0, moved: 0, rejected: [] });
    const [hist] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from unit_position_history where unit_id = 'u-avl'`,
    );
    expect(hist!.n).toBe(3);
    const units = (await req('GET', 'chief', '/api/units')).json<{
      items: { id: string; position: { lon: number; recordedAt: string; stale: boolean } | null }[];
    }>();
    const avl = units.items.find((u) => u.id === 'u-avl')!;
    expect(avl.position).toMatchObject({ lon: 113.296, recordedAt: t2, stale: false });
    const strict = (await req('GET', 'chief', '/api/units?staleAfterSec=5')).json<{
      items: { id: string; position: { stale: boolean } | null }[];
    }>();
    expect(strict.items.find((u) => u.id === 'u-avl')!.position!.stale).toBe(true);
  });

  it('rejects unknown or foreign units, points outside China and future fixes item by item', async () => {
    const now = new Date().toISOString();
    const res = await req('POST', 'chief', '/api/avl/positions', {
      positions: [
        { unitId: 'ghost', lon: 113.3, lat: 23.1, recordedAt: now },
        { unitId: 'u-west', lon: 113.3, lat: 23.1, recordedAt: now }, // another station: not visible to this chief
        { unitId: 'u-b', lon: 113.3, lat: 23.1, recordedAt: now },
        { unitId: 'u-east', lon: 2.35, lat: 48.85, recordedAt: now },
        { unitId: 'u-east', lon: 113.3, lat: 23.1, recordedAt: new Date(Date.now() + 3_600_000).toISOString() },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res.json<{ rejected: { index: number; reason: string }[] }>().rejected.map((r) => [r.index, r.reason]),
    ).toEqual([
      [0, 'unit_not_found'],
      [1, 'unit_not_found'],
      [2, 'unit_not_found'],
      [3, 'coordinates_invalid'],
      [4, 'future_timestamp'],
    ]);
    // The dispatcher sees the unit but may not report its position.
    const disp = await req('POST', 'dispatcher', '/api/avl/positions', {
      positions: [{ unitId: 'u-east', lon: 113.305, lat: 23.1, recordedAt: now }],
    });
    expect(disp.json<{ rejected: { reason: string }[] }>().rejected).toEqual([
      { index: 0, unitId: 'u-east', reason: 'forbidden' },
    ]);
    const [n] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from unit_position_history where unit_id in ('u-east', 'u-west', 'u-b')`,
    );
    expect(n!.n).toBe(0);
  });

  it('validates the batch shape', async () => {
    const now = new Date().toISOString();
    for (const positions of [
      [],
      [{ unitId: 'u-east', lon: 200, lat: 23.1, recordedAt: now }],
      [{ unitId: 'u-east', lon: 113.3, lat: 23.1, recordedAt: 'yesterday' }],
      [{ unitId: 'u-east', lon: 113.3, lat: 23.1, recordedAt: now, altitude: 3 }],
    ]) {
      expect(
        (await req('POST', 'chief', '/api/avl/positions', { positions })).statusCode,
        JSON.stringify(positions),
      ).toBe(400);
    }
    expect((await req('POST', null, '/api/avl/positions', { positions: [] })).statusCode).toBe(400);
    const anon = await req('POST', null, '/api/avl/positions', {
      positions: [{ unitId: 'u-east', lon: 113.3, lat: 23.1, recordedAt: now }],
    });
    expect(anon.statusCode).toBe(401);
  });
});

describe('the officer app (crew of the unit)', () => {
  it('lets a crew member report positions and change the status of their own unit only', async () => {
    await insertUnit('u-crew', '440103001', { lon: 113.295, lat: 23.13 }, { status: 'busy' });
    const officer = await insertUser(t.database.db, {
      roles: [{ role: 'patrol_officer', jurisdictionId: '440103001' }],
    });
    token.crew = await login(officer);
    await crew('u-crew', '440103001', []);
    await t.database.db.execute(sql`update officers set user_id = ${officer.id}::uuid where unit_id = 'u-crew'`);
    const now = new Date().toISOString();
    const fix = await req('POST', 'crew', '/api/avl/positions', {
      positions: [
        { unitId: 'u-crew', lon: 113.295, lat: 23.13, recordedAt: now },
        { unitId: 'u-busy', lon: 113.295, lat: 23.09, recordedAt: now }, // same station, not their unit
      ],
    });
    expect(fix.statusCode, fix.body).toBe(200);
    expect(fix.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      moved: 1,
      rejected: [{ index: 1, unitId: 'u-busy', reason: 'forbidden' }],
    });
    const own = await req('POST', 'crew', '/api/units/u-crew/status', { status: 'available' });
    expect(own.statusCode, own.body).toBe(200);
    const other = await req('POST', 'crew', '/api/units/u-busy/status', { status: 'returning' });
    expect(other.statusCode).toBe(403);
    // Off the crew (officer inactive): no longer allowed.
    await t.database.db.execute(sql`update officers set status = 'leave' where unit_id = 'u-crew'`);
    expect((await req('POST', 'crew', '/api/units/u-crew/status', { status: 'busy' })).statusCode).toBe(403);
    await setStatus('u-crew', 'off_duty');
  });
});

describe('POST /api/dispatch/recommend', () => {
  type Rec = {
    recommended: { unitId: string; rank: number; etaSec: number; positionSource: string; reason: string }[];
    excluded: { unitId: string; why: string; detail: string }[];
  };
  const recommend = async (body: object, who = 'dispatcher'): Promise<Rec> => {
    const res = await req('POST', who, '/api/dispatch/recommend', body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Rec>();
  };

  beforeAll(async () => {
    // u-stale reported once, long ago; the tests above moved u-avl, which we stand down here.
    await t.database.db.execute(
      sql`insert into unit_positions (unit_id, lon, lat, recorded_at) values ('u-stale', 113.295, 23.11, now() - interval '10 minutes')`,
    );
    await setStatus('u-avl', 'busy');
  });

  it('sends the nearest unit by road, not by straight line', async () => {
    expect(haversineM(EAST.lon, EAST.lat, SCENE.lon, SCENE.lat)).toBeLessThan(
      haversineM(WEST.lon, WEST.lat, SCENE.lon, SCENE.lat) / 2,
    );
    const r = await recommend({ ...SCENE, count: 2 });
    expect(r.recommended.map((u) => u.unitId)).toEqual(['u-west', 'u-east']);
    const [west, east] = r.recommended;
    expect(west!.positionSource).toBe('home_base');
    expect(west!.etaSec).toBeLessThan(east!.etaSec / 3); // the bridge detour: ~12 km against ~2.2 km
    expect(west!.reason).toMatch(/Road ETA/);
  });

  it('lets skills decide when only the far unit has them', async () => {
    const r = await recommend({ ...SCENE, requiredSkills: ['negotiation'], requiredEquipment: ['taser'] });
    expect(r.recommended.map((u) => u.unitId)).toEqual(['u-east']);
    expect(r.recommended[0]!.reason).toContain('negotiation');
    expect(r.excluded).toContainEqual(expect.objectContaining({ unitId: 'u-west', why: 'missing_skill' }));
    const eq = await recommend({ ...SCENE, requiredEquipment: ['drone'] });
    expect(eq.recommended).toEqual([]);
    expect(eq.excluded).toContainEqual(expect.objectContaining({ unitId: 'u-east', why: 'missing_equipment' }));
  });

  it('says why every other unit was left out', async () => {
    const r = await recommend({ ...SCENE, count: 1 });
    const why = Object.fromEntries(r.excluded.map((e) => [e.unitId, e.why]));
    expect(r.recommended.map((u) => u.unitId)).toEqual(['u-west']);
    expect(why).toMatchObject({
      'u-east': 'ranked_lower',
      'u-busy': 'busy',
      'u-off': 'off_duty',
      'u-tired': 'over_hours',
      'u-stale': 'stale_position',
      'u-island': 'unreachable',
      'u-avl': 'busy',
    });
    expect(why['u-b']).toBeUndefined(); // not the dispatcher's to send
    // A live position overrides the home base: u-east reports from right next to the scene.
    await t.database.db.execute(
      sql`insert into unit_positions (unit_id, lon, lat, recorded_at) values ('u-east', 113.295, 23.101, now())`,
    );
    const live = await recommend({ ...SCENE, count: 1 });
    expect(live.recommended[0]).toMatchObject({ unitId: 'u-east', positionSource: 'live' });
    await t.database.db.execute(sql`delete from unit_positions where unit_id = 'u-east'`);
  });

  it('breaks ETA ties by crew duty hours, the fresher crew first', async () => {
    // Same spot, so the same ETA; call-sign order alone would put the worn crew first.
    await insertUnit('u-a-worn', '440103001', { lon: 113.305, lat: 23.14 }, { shiftHoursAgo: 10 });
    await insertUnit('u-z-fresh', '440103001', { lon: 113.305, lat: 23.14 }, { shiftHoursAgo: 1 });
    const r = await recommend({ ...SCENE, count: 20 });
    const order = r.recommended.map((u) => u.unitId).filter((id) => id === 'u-a-worn' || id === 'u-z-fresh');
    expect(order).toEqual(['u-z-fresh', 'u-a-worn']);
    const fresh = r.recommended.find((u) => u.unitId === 'u-z-fresh')!;
    const worn = r.recommended.find((u) => u.unitId === 'u-a-worn')!;
    expect(fresh.etaSec).toBe(worn.etaSec);
    expect(fresh.rank).toBe(worn.rank - 1);
    await t.database.db.execute(sql`update units set status = 'off_duty' where id in ('u-a-worn', 'u-z-fresh')`);
  });

  it('keeps a station’s last unit for cover on low-priority calls, unless it is much nearer', async () => {
    // u-west is the only unit of its station that could answer; two units of another station wait 0.9 km
    // behind it on the same road.
    await insertUnit('u-cover-1', '440103001', { lon: 113.295, lat: 23.072 }, { shiftHoursAgo: 1 });
    await insertUnit('u-cover-2', '440103001', { lon: 113.295, lat: 23.0715 }, { shiftHoursAgo: 1 });
    const plain = await recommend({ ...SCENE, count: 2 });
    expect(plain.recommended.map((u) => u.unitId)).toEqual(['u-west', 'u-cover-1']);
    const [west, cover] = plain.recommended;
    expect(cover!.etaSec - west!.etaSec).toBeGreaterThan(0);
    expect(cover!.etaSec - west!.etaSec).toBeLessThan(300);
    expect(west!.reason).not.toMatch(/station/);
    const low = await recommend({ ...SCENE, count: 1, coverage: true });
    expect(low.recommended.map((u) => u.unitId)).toEqual(['u-cover-1']);
    expect((low.recommended[0] as { coverLeft?: number | null }).coverLeft).toBeGreaterThanOrEqual(1);
    expect((plain.recommended[0] as { coverLeft?: number | null }).coverLeft).toBeNull();
    expect(low.recommended[0]!.reason).toMatch(/leaves \d+ unit\(s\) available/);
    expect(low.excluded.find((e) => e.unitId === 'u-west')!.detail).toMatch(/last available unit of its station/);
    // A unit far behind does not win just by leaving cover: move the two 6 km south of u-west.
    await t.database.db.execute(sql`update units set home_lat = 23.03 where id in ('u-cover-1', 'u-cover-2')`);
    const farther = await recommend({ ...SCENE, count: 1, coverage: true });
    expect(farther.recommended.map((u) => u.unitId)).toEqual(['u-west']);
    expect(farther.recommended[0]!.reason).toMatch(/last available unit of its station/);
    await t.database.db.execute(sql`update units set status = 'off_duty' where id in ('u-cover-1', 'u-cover-2')`);
  });

  it('fills the run card of an incident sub-type as an optimal assignment', async () => {
    type Card = {
      picks: { slotId: string; unitId: string; reason: string }[];
      unfilled: { slotId: string; why: string }[];
      method: string;
    };
    const card = async (incidentType: string) => {
      const res = await req('POST', 'dispatcher', '/api/dispatch/recommend', { ...SCENE, incidentType });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Rec & { runCard: Card }>();
    };
    // The only special unit is also the nearest unit: nearest-first would spend it on a patrol slot.
    await insertUnit('u-special', '440104001', { lon: 113.295, lat: 23.095 }, { type: 'special', shiftHoursAgo: 1 });
    const r = await card('criminal.robbery');
    expect(r.recommended[0]!.unitId).toBe('u-special'); // the ranking is unchanged
    const bySlot = Object.fromEntries(r.runCard.picks.map((p) => [p.slotId, p.unitId]));
    expect(bySlot).toEqual({ 'patrol-1': 'u-west', 'patrol-2': 'u-east', 'special-1': 'u-special' });
    expect(r.runCard.unfilled).toEqual([]);
    expect(['lp', 'mip']).toContain(r.runCard.method);
    expect(r.runCard.picks[0]!.reason).toMatch(/road ETA/);
    // Without a request for a run card the response has none.
    const plain = await recommend(SCENE);
    expect(plain).not.toHaveProperty('runCard');

    await setStatus('u-special', 'busy');
    const short = await card('criminal.robbery');
    expect(short.runCard.unfilled).toEqual([expect.objectContaining({ slotId: 'special-1', why: 'no_eligible_unit' })]);
    const minor = await card('report.clue'); // no card of its own: one patrol unit
    expect(minor.runCard.picks.map((p) => p.unitId)).toEqual(['u-west']);
    await setStatus('u-special', 'off_duty');

    const unknown = await req('POST', 'dispatcher', '/api/dispatch/recommend', {
      ...SCENE,
      incidentType: 'criminal.nope',
    });
    expect(unknown.statusCode).toBe(400);
    expect(err(unknown)).toMatchObject({ code: 'VALIDATION_FAILED', details: { incidentType: 'criminal.nope' } });
    const malformed = await req('POST', 'dispatcher', '/api/dispatch/recommend', { ...SCENE, incidentType: 'Robbery' });
    expect(malformed.statusCode).toBe(400);
  });

  it('refuses callers who may not dispatch and checks the location', async () => {
    const chief = await req('POST', 'chief', '/api/dispatch/recommend', SCENE);
    expect(chief.statusCode).toBe(403);
    expect((await req('POST', null, '/api/dispatch/recommend', SCENE)).statusCode).toBe(401);
    const swapped = await req('POST', 'dispatcher', '/api/dispatch/recommend', { lon: 23.1, lat: 113.295 });
    expect(swapped.statusCode).toBe(400);
    const paris = await req('POST', 'dispatcher', '/api/dispatch/recommend', { lon: 2.35, lat: 48.85 });
    expect(err(paris).code).toBe('COORDINATES_INVALID');
    const nowhere = await req('POST', 'dispatcher', '/api/dispatch/recommend', { lon: 113.7, lat: 23.5 });
    expect(err(nowhere).code).toBe('NO_ROAD_NEARBY');
    expect((await req('POST', 'dispatcher', '/api/dispatch/recommend', { ...SCENE, count: 0 })).statusCode).toBe(400);
  });
});
