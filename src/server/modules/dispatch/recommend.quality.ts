/**
 * Recommendation quality on simulated days: sending the unit with the smallest road ETA (what
 * `recommendUnits` ranks first: one reverse `etasTo` search from the scene, smallest ETA wins) against sending
 * the straight-line nearest unit. The travel time of either choice is its road travel time from the same search.
 *
 * Two ways to play a day:
 * - 'event': each policy plays the day on its own copy of the fleet; a dispatched unit is busy for its travel
 *   time plus the call's service time, then becomes available again where the call was (it patrols on from
 *   the scene), so one choice changes the fleet that the next call sees;
 * - 'snapshot': every call sees the whole fleet at its starting positions (independent calls).
 * A call with no available unit (or none that can reach it) is counted as unserved for that policy.
 *
 * Pure functions over the geo library; no database. Used by `npm run bench -- cad` (bench/cad-quality.ts).
 *
 * @example
 *   const r = evaluateDispatchQuality(network, units, calls, { mode: 'event', dayStart });
 *   r.road.meanSec < r.straightLine.meanSec; // usually
 */
import {
  etasTo,
  haversineM,
  stronglyConnectedComponents,
  type Eta,
  type RoadGraph,
  type SnapIndex,
} from '../geo/index.ts';

/** A point (a unit's position or a call's location). */
export interface QualityPoint {
  lon: number;
  lat: number;
}

/** A simulated call: seconds after the start of the day, location, and how long a unit stays on it. */
export interface QualityCall extends QualityPoint {
  atSec: number;
  serviceSec: number;
}

/** Options of evaluateDispatchQuality. */
export interface QualityOptions {
  mode: 'event' | 'snapshot';
  /** Wall-clock start of the simulated day (selects the speed band of each search). */
  dayStart: Date;
  /** Units beyond this road time cannot be sent (default: unbounded). */
  horizonSec?: number;
}

/** Travel times of one policy over the served calls. */
export interface PolicyStats {
  served: number;
  unserved: number;
  meanSec: number;
  p50Sec: number;
  p90Sec: number;
  maxSec: number;
}

/** Both policies over one day. */
export interface QualityResult {
  mode: QualityOptions['mode'];
  calls: number;
  units: number;
  road: PolicyStats;
  straightLine: PolicyStats;
  /**
   * Share of the straight-line policy's calls where its pick was slower by road than the fastest available
   * unit it could have sent (i.e. the two policies would have chosen differently on the same fleet).
   */
  differsShare: number;
  /** Mean seconds the straight-line pick lost against the fastest available unit, over its served calls. */
  straightLineRegretMeanSec: number;
  /** Relative improvement of road-ETA choice over straight-line choice, percent (positive = road faster). */
  improvementMeanPct: number;
  improvementP90Pct: number;
}

/** Index of the fastest reachable unit (first on ties, as the input order), or -1 when none can reach. */
export function roadPick(etas: readonly Pick<Eta, 'etaSec'>[]): number {
  let best = -1;
  for (let i = 0; i < etas.length; i++) {
    if (Number.isFinite(etas[i]!.etaSec) && (best < 0 || etas[i]!.etaSec < etas[best]!.etaSec)) best = i;
  }
  return best;
}

/** Index of the unit nearest to the call as the crow flies (first on ties), or -1 for no units. */
export function straightLinePick(units: readonly QualityPoint[], call: QualityPoint): number {
  let best = -1;
  let bestM = Infinity;
  for (let i = 0; i < units.length; i++) {
    const m = haversineM(units[i]!.lon, units[i]!.lat, call.lon, call.lat);
    if (m < bestM) [best, bestM] = [i, m];
  }
  return best;
}

/** Nearest-rank percentile of an ascending array (0 for an empty one). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function stats(travel: number[], unserved: number): PolicyStats {
  const s = [...travel].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    served: s.length,
    unserved,
    meanSec: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    p50Sec: round(percentile(s, 50)),
    p90Sec: round(percentile(s, 90)),
    maxSec: round(s[s.length - 1] ?? 0),
  };
}

interface PlayResult {
  travel: number[];
  unserved: number;
  differs: number;
  regretSec: number;
}

type Policy = 'road' | 'straightLine';

/**
 * Plays the calls under the given policies. In event mode pass one policy (each plays on its own fleet); in
 * snapshot mode the fleet never changes, so one search per call serves both policies.
 */
