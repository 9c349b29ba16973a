/**
 * Geo use cases over the loaded demo city: map layers, point → jurisdiction resolution, geocoding and reverse
 * geocoding of standard addresses, the console's search, routes and one-to-many ETAs.
 *
 * Authorisation: base-map data (roads, water, stations, addresses of buildings, routes) belongs to no single
 * jurisdiction, so `geo.read` held anywhere is enough; jurisdiction boundaries are listed only inside the
 * actor's `geo.read` scopes (the same SQL filter as every list).
 */
import { sql } from 'drizzle-orm';
import type { JurisdictionLevel } from '../../../contracts/roles.ts';
import { normalizeAddressText } from './address.text.ts';
import type { Actor, RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { can } from '../policy/policy.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { assertValidCoordinates } from './coordinates.validation.ts';
import { haversineM } from './geo.math.ts';
import {
  listJurisdictionFeatures,
  listRoads,
  listUnits,
  listWater,
  type AddressRecord,
  type GeoJurisdiction,
  type StationRecord,
} from './geo.repository.ts';
import { geoState, type GeoState } from './geo.state.ts';
import { etasTo, route, type Route } from './road.search.ts';
import { ROAD_CLASSES, type RoadClass } from './road.speeds.ts';

const READ = 'geo.read';

/** Throws UNAUTHENTICATED / FORBIDDEN unless one of the actor's assignments carries geo.read. */
function authorizeGeo(ctx: RequestContext): Actor {
  const actor = ctx.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  const now = ctx.now();
  const allowed = actor.assignments.some((a) =>
    can(actor, READ, { type: 'geo', jurisdictionPath: a.jurisdictionPath }, { now }),
  );
  if (!allowed) throw new AppError('FORBIDDEN', `You may not ${READ} here.`, { action: READ, resourceType: 'geo' });
  return actor;
}

/** Checks a point against the loaded cities' extent (NaN, out of range, swapped, outside). */
function checkPoint(state: GeoState, lon: unknown, lat: unknown, label: string): { lon: number; lat: number } {
  const pad = 0.02;
  const [w, s, e, n] = state.extent;
  assertValidCoordinates(lon, lat, { within: [w - pad, s - pad, e + pad, n + pad], label });
  return { lon: lon as number, lat: lat as number };
}

/** Parses "lon,lat" text into a checked point. */
export function parseLonLat(state: GeoState, text: string, label: string): { lon: number; lat: number } {
  const parts = text.split(',');
  const lon = parts.length === 2 && parts[0]!.trim() !== '' ? Number(parts[0]) : NaN;
  const lat = parts.length === 2 && parts[1]!.trim() !== '' ? Number(parts[1]) : NaN;
  return checkPoint(state, lon, lat, label);
}

// ---------------------------------------------------------------------------------------------- layers

/** A GeoJSON feature as the layers return it. */
export interface Feature {
  type: 'Feature';
  id: string;
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
}

/** Roads, optionally within a bbox and down to a minimum class (e.g. 'primary' gives motorway … primary_link). */
export async function roadsLayer(
  ctx: RequestContext,
  opts: { bbox?: string; minClass?: RoadClass },
): Promise<Feature[]> {
  authorizeGeo(ctx);
  let bbox: [number, number, number, number] | undefined;
  if (opts.bbox !== undefined) {
    const v = opts.bbox.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
    if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[0]! > v[2]! || v[1]! > v[3]!) {
      throw new AppError(
        'VALIDATION_FAILED',
        'bbox must be "west,south,east,north" in degrees with west ≤ east and south ≤ north.',
        {
          bbox: opts.bbox,
        },
      );
    }
    bbox = v as [number, number, number, number];
  }
  const rows = await listRoads(ctx.db, {
    bbox,
    maxRank: opts.minClass ? ROAD_CLASSES.indexOf(opts.minClass) : undefined,
  });
  return rows.map((r) => ({
    type: 'Feature',
    id: r.id,
    geometry: r.geometry,
    properties: { name: r.name, class: r.class, oneway: r.oneway, bridge: r.bridge },
  }));
}

