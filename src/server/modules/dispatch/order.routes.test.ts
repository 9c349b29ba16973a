/**
 * Dispatch orders over HTTP on the seeded small demo city: recommend for an incident, accept or override (with
 * a reason), unavailable units (nothing half-written), idempotent dispatch, jurisdiction (another county's
 * units), the terminal's acknowledgement by the crew, automatic arrival by geofence, release, close with codes,
 * cancel/reassign, the unit-status guard, the queue with stage timers, notes, attachments and links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { DEMO_PASSWORD } from '../../../demo/demo-accounts.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertUser } from '../../../../test/helpers/factories.ts';
import type { RoleCode } from '../../../contracts/roles.ts';

let t: TestApp;
const token: Record<string, string> = {};

interface Place {
  gridId: string;
  stationId: string;
  countyId: string;
  lon: number;
  lat: number;
  text: string;
}
interface Order {
  id: string;
  unitId: string;
  status: string;
  recommended: boolean;
  overrideReason: string | null;
  acknowledgedAt: string | null;
  onSceneAt: string | null;
  cancelReason: string | null;
}
interface Rec {
  recommendationId: string;
  coverageRule: boolean;
  recommended: { unitId: string; reason: string }[];
  excluded: { unitId: string; why: string }[];
  runCard?: { picks: { unitId: string }[] };
}

let home: Place; // an address in the patrol account's station
let far: Place; // an address in another county
let patrolUnit: string; // the unit the demo `patrol` account crews
let otherUnit: string; // another unit of the same station
let countyBUnit: string; // a unit of the other county

async function login(username: string, password: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

async function as(name: string, role: RoleCode, jurisdictionId: string): Promise<void> {
  const u = await insertUser(t.database.db, { username: name.toLowerCase(), roles: [{ role, jurisdictionId }] });
  token[name] = await login(u.username, u.password);
}

function call(who: string | null, method: 'GET' | 'POST', url: string, payload?: unknown, key?: string) {
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

async function unitStatus(id: string): Promise<string> {
  const [r] = await query<{ status: string }>(t.database.db, sql`select status from units where id = ${id}`);
  return r!.status;
}

async function orderCount(incidentId: string): Promise<number> {
  const [r] = await query<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from dispatch_orders where incident_id = ${incidentId}`,
  );
  return Number(r!.n);
}

/** A fresh fix for `unitId` at (lon, lat), reported by the dispatcher's station-side feed. */
async function fix(unitId: string, lon: number, lat: number, who = 'chief') {
  const res = await call(who, 'POST', '/api/avl/positions', {
    positions: [{ unitId, lon, lat, recordedAt: new Date().toISOString() }],
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accepted: number; rejected: unknown[] }>();
}

async function newIncident(place: Place, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call('dispatcher', 'POST', '/api/incidents', {
    lon: place.lon,
    lat: place.lat,
    category: 'public_order',
    subType: 'public_order.noise',
    description: '楼上深夜噪音',
    channel: 'phone',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ incident: { id: string } }>().incident.id;
}

async function recommend(incidentId: string, who = 'dispatcher'): Promise<Rec> {
  const res = await call(who, 'POST', `/api/incidents/${incidentId}/recommendation`, { count: 1 });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Rec>();
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 5 });
  const db = t.database.db;
  for (const u of ['dispatcher', 'patrol', 'chief']) token[u] = await login(u, DEMO_PASSWORD);
  const [crew] = await query<{ unit_id: string; station: string }>(
    db,
    sql`select o.unit_id, u.jurisdiction_id as station from officers o join users us on us.id = o.user_id
          join units u on u.id = o.unit_id where us.username = 'patrol'`,
  );
  expect(crew, 'the demo seed puts the patrol account on a unit').toBeDefined();
  patrolUnit = crew!.unit_id;
  const places = (
    await query<{ grid_id: string; path: string; lon: number; lat: number; district: string; street: string }>(
      db,
      sql`select a.grid_id, j.path, a.lon, a.lat, a.district, a.street from addresses a
            join jurisdictions j on j.id = a.grid_id order by a.id`,
    )
  ).map((r) => {
    const seg = r.path.split('/').filter(Boolean);
    return {
      gridId: r.grid_id,
      countyId: seg[2]!,
      stationId: seg[3]!,
      lon: Number(r.lon),
      lat: Number(r.lat),
      text: `${r.district}${r.street}`,
    };
  });
  home = places.find((p) => p.stationId === crew!.station)!;
  far = places.find((p) => p.countyId !== home.countyId)!;
  expect(home && far).toBeTruthy();
  // Only three units on duty: the patrol account's, another of its station, and one in the other county.
  const [other] = await query<{ id: string }>(
    db,
    sql`select id from units where jurisdiction_id = ${crew!.station} and id <> ${patrolUnit} and type <> 'special' order by id limit 1`,
  );
  const [b] = await query<{ id: string }>(
    db,
    sql`select u.id from units u join jurisdictions j on j.id = u.jurisdiction_id
         where j.path like ${`%/${far.countyId}/%`} and u.type <> 'special' order by u.id limit 1`,
  );
  otherUnit = other!.id;
  countyBUnit = b!.id;
  await db.execute(sql`update units set status = 'off_duty', shift_started_at = null`);
  await db.execute(
    sql`update units set status = 'available', shift_started_at = now() - interval '2 hours'
         where id in (${patrolUnit}, ${otherUnit}, ${countyBUnit})`,
  );
  await as('countyB', 'county_duty_officer', far.countyId);
  await as('patrolOther', 'patrol_officer', home.stationId);
  // The patrol unit waits 1–2 km from `home`; the other unit at home base.
  await fix(patrolUnit, home.lon + 0.01, home.lat + 0.005);
}, 180_000);

