/**
 * Writes a generated city to the database in one transaction, audited once (`demo.seed`): jurisdictions,
 * roads, water, addresses, stations and the compact road graph the server loads at start. Rows go in
 * multi-row INSERTs of up to 1,000 rows (PGlite manages ~3,000 single-row inserts per second, far more rows
 * per second this way).
 */
import { sql, type SQL } from 'drizzle-orm';
import { recordAudit, transaction, type RequestContext } from '../server/context.ts';
import type { Executor } from '../server/db/client.ts';
import { ROAD_CLASSES, serializeGraph } from '../server/modules/geo/index.ts';
import type { CityGeography, CityJurisdiction } from './city.model.ts';
import { formatAddress, normalizeAddressText } from '../server/modules/geo/address.text.ts';
import { buildRoadGraph } from './geography/geography.graph.ts';

/** Name of the demo city's graph in `road_graphs`. */
export const DEMO_GRAPH_NAME = 'demo';

/** Writes one more part of the city inside writeCity's transaction and returns its row counts. */
export type CityPartWriter = (tx: RequestContext) => Promise<Record<string, number>>;

/** Options of writeCity. */
export interface WriteCityOptions {
  /** Further writers run in the same transaction before the audit entry (demo accounts, …). */
  also?: CityPartWriter[];
  /** Rows per INSERT statement (default 1,000). */
  batchSize?: number;
}

/** Inserts rows in batches: `values` renders one row's tuple. */
export async function insertMany<T>(
  db: Executor,
  head: SQL,
  rows: readonly T[],
  values: (row: T) => SQL,
  batchSize = 1000,
): Promise<void> {
  for (let i = 0; i < rows.length; i += batchSize) {
    const chunk = rows.slice(i, i + batchSize);
    await db.execute(sql`${head} values ${sql.join(chunk.map(values), sql`, `)}`);
  }
}

function pathsOf(jurisdictions: readonly CityJurisdiction[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const j of jurisdictions) {
    const parent = j.parentId === null ? '/' : paths.get(j.parentId);
    if (parent === undefined) throw new Error(`jurisdiction ${j.id} comes before its parent ${j.parentId}`);
    paths.set(j.id, `${parent}${j.id}/`);
  }
  return paths;
}

/**
 * Writes the geography (and the population through `population`, when given) in one transaction and appends
 * one `demo.seed` audit entry with the row counts. Returns the counts.
 */
export async function writeCity(
  ctx: RequestContext,
  geography: CityGeography,
  population?: CityPartWriter,
  options: WriteCityOptions = {},
): Promise<Record<string, number>> {
  const batch = options.batchSize ?? 1000;
  const graph = buildRoadGraph(geography.roads);
  const graphBytes = Buffer.from(serializeGraph(graph));
  const paths = pathsOf(geography.jurisdictions);
  return transaction(ctx, async (tx) => {
    const db = tx.db;
    await insertMany(
      db,
      sql`insert into jurisdictions (id, parent_id, level, name, path, boundary)`,
      geography.jurisdictions,
      (j) =>
        sql`(${j.id}, ${j.parentId}, ${j.level}, ${j.name}, ${paths.get(j.id)!}, ${JSON.stringify({ type: 'Polygon', coordinates: j.boundary })}::jsonb)`,
      batch,
    );
    await insertMany(
      db,
      sql`insert into roads (id, name, class, class_rank, oneway, bridge, geometry, min_lon, min_lat, max_lon, max_lat)`,
      geography.roads,
      (r) => {
        let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
        for (const [lon, lat] of r.coords) {
          w = Math.min(w, lon);
          e = Math.max(e, lon);
          s = Math.min(s, lat);
          n = Math.max(n, lat);
        }
        const geometry = JSON.stringify({ type: 'LineString', coordinates: r.coords });
        return sql`(${r.id}, ${r.name}, ${r.roadClass}, ${ROAD_CLASSES.indexOf(r.roadClass)}, ${r.oneway}, ${r.bridge}, ${geometry}::jsonb, ${w}, ${s}, ${e}, ${n})`;
      },
      batch,
    );
    await insertMany(
      db,
      sql`insert into water (id, name, geometry)`,
      geography.water,
      (w) => sql`(${w.id}, ${w.name}, ${JSON.stringify({ type: 'Polygon', coordinates: w.polygon })}::jsonb)`,
      batch,
    );
    await insertMany(
      db,
      sql`insert into addresses (id, grid_id, province, city, district, street, road_name, door_number, community,
            building, units, floors, rooms_per_floor, kind, lon, lat, road_id, search_text)`,
      geography.addresses,
      (a) =>
        sql`(${a.id}, ${a.gridId}, ${a.province}, ${a.city}, ${a.district}, ${a.street}, ${a.roadName ?? a.street.replace(/\d+号$/, '')}, ${a.doorNumber},
             ${a.community}, ${a.building}, ${a.units}, ${a.floors}, ${a.roomsPerFloor}, ${a.kind},
             ${a.location[0]}, ${a.location[1]}, ${a.roadId}, ${normalizeAddressText(formatAddress(a))})`,
      batch,
    );
    await insertMany(
      db,
      sql`insert into stations (id, name, lon, lat, address_id)`,
      geography.stations,
      (s) => sql`(${s.id}, ${s.name}, ${s.location[0]}, ${s.location[1]}, ${s.addressId})`,
      batch,
    );
    await db.execute(
      sql`insert into road_graphs (name, graph, vertex_count, edge_count)
          values (${DEMO_GRAPH_NAME}, decode(${graphBytes.toString('hex')}, 'hex'), ${graph.vertexCount}, ${graph.edgeCount})
          on conflict (name) do update set graph = excluded.graph, vertex_count = excluded.vertex_count,
            edge_count = excluded.edge_count, created_at = now()`,
    );
    const counts: Record<string, number> = {
      jurisdictions: geography.jurisdictions.length,
      roads: geography.roads.length,
      water: geography.water.length,
      addresses: geography.addresses.length,
      stations: geography.stations.length,
      graphVertices: graph.vertexCount,
    };
    for (const part of [...(population ? [population] : []), ...(options.also ?? [])]) {
      Object.assign(counts, await part(tx));
    }
    await recordAudit(tx, {
      action: 'demo.seed',
      resourceType: 'demo',
      resourceId: null,
      outcome: 'success',
      payload: { seed: geography.seed, scale: geography.scale, ...counts },
    });
    return counts;
  });
}