/** The river(s). */
export async function waterLayer(ctx: RequestContext): Promise<Feature[]> {
  authorizeGeo(ctx);
  return (await listWater(ctx.db)).map((w) => ({
    type: 'Feature',
    id: w.id,
    geometry: w.geometry,
    properties: { name: w.name },
  }));
}

/** Jurisdiction boundaries inside the actor's scopes, optionally of one level. */
export async function jurisdictionsLayer(ctx: RequestContext, opts: { level?: JurisdictionLevel }): Promise<Feature[]> {
  const actor = authorizeGeo(ctx);
  const rows = await listJurisdictionFeatures(ctx.db, {
    where: policyFilter(actor, READ, { path: sql`path` }, { now: ctx.now() }),
    level: opts.level,
  });
  return rows.map((j) => ({
    type: 'Feature',
    id: j.id,
    geometry: j.boundary!,
    properties: { name: j.name, level: j.level, parentId: j.parentId },
  }));
}

/** Police stations as points. */
export async function stationsLayer(ctx: RequestContext): Promise<Feature[]> {
  authorizeGeo(ctx);
  const state = await geoState(ctx.db);
  return state.stations.map((s) => ({
    type: 'Feature',
    id: s.id,
    geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
    properties: { name: s.name, addressId: s.addressId },
  }));
}

/** Patrol units the actor may see (`unit.read` in their scope), at their home base with their status. */
export async function unitsLayer(ctx: RequestContext): Promise<Feature[]> {
  const actor = authorizeGeo(ctx);
  const rows = await listUnits(ctx.db, policyFilter(actor, 'unit.read', { path: sql`j.path` }, { now: ctx.now() }));
  return rows.map((u) => ({
    type: 'Feature',
    id: u.id,
    geometry: { type: 'Point', coordinates: [u.lon, u.lat] },
    properties: { id: u.id, callSign: u.call_sign, unitType: u.type, status: u.status, stationId: u.jurisdiction_id },
  }));
}

// ---------------------------------------------------------------------------------------------- resolve

/** The jurisdictions containing a point, grid first. */
export async function resolvePoint(
  ctx: RequestContext,
  lon: number,
  lat: number,
): Promise<{ lon: number; lat: number; chain: Pick<GeoJurisdiction, 'id' | 'level' | 'name'>[] }> {
  authorizeGeo(ctx);
  const state = await geoState(ctx.db);
  const p = checkPoint(state, lon, lat, 'point');
  const gridId = state.grids.resolve(p.lon, p.lat);
  if (!gridId) {
    throw new AppError('COORDINATES_INVALID', 'The point lies outside every city jurisdiction of the demo province.', {
      reason: 'outside_area',
      lon,
      lat,
    });
  }
  const chain: Pick<GeoJurisdiction, 'id' | 'level' | 'name'>[] = [];
  for (let j = state.jurisdictions.get(gridId); j; j = j.parentId ? state.jurisdictions.get(j.parentId) : undefined) {
    chain.push({ id: j.id, level: j.level, name: j.name });
  }
  return { lon: p.lon, lat: p.lat, chain };
}

// ---------------------------------------------------------------------------------------------- geocoding

/** One scored address match. */
export interface AddressMatch {
  address: AddressRecord;
  score: number;
}

interface ParsedQuery {
  text: string;
  /** Text without the unit/room tail. */
  core: string;
  door?: number;
  building?: number;
  unit?: number;
  room?: number;
}

function parseQuery(q: string): ParsedQuery {
  const text = normalizeAddressText(q);
  const tail = /(?:(\d+)单元)?(?:(\d+)室)?$/.exec(text)!;
  const core = text.slice(0, text.length - tail[0].length);
  const door = /(\d+)号/.exec(core);
  const building = /(\d+)栋/.exec(core);
  return {
    text,
    core,
    door: door ? Number(door[1]) : undefined,
    building: building ? Number(building[1]) : undefined,
    unit: tail[1] ? Number(tail[1]) : undefined,
    room: tail[2] ? Number(tail[2]) : undefined,
  };
}