function play(
  network: SnapIndex,
  units: readonly QualityPoint[],
  calls: readonly QualityCall[],
  options: QualityOptions,
  policies: readonly Policy[],
): Record<Policy, PlayResult> {
  const pos = units.map((u) => ({ lon: u.lon, lat: u.lat }));
  const busyUntil = new Float64Array(units.length);
  const fresh = (): PlayResult => ({ travel: [], unserved: 0, differs: 0, regretSec: 0 });
  const out: Record<Policy, PlayResult> = { road: fresh(), straightLine: fresh() };
  const ordered = [...calls].sort((a, b) => a.atSec - b.atSec);
  for (const call of ordered) {
    const free: number[] = [];
    for (let i = 0; i < pos.length; i++) if (options.mode === 'snapshot' || busyUntil[i]! <= call.atSec) free.push(i);
    const freePos = free.map((i) => pos[i]!);
    const etas =
      free.length === 0
        ? []
        : etasTo(network, call, freePos, {
            departAt: new Date(options.dayStart.getTime() + call.atSec * 1000),
            horizonSec: options.horizonSec,
          }).etas;
    const r = roadPick(etas);
    const s = straightLinePick(freePos, call);
    for (const policy of policies) {
      const o = out[policy];
      const pick = policy === 'road' ? r : s;
      const travel = r < 0 ? Infinity : etas[pick]!.etaSec;
      if (!Number.isFinite(travel)) {
        // No free unit, none within reach, or the crow-flies nearest cannot reach the scene (horizon).
        o.unserved++;
        continue;
      }
      o.travel.push(travel);
      if (travel > etas[r]!.etaSec) o.differs++;
      o.regretSec += travel - etas[r]!.etaSec;
      if (options.mode === 'event') {
        const unit = free[pick]!;
        busyUntil[unit] = call.atSec + travel + call.serviceSec;
        pos[unit] = { lon: call.lon, lat: call.lat };
      }
    }
  }
  return out;
}

/** Plays one day with both policies and compares their road travel times. */
export function evaluateDispatchQuality(
  network: SnapIndex,
  units: readonly QualityPoint[],
  calls: readonly QualityCall[],
  options: QualityOptions,
): QualityResult {
  if (units.length === 0) throw new RangeError('evaluateDispatchQuality needs at least one unit');
  if (!Number.isFinite(options.dayStart.getTime())) throw new RangeError('dayStart must be a valid date');
  for (const c of calls) {
    if (!(c.atSec >= 0) || !(c.serviceSec >= 0)) throw new RangeError('calls need atSec >= 0 and serviceSec >= 0');
  }
  let road: PlayResult;
  let straight: PlayResult;
  if (options.mode === 'snapshot')
    ({ road, straightLine: straight } = play(network, units, calls, options, ['road', 'straightLine']));
  else {
    road = play(network, units, calls, options, ['road']).road;
    straight = play(network, units, calls, options, ['straightLine']).straightLine;
  }
  const a = stats(road.travel, road.unserved);
  const b = stats(straight.travel, straight.unserved);
  const pct = (x: number, y: number) => (y > 0 ? Math.round(((y - x) / y) * 1000) / 10 : 0);
  return {
    mode: options.mode,
    calls: calls.length,
    units: units.length,
    road: a,
    straightLine: b,
    differsShare: Math.round((straight.differs / (straight.travel.length || 1)) * 1000) / 1000,
    straightLineRegretMeanSec: Math.round((straight.regretSec / (straight.travel.length || 1)) * 10) / 10,
    improvementMeanPct: pct(a.meanSec, b.meanSec),
    improvementP90Pct: pct(a.p90Sec, b.p90Sec),
  };
}

/**
 * `count` points spread uniformly over the length of the roads of the largest strongly connected component
 * (every such point can reach every other by road), drawn with `random` (uniform in [0, 1)).
 */
export function randomRoadPoints(graph: RoadGraph, count: number, random: () => number): QualityPoint[] {
  const scc = stronglyConnectedComponents(graph);
  const pieces: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let p = 0; p < graph.pieceCount; p++) {
    const inLargest =
      scc.component[graph.pieceFrom[p]!] === scc.largest && scc.component[graph.pieceTo[p]!] === scc.largest;
    if (!inLargest || !(graph.pieceLengthM[p]! > 0)) continue;
    total += graph.pieceLengthM[p]!;
    pieces.push(p);
    cumulative.push(total);
  }
  if (pieces.length === 0) throw new RangeError('the graph has no road to place points on');
  const out: QualityPoint[] = [];
  for (let k = 0; k < count; k++) {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    out.push(pointAlongPiece(graph, pieces[lo]!, random()));
  }
  return out;
}

/** The point at `fraction` of a piece's geometry (by length). */
function pointAlongPiece(graph: RoadGraph, piece: number, fraction: number): QualityPoint {
  const start = graph.shapeOffsets[piece]!;
  const end = graph.shapeOffsets[piece + 1]!;
  const seg: number[] = [];
  let len = 0;
  for (let k = start; k < end - 1; k++) {
    const d = haversineM(graph.shapeLon[k]!, graph.shapeLat[k]!, graph.shapeLon[k + 1]!, graph.shapeLat[k + 1]!);
    seg.push(d);
    len += d;
  }
  let target = fraction * len;
  for (let k = start; k < end - 1; k++) {
    const d = seg[k - start]!;
    if (target <= d || k === end - 2) {
      const t = d > 0 ? Math.min(1, target / d) : 0;
      return {
        lon: graph.shapeLon[k]! + t * (graph.shapeLon[k + 1]! - graph.shapeLon[k]!),
        lat: graph.shapeLat[k]! + t * (graph.shapeLat[k + 1]! - graph.shapeLat[k]!),
      };
    }
    target -= d;
  }
  return { lon: graph.shapeLon[start]!, lat: graph.shapeLat[start]! };
}
