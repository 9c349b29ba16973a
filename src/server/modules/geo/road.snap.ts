/**
 * Snapping a point to the nearest road: a `flatbush` index over the bounding boxes of every geometry segment
 * (flatbush: static packed Hilbert R-tree in typed arrays, fastest build and query for data that does not
 * change, and serialisable; rbush would only pay off for incremental inserts), then an exact projection onto
 * the candidate segments in a local metric frame.
 */
import Flatbush from 'flatbush';
import { AppError } from '../../errors.ts';
import { assertValidCoordinates } from './coordinates.validation.ts';
import { haversineM, metresPerDegree } from './geo.math.ts';
import type { RoadGraph } from './road.graph.ts';

/** Spatial index of a graph's road geometry. */
export interface SnapIndex {
  readonly graph: RoadGraph;
  readonly tree: Flatbush | null;
  /** Segment i starts at shape point segStart[i] of piece segPiece[i]. */
  readonly segStart: Int32Array;
  readonly segPiece: Int32Array;
  /** Length in metres from the piece start to each shape point. */
  readonly shapeCumM: Float64Array;
}

/** A point projected onto a road piece. */
export interface Snap {
  /** The projected point on the road. */
  lon: number;
  lat: number;
  /** Distance from the input point to the road, metres. */
  distanceM: number;
  piece: number;
  /** Distance along the piece geometry from pieceFrom to the projected point, metres. */
  offsetM: number;
  pieceLengthM: number;
}

/** Builds the snapping index of a graph (one box per geometry segment). */
export function createSnapIndex(graph: RoadGraph): SnapIndex {
  const S = graph.shapeLon.length;
  const segCount = S - graph.pieceCount;
  const segStart = new Int32Array(segCount);
  const segPiece = new Int32Array(segCount);
  const shapeCumM = new Float64Array(S);
  const tree = segCount > 0 ? new Flatbush(segCount) : null;
  const { shapeLon: x, shapeLat: y, shapeOffsets } = graph;
  let s = 0;
  for (let p = 0; p < graph.pieceCount; p++) {
    for (let k = shapeOffsets[p]!; k < shapeOffsets[p + 1]! - 1; k++) {
      shapeCumM[k + 1] = shapeCumM[k]! + haversineM(x[k]!, y[k]!, x[k + 1]!, y[k + 1]!);
      segStart[s] = k;
      segPiece[s] = p;
      tree!.add(
        Math.min(x[k]!, x[k + 1]!),
        Math.min(y[k]!, y[k + 1]!),
        Math.max(x[k]!, x[k + 1]!),
        Math.max(y[k]!, y[k + 1]!),
      );
      s++;
    }
  }
  tree?.finish();
  return { graph, tree, segStart, segPiece, shapeCumM };
}

/** Options of snapToRoad. */
export interface SnapOptions {
  /** Farthest acceptable road, metres (default 1000). */
  maxDistanceM?: number;
}

/**
 * Projects a point onto the nearest road segment. Throws COORDINATES_INVALID for bad coordinates and
 * NO_ROAD_NEARBY when no road lies within maxDistanceM.
 */
export function snapToRoad(index: SnapIndex, lon: number, lat: number, options: SnapOptions = {}): Snap {
  assertValidCoordinates(lon, lat);
  const maxDistanceM = options.maxDistanceM ?? 1000;
  const notFound = (): AppError =>
    new AppError('NO_ROAD_NEARBY', `No road within ${maxDistanceM} m of (${lon}, ${lat}).`, { lon, lat, maxDistanceM });
  if (!index.tree) throw notFound();
  const m = metresPerDegree(lat);
  // The nearest box (in degrees) bounds the true nearest distance from above; every segment that could be
  // closer has a box inside the window of that radius, where exact metric distances decide.
  const first = index.tree.neighbors(lon, lat, 1)[0]!;
  const radius = Math.min(segmentDistance(index, first, lon, lat, m.x, m.y).d, maxDistanceM) * (1 + 1e-9) + 1e-6;
  const candidates = index.tree.search(lon - radius / m.x, lat - radius / m.y, lon + radius / m.x, lat + radius / m.y);
  let best = -1;
  let bestD = Infinity;
  let bestT = 0;
  for (const c of candidates) {
    const r = segmentDistance(index, c, lon, lat, m.x, m.y);
    if (r.d < bestD || (r.d === bestD && c < best)) {
      best = c;
      bestD = r.d;
      bestT = r.t;
    }
  }
  if (best < 0 || bestD > maxDistanceM) throw notFound();
  const g = index.graph;
  const k = index.segStart[best]!;
  const piece = index.segPiece[best]!;
  const base = g.shapeOffsets[piece]!;
  const cum = index.shapeCumM;
  return {
    lon: g.shapeLon[k]! + bestT * (g.shapeLon[k + 1]! - g.shapeLon[k]!),
    lat: g.shapeLat[k]! + bestT * (g.shapeLat[k + 1]! - g.shapeLat[k]!),
    distanceM: bestD,
    piece,
    offsetM: cum[k]! - cum[base]! + bestT * (cum[k + 1]! - cum[k]!),
    pieceLengthM: g.pieceLengthM[piece]!,
  };
}

/** Distance (metres) from a point to segment `seg` and the projection parameter t in [0, 1]. */
function segmentDistance(
  index: SnapIndex,
  seg: number,
  lon: number,
  lat: number,
  mx: number,
  my: number,
): { d: number; t: number } {
  const g = index.graph;
  const k = index.segStart[seg]!;
  const ax = (g.shapeLon[k]! - lon) * mx;
  const ay = (g.shapeLat[k]! - lat) * my;
  const dx = (g.shapeLon[k + 1]! - lon) * mx - ax;
  const dy = (g.shapeLat[k + 1]! - lat) * my - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  return { d: Math.hypot(ax + t * dx, ay + t * dy), t };
}
