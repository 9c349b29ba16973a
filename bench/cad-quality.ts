/**
 * Recommendation quality on simulated days (part of `npm run bench -- cad`; `--only quality` runs it alone):
 * the unit with the smallest road ETA (the recommendation's first pick: one reverse `etasTo` search from the
 * scene) against the straight-line nearest unit, each judged by its ROAD travel time
 * (src/server/modules/dispatch/recommend.quality.ts holds the evaluation and its tests).
 *
 * Networks: the demo city's road graph (`city` scale, seed 110), with calls drawn from the demo's historical
 * incidents (their places and times of day); and the real Andorra graph from /work/shared/data (calls at
 * random road positions, uniform over the day), skipped with a message when the shared data is absent.
 * Units start at random road positions (uniform over road length, largest strongly connected component).
 * Each day is played as an event simulation (a unit is busy for travel + 20–60 min service, then patrols on
 * from the scene) and as independent snapshots (every call sees the starting fleet). Seeded and deterministic.
 * On the demo city, 100 calls are also put to `recommendUnits` itself (PGlite) to show that its first pick is
 * the evaluation's road pick (crossCheckWithRecommendUnits).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/server/db/client.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { systemContext, type Actor } from '../src/server/context.ts';
import {
  createSnapIndex,
  etasTo,
  importOsmPbf,
  serializeGraph,
  type RoadGraph,
} from '../src/server/modules/geo/index.ts';
import {
  evaluateDispatchQuality,
  randomRoadPoints,
  roadPick,
  type QualityCall,
  type QualityPoint,
  type QualityResult,
} from '../src/server/modules/dispatch/recommend.quality.ts';
import { RECOMMEND_HORIZON_SEC, recommendUnits } from '../src/server/modules/dispatch/recommend.service.ts';
import { generateGeography } from '../src/demo/geography/geography.generator.ts';
import { buildRoadGraph } from '../src/demo/geography/geography.graph.ts';
import { GeoRng } from '../src/demo/geography/geography.prng.ts';
import { generatePopulation } from '../src/demo/population/population.generate.ts';
import { hasSharedData, sharedDataDir } from '../test/helpers/env.ts';

/** Options of benchCadQuality. */
export interface BenchCadQualityOptions {
  /** Simulated days (seeds) per configuration (default 5). */
  days?: number;
  /** Calls per simulated day (default 600). */
  callsPerDay?: number;
  /** Fleet sizes to try (default 40, 100, 200). */
  units?: number[];
  seed?: number;
}

/** Midnight in Asia/Shanghai of the simulated day (a Monday). */
const DAY_START = new Date('2026-03-01T16:00:00Z');
const DAY_SEC = 86_400;
const LOCAL_OFFSET_MS = 8 * 3_600_000;

const mean = (xs: number[]): number => Math.round((xs.reduce((a, b) => a + b, 0) / (xs.length || 1)) * 10) / 10;

/** Averages the per-day results of one configuration. */
function summarize(days: QualityResult[]): Record<string, unknown> {
  const pick = (f: (r: QualityResult) => number) => days.map(f);
  return {
    roadMeanSec: mean(pick((r) => r.road.meanSec)),
    roadP90Sec: mean(pick((r) => r.road.p90Sec)),
    straightLineMeanSec: mean(pick((r) => r.straightLine.meanSec)),
    straightLineP90Sec: mean(pick((r) => r.straightLine.p90Sec)),
    differsShare: Math.round(mean(pick((r) => r.differsShare * 1000))) / 1000,
    straightLineRegretMeanSec: mean(pick((r) => r.straightLineRegretMeanSec)),
    improvementMeanPct: mean(pick((r) => r.improvementMeanPct)),
    improvementP90Pct: mean(pick((r) => r.improvementP90Pct)),
    improvementMeanPctRange: [
      Math.min(...pick((r) => r.improvementMeanPct)),
      Math.max(...pick((r) => r.improvementMeanPct)),
    ],
    unservedRoad: pick((r) => r.road.unserved).reduce((a, b) => a + b, 0),
    unservedStraightLine: pick((r) => r.straightLine.unserved).reduce((a, b) => a + b, 0),
  };
}