afterAll(async () => t?.close());

describe('recommend and dispatch', () => {
  let incident: string;
  let rec: Rec;

  it('recommends units for an incident from its location and stores the recommendation', async () => {
    incident = await newIncident(home);
    rec = await recommend(incident);
    expect(rec.recommendationId).toMatch(/^[0-9a-f-]{36}$/);
    // Noise is priority 5: the coverage rule counts.
    expect(rec.coverageRule).toBe(true);
    expect(rec.recommended).toHaveLength(1);
    const offDuty = rec.excluded.filter((e) => e.why === 'off_duty').length;
    expect(offDuty).toBeGreaterThan(0);
    // The other county's unit is outside the city dispatcher's… no: the dispatcher commands the whole city.
    expect([...rec.recommended.map((r) => r.unitId), ...rec.excluded.map((e) => e.unitId)]).toContain(countyBUnit);
  });

  it('needs a reason to send a unit that was not recommended, and writes nothing without one', async () => {
    const notRecommended = [patrolUnit, otherUnit, countyBUnit].find(
      (u) => !rec.recommended.some((r) => r.unitId === u) && !rec.runCard?.picks.some((p) => p.unitId === u),
    )!;
    const res = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, {
      unitIds: [notRecommended],
      recommendationId: rec.recommendationId,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(err(res).code).toBe('DISPATCH_OVERRIDE_REASON_REQUIRED');
    expect(err(res).details.notRecommended).toEqual([notRecommended]);
    expect(await orderCount(incident)).toBe(0);
    expect(await unitStatus(notRecommended)).toBe('available');
    // Without any recommendation quoted, every unit is an override.
    const bare = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, { unitIds: [patrolUnit] });
    expect(err(bare).code).toBe('DISPATCH_OVERRIDE_REASON_REQUIRED');
  });

  it('rejects a recommendation of another incident', async () => {
    const other = await newIncident(home, { description: '另一起' });
    const res = await call('dispatcher', 'POST', `/api/incidents/${other}/dispatch`, {
      unitIds: [rec.recommended[0]!.unitId],
      recommendationId: rec.recommendationId,
    });
    expect(res.statusCode).toBe(400);
    expect(err(res).details.field).toBe('recommendationId');
    await call('dispatcher', 'POST', `/api/incidents/${other}/transitions`, { transition: 'cancel' });
  });

  it('accepts the recommendation: one order per unit, unit and incident dispatched, timeline and audit', async () => {
    const unit = rec.recommended[0]!.unitId;
    const body = { unitIds: [unit], recommendationId: rec.recommendationId };
    const res = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, body, 'dispatch-key-0001');
    expect(res.statusCode, res.body).toBe(201);
    const out = res.json<{ incident: { status: string }; orders: Order[]; override: boolean }>();
    expect(out.override).toBe(false);
    expect(out.incident.status).toBe('dispatched');
    expect(out.orders).toEqual([expect.objectContaining({ unitId: unit, status: 'sent', recommended: true })]);
    expect(await unitStatus(unit)).toBe('dispatched');
    // A retry with the same key creates nothing new.
    const again = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, body, 'dispatch-key-0001');
    expect(again.statusCode).toBe(201);
    expect(again.json<{ orders: Order[] }>().orders[0]!.id).toBe(out.orders[0]!.id);
    expect(await orderCount(incident)).toBe(1);
    const tl = (await call('dispatcher', 'GET', `/api/incidents/${incident}/timeline`)).json<{
      items: { kind: string; toStatus: string | null; note: string | null }[];
    }>();
    expect(tl.items.filter((e) => e.kind === 'status').map((e) => e.toStatus)).toEqual([
      'received',
      'graded',
      'dispatched',
    ]);
    expect(tl.items.at(-1)!.note).toMatch(/recommended/);
    const [audit] = await query<{ n: number }>(
      t.database.db,
      sql`select (select count(*) from audit_queue where convert_from(entry, 'UTF8') like ${`%incident.dispatch%${incident}%`})
               + (select count(*) from audit_entries where convert_from(entry, 'UTF8') like ${`%incident.dispatch%${incident}%`}) as n`,
    );
    expect(Number(audit!.n)).toBe(1);
  });

  it('refuses a unit that is not free, leaving the other listed units untouched', async () => {
    const busy = rec.recommended[0]!.unitId;
    const free = [patrolUnit, otherUnit].find((u) => u !== busy)!;
    const second = await newIncident(home, { description: '第二起' });
    const res = await call('dispatcher', 'POST', `/api/incidents/${second}/dispatch`, {
      unitIds: [free, busy],
      overrideReason: '就近增援',
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(err(res)).toMatchObject({ code: 'UNIT_NOT_AVAILABLE', details: { unitId: busy, status: 'dispatched' } });
    expect(await unitStatus(free)).toBe('available');
    expect(await orderCount(second)).toBe(0);
    await call('dispatcher', 'POST', `/api/incidents/${second}/transitions`, { transition: 'cancel' });
  });

  it('does not let a county officer dispatch another county’s units', async () => {
    const inB = await newIncident(far);
    expect(
      (
        await call('countyB', 'POST', `/api/incidents/${inB}/dispatch`, {
          unitIds: [otherUnit],
          overrideReason: '支援',
        })
      ).statusCode,
    ).toBe(404); // the unit is not even visible to county B
    const ownCounty = await call('countyB', 'POST', `/api/incidents/${inB}/dispatch`, {
      unitIds: [countyBUnit],
      overrideReason: '辖区警力',
    });
    expect(ownCounty.statusCode, ownCounty.body).toBe(201);
    // …nor dispatch anything to an incident in another county.
    const inA = await newIncident(home, { description: 'A 县' });
    expect((await call('countyB', 'POST', `/api/incidents/${inA}/recommendation`, {})).statusCode).toBe(404);
    await call('dispatcher', 'POST', `/api/incidents/${inA}/transitions`, { transition: 'cancel' });
    await call('dispatcher', 'POST', `/api/incidents/${inB}/transitions`, { transition: 'cancel' });
    expect(await unitStatus(countyBUnit)).toBe('available');
  });
});

