/**
 * Travel times on a road graph: bounded Dijkstra over the CSR arrays with a typed-array heap, forward
 * (from a point to every vertex) or reverse (from every vertex to a point — one search gives every unit's
 * ETA to an incident), and routes as GeoJSON LineStrings. Edge times come from the speed profile at the
 * departure time; a search uses one time band throughout (a 45-minute horizon rarely spans two).
 */
import { AppError } from '../../errors.ts';
import { assertValidCoordinates } from './coordinates.validation.ts';
import { MinHeap } from './min.heap.ts';
import type { RoadGraph } from './road.graph.ts';
import { snapToRoad, type Snap, type SnapIndex, type SnapOptions } from './road.snap.ts';
import { DEFAULT_SPEED_PROFILE, speedBandAt, speedsMps, type SpeedProfile } from './road.speeds.ts';

/** Options shared by every travel-time function. */
export interface TravelOptions {
  /** Departure time, selects the speed band (default: now). */
  departAt?: Date;
  /** Stop the search beyond this many seconds (default: unbounded). */
  horizonSec?: number;
  profile?: SpeedProfile;
  /** Snapping of the input points. */
  snap?: SnapOptions;
}

/** Seconds to traverse each edge, in forward order and in reverse-CSR order. */
export interface EdgeTimes {
  forward: Float64Array;
  reverse: Float64Array;
}

const timesCache = new WeakMap<RoadGraph, WeakMap<SpeedProfile, Map<number, EdgeTimes>>>();

/** Edge traversal times under the speed band in force at `departAt` (cached per graph, profile and band). */
export function edgeTimes(graph: RoadGraph, departAt: Date = new Date(), profile = DEFAULT_SPEED_PROFILE): EdgeTimes {
  const band = speedBandAt(departAt, profile);
  let byProfile = timesCache.get(graph);
  if (!byProfile) timesCache.set(graph, (byProfile = new WeakMap()));
  let byBand = byProfile.get(profile);
  if (!byBand) byProfile.set(profile, (byBand = new Map()));
  let times = byBand.get(band);
  if (!times) {
    const mps = speedsMps(band, profile);
    const forward = new Float64Array(graph.edgeCount);
    for (let e = 0; e < graph.edgeCount; e++) forward[e] = graph.lengthM[e]! / mps[graph.roadClass[e]!]!;
    const reverse = new Float64Array(graph.edgeCount);
    for (let i = 0; i < graph.edgeCount; i++) reverse[i] = forward[graph.reverseEdges[i]!]!;
    times = { forward, reverse };
    byBand.set(band, times);
  }
  return times;
}

/** Options of boundedDijkstra. */
export interface DijkstraOptions {
  /** 'forward': time from the seeds to each vertex; 'reverse': time from each vertex to the seeds. */
  direction: 'forward' | 'reverse';
  /** Edge times (forward order; the reverse order is taken from the same EdgeTimes). */
  times: EdgeTimes;
  horizonSec?: number;
  /** Reuse this array (length vertexCount) for the result instead of allocating one. */
  out?: Float64Array;
}

const heap = new MinHeap(1 << 16);

/**
 * Multi-source bounded Dijkstra. Returns seconds per vertex; Infinity for vertices beyond the horizon.
 * `seedVertices[i]` starts at `seedSeconds[i]`.
 */
