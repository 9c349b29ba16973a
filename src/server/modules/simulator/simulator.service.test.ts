/**
 * The demo simulator on a seeded small demo city, stepped with a ManualClock: calls at the requested rate
 * from the historical mix and places, deterministic for a seed; units on duty patrolling on the roads; stop()
 * leaving no timer; bad options refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { geoState } from '../geo/geo.state.ts';
import { haversineM, snapToRoad } from '../geo/index.ts';
import { ManualClock } from './simulator.clock.ts';
import { CallProfile, SimRandom } from './simulator.calls.ts';
import { Simulator } from './simulator.service.ts';
import { liveSubType } from './simulator.texts.ts';
import { SIMULATOR_USERNAME } from './simulator.actor.ts';

let t: TestApp;
/** Now, to the second (never ahead of the wall clock: the demo seed starts crews' shifts relative to it). */
const START = new Date(Math.floor(Date.now() / 1000) * 1000);

interface Row extends Record<string, unknown> {
  id: string;
  sub_type: string;
  lon: number;
  lat: number;
  received: string;
  jurisdiction_id: string;
  created_by: string;
  channel: string;
}

async function incidentsByIds(ids: string[]): Promise<Row[]> {
  const rows = await query<Row>(
    t.database.db,
    sql`select id, sub_type, lon, lat, to_char(reported_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as received,
               jurisdiction_id, created_by, channel
          from incidents where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 3 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('simulated calls', () => {
  let first: Simulator;
  let clock: ManualClock;

  let offDutyBefore = 0;
  let onDutyBefore = 0;

  beforeAll(async () => {
    const counts = await query<{ off: number; on: number }>(
      t.database.db,
      sql`select count(*) filter (where status = 'off_duty')::int as off,
                 count(*) filter (where status <> 'off_duty')::int as on from units`,
    );
    offDutyBefore = counts[0]!.off;
    onDutyBefore = counts[0]!.on;
    clock = new ManualClock(START);
    first = new Simulator(t.app, { ratePerMin: 6, seed: 42, tickMs: 5000 }, clock);
    await first.start();
    await clock.advance(10 * 60_000);
    await first.stop();
  }, 120_000);

  it('arrive at about the requested rate (Poisson, 6 a minute for 10 minutes)', () => {
    // Mean 60, standard deviation about 7.7: anything outside ±3 sd means the rate is wrong.
    expect(first.stats.calls).toBeGreaterThanOrEqual(37);
    expect(first.stats.calls).toBeLessThanOrEqual(83);
    expect(first.stats.callErrors).toBe(0);
    expect(first.createdIncidents).toHaveLength(first.stats.calls);
  });

  it('take their sub-types and places from the history, inside a grid, as the simulator account', async () => {
    const rows = await incidentsByIds(first.createdIncidents);
    expect(rows).toHaveLength(first.stats.calls);
    const history = await query<{ sub_type: string; lon: number; lat: number }>(
      t.database.db,
      sql`select sub_type, lon, lat from incidents where historical and lon is not null`,
    );
    const mapped = new Set(history.map((h) => liveSubType(h.sub_type)?.subType).filter(Boolean));
    const [sim] = await query<{ id: string; status: string }>(
      t.database.db,
      sql`select id, status from users where username = ${SIMULATOR_USERNAME}`,
    );
    expect(sim!.status).toBe('disabled');
    const geo = await geoState(t.database.db);
    const grids = await query<{ id: string }>(t.database.db, sql`select id from jurisdictions where level = 'grid'`);
    const gridIds = new Set(grids.map((g) => g.id));
    for (const r of rows) {
      expect(mapped.has(r.sub_type), r.sub_type).toBe(true);
      expect(gridIds.has(r.jurisdiction_id)).toBe(true);
      expect(geo.grids.resolve(Number(r.lon), Number(r.lat))).toBe(r.jurisdiction_id);
      // Jittered by tens of metres from a past incident, never moved across town.
      const nearest = Math.min(...history.map((h) => haversineM(Number(r.lon), Number(r.lat), h.lon, h.lat)));
      expect(nearest).toBeLessThan(250);
      expect(r.created_by).toBe(sim!.id);
      expect(['phone', 'sms', 'app', 'walk_in']).toContain(r.channel);
    }
    // Received at their Poisson arrival times, in order, within the run.
    const times = rows.map((r) => Date.parse(`${r.received}Z`));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[0]!).toBeGreaterThanOrEqual(START.getTime());
    expect(times.at(-1)!).toBeLessThanOrEqual(START.getTime() + 10 * 60_000);
    // The timeline names the simulator as the actor of the intake.
    const [ev] = await query<{ actor_id: string }>(
      t.database.db,
      sql`select actor_id from incident_events where incident_id = ${rows[0]!.id} and to_status = 'received'`,
    );
    expect(ev!.actor_id).toBe(sim!.id);
  });

  it('repeat exactly for the same seed and differ for another', async () => {
    const run = async (seed: number) => {
      const c = new ManualClock(START);
      const s = new Simulator(t.app, { ratePerMin: 6, seed, tickMs: 5000, onDutyShare: 0 }, c);
      await s.start();
      await c.advance(3 * 60_000);
      await s.stop();
      return s;
    };
    const again = await run(42);
    const other = await run(43);
    const key = (r: Row) => `${r.sub_type}@${r.lon},${r.lat}@${r.received}`;
    const a = (await incidentsByIds(first.createdIncidents)).map(key);
    const b = (await incidentsByIds(again.createdIncidents)).map(key);
    const c = (await incidentsByIds(other.createdIncidents)).map(key);
    expect(b.length).toBeGreaterThan(5);
    expect(a.slice(0, b.length)).toEqual(b);
    expect(c.slice(0, 5)).not.toEqual(b.slice(0, 5));
  }, 120_000);

  it('put crews on duty and patrol them along the roads', async () => {
    const onDuty = await query<{ id: string }>(t.database.db, sql`select id from units where status <> 'off_duty'`);
    expect(offDutyBefore).toBeGreaterThan(0);
    expect(onDuty.length).toBe(onDutyBefore + Math.round(offDutyBefore * 0.8));
    expect(first.stats.unitsOnDuty).toBe(onDuty.length);
    const geo = await geoState(t.database.db);
    const history = await query<{ unit_id: string; lon: number; lat: number; recorded_at: string }>(
      t.database.db,
      sql`select unit_id, lon, lat, recorded_at from unit_position_history order by unit_id, recorded_at`,
    );
    const byUnit = new Map<string, typeof history>();
    for (const h of history) byUnit.set(h.unit_id, [...(byUnit.get(h.unit_id) ?? []), h]);
    expect(byUnit.size).toBe(onDuty.length);
    let movedUnits = 0;
    for (const [, fixes] of byUnit) {
      // A report every tick (120 ticks in 10 minutes) so positions never go stale.
      expect(fixes.length).toBeGreaterThanOrEqual(120);
      const distinct = new Set(fixes.map((f) => `${f.lon},${f.lat}`));
      if (distinct.size > 20) movedUnits++;
      // After the first fix (home station), every position lies on a road.
      for (const f of fixes.slice(1)) {
        expect(snapToRoad(geo.network, Number(f.lon), Number(f.lat)).distanceM).toBeLessThan(1);
      }
    }
    expect(movedUnits).toBe(byUnit.size);
  });

  it('stop() leaves no timer, and nothing happens afterwards', async () => {
    expect(first.isRunning).toBe(false);
    expect(clock.pending).toBe(0);
    const calls = first.stats.calls;
    await clock.advance(5 * 60_000);
    expect(first.stats.calls).toBe(calls);
  });
});

describe('call profile', () => {
  it('draws the hour-of-day mix: traffic leads at the morning rush, never at 4 a.m.', async () => {
    const profile = await CallProfile.load(t.database.db);
    const share = (hour: number) => {
      const rng = new SimRandom(1, 'x');
      const at = new Date(Date.UTC(2026, 10, 23, (hour + 16) % 24));
      let traffic = 0;
      for (let i = 0; i < 400; i++) if (profile.draw(rng, at, () => true).category === 'traffic') traffic++;
      return traffic / 400;
    };
    expect(share(8)).toBeGreaterThan(share(4) + 0.1);
  });
});

describe('options', () => {
  it('are checked with messages that say how to fix them', () => {
    for (const bad of [{ ratePerMin: 0 }, { speedup: 0.5 }, { autoDispatch: 1.5 }, { seed: -1 }, { tickMs: 10 }]) {
      let error: unknown;
      try {
        new Simulator(t.app, bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('VALIDATION_FAILED');
    }
  });
});