interface CityNames {
  prefix: string;
  province: string;
  city: string;
}
const cityNames = new Map<string, CityNames>();

/** Normalised province and city names, and the "province + city" prefix every address text starts with. */
function namesOf(a: AddressRecord): CityNames {
  const key = `${a.province}|${a.city}`;
  let names = cityNames.get(key);
  if (names === undefined) {
    names = {
      prefix: normalizeAddressText(`${a.province}${a.city}`),
      province: normalizeAddressText(a.province),
      city: normalizeAddressText(a.city),
    };
    cityNames.set(key, names);
  }
  return names;
}

/** Scores an address against a parsed query; 0 means no match. Exact containment beats token matches. */
function scoreAddress(a: AddressRecord, q: ParsedQuery): number {
  if (q.core.length === 0) return 0;
  if (a.searchText.endsWith(q.core)) return 100 - Math.min(20, (a.searchText.length - q.core.length) / 4);
  // Every address starts with its province and city: a query that does not name them (e.g. "江") must match
  // the local part (district onwards), or it would match every building of 江州市.
  const names = namesOf(a);
  const namesCity = q.core.includes(names.city) || q.core.includes(names.province);
  const searched =
    namesCity || !a.searchText.startsWith(names.prefix) ? a.searchText : a.searchText.slice(names.prefix.length);
  if (searched.includes(q.core)) return 80 - Math.min(20, (a.searchText.length - q.core.length) / 4);
  const road = normalizeAddressText(a.roadName);
  if (!q.core.includes(road)) return 0;
  let score = 40;
  if (q.door !== undefined) score += q.door === a.doorNumber ? 20 : -15;
  if (q.building !== undefined) score += q.building === Number.parseInt(a.building, 10) ? 10 : -5;
  if (q.core.includes(a.district)) score += 3;
  if (q.core.includes(a.community)) score += 3;
  return score;
}

function rank(state: GeoState, q: ParsedQuery, limit: number): AddressMatch[] {
  const hits: AddressMatch[] = [];
  for (const a of state.addresses) {
    const score = scoreAddress(a, q);
    if (score > 0) hits.push({ address: a, score });
  }
  hits.sort((x, y) => y.score - x.score || (x.address.id < y.address.id ? -1 : 1));
  return hits.slice(0, limit);
}

/** Standard address text → the best-matching building, its coordinates, and ranked alternatives. */
export async function geocode(
  ctx: RequestContext,
  q: string,
): Promise<{ best: AddressMatch; exact: boolean; alternatives: AddressMatch[]; unit?: number; room?: number }> {
  authorizeGeo(ctx);
  const state = await geoState(ctx.db);
  const parsed = parseQuery(q);
  const hits = rank(state, parsed, 6);
  if (hits.length === 0) {
    throw new AppError(
      'ADDRESS_NOT_FOUND',
      'No standard address matches; give the street and door number, e.g. 江滨路128号.',
      {
        query: q,
      },
    );
  }
  const best = hits[0]!;
  return {
    best,
    exact: best.score >= 80,
    alternatives: hits.slice(1),
    ...(parsed.unit !== undefined ? { unit: parsed.unit } : {}),
    ...(parsed.room !== undefined ? { room: parsed.room } : {}),
  };
}

/** The nearest address to a point (within 2 km). */
export async function reverseGeocode(
  ctx: RequestContext,
  lon: number,
  lat: number,
): Promise<{ address: AddressRecord; distanceM: number }> {
  authorizeGeo(ctx);
  const state = await geoState(ctx.db);
  const p = checkPoint(state, lon, lat, 'point');
  const [nearest] = state.addressTree ? state.addressTree.neighbors(p.lon, p.lat, 1, 0.02) : [];
  if (nearest === undefined) {
    throw new AppError('ADDRESS_NOT_FOUND', 'No address within 2 km of the point.', { lon, lat });
  }
  const address = state.addresses[nearest]!;
  return { address, distanceM: haversineM(p.lon, p.lat, address.lon, address.lat) };
}