export function boundedDijkstra(
  graph: RoadGraph,
  seedVertices: ArrayLike<number>,
  seedSeconds: ArrayLike<number>,
  options: DijkstraOptions,
): Float64Array {
  const horizon = options.horizonSec ?? Infinity;
  const dist = options.out ?? new Float64Array(graph.vertexCount);
  if (dist.length !== graph.vertexCount) throw new RangeError('out must have one entry per vertex');
  dist.fill(Infinity);
  const reverse = options.direction === 'reverse';
  const offsets = reverse ? graph.reverseOffsets : graph.offsets;
  const next = reverse ? graph.reverseSources : graph.targets;
  const w = reverse ? options.times.reverse : options.times.forward;
  heap.clear();
  for (let i = 0; i < seedVertices.length; i++) {
    const v = seedVertices[i]!;
    const s = seedSeconds[i]!;
    if (s <= horizon && s < dist[v]!) {
      dist[v] = s;
      heap.push(v, s);
    }
  }
  while (heap.size > 0) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (d > dist[u]!) continue; // stale entry
    for (let i = offsets[u]!, end = offsets[u + 1]!; i < end; i++) {
      const v = next[i]!;
      const nd = d + w[i]!;
      if (nd < dist[v]! && nd <= horizon) {
        dist[v] = nd;
        heap.push(v, nd);
      }
    }
  }
  return dist;
}

/** Search seeds: vertex, seconds, and the piece edge each one uses. */
interface Seeds {
  v: number[];
  s: number[];
  e: number[];
}

/**
 * Seeds where a snapped point meets the graph, for each usable direction of its piece: when departing, the
 * vertex the direction leads to and the time to reach it; when arriving, the vertex it comes from and the
 * time from there to the point.
 */
function pieceSeeds(graph: RoadGraph, snap: Snap, times: EdgeTimes, way: 'depart' | 'arrive'): Seeds {
  const p = snap.piece;
  const L = snap.pieceLengthM;
  const seeds: Seeds = { v: [], s: [], e: [] };
  const fraction = (metres: number) => (L > 0 ? metres / L : 0);
  const along = graph.pieceAlongEdge[p]!;
  const against = graph.pieceAgainstEdge[p]!;
  if (along >= 0) {
    seeds.v.push(way === 'depart' ? graph.pieceTo[p]! : graph.pieceFrom[p]!);
    seeds.s.push(times.forward[along]! * fraction(way === 'depart' ? L - snap.offsetM : snap.offsetM));
    seeds.e.push(along);
  }
  if (against >= 0) {
    seeds.v.push(way === 'depart' ? graph.pieceFrom[p]! : graph.pieceTo[p]!);
    seeds.s.push(times.forward[against]! * fraction(way === 'depart' ? snap.offsetM : L - snap.offsetM));
    seeds.e.push(against);
  }
  return seeds;
}

/** Seeds for leaving a snapped point onto the graph. */
const departureSeeds = (graph: RoadGraph, snap: Snap, times: EdgeTimes): Seeds =>
  pieceSeeds(graph, snap, times, 'depart');

/** Seeds for arriving at a snapped point from the graph. */
const arrivalSeeds = (graph: RoadGraph, snap: Snap, times: EdgeTimes): Seeds =>
  pieceSeeds(graph, snap, times, 'arrive');

/** Seconds to drive from one snapped point to another on the same piece without leaving it (or Infinity). */
function samePieceSeconds(graph: RoadGraph, from: Snap, to: Snap, times: EdgeTimes): number {
  if (from.piece !== to.piece) return Infinity;
  const p = from.piece;
  const L = from.pieceLengthM;
  let best = Infinity;
  const along = graph.pieceAlongEdge[p]!;
  const against = graph.pieceAgainstEdge[p]!;
  if (along >= 0 && from.offsetM <= to.offsetM)
    best = L > 0 ? (times.forward[along]! * (to.offsetM - from.offsetM)) / L : 0;
  if (against >= 0 && from.offsetM >= to.offsetM) {
    best = Math.min(best, L > 0 ? (times.forward[against]! * (from.offsetM - to.offsetM)) / L : 0);
  }
  return best;
}

/** Seconds from a point (snapped) to every vertex, Infinity beyond the horizon. */
export function travelTimesFrom(
  network: SnapIndex,
  lon: number,
  lat: number,
  options: TravelOptions = {},
): { seconds: Float64Array; snap: Snap } {
  const snap = snapToRoad(network, lon, lat, options.snap);
  const times = edgeTimes(network.graph, options.departAt, options.profile);
  const seeds = departureSeeds(network.graph, snap, times);
  const seconds = boundedDijkstra(network.graph, seeds.v, seeds.s, {
    direction: 'forward',
    times,
    horizonSec: options.horizonSec,
  });
  return { seconds, snap };
}

