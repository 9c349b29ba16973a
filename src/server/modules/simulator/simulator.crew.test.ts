/**
 * The simulator's crews on a seeded small demo city, stepped with a ManualClock: orders the simulator sends
 * itself (auto-dispatch) and orders a dispatcher sends from the board over HTTP are acknowledged, driven along
 * the road to the scene, reach on_scene, are released, and the incident is closed with codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { DEMO_PASSWORD } from '../../../demo/demo-accounts.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { geoState } from '../geo/geo.state.ts';
import { haversineM, route, snapToRoad } from '../geo/index.ts';
import { DISPOSITIONS, RESULTS } from '../incidents/incident.codes.ts';
import { STATUSES } from '../incidents/incident.lifecycle.ts';
import { ManualClock } from './simulator.clock.ts';
import { Simulator } from './simulator.service.ts';

let t: TestApp;

interface OrderRow extends Record<string, unknown> {
  id: string;
  incident_id: string;
  unit_id: string;
  status: string;
  en_route_at: string | null;
  on_scene_at: string | null;
  released_at: string | null;
  lon: number;
  lat: number;
}

const ordersOf = (ids: string[]) =>
  query<OrderRow>(
    t.database.db,
    sql`select o.id, o.incident_id, o.unit_id, o.status, o.en_route_at, o.on_scene_at, o.released_at, i.lon, i.lat
          from dispatch_orders o join incidents i on i.id = o.incident_id
         where o.incident_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
         order by o.sent_at`,
  );

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 3 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** Distance from p to a polyline (metres) and how far along the polyline its nearest point lies. */
function projectOnto(coords: readonly [number, number][], p: { lon: number; lat: number }) {
  const kx = 111_320 * Math.cos((p.lat * Math.PI) / 180);
  const ky = 110_540;
  let best = { offM: Infinity, alongM: 0 };
  let cum = 0;
  for (let i = 1; i < coords.length; i++) {
    const [ax, ay] = [(coords[i - 1]![0] - p.lon) * kx, (coords[i - 1]![1] - p.lat) * ky];
    const [bx, by] = [(coords[i]![0] - p.lon) * kx, (coords[i]![1] - p.lat) * ky];
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const f = len2 === 0 ? 0 : Math.min(1, Math.max(0, -(ax * (bx - ax) + ay * (by - ay)) / len2));
    const off = Math.hypot(ax + f * (bx - ax), ay + f * (by - ay));
    const len = Math.sqrt(len2);
    if (off < best.offM - 1e-9) best = { offM: off, alongM: cum + f * len };
    cum += len;
  }
  return best;
}

