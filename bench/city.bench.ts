/**
 * Demo-city benchmarks (`npm run bench -- city`):
 *  - `city` seeding: generate the city (geography, and population once it is wired into generateCity) and
 *    write it to a fresh in-memory PGlite through writeCity (one transaction; audit sink counts only);
 *  - the `province` road graph (ten cities, intersections only): vertex count and one-to-all ETA
 *    (reverse bounded Dijkstra, 45-minute horizon) p50/p99 over random targets (target p99 < 15 ms);
 *  - point-to-grid resolution on the generated city's grids, lookups/s (target > 200k/s).
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/server/db/client.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { systemContext, type AuditInput } from '../src/server/context.ts';
import {
  boundedDijkstra,
  createPolygonIndex,
  createSnapIndex,
  edgeTimes,
  snapToRoad,
} from '../src/server/modules/geo/index.ts';
import { generateCity } from '../src/demo/city.generate.ts';
import { writeCity } from '../src/demo/city.writer.ts';
import { generateGeography } from '../src/demo/geography/geography.generator.ts';
import { buildRoadGraph } from '../src/demo/geography/geography.graph.ts';
import { GeoRng } from '../src/demo/geography/geography.prng.ts';

/** Options of benchCity. */
export interface BenchCityOptions {
  searches?: number;
  seed?: number;
}

const HORIZON = 45 * 60;
const NOON = new Date('2026-03-02T04:00:00Z');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs the demo-city benchmarks and returns one flat result object. */
export async function benchCity(opts: BenchCityOptions = {}): Promise<Record<string, unknown>> {
  const seed = opts.seed ?? 110;
  const searches = opts.searches ?? 300;

  // 1. City seeding into a fresh database.
  const database = await openDatabase({});
  await migrate(database);
  const audits: AuditInput[] = [];
  const ctx = systemContext(database.db, { append: async (_c, input) => void audits.push(input) });
  const t0 = performance.now();
  const city = generateCity({ seed, scale: 'city' });
  const t1 = performance.now();
  const counts = await writeCity(ctx, city.geography, city.population);
  const t2 = performance.now();
  await database.close();

  // 2. Province graph and ETA searches.
  const p0 = performance.now();
  const province = generateGeography({ seed, scale: 'province' });
  const p1 = performance.now();
  const graph = buildRoadGraph(province.roads);
  const network = createSnapIndex(graph);
  const times = edgeTimes(graph, NOON);
  const rng = new GeoRng(seed, 'bench');
  const out = new Float64Array(graph.vertexCount);
  const ms: number[] = [];
  let reached = 0;
  for (let k = 0; k < searches + 20; k++) {
    const a = province.addresses[Math.floor(rng.next() * province.addresses.length)]!;
    const t = performance.now();
    const snap = snapToRoad(network, a.location[0], a.location[1]);
    const p = snap.piece;
    const seeds = [graph.pieceFrom[p]!, graph.pieceTo[p]!];
    boundedDijkstra(graph, seeds, [0, 0], { direction: 'reverse', times, horizonSec: HORIZON, out });
    const dt = performance.now() - t;
    if (k >= 20) {
      ms.push(dt);
      let r = 0;
      for (let v = 0; v < out.length; v++) if (out[v]! < Infinity) r++;
      reached += r;
    }
  }
  ms.sort((x, y) => x - y);

  // 3. Point → grid resolution on the city's grids.
  const grids = createPolygonIndex(
    city.geography.jurisdictions
      .filter((j) => j.level === 'grid')
      .map((j) => ({ id: j.id, geometry: { type: 'Polygon' as const, coordinates: j.boundary } })),
  );
  const outline = city.geography.jurisdictions.find((j) => j.level === 'city')!.boundary[0]!;
  const [w, e] = [Math.min(...outline.map((q) => q[0])), Math.max(...outline.map((q) => q[0]))];
  const [s, n] = [Math.min(...outline.map((q) => q[1])), Math.max(...outline.map((q) => q[1]))];
  const N = 400_000;
  const pts = new Float64Array(2 * N);
  for (let i = 0; i < N; i++) {
    pts[2 * i] = w + rng.next() * (e - w);
    pts[2 * i + 1] = s + rng.next() * (n - s);
  }
  let hits = 0;
  const r0 = performance.now();
  for (let i = 0; i < N; i++) if (grids.resolve(pts[2 * i]!, pts[2 * i + 1]!) !== null) hits++;
  const r1 = performance.now();

  return {
    citySeedMs: Math.round(t2 - t0),
    cityGenerateMs: Math.round(t1 - t0),
    cityWriteMs: Math.round(t2 - t1),
    cityRows: counts,
    cityPopulation: city.population ? 'included' : 'not wired yet',
    provinceGenerateMs: Math.round(p1 - p0),
    provinceVertices: graph.vertexCount,
    provinceEdges: graph.edgeCount,
    provinceAddresses: province.addresses.length,
    etaHorizonMin: HORIZON / 60,
    etaSearches: ms.length,
    etaP50Ms: Math.round(percentile(ms, 50) * 1000) / 1000,
    etaP99Ms: Math.round(percentile(ms, 99) * 1000) / 1000,
    etaMeanVerticesReached: Math.round(reached / ms.length),
    etaTargetP99Ms: 15,
    gridLookupsPerSec: Math.round(N / ((r1 - r0) / 1000)),
    gridLookupHitShare: Math.round((hits / N) * 1000) / 1000,
    gridCount: grids.size,
    gridTargetPerSec: 200_000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchCity())}\n`);
}
