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
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSnapIndex, importOsmPbf, type RoadGraph } from '../src/server/modules/geo/index.ts';
import {
  evaluateDispatchQuality,
  randomRoadPoints,
  type QualityCall,
  type QualityResult,
} from '../src/server/modules/dispatch/recommend.quality.ts';
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