/** One search result of the console's search box. */
export interface SearchHit {
  type: 'address' | 'station' | 'unit';
  id: string;
  label: string;
  lon: number;
  lat: number;
  score: number;
}

/** Addresses and stations matching free text, best first. */
export async function search(ctx: RequestContext, q: string, limit: number): Promise<SearchHit[]> {
  authorizeGeo(ctx);
  const state = await geoState(ctx.db);
  const parsed = parseQuery(q);
  const out: SearchHit[] = [];
  if (parsed.text.length === 0) return out;
  for (const s of state.stations as StationRecord[]) {
    const name = normalizeAddressText(s.name);
    const score = name === parsed.text ? 120 : name.includes(parsed.text) ? 110 : parsed.text.includes(name) ? 105 : 0;
    if (score > 0) out.push({ type: 'station', id: s.id, label: s.name, lon: s.lon, lat: s.lat, score });
  }
  // Call signs (江南01): units the actor may see, by prefix of the typed text.
  const escaped = q.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  if (escaped.length > 0) {
    const where = policyFilter(ctx.actor, 'unit.read', { path: sql`j.path` }, { now: ctx.now() });
    for (const u of await listUnits(ctx.db, where, { callSignLike: `${escaped}%`, limit })) {
      const score = u.call_sign === q.trim() ? 130 : 115;
      out.push({ type: 'unit', id: u.id, label: u.call_sign, lon: u.lon, lat: u.lat, score });
    }
  }
  for (const m of rank(state, parsed, limit)) {
    const a = m.address;
    out.push({
      type: 'address',
      id: a.id,
      label: `${a.district}${a.street}${a.building}`,
      lon: a.lon,
      lat: a.lat,
      score: m.score,
    });
  }
  out.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
  return out.slice(0, limit);
}

// ---------------------------------------------------------------------------------------------- travel

/** The fastest driving route between two "lon,lat" points. */
export async function routeBetween(
  ctx: RequestContext,
  fromText: string,
  toText: string,
  departAt?: string,
): Promise<Route> {
  authorizeGeo(ctx);
  const state = await geoState(ctx.db);
  const from = parseLonLat(state, fromText, 'route start (from)');
  const to = parseLonLat(state, toText, 'route end (to)');
  const r = route(state.network, from, to, { departAt: departAt ? new Date(departAt) : ctx.now() });
  if (!r) throw new AppError('NO_ROUTE', 'No drivable route between the two points.', { from: fromText, to: toText });
  return r;
}

/** Driving time from every source to the target, from one reverse search. */
export async function etas(
  ctx: RequestContext,
  body: {
    target: { lon: number; lat: number };
    sources: { id?: string; lon: number; lat: number }[];
    departAt?: string;
    horizonSec?: number;
  },
): Promise<{
  target: { lon: number; lat: number; snappedM: number };
  etas: { id: string | null; etaSec: number | null; error?: string }[];
}> {
  authorizeGeo(ctx);
  const state = await geoState(ctx.db);
  const target = checkPoint(state, body.target.lon, body.target.lat, 'target');
  const result = etasTo(state.network, target, body.sources, {
    departAt: body.departAt ? new Date(body.departAt) : ctx.now(),
    horizonSec: body.horizonSec,
  });
  return {
    target: { lon: result.target.lon, lat: result.target.lat, snappedM: result.target.distanceM },
    etas: result.etas.map((e, i) => ({
      id: body.sources[i]!.id ?? null,
      etaSec: Number.isFinite(e.etaSec) ? Math.round(e.etaSec * 10) / 10 : null,
      ...(e.error ? { error: e.error } : {}),
    })),
  };
}
