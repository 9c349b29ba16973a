/** HTTP level: geo layers, resolution, geocoding, search, routes and ETAs over a seeded small demo city. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { DEMO_PASSWORD } from '../../../demo/demo-accounts.ts';
import { generateGeography } from '../../../demo/geography/geography.generator.ts';
import type { CityGeography } from '../../../demo/city.model.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';

let t: TestApp;
let geo: CityGeography;
const token: Record<string, string> = {};

async function login(username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

function get(who: string | null, url: string) {
  return t.app.inject({ method: 'GET', url, headers: who ? { authorization: `Bearer ${token[who]}` } : {} });
}

function post(who: string | null, url: string, payload: unknown) {
  return t.app.inject({
    method: 'POST',
    url,
    payload: payload as object,
    headers: who ? { authorization: `Bearer ${token[who]}` } : {},
  });
}

const errorCode = (res: { json: <T>() => T }) =>
  res.json<{ error: { code: string; details: { reason?: string } } }>().error;

beforeAll(async () => {
  t = await createTestApp();
  geo = generateGeography({ seed: 3, scale: 'small' });
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 3 });
  for (const u of ['dispatcher', 'chief']) token[u] = await login(u);
}, 60_000);

afterAll(async () => {
  await t.close();
});

describe('geo layers', () => {
  it('answers 401 without a session, for every route', async () => {
    for (const url of [
      '/api/geo/layers/roads',
      '/api/geo/resolve?lon=113.3&lat=23.1',
      '/api/geo/geocode?q=x',
      '/api/geo/reverse?lon=113.3&lat=23.1',
      '/api/geo/search?q=x',
      '/api/geo/route?from=113.3,23.1&to=113.31,23.1',
    ]) {
      const res = await get(null, url);
      expect(res.statusCode, url).toBe(401);
      expect(errorCode(res).code).toBe('UNAUTHENTICATED');
    }
    expect((await post(null, '/api/geo/etas', { target: { lon: 113.3, lat: 23.1 }, sources: [] })).statusCode).toBe(
      400,
    );
  });

  it('serves roads as GeoJSON, filtered by minimum class and bbox', async () => {
    const all = (await get('dispatcher', '/api/geo/layers/roads')).json<{ type: string; features: unknown[] }>();
    expect(all.type).toBe('FeatureCollection');
    expect(all.features).toHaveLength(geo.roads.length);
    const major = (await get('dispatcher', '/api/geo/layers/roads?minClass=primary')).json<{
      features: { properties: { class: string } }[];
    }>();
    expect(major.features.length).toBeGreaterThan(0);
    expect(major.features.length).toBeLessThan(geo.roads.length);
    expect(major.features.every((f) => !['secondary', 'tertiary', 'residential'].includes(f.properties.class))).toBe(
      true,
    );
    const [lon, lat] = geo.addresses[0]!.location;
    const box = (
      await get('dispatcher', `/api/geo/layers/roads?bbox=${lon - 0.003},${lat - 0.003},${lon + 0.003},${lat + 0.003}`)
    ).json<{
      features: unknown[];
    }>();
    expect(box.features.length).toBeGreaterThan(0);
    expect(box.features.length).toBeLessThan(geo.roads.length);
    const bad = await get('dispatcher', '/api/geo/layers/roads?bbox=1,2,3');
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad).code).toBe('VALIDATION_FAILED');
  });

  it('rejects an unknown layer and unknown query parameters', async () => {
    expect((await get('dispatcher', '/api/geo/layers/buildings')).statusCode).toBe(400);
    expect((await get('dispatcher', '/api/geo/layers/roads?colour=red')).statusCode).toBe(400);
  });

  it('serves water and stations', async () => {
    const water = (await get('dispatcher', '/api/geo/layers/water')).json<{
      features: { geometry: { type: string } }[];
    }>();
    expect(water.features).toHaveLength(1);
    expect(water.features[0]!.geometry.type).toBe('Polygon');
    const stations = (await get('chief', '/api/geo/layers/stations')).json<{ features: unknown[] }>();
    expect(stations.features).toHaveLength(geo.stations.length);
  });

  it("lists jurisdiction boundaries only inside the actor's scope", async () => {
    const grids = geo.jurisdictions.filter((j) => j.level === 'grid');
    const city = (await get('dispatcher', '/api/geo/layers/jurisdictions?level=grid')).json<{
      features: { id: string }[];
    }>();
    expect(city.features).toHaveLength(grids.length);
    const station = grids[0]!.id.slice(0, 9);
    const own = (await get('chief', '/api/geo/layers/jurisdictions?level=grid')).json<{ features: { id: string }[] }>();
    expect(own.features.length).toBe(grids.filter((g) => g.id.startsWith(station)).length);
    expect(own.features.every((f) => f.id.startsWith(station))).toBe(true);
    const above = (await get('chief', '/api/geo/layers/jurisdictions?level=city')).json<{ features: unknown[] }>();
    expect(above.features).toHaveLength(0);
  });
});

describe('units layer and call-sign search', () => {
  interface UnitFeature {
    id: string;
    geometry: { coordinates: [number, number] };
    properties: { callSign: string; status: string; stationId: string };
  }
  const unitRows = () =>
    query<{ id: string; call_sign: string; jurisdiction_id: string }>(
      t.database.db,
      sql`select id, call_sign, jurisdiction_id from units order by call_sign`,
    );

  it("shows every unit of the city to a city dispatcher and only his station's units to a station chief", async () => {
    const all = await unitRows();
    expect(all.length).toBeGreaterThan(5);
    const city = (await get('dispatcher', '/api/geo/layers/units')).json<{ features: UnitFeature[] }>();
    expect(city.features.map((f) => f.id).sort()).toEqual(all.map((u) => u.id).sort());
    const station = geo.jurisdictions.filter((j) => j.level === 'grid')[0]!.id.slice(0, 9);
    const own = (await get('chief', '/api/geo/layers/units')).json<{ features: UnitFeature[] }>();
    const expected = all.filter((u) => u.jurisdiction_id === station);
    expect(expected.length).toBeGreaterThan(0);
    expect(own.features.map((f) => f.id).sort()).toEqual(expected.map((u) => u.id).sort());
    expect(own.features.every((f) => f.properties.stationId === station)).toBe(true);
  });

  it('finds a unit by call sign, within scope only, and treats LIKE wildcards as text', async () => {
    const all = await unitRows();
    const station = geo.jurisdictions.filter((j) => j.level === 'grid')[0]!.id.slice(0, 9);
    const mine = all.find((u) => u.jurisdiction_id === station)!;
    const other = all.find((u) => u.jurisdiction_id !== station)!;
    type Hits = { items: { type: string; id: string; label: string }[] };
    const hit = (await get('chief', `/api/geo/search?q=${encodeURIComponent(mine.call_sign)}`)).json<Hits>();
    expect(hit.items[0]).toMatchObject({ type: 'unit', id: mine.id, label: mine.call_sign });
    const hidden = (await get('chief', `/api/geo/search?q=${encodeURIComponent(other.call_sign)}`)).json<Hits>();
    expect(hidden.items.some((r) => r.type === 'unit')).toBe(false);
    const wild = (await get('dispatcher', '/api/geo/search?q=%25')).json<Hits>();
    expect(wild.items.some((r) => r.type === 'unit')).toBe(false);
  });
});

describe('geo resolve, geocode, reverse and search', () => {
  it('resolves an address point to its grid and the whole chain up to the province', async () => {
    const a = geo.addresses[5]!;
    const res = await get('chief', `/api/geo/resolve?lon=${a.location[0]}&lat=${a.location[1]}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Record<string, { id: string }>>();
    expect(body.grid!.id).toBe(a.gridId);
    expect(body.community!.id).toBe(a.gridId.slice(0, 12));
    expect(body.station!.id).toBe(a.gridId.slice(0, 9));
    expect(body.county!.id).toBe(a.gridId.slice(0, 6));
    expect(body.province!.id).toBe('91');
  });

  it('answers clear errors for NaN, swapped and out-of-city coordinates', async () => {
    const nan = await get('chief', '/api/geo/resolve?lon=NaN&lat=23.1');
    expect(nan.statusCode).toBe(400);
    expect(errorCode(nan).code).toBe('VALIDATION_FAILED');
    const swapped = await get('chief', '/api/geo/resolve?lon=23.1&lat=113.3');
    expect(swapped.statusCode).toBe(400);
    expect(errorCode(swapped)).toMatchObject({ code: 'COORDINATES_INVALID', details: { reason: 'swapped' } });
    const beijing = await get('chief', '/api/geo/resolve?lon=116.4&lat=39.9');
    expect(errorCode(beijing)).toMatchObject({ code: 'COORDINATES_INVALID', details: { reason: 'outside_area' } });
    // Inside the city's bounding box but outside its outline: the box corner.
    const city = geo.jurisdictions.find((j) => j.level === 'city')!;
    const west = Math.min(...city.boundary[0]!.map((p) => p[0]));
    const south = Math.min(...city.boundary[0]!.map((p) => p[1]));
    const corner = await get('chief', `/api/geo/resolve?lon=${west + 0.0005}&lat=${south + 0.0005}`);
    expect(errorCode(corner)).toMatchObject({ code: 'COORDINATES_INVALID', details: { reason: 'outside_area' } });
  });

  it('geocodes a full standard address exactly, a street and door partially, and an unknown one with 404', async () => {
    const a = geo.addresses.find((x) => x.kind === 'residential' && x.building === '2栋')!;
    const full = `${a.province}${a.city}${a.district}${a.street}${a.building}3单元502室`;
    const exact = await get('chief', `/api/geo/geocode?q=${encodeURIComponent(full)}`);
    expect(exact.statusCode, exact.body).toBe(200);
    expect(exact.json()).toMatchObject({
      exact: true,
      address: { id: a.id },
      location: a.location,
      unit: 3,
      room: 502,
    });
    const spaced = await get(
      'chief',
      `/api/geo/geocode?q=${encodeURIComponent(` ${a.roadName} ${a.doorNumber}号 2幢 `)}`,
    );
    expect(spaced.json()).toMatchObject({ address: { id: a.id } });
    const street = await get('chief', `/api/geo/geocode?q=${encodeURIComponent(a.roadName!)}`);
    expect(street.statusCode).toBe(200);
    expect(street.json<{ address: { roadName: string } }>().address.roadName).toBe(a.roadName);
    const wrongDoor = await get('chief', `/api/geo/geocode?q=${encodeURIComponent(`${a.roadName!}99999号`)}`);
    expect(wrongDoor.json()).toMatchObject({ exact: false, address: { roadName: a.roadName } });
    const unknown = await get('chief', `/api/geo/geocode?q=${encodeURIComponent('不存在路1号')}`);
    expect(unknown.statusCode).toBe(404);
    expect(errorCode(unknown).code).toBe('ADDRESS_NOT_FOUND');
    expect((await get('chief', '/api/geo/geocode?q=')).statusCode).toBe(400);
  });

  it('reverse-geocodes a point to the nearest address', async () => {
    const a = geo.addresses[10]!;
    const res = await get('chief', `/api/geo/reverse?lon=${a.location[0] + 0.00001}&lat=${a.location[1]}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ address: { id: string }; distanceM: number }>()).toMatchObject({ address: { id: a.id } });
    expect(res.json<{ distanceM: number }>().distanceM).toBeLessThan(5);
    const far = await get('chief', '/api/geo/reverse?lon=0&lat=0');
    expect(errorCode(far).code).toBe('COORDINATES_INVALID');
  });

  it('does not match every building through the city name, but still when the city is named', async () => {
    type Hits = { items: { type: string; label: string }[] };
    // A character of the city's name (江州市) that no district or street of this geography uses.
    const local = (a: (typeof geo.addresses)[number]) => `${a.district}${a.street}${a.community}${a.building}`;
    const ch = [...'州市'].find((c) => !geo.addresses.some((a) => local(a).includes(c)));
    expect(ch).toBeDefined();
    const one = (await get('chief', `/api/geo/search?q=${encodeURIComponent(ch!)}`)).json<Hits>();
    expect(one.items.filter((i) => i.type === 'address')).toEqual([]);
    const a = geo.addresses[20]!;
    const named = (
      await get('chief', `/api/geo/search?q=${encodeURIComponent(`江州市${a.district}${a.street}`)}`)
    ).json<Hits>();
    expect(named.items[0]?.label).toContain(a.street);
  });

  it('searches stations by name and addresses by street, best first', async () => {
    const s = geo.stations[1]!;
    const res = (await get('chief', `/api/geo/search?q=${encodeURIComponent(s.name)}`)).json<{
      items: { type: string; id: string }[];
    }>();
    expect(res.items[0]).toMatchObject({ type: 'station', id: s.id });
    const a = geo.addresses[20]!;
    const streets = (await get('chief', `/api/geo/search?q=${encodeURIComponent(a.street)}&limit=5`)).json<{
      items: { type: string; label: string }[];
    }>();
    expect(streets.items.length).toBeGreaterThan(0);
    expect(streets.items.length).toBeLessThanOrEqual(5);
    expect(streets.items[0]!.label).toContain(a.street);
    const none = (await get('chief', `/api/geo/search?q=${encodeURIComponent('火星路')}`)).json<{ items: unknown[] }>();
    expect(none.items).toEqual([]);
  });
});

describe('geo routes and ETAs', () => {
  it('routes between two addresses, and the one-to-many ETA agrees with the route duration', async () => {
    const a = geo.addresses[0]!;
    const b = geo.addresses[geo.addresses.length - 1]!;
    const departAt = '2026-03-02T04:00:00.000Z';
    const res = await get(
      'chief',
      `/api/geo/route?from=${a.location.join(',')}&to=${b.location.join(',')}&departAt=${departAt}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json<{
      geometry: { coordinates: number[][] };
      properties: { durationSec: number; distanceM: number };
    }>();
    expect(r.geometry.coordinates.length).toBeGreaterThan(2);
    expect(r.properties.durationSec).toBeGreaterThan(0);
    expect(r.properties.distanceM).toBeGreaterThan(100);

    const e = await post('chief', '/api/geo/etas', {
      target: { lon: b.location[0], lat: b.location[1] },
      sources: [
        { id: 'u1', lon: a.location[0], lat: a.location[1] },
        { id: 'far', lon: 100, lat: 30 },
      ],
      departAt,
    });
    expect(e.statusCode, e.body).toBe(200);
    const etas = e.json<{ etas: { id: string; etaSec: number | null; error?: string }[] }>().etas;
    expect(etas[0]!.etaSec).toBeCloseTo(r.properties.durationSec, 0);
    expect(etas[1]).toMatchObject({ id: 'far', etaSec: null, error: 'NO_ROAD_NEARBY' });

    const bounded = await post('chief', '/api/geo/etas', {
      target: { lon: b.location[0], lat: b.location[1] },
      sources: [{ lon: a.location[0], lat: a.location[1] }],
      departAt,
      horizonSec: 1,
    });
    expect(bounded.json<{ etas: { etaSec: number | null }[] }>().etas[0]!.etaSec).toBeNull();
  });

  it('rejects bad route points and bad ETA bodies with stable codes', async () => {
    const bad = await get('chief', '/api/geo/route?from=abc&to=113.3,23.1');
    expect(errorCode(bad)).toMatchObject({ code: 'COORDINATES_INVALID', details: { reason: 'not_a_number' } });
    const swapped = await get('chief', '/api/geo/route?from=23.1,113.3&to=113.3,23.1');
    expect(errorCode(swapped)).toMatchObject({ code: 'COORDINATES_INVALID', details: { reason: 'swapped' } });
    const unknownField = await post('chief', '/api/geo/etas', {
      target: { lon: 113.3, lat: 23.1 },
      sources: [{ lon: 113.3, lat: 23.1 }],
      speed: 3,
    });
    expect(errorCode(unknownField).code).toBe('UNKNOWN_FIELD');
    const outside = await post('chief', '/api/geo/etas', {
      target: { lon: 116.4, lat: 39.9 },
      sources: [{ lon: 113.3, lat: 23.1 }],
    });
    expect(errorCode(outside)).toMatchObject({ code: 'COORDINATES_INVALID', details: { reason: 'outside_area' } });
  });
});

describe('geo without a seeded city', () => {
  it('answers 503 GEO_DATA_MISSING with a fix-it message', async () => {
    const empty = await createTestApp();
    try {
      await insertJurisdictions(empty.database.db);
      const u = await insertUser(empty.database.db, { roles: [{ role: 'city_dispatcher', jurisdictionId: '4401' }] });
      const res = await empty.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: u.username, password: u.password },
      });
      const tok = res.json<{ accessToken: string }>().accessToken;
      const r = await empty.app.inject({
        method: 'GET',
        url: '/api/geo/resolve?lon=113.3&lat=23.1',
        headers: { authorization: `Bearer ${tok}` },
      });
      expect(r.statusCode).toBe(503);
      expect(errorCode(r).code).toBe('GEO_DATA_MISSING');
    } finally {
      await empty.close();
    }
  });
});