/** Plays `days` seeded days per fleet size on one network and summarizes both modes. */
function evaluateNetwork(
  graph: RoadGraph,
  name: string,
  drawCalls: (rng: GeoRng) => QualityCall[],
  o: Required<BenchCadQualityOptions>,
): Record<string, unknown> {
  const network = createSnapIndex(graph);
  const t0 = performance.now();
  const byUnits: Record<string, unknown> = {};
  for (const n of o.units) {
    const event: QualityResult[] = [];
    const snapshot: QualityResult[] = [];
    for (let d = 0; d < o.days; d++) {
      const rng = new GeoRng(o.seed + d, `cad-quality-${name}-${n}`);
      const units = randomRoadPoints(graph, n, () => rng.next());
      const calls = drawCalls(rng);
      event.push(evaluateDispatchQuality(network, units, calls, { mode: 'event', dayStart: DAY_START }));
      snapshot.push(evaluateDispatchQuality(network, units, calls, { mode: 'snapshot', dayStart: DAY_START }));
    }
    byUnits[String(n)] = { event: summarize(event), snapshot: summarize(snapshot) };
  }
  return {
    vertices: graph.vertexCount,
    edges: graph.edgeCount,
    evaluateMs: Math.round(performance.now() - t0),
    byUnits,
  };
}

const service = (rng: GeoRng): number => rng.range(20, 60) * 60;

const DISPATCHER: Actor = {
  userId: '00000000-0000-0000-0000-000000000001',
  username: 'bench-dispatcher',
  sessionId: 'bench',
  assignments: [{ role: 'city_dispatcher', jurisdictionId: '4401', jurisdictionPath: '/44/4401/' }],
  grants: [],
};

/**
 * Proof that the evaluation's road pick is the recommendation's first pick: the graph and the units (at their
 * home bases, no shift start so duty hours never exclude one) in a fresh PGlite database, then `recommendUnits`
 * (the service behind the recommendation endpoints) for each call at the call's time, compared with roadPick
 * over etasTo. Equal ETAs count as agreeing.
 */
async function crossCheck(
  graph: RoadGraph,
  units: readonly QualityPoint[],
  calls: readonly QualityCall[],
): Promise<Record<string, unknown>> {
  const database = await openDatabase({});
  try {
    await migrate(database);
    const db = database.db;
    await db.execute(
      sql`insert into road_graphs (name, graph, vertex_count, edge_count) values ('demo', decode(${Buffer.from(serializeGraph(graph)).toString('hex')}, 'hex'), 0, 0)`,
    );
    await db.execute(sql`insert into jurisdictions (id, parent_id, level, name, path) values
      ('44', null, 'province', '省', '/44/'), ('4401', '44', 'city', '市', '/44/4401/'),
      ('440101', '4401', 'county', '区', '/44/4401/440101/'),
      ('440101001', '440101', 'station', '所', '/44/4401/440101/440101001/')`);
    const rows = units.map((u, i) => ({
      id: `u${i}`,
      call_sign: `Q${String(i).padStart(4, '0')}`,
      lon: u.lon,
      lat: u.lat,
    }));
    await db.execute(sql`insert into units (id, call_sign, type, jurisdiction_id, home_lon, home_lat, status, shift_started_at)
      select id, call_sign, 'patrol_car', '440101001', lon, lat, 'available', null
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id text, call_sign text, lon float8, lat float8)`);
    const network = createSnapIndex(graph);
    let agree = 0;
    const mismatches: string[] = [];
    for (const c of calls) {
      const at = new Date(DAY_START.getTime() + c.atSec * 1000);
      const ctx = systemContext(db, { append: async () => undefined }, { actor: DISPATCHER, now: () => at });
      const r = await recommendUnits(ctx, { lon: c.lon, lat: c.lat, count: 1, staleAfterSec: 86_400 });
      const { etas } = etasTo(network, c, units, { departAt: at, horizonSec: RECOMMEND_HORIZON_SEC });
      const i = roadPick(etas);
      const first = r.recommended[0];
      if (first && i >= 0 && (first.unitId === `u${i}` || Math.abs(first.etaSec - etas[i]!.etaSec) <= 1)) agree++;
      else if (mismatches.length < 3) mismatches.push(`${first?.unitId ?? 'none'} vs u${i}`);
    }
    return { calls: calls.length, agree, ...(mismatches.length ? { mismatches } : {}) };
  } finally {
    await database.close();
  }
}