describe('the order on the terminal', () => {
  let incident: string;
  let order: Order;

  beforeAll(async () => {
    incident = await newIncident(home, { description: '终端测试' });
    const res = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, {
      unitIds: [patrolUnit],
      overrideReason: '该车熟悉辖区',
    });
    expect(res.statusCode, res.body).toBe(201);
    order = res.json<{ orders: Order[]; override: boolean }>().orders[0]!;
    expect(order.overrideReason).toBe('该车熟悉辖区');
  });

  it('shows the crew its order, and only the crew or its dispatcher may acknowledge it', async () => {
    const mine = (await call('patrol', 'GET', '/api/dispatch/orders/mine')).json<{
      items: { order: Order; incident: { id: string; description: string } }[];
    }>();
    expect(mine.items.map((m) => m.order.id)).toContain(order.id);
    expect(mine.items.find((m) => m.order.id === order.id)!.incident.description).toBe('终端测试');
    expect((await call('patrolOther', 'GET', '/api/dispatch/orders/mine')).json<{ items: unknown[] }>().items).toEqual(
      [],
    );
    expect((await call('patrolOther', 'POST', `/api/dispatch/orders/${order.id}/ack`)).statusCode).toBe(403);
    const ack = await call('patrol', 'POST', `/api/dispatch/orders/${order.id}/ack`);
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json<Order>()).toMatchObject({ status: 'acknowledged' });
    expect(ack.json<Order>().acknowledgedAt).not.toBeNull();
    // Acknowledging twice is harmless.
    expect((await call('patrol', 'POST', `/api/dispatch/orders/${order.id}/ack`)).json<Order>().status).toBe(
      'acknowledged',
    );
    const inc = (await call('dispatcher', 'GET', `/api/incidents/${incident}`)).json<{ status: string }>();
    expect(inc.status).toBe('acknowledged');
  });

  it('keeps the unit’s status with its order: a direct status change is refused', async () => {
    const res = await call('chief', 'POST', `/api/units/${patrolUnit}/status`, { status: 'available' });
    expect(res.statusCode).toBe(409);
    expect(err(res)).toMatchObject({ code: 'UNIT_HAS_ACTIVE_ORDER', details: { orderId: order.id } });
  });

  it('marks the unit on scene when its AVL fix enters the geofence', async () => {
    // Still 1–2 km away: nothing happens.
    await fix(patrolUnit, home.lon + 0.008, home.lat + 0.004, 'patrol');
    expect(await unitStatus(patrolUnit)).toBe('dispatched');
    await fix(patrolUnit, home.lon + 0.0003, home.lat + 0.0002, 'patrol');
    expect(await unitStatus(patrolUnit)).toBe('on_scene');
    const orders = (await call('dispatcher', 'GET', `/api/incidents/${incident}/orders`)).json<{ items: Order[] }>();
    expect(orders.items[0]).toMatchObject({ status: 'on_scene' });
    expect(orders.items[0]!.onSceneAt).not.toBeNull();
    const tl = (await call('dispatcher', 'GET', `/api/incidents/${incident}/timeline`)).json<{
      items: { kind: string; toStatus: string | null; note: string | null; actorId: string | null }[];
    }>();
    const stages = tl.items.filter((e) => e.kind === 'status').map((e) => e.toStatus);
    expect(stages.slice(-2)).toEqual(['en_route', 'on_scene']);
    expect(tl.items.find((e) => e.kind === 'order' && e.toStatus === 'on_scene')!.note).toMatch(/geofence/);
  });

  it('rejects an illegal stage, then releases the unit; closing needs the codes', async () => {
    const back = await call('patrol', 'POST', `/api/dispatch/orders/${order.id}/status`, { status: 'en_route' });
    expect(back.statusCode).toBe(409);
    expect(err(back)).toMatchObject({ code: 'ORDER_BAD_TRANSITION', details: { from: 'on_scene', to: 'en_route' } });
    const rel = await call('patrol', 'POST', `/api/dispatch/orders/${order.id}/status`, {
      status: 'released',
      note: '已劝导',
    });
    expect(rel.statusCode, rel.body).toBe(200);
    expect(await unitStatus(patrolUnit)).toBe('available');
    expect(
      (await call('dispatcher', 'POST', `/api/incidents/${incident}/transitions`, { transition: 'handle' })).statusCode,
    ).toBe(200);
    const noCodes = await call('dispatcher', 'POST', `/api/incidents/${incident}/transitions`, { transition: 'close' });
    expect(noCodes.statusCode).toBe(400);
    expect(err(noCodes)).toMatchObject({
      code: 'INCIDENT_CLOSE_CODES_REQUIRED',
      details: { fields: ['disposition', 'resultCode'] },
    });
    const badCode = await call('dispatcher', 'POST', `/api/incidents/${incident}/transitions`, {
      transition: 'close',
      disposition: 'made_up',
      resultCode: 'resolved',
    });
    expect(err(badCode).details.fields).toEqual(['disposition']);
    const closed = await call('dispatcher', 'POST', `/api/incidents/${incident}/transitions`, {
      transition: 'close',
      disposition: 'mediated',
      resultCode: 'advice_given',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    const [row] = await query<{ disposition: string; result_code: string }>(
      t.database.db,
      sql`select disposition, result_code from incidents where id = ${incident}`,
    );
    expect(row).toEqual({ disposition: 'mediated', result_code: 'advice_given' });
    // Codes belong to closing only.
    const misplaced = await call('dispatcher', 'POST', `/api/incidents/${incident}/transitions`, {
      transition: 'reopen',
      disposition: 'mediated',
    });
    expect(misplaced.statusCode).toBe(400);
  });
});