/** A point to compute an ETA from: coordinates, or a snap computed earlier (e.g. a unit's last position). */
export type EtaSource = { lon: number; lat: number } | Snap;

/** One source's ETA: seconds (Infinity when unreachable or beyond the horizon), or why it has none. */
export interface Eta {
  etaSec: number;
  snap: Snap | null;
  error?: 'COORDINATES_INVALID' | 'NO_ROAD_NEARBY';
}

/**
 * Every source's driving time to `target` from one reverse search. A source that cannot be snapped gets
 * etaSec Infinity and an error code instead of failing the whole call; a bad target throws.
 */
export function etasTo(
  network: SnapIndex,
  target: { lon: number; lat: number },
  sources: readonly EtaSource[],
  options: TravelOptions = {},
): { target: Snap; etas: Eta[]; seconds: Float64Array } {
  const g = network.graph;
  const targetSnap = snapToRoad(network, target.lon, target.lat, options.snap);
  const times = edgeTimes(g, options.departAt, options.profile);
  const horizon = options.horizonSec ?? Infinity;
  const seeds = arrivalSeeds(g, targetSnap, times);
  const seconds = boundedDijkstra(g, seeds.v, seeds.s, { direction: 'reverse', times, horizonSec: horizon });
  const etas = sources.map((src): Eta => {
    let snap: Snap;
    try {
      snap = 'piece' in src ? src : snapToRoad(network, src.lon, src.lat, options.snap);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'COORDINATES_INVALID' || err.code === 'NO_ROAD_NEARBY')) {
        return { etaSec: Infinity, snap: null, error: err.code };
      }
      throw err;
    }
    const out = departureSeeds(g, snap, times);
    let best = samePieceSeconds(g, snap, targetSnap, times);
    for (let i = 0; i < out.v.length; i++) best = Math.min(best, out.s[i]! + seconds[out.v[i]!]!);
    return { etaSec: best <= horizon ? best : Infinity, snap };
  });
  return { target: targetSnap, etas, seconds };
}

/** A driving route as a GeoJSON Feature with its length and duration. */
export interface Route {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: [number, number][] };
  properties: { distanceM: number; durationSec: number; from: Snap; to: Snap };
}

/**
 * The fastest route between two points (forward Dijkstra with early exit and path reconstruction).
 * Returns null when the destination is unreachable (within the horizon, if one is given).
 */