describe('auto-dispatched calls', () => {
  let sim: Simulator;
  let clock: ManualClock;

  beforeAll(async () => {
    // The demo seed starts crews' shifts relative to the wall clock, so the simulated day starts now.
    clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    sim = new Simulator(t.app, { ratePerMin: 1, autoDispatch: 1, speedup: 5, seed: 7, tickMs: 5000 }, clock);
    await sim.start();
    await clock.advance(30 * 60_000);
    await sim.stop();
  }, 240_000);

  it('are dispatched with the top recommendation, acknowledged, reached and closed with codes', async () => {
    expect(sim.stats.errors, sim.recentErrors.join('\n')).toBe(0);
    expect(sim.stats.dispatches).toBeGreaterThan(10);
    expect(sim.stats.acknowledged).toBeGreaterThan(10);
    expect(sim.stats.closed).toBeGreaterThan(5);
    const closed = await query<{ id: string; disposition: string; result_code: string; closed_at: string }>(
      t.database.db,
      sql`select id, disposition, result_code, closed_at from incidents
           where not historical and status = 'closed'`,
    );
    expect(closed.length).toBe(sim.stats.closed);
    for (const c of closed) {
      expect(Object.hasOwn(DISPOSITIONS, c.disposition)).toBe(true);
      expect(Object.hasOwn(RESULTS, c.result_code)).toBe(true);
    }
    // Every order of a closed incident went through each stage, in order.
    const orders = await ordersOf(closed.map((c) => c.id));
    expect(orders.length).toBeGreaterThanOrEqual(closed.length);
    for (const o of orders) {
      expect(o.status).toBe('released');
      // A crew already inside the geofence when it acknowledged is on scene without an en-route stage.
      if (o.en_route_at !== null) {
        expect(Date.parse(String(o.en_route_at))).toBeLessThanOrEqual(Date.parse(String(o.on_scene_at)));
      }
      expect(Date.parse(String(o.on_scene_at))).toBeLessThan(Date.parse(String(o.released_at)));
    }
    // Each closed incident walked the lifecycle forwards: dispatched, (acknowledged,) en route, on scene,
    // handled, closed. A crew already inside the geofence when the order came skips the acknowledgement.
    const timelines = await query<{ stages: string[] }>(
      t.database.db,
      sql`select array_agg(to_status order by id) as stages from incident_events
           where kind = 'status' and incident_id in (select jsonb_array_elements_text(${JSON.stringify(closed.map((c) => c.id))}::jsonb))
           group by incident_id`,
    );
    expect(timelines).toHaveLength(closed.length);
    for (const { stages } of timelines) {
      const rank = stages.map((x) => STATUSES.indexOf(x as (typeof STATUSES)[number]));
      expect([...rank].sort((a, b) => a - b)).toEqual(rank);
      expect(stages[0]).toBe('received');
      expect(stages).toContain('dispatched');
      expect(stages).toContain('en_route');
      expect(stages.slice(-3)).toEqual(['on_scene', 'handled', 'closed']);
    }
    expect(timelines.filter((x) => x.stages.includes('acknowledged')).length).toBeGreaterThan(closed.length / 2);
  });

  it('drive to the scene along the road, getting closer with every fix, and arrive within the geofence', async () => {
    const geo = await geoState(t.database.db);
    const orders = (await ordersOf(sim.createdIncidents)).filter(
      (o) => o.on_scene_at !== null && o.en_route_at !== null,
    );
    let checked = 0;
    for (const o of orders) {
      const fixes = await query<{ lon: number; lat: number }>(
        t.database.db,
        sql`select lon, lat from unit_position_history
             where unit_id = ${o.unit_id} and recorded_at >= ${o.en_route_at}::timestamptz
               and recorded_at <= ${o.on_scene_at}::timestamptz order by recorded_at`,
      );
      if (fixes.length < 3) continue;
      checked++;
      const scene = { lon: Number(o.lon), lat: Number(o.lat) };
      const at = fixes.map((f) => ({ lon: Number(f.lon), lat: Number(f.lat) }));
      // The fastest road route from where the unit set off: every later fix lies on it, further along each time.
      const path = route(geo.network, at[0]!, scene, { departAt: new Date(String(o.en_route_at)) })!;
      let along = -1;
      for (const p of at) {
        expect(snapToRoad(geo.network, p.lon, p.lat).distanceM).toBeLessThan(1);
        const m = projectOnto(path.geometry.coordinates, p);
        expect(m.offM, 'off the route').toBeLessThan(1);
        expect(m.alongM).toBeGreaterThanOrEqual(along - 0.5);
        along = m.alongM;
      }
      const [first, end] = [at[0]!, at.at(-1)!];
      expect(haversineM(end.lon, end.lat, scene.lon, scene.lat)).toBeLessThan(
        haversineM(first.lon, first.lat, scene.lon, scene.lat),
      );
      expect(along).toBeGreaterThan(path.properties.distanceM - 200);
    }
    expect(checked).toBeGreaterThan(3);
    // Most arrivals come from the AVL geofence, not from the crew's own report.
    const auto = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from incident_events where kind = 'order' and note like '%geofence%'`,
    );
    expect(auto[0]!.n).toBeGreaterThan(0);
  });

  it('leave every unit free again once its incidents are closed', async () => {
    const busy = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from units u
           where u.status <> 'available' and u.status <> 'off_duty'
             and not exists (select 1 from dispatch_orders o where o.unit_id = u.id
                              and o.status in ('sent', 'acknowledged', 'en_route', 'on_scene'))`,
    );
    expect(busy[0]!.n).toBe(0);
  });
});