describe('cancel, reassign and stand-down', () => {
  it('cancelling the last order sends the incident back to graded; closing stands units down', async () => {
    const incident = await newIncident(home, { description: '改派' });
    const first = (
      await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, {
        unitIds: [patrolUnit],
        overrideReason: '测试改派',
      })
    ).json<{ orders: Order[] }>().orders[0]!;
    // Only a dispatcher may cancel, with a reason.
    expect(
      (await call('patrol', 'POST', `/api/dispatch/orders/${first.id}/cancel`, { reason: '不去了' })).statusCode,
    ).toBe(403);
    expect((await call('dispatcher', 'POST', `/api/dispatch/orders/${first.id}/cancel`, {})).statusCode).toBe(400);
    const cancelled = await call('dispatcher', 'POST', `/api/dispatch/orders/${first.id}/cancel`, {
      reason: '改派更近警力',
    });
    expect(cancelled.json<Order>()).toMatchObject({ status: 'cancelled', cancelReason: '改派更近警力' });
    expect(await unitStatus(patrolUnit)).toBe('available');
    expect((await call('dispatcher', 'GET', `/api/incidents/${incident}`)).json<{ status: string }>().status).toBe(
      'graded',
    );
    // Reassign to another unit, then cancel the incident: the unit is stood down.
    const second = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, {
      unitIds: [countyBUnit],
      overrideReason: '改派',
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(await unitStatus(countyBUnit)).toBe('dispatched');
    await call('dispatcher', 'POST', `/api/incidents/${incident}/transitions`, { transition: 'cancel' });
    expect(await unitStatus(countyBUnit)).toBe('available');
    const orders = (await call('dispatcher', 'GET', `/api/incidents/${incident}/orders`)).json<{ items: Order[] }>();
    expect(orders.items.map((o) => o.status)).toEqual(['cancelled', 'cancelled']);
    expect(orders.items[1]!.cancelReason).toBe('incident cancelled');
  });

  it('answers ORDER_NOT_FOUND for unknown orders and 400 for malformed ids or fields', async () => {
    expect(
      err(await call('dispatcher', 'POST', `/api/dispatch/orders/00000000-0000-4000-8000-000000000000/ack`)).code,
    ).toBe('ORDER_NOT_FOUND');
    expect((await call('dispatcher', 'POST', `/api/dispatch/orders/nope/ack`)).statusCode).toBe(400);
    const incident = await newIncident(home);
    const extra = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, {
      unitIds: [patrolUnit],
      overrideReason: 'x1',
      priority: 1,
    });
    expect(err(extra).code).toBe('UNKNOWN_FIELD');
    const twice = await call('dispatcher', 'POST', `/api/incidents/${incident}/dispatch`, {
      unitIds: [patrolUnit, patrolUnit],
      overrideReason: 'x1',
    });
    expect(err(twice).code).toBe('VALIDATION_FAILED');
    await call('dispatcher', 'POST', `/api/incidents/${incident}/transitions`, { transition: 'cancel' });
  });
});