export function route(
  network: SnapIndex,
  from: { lon: number; lat: number },
  to: { lon: number; lat: number },
  options: TravelOptions = {},
): Route | null {
  for (const p of [from, to]) assertValidCoordinates(p.lon, p.lat);
  const g = network.graph;
  const a = snapToRoad(network, from.lon, from.lat, options.snap);
  const b = snapToRoad(network, to.lon, to.lat, options.snap);
  const times = edgeTimes(g, options.departAt, options.profile);
  const horizon = options.horizonSec ?? Infinity;
  const dep = departureSeeds(g, a, times);
  const arr = arrivalSeeds(g, b, times); // arr.v[i] is where the final partial edge starts; arr.s[i] its time

  const V = g.vertexCount;
  const dist = new Float64Array(V).fill(Infinity);
  const pred = new Int32Array(V).fill(-1);
  const local = new MinHeap(256);
  for (let i = 0; i < dep.v.length; i++) {
    if (dep.s[i]! < dist[dep.v[i]!]!) {
      dist[dep.v[i]!] = dep.s[i]!;
      local.push(dep.v[i]!, dep.s[i]!);
    }
  }
  let best = samePieceSeconds(g, a, b, times);
  let bestEnd = -1; // index into arr of the final partial edge; -1 = same-piece route
  while (local.size > 0 && local.peekKey() < best) {
    const d = local.peekKey();
    const u = local.pop();
    if (d > dist[u]!) continue;
    for (let i = 0; i < arr.v.length; i++) {
      if (arr.v[i] === u && d + arr.s[i]! < best) {
        best = d + arr.s[i]!;
        bestEnd = i;
      }
    }
    for (let e = g.offsets[u]!, end = g.offsets[u + 1]!; e < end; e++) {
      const v = g.targets[e]!;
      const nd = d + times.forward[e]!;
      if (nd < dist[v]! && nd <= horizon) {
        dist[v] = nd;
        pred[v] = e;
        local.push(v, nd);
      }
    }
  }
  if (!(best <= horizon)) return null;

  const coords: [number, number][] = [];
  let distanceM: number;
  if (bestEnd < 0) {
    appendSlice(network, coords, a.piece, a.offsetM, b.offsetM);
    distanceM = Math.abs(b.offsetM - a.offsetM);
  } else {
    const lastEdge = arr.e[bestEnd]!;
    const edges: number[] = [];
    for (let v = arr.v[bestEnd]!; pred[v]! >= 0; v = g.edgeSource[pred[v]!]!) edges.push(pred[v]!);
    edges.reverse();
    const startVertex = edges.length > 0 ? g.edgeSource[edges[0]!]! : arr.v[bestEnd]!;
    // The seed that set the start vertex's time tells which way the route left the first piece.
    let seed = 0;
    while (seed < dep.v.length - 1 && !(dep.v[seed] === startVertex && dep.s[seed] === dist[startVertex]!)) seed++;
    const firstEnd = g.edgeAlong[dep.e[seed]!] ? a.pieceLengthM : 0;
    appendSlice(network, coords, a.piece, a.offsetM, firstEnd);
    distanceM = Math.abs(firstEnd - a.offsetM);
    for (const e of edges) {
      const p = g.edgePiece[e]!;
      const L = g.pieceLengthM[p]!;
      appendSlice(network, coords, p, g.edgeAlong[e]! ? 0 : L, g.edgeAlong[e] ? L : 0);
      distanceM += L;
    }
    const lastStart = g.edgeAlong[lastEdge] ? 0 : b.pieceLengthM;
    appendSlice(network, coords, b.piece, lastStart, b.offsetM);
    distanceM += Math.abs(b.offsetM - lastStart);
  }
  return {
    type: 'Feature',
    geometry: { type: 'LineString', coordinates: coords },
    properties: { distanceM, durationSec: best, from: a, to: b },
  };
}

/** Appends the piece geometry between two offsets (metres from the piece start; fromM > toM runs backwards). */
function appendSlice(network: SnapIndex, out: [number, number][], piece: number, fromM: number, toM: number): void {
  const g = network.graph;
  const start = g.shapeOffsets[piece]!;
  const end = g.shapeOffsets[piece + 1]!;
  const cum = network.shapeCumM;
  const at = (m: number): [number, number] => {
    let k = start;
    while (k < end - 2 && cum[k + 1]! < m) k++;
    const seg = cum[k + 1]! - cum[k]!;
    const t = seg > 0 ? Math.min(1, Math.max(0, (m - cum[k]!) / seg)) : 0;
    return [
      g.shapeLon[k]! + t * (g.shapeLon[k + 1]! - g.shapeLon[k]!),
      g.shapeLat[k]! + t * (g.shapeLat[k + 1]! - g.shapeLat[k]!),
    ];
  };
  const push = (p: [number, number]): void => {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  };
  push(at(fromM));
  if (fromM <= toM) {
    for (let k = start; k < end; k++) if (cum[k]! > fromM && cum[k]! < toM) push([g.shapeLon[k]!, g.shapeLat[k]!]);
  } else {
    for (let k = end - 1; k >= start; k--) if (cum[k]! < fromM && cum[k]! > toM) push([g.shapeLon[k]!, g.shapeLat[k]!]);
  }
  push(at(toM));
}