describe('an order sent from the board', () => {
  it('is played by the simulated crew through to a closed incident', async () => {
    // Wall-clock start: the board's requests run on real time, and the crews' positions must look fresh.
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const sim = new Simulator(t.app, { ratePerMin: 2, autoDispatch: 0, speedup: 10, seed: 11, tickMs: 5000 }, clock);
    await sim.start();
    await clock.advance(60_000);
    expect(sim.createdIncidents.length).toBeGreaterThan(0);
    const incidentId = sim.createdIncidents[0]!;

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'dispatcher', password: DEMO_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    const headers = { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` };
    const rec = await t.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/recommendation`,
      headers,
      payload: { count: 3 },
    });
    expect(rec.statusCode, rec.body).toBe(200);
    const { recommended, recommendationId } = rec.json<{
      recommended: { unitId: string }[];
      recommendationId: string;
    }>();
    expect(recommended.length).toBeGreaterThan(0);
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/dispatch`,
      headers: { ...headers, 'idempotency-key': `sim-test-${incidentId}` },
      payload: { unitIds: [recommended[0]!.unitId], recommendationId },
    });
    expect(sent.statusCode, sent.body).toBe(201);

    // Not this call: nothing acknowledged by the crew before the clock moves on.
    expect((await ordersOf([incidentId]))[0]!.status).toBe('sent');
    await clock.advance(20 * 60_000);
    await sim.stop();
    expect(clock.pending).toBe(0);

    const [order] = await ordersOf([incidentId]);
    expect(order!.status).toBe('released');
    expect(order!.on_scene_at).not.toBeNull();
    const [inc] = await query<{ status: string; disposition: string }>(
      t.database.db,
      sql`select status, disposition from incidents where id = ${incidentId}`,
    );
    expect(inc!.status).toBe('closed');
    // The crew's acknowledgement is on the timeline as the simulator's.
    const [ack] = await query<{ username: string }>(
      t.database.db,
      sql`select u.username from incident_events e join users u on u.id::text = e.actor_id
           where e.incident_id = ${incidentId} and e.kind = 'order' and e.to_status = 'acknowledged'`,
    );
    expect(ack!.username).toBe('simulator');
  }, 240_000);
});

describe('a crew with a person on it', () => {
  it('is left to acknowledge in the field app first, and played by the simulator after the grace', async () => {
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const sim = new Simulator(t.app, { ratePerMin: 3, autoDispatch: 0, speedup: 10, seed: 5, tickMs: 5000 }, clock);
    await sim.start();
    await clock.advance(60_000);
    expect(sim.createdIncidents.length).toBeGreaterThan(0);
    const token = async (username: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: DEMO_PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      return { authorization: `Bearer ${res.json<{ accessToken: string }>().accessToken}` };
    };
    const dispatcher = await token('dispatcher');
    const patrol = await token('patrol');
    const [unit] = await query<{ id: string; status: string }>(
      t.database.db,
      sql`select un.id, un.status from officers o join users u on u.id = o.user_id join units un on un.id = o.unit_id
           where u.username = 'patrol'`,
    );
    expect(unit).toBeDefined();
    expect(unit!.status).toBe('available');
    // A call in the patrol's own station area is not guaranteed: send the unit anyway, with a reason.
    const incidentId = sim.createdIncidents.at(-1)!;
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/dispatch`,
      headers: { ...dispatcher, 'idempotency-key': `sim-human-${incidentId}` },
      payload: { unitIds: [unit!.id], overrideReason: '演示：派给巡逻民警' },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const orderId = sent.json<{ orders: { id: string }[] }>().orders[0]!.id;

    // Within the grace the simulated crew does nothing; the officer acknowledges in the app.
    await clock.advance(60_000);
    expect((await ordersOf([incidentId]))[0]!.status).toBe('sent');
    const ack = await t.app.inject({ method: 'POST', url: `/api/dispatch/orders/${orderId}/ack`, headers: patrol });
    expect(ack.statusCode, ack.body).toBe(200);
    // The officer then does not depart: after the grace the simulated crew does.
    await clock.advance(30_000);
    expect((await ordersOf([incidentId]))[0]!.status).toBe('acknowledged');
    await clock.advance(90_000);
    await sim.stop();
    expect(['en_route', 'on_scene', 'released']).toContain((await ordersOf([incidentId]))[0]!.status);
    const actors = await query<{ to_status: string; username: string }>(
      t.database.db,
      sql`select e.to_status, u.username from incident_events e join users u on u.id::text = e.actor_id
           where e.incident_id = ${incidentId} and e.kind = 'order' order by e.id`,
    );
    expect(actors[0]).toEqual({ to_status: 'acknowledged', username: 'patrol' });
    expect(actors[1]).toEqual({ to_status: 'en_route', username: 'simulator' });
  }, 240_000);
});