describe('queue, notes, attachments, links', () => {
  it('lists open incidents by priority then waiting time, with stage timers', async () => {
    const low = await newIncident(home, { description: '排队-低' });
    const high = await newIncident(home, {
      description: '排队-高',
      category: 'criminal',
      subType: 'criminal.robbery',
      weapons: true,
    });
    const res = await call('dispatcher', 'GET', '/api/incidents/queue');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{
      items: { incident: { id: string; priority: number }; waitingSec: number; timers: { stage: string }[] }[];
    }>().items;
    const ids = items.map((i) => i.incident.id);
    expect(ids.indexOf(high)).toBeLessThan(ids.indexOf(low));
    const pr = items.map((i) => i.incident.priority);
    expect([...pr].sort((x, y) => x - y)).toEqual(pr);
    const h = items.find((i) => i.incident.id === high)!;
    expect(h.timers.map((x) => x.stage)).toEqual(['dispatch', 'on_scene']);
    expect(ids).not.toContain(undefined);
    for (const id of [low, high]) {
      await call('dispatcher', 'POST', `/api/incidents/${id}/transitions`, { transition: 'cancel' });
    }
    const after = (await call('dispatcher', 'GET', '/api/incidents/queue')).json<{
      items: { incident: { id: string } }[];
    }>();
    expect(after.items.map((i) => i.incident.id)).not.toContain(high);
  });

  it('lets the crew on the incident add notes and photos; checks the photo is what it claims', async () => {
    const incident = await newIncident(home, { description: '附件' });
    // Not on it yet: the other station's patrol officer may update incidents of the station anyway (role),
    // but a patrol officer of another county may not.
    await as('patrolB', 'patrol_officer', far.stationId);
    expect((await call('patrolB', 'POST', `/api/incidents/${incident}/notes`, { text: '我来看看' })).statusCode).toBe(
      404,
    );
    const note = await call(
      'patrol',
      'POST',
      `/api/incidents/${incident}/notes`,
      { text: '现场已平息' },
      'note-key-001',
    );
    expect(note.statusCode, note.body).toBe(201);
    await call('patrol', 'POST', `/api/incidents/${incident}/notes`, { text: '现场已平息' }, 'note-key-001');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('not really a picture, but the header is right'),
    ]);
    const bad = await call('patrol', 'POST', `/api/incidents/${incident}/attachments`, {
      fileName: 'scene.png',
      contentType: 'image/png',
      dataBase64: Buffer.from('GIF89a…').toString('base64'),
    });
    expect(bad.statusCode).toBe(400);
    expect(err(bad).code).toBe('ATTACHMENT_INVALID');
    const up = await call('patrol', 'POST', `/api/incidents/${incident}/attachments`, {
      fileName: '现场 1.png',
      contentType: 'image/png',
      dataBase64: png.toString('base64'),
    });
    expect(up.statusCode, up.body).toBe(201);
    const meta = up.json<{ id: string; size: number; sha256: string }>();
    expect(meta.size).toBe(png.length);
    const list = (await call('dispatcher', 'GET', `/api/incidents/${incident}/attachments`)).json<{
      items: { id: string }[];
    }>();
    expect(list.items.map((i) => i.id)).toEqual([meta.id]);
    const dl = await call('dispatcher', 'GET', `/api/incidents/${incident}/attachments/${meta.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    expect(Buffer.from(dl.rawPayload).equals(png)).toBe(true);
    expect((await call('patrolB', 'GET', `/api/incidents/${incident}/attachments/${meta.id}`)).statusCode).toBe(404);
    const tl = (await call('dispatcher', 'GET', `/api/incidents/${incident}/timeline`)).json<{
      items: { kind: string; note: string | null }[];
    }>();
    expect(tl.items.filter((e) => e.kind === 'note').map((e) => e.note)).toEqual(['现场已平息']);
    expect(tl.items.filter((e) => e.kind === 'attachment')).toHaveLength(1);
  });

  it('links related incidents both ways, once, never to themselves', async () => {
    const x = await newIncident(home, { description: '关联甲' });
    const y = await newIncident(home, { description: '关联乙' });
    const res = await call('dispatcher', 'POST', `/api/incidents/${x}/links`, { otherId: y, note: '同一伙人' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ linkedIds: string[] }>().linkedIds).toEqual([y]);
    await call('dispatcher', 'POST', `/api/incidents/${y}/links`, { otherId: x });
    expect(
      (await call('dispatcher', 'GET', `/api/incidents/${y}/links`)).json<{ linkedIds: string[] }>().linkedIds,
    ).toEqual([x]);
    const self = await call('dispatcher', 'POST', `/api/incidents/${x}/links`, { otherId: x });
    expect(err(self).code).toBe('INCIDENT_LINK_INVALID');
    const tl = (await call('dispatcher', 'GET', `/api/incidents/${x}/timeline`)).json<{ items: { kind: string }[] }>();
    expect(tl.items.filter((e) => e.kind === 'link')).toHaveLength(1);
  });

  it('gives the caller an SMS text with the query code and the progress link', async () => {
    const res = await call('dispatcher', 'POST', '/api/incidents', {
      lon: home.lon,
      lat: home.lat,
      category: 'assistance',
      subType: 'assistance.locked_out',
      description: '钥匙锁在屋里',
      channel: 'phone',
    });
    const { incident, smsText } = res.json<{ incident: { queryCode: string }; smsText: string }>();
    expect(smsText).toContain(incident.queryCode);
    expect(smsText).toContain(`${t.config.publicUrl}/#/progress/${incident.queryCode}`);
    expect(smsText).not.toMatch(/钥匙|锁/);
  });

  it('serves the code lists to signed-in users only', async () => {
    expect((await call(null, 'GET', '/api/incidents/codes')).statusCode).toBe(401);
    const codes = (await call('patrol', 'GET', '/api/incidents/codes')).json<{
      dispositions: { code: string }[];
      subTypes: { code: string; category: string }[];
    }>();
    expect(codes.dispositions.map((d) => d.code)).toContain('mediated');
    expect(codes.subTypes.every((s) => s.code.startsWith(`${s.category}.`))).toBe(true);
  });
});