/** Runs the quality comparison on the demo city and (when present) on Andorra. */
export async function benchCadQuality(opts: BenchCadQualityOptions = {}): Promise<Record<string, unknown>> {
  const o: Required<BenchCadQualityOptions> = {
    days: opts.days ?? 5,
    callsPerDay: opts.callsPerDay ?? 600,
    units: opts.units ?? [40, 100, 200],
    seed: opts.seed ?? 110,
  };
  const out: Record<string, unknown> = {
    method:
      'Pick A = smallest road ETA (etasTo, as recommendUnits ranks), pick B = straight-line nearest; both judged by road travel time. ' +
      'event: units busy for travel + 20-60 min service, then available at the scene; snapshot: independent calls on the starting fleet. ' +
      'Figures are means over the simulated days; differsShare = share of B’s calls where B’s pick was slower than the fastest free unit.',
    days: o.days,
    callsPerDay: o.callsPerDay,
  };

  // Demo city: calls where and when the historical incidents happened.
  const g0 = performance.now();
  const geography = generateGeography({ seed: 110, scale: 'city' });
  const cityGraph = buildRoadGraph(geography.roads);
  const history = generatePopulation(geography, { seed: 110, scale: 'city' }).incidents;
  const generateMs = Math.round(performance.now() - g0);
  const secOfDay = (iso: string): number => (((Date.parse(iso) + LOCAL_OFFSET_MS) / 1000) % DAY_SEC) + 0;
  out.demoCity = {
    generateMs,
    historicalIncidents: history.length,
    ...evaluateNetwork(
      cityGraph,
      'demo-city',
      (rng) =>
        Array.from({ length: o.callsPerDay }, () => {
          const h = history[Math.floor(rng.next() * history.length)]!;
          return { lon: h.location[0], lat: h.location[1], atSec: secOfDay(h.reportedAt), serviceSec: service(rng) };
        }),
      o,
    ),
  };

  // The evaluation's road pick against the real recommendation service, on one sampled day.
  const rng = new GeoRng(o.seed, 'cad-quality-crosscheck');
  const sample = randomRoadPoints(cityGraph, 100, () => rng.next());
  const sampleCalls = Array.from({ length: 100 }, () => {
    const h = history[Math.floor(rng.next() * history.length)]!;
    return { lon: h.location[0], lat: h.location[1], atSec: secOfDay(h.reportedAt), serviceSec: 0 };
  });
  (out.demoCity as Record<string, unknown>).crossCheckWithRecommendUnits = await crossCheck(
    cityGraph,
    sample,
    sampleCalls,
  );

  // A real road network (the one the geo bench uses).
  if (hasSharedData) {
    const { graph } = await importOsmPbf(join(sharedDataDir, 'osm', 'andorra.osm.pbf'));
    out.andorra = evaluateNetwork(
      graph,
      'andorra',
      (rng) => {
        const places = randomRoadPoints(graph, o.callsPerDay, () => rng.next());
        return places.map((p) => ({ ...p, atSec: rng.next() * DAY_SEC, serviceSec: service(rng) }));
      },
      o,
    );
  } else out.andorra = `skipped: shared data (${sharedDataDir}) is absent`;
  return out;
}
