/**
 * The geo services' in-memory state, one per process and database: the road graph (loaded from
 * `road_graphs`, never regenerated), its snapping index, a point-in-polygon index of the grids and of the
 * cities, and the addresses with a nearest-neighbour index for reverse geocoding. Loaded lazily on first use;
 * a failed or empty load is not cached, so seeding later works without a restart.
 */
import Flatbush from 'flatbush';
import { AppError } from '../../errors.ts';
import type { Executor } from '../../db/client.ts';
import { databaseOf } from '../../context.ts';
import type { BBox } from './coordinates.validation.ts';
import { createPolygonIndex, type PolygonIndex } from './polygon.index.ts';
import { deserializeGraph, type RoadGraph } from './road.graph.ts';
import { createSnapIndex, type SnapIndex } from './road.snap.ts';
import {
  findRoadGraph,
  listAddresses,
  listGeoJurisdictions,
  listStations,
  type AddressRecord,
  type GeoJurisdiction,
  type StationRecord,
} from './geo.repository.ts';

/** Name of the demo city's graph in `road_graphs` (written by src/demo/city.writer.ts). */
export const GRAPH_NAME = 'demo';

/** Everything the geo services look up in memory. */
export interface GeoState {
  graph: RoadGraph;
  network: SnapIndex;
  jurisdictions: Map<string, GeoJurisdiction>;
  /** Point → grid id. */
  grids: PolygonIndex<string>;
  /** Point → city id (to tell "outside the city" from "between grids"). */
  cities: PolygonIndex<string>;
  /** Bounding box of every city, for coordinate checks (swapped / outside). */
  extent: BBox;
  addresses: AddressRecord[];
  addressById: Map<string, AddressRecord>;
  addressTree: Flatbush | null;
  stations: StationRecord[];
  loadedAt: Date;
}

const states = new WeakMap<object, Promise<GeoState>>();

/** The loaded state for this database (loading it on first use). */
export function geoState(db: Executor): Promise<GeoState> {
  // Keyed by the database, not the executor: a transaction's executor is new every time, and loading the
  // graph and addresses again for every transaction costs seconds on the city-scale demo.
  const key = databaseOf(db);
  let p = states.get(key);
  if (!p) {
    p = loadGeoState(db);
    states.set(key, p);
    p.catch(() => states.delete(key));
  }
  return p;
}

/** Forgets the loaded state (after re-seeding), so the next call reloads. */
export function resetGeoState(db: Executor): void {
  states.delete(databaseOf(db));
}

async function loadGeoState(db: Executor): Promise<GeoState> {
  const bytes = await findRoadGraph(db, GRAPH_NAME);
  if (!bytes) {
    throw new AppError(
      'GEO_DATA_MISSING',
      'No demo-city geography in the database yet; seed it with "npm run jingwu -- demo seed" (or start with DEMO_SEED=true).',
      { graph: GRAPH_NAME },
    );
  }
  const graph = deserializeGraph(bytes);
  const all = await listGeoJurisdictions(db);
  const withBoundary = (level: string) =>
    all.filter((j) => j.level === level && j.boundary).map((j) => ({ id: j.id, geometry: j.boundary! }));
  const cityFeatures = withBoundary('city');
  let extent: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of cityFeatures) {
    const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of rings)
      for (const [lon, lat] of poly[0] ?? []) {
        extent = [
          Math.min(extent[0], lon!),
          Math.min(extent[1], lat!),
          Math.max(extent[2], lon!),
          Math.max(extent[3], lat!),
        ];
      }
  }
  const addresses = await listAddresses(db);
  let addressTree: Flatbush | null = null;
  if (addresses.length > 0) {
    addressTree = new Flatbush(addresses.length);
    for (const a of addresses) addressTree.add(a.lon, a.lat, a.lon, a.lat);
    addressTree.finish();
  }
  return {
    graph,
    network: createSnapIndex(graph),
    jurisdictions: new Map(all.map((j) => [j.id, j])),
    grids: createPolygonIndex(withBoundary('grid')),
    cities: createPolygonIndex(cityFeatures),
    extent,
    addresses,
    addressById: new Map(addresses.map((a) => [a.id, a])),
    addressTree,
    stations: await listStations(db),
    loadedAt: new Date(),
  };
}
