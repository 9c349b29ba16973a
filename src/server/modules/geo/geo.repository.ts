/**
 * SQL of the geo services: the stored road graph, boundaries, addresses and stations (loaded once per process
 * into memory) and the GeoJSON layers (read per request). Knows nothing about HTTP or who asks: callers pass
 * the policy's filter.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { JurisdictionLevel } from '../../../contracts/roles.ts';
import { query, type Executor } from '../../db/client.ts';
import type { PolygonGeometry } from './polygon.index.ts';

/** bytea from either driver (node-postgres: Buffer; PGlite: Uint8Array). */
function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string' && v.startsWith('\\x')) return Buffer.from(v.slice(2), 'hex');
  throw new Error(`expected bytea, got ${typeof v}`);
}

/** The serialised road graph stored under `name`, or null. */
export async function findRoadGraph(db: Executor, name: string): Promise<Uint8Array | null> {
  const [row] = await query<{ graph: unknown }>(db, sql`select graph from road_graphs where name = ${name}`);
  return row ? toBytes(row.graph) : null;
}

/** A jurisdiction with its boundary, as the geo services use it. */
export interface GeoJurisdiction {
  id: string;
  parentId: string | null;
  level: JurisdictionLevel;
  name: string;
  path: string;
  boundary: PolygonGeometry | null;
}

/** Every jurisdiction (with boundaries). */
export async function listGeoJurisdictions(db: Executor): Promise<GeoJurisdiction[]> {
  const rows = await query<{
    id: string;
    parent_id: string | null;
    level: JurisdictionLevel;
    name: string;
    path: string;
    boundary: PolygonGeometry | null;
  }>(db, sql`select id, parent_id, level, name, path, boundary from jurisdictions order by path`);
  return rows.map((r) => ({
    id: r.id,
    parentId: r.parent_id,
    level: r.level,
    name: r.name,
    path: r.path,
    boundary: r.boundary,
  }));
}

/** A standard address as stored. */
export interface AddressRecord {
  id: string;
  gridId: string;
  province: string;
  city: string;
  district: string;
  street: string;
  roadName: string;
  doorNumber: number;
  community: string;
  building: string;
  units: number;
  floors: number;
  roomsPerFloor: number;
  kind: 'residential' | 'commercial' | 'industrial' | 'public';
  lon: number;
  lat: number;
  roadId: string | null;
  searchText: string;
}

/** Every address, in id order. */
export async function listAddresses(db: Executor): Promise<AddressRecord[]> {
  const rows = await query<Record<string, unknown>>(
    db,
    sql`select id, grid_id, province, city, district, street, road_name, door_number, community, building, units,
               floors, rooms_per_floor, kind, lon::float8 as lon, lat::float8 as lat, road_id, search_text
          from addresses order by id`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    gridId: r.grid_id as string,
    province: r.province as string,
    city: r.city as string,
    district: r.district as string,
    street: r.street as string,
    roadName: r.road_name as string,
    doorNumber: Number(r.door_number),
    community: r.community as string,
    building: r.building as string,
    units: Number(r.units),
    floors: Number(r.floors),
    roomsPerFloor: Number(r.rooms_per_floor),
    kind: r.kind as AddressRecord['kind'],
    lon: Number(r.lon),
    lat: Number(r.lat),
    roadId: (r.road_id as string | null) ?? null,
    searchText: r.search_text as string,
  }));
}

/** A police station's position. */
export interface StationRecord {
  id: string;
  name: string;
  lon: number;
  lat: number;
  addressId: string | null;
  path: string;
}

/** Every station with its jurisdiction path. */
export async function listStations(db: Executor): Promise<StationRecord[]> {
  const rows = await query<{
    id: string;
    name: string;
    lon: number;
    lat: number;
    address_id: string | null;
    path: string;
  }>(
    db,
    sql`select s.id, s.name, s.lon::float8 as lon, s.lat::float8 as lat, s.address_id, j.path
          from stations s join jurisdictions j on j.id = s.id order by s.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    lon: Number(r.lon),
    lat: Number(r.lat),
    addressId: r.address_id,
    path: r.path,
  }));
}

/** A road as a GeoJSON feature's parts. */
export interface RoadFeatureRow extends Record<string, unknown> {
  id: string;
  name: string;
  class: string;
  oneway: boolean;
  bridge: boolean;
  geometry: { type: 'LineString'; coordinates: [number, number][] };
}

/** Roads whose bounding box meets `bbox`, of class rank ≤ maxRank. */
export async function listRoads(
  db: Executor,
  opts: { bbox?: readonly [number, number, number, number]; maxRank?: number },
): Promise<RoadFeatureRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (opts.bbox) {
    const [w, s, e, n] = opts.bbox;
    conditions.push(sql`max_lon >= ${w} and min_lon <= ${e} and max_lat >= ${s} and min_lat <= ${n}`);
  }
  if (opts.maxRank !== undefined) conditions.push(sql`class_rank <= ${opts.maxRank}`);
  return query<RoadFeatureRow>(
    db,
    sql`select id, name, class, oneway, bridge, geometry from roads where ${sql.join(conditions, sql` and `)} order by id`,
  );
}

/** Every water polygon. */
export async function listWater(db: Executor): Promise<{ id: string; name: string; geometry: PolygonGeometry }[]> {
  return query(db, sql`select id, name, geometry from water order by id`);
}

/** Jurisdictions passing `where` (the policy filter over `path`), optionally of one level. */
export async function listJurisdictionFeatures(
  db: Executor,
  opts: { where: SQL; level?: JurisdictionLevel },
): Promise<GeoJurisdiction[]> {
  const rows = await query<{
    id: string;
    parent_id: string | null;
    level: JurisdictionLevel;
    name: string;
    path: string;
    boundary: PolygonGeometry | null;
  }>(
    db,
    sql`select id, parent_id, level, name, path, boundary from jurisdictions
         where boundary is not null and (${opts.where}) ${opts.level ? sql`and level = ${opts.level}` : sql``}
         order by path`,
  );
  return rows.map((r) => ({
    id: r.id,
    parentId: r.parent_id,
    level: r.level,
    name: r.name,
    path: r.path,
    boundary: r.boundary,
  }));
}

/** A patrol unit on the map: where it is based and its status (live positions arrive over the stream). */
export interface UnitMapRow extends Record<string, unknown> {
  id: string;
  call_sign: string;
  type: string;
  status: string;
  lon: number;
  lat: number;
  jurisdiction_id: string;
}

/** Units whose home station satisfies `where` (a policy filter over `j.path`), optionally by call-sign prefix. */
export async function listUnits(
  db: Executor,
  where: SQL,
  opts: { callSignLike?: string; limit?: number } = {},
): Promise<UnitMapRow[]> {
  const like = opts.callSignLike === undefined ? sql`true` : sql`u.call_sign like ${opts.callSignLike}`;
  const limit = opts.limit === undefined ? sql`` : sql`limit ${opts.limit}`;
  return query<UnitMapRow>(
    db,
    sql`select u.id, u.call_sign, u.type, u.status, u.home_lon as lon, u.home_lat as lat, u.jurisdiction_id
          from units u join jurisdictions j on j.id = u.jurisdiction_id
         where ${where} and ${like}
         order by u.call_sign ${limit}`,
  );
}
