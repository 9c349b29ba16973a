/**
 * The road graph: vertices with lon/lat, directed edges in CSR form (plus the reverse CSR for searches towards
 * a point), and "pieces" — the undirected road stretches between two vertices with their full geometry.
 * A two-way piece yields two directed edges, a one-way piece one. Degree-2 chains are compressed into one
 * piece by default (vertices only at way ends and intersections), keeping the geometry and its true length.
 */
import { AppError } from '../../errors.ts';
import { haversineM } from './geo.math.ts';
import { ROAD_CLASSES, roadClassCode, type RoadClassName } from './road.speeds.ts';

/** A compact, immutable road graph. Edge e runs edgeSource[e] → targets[e]; edges of u are offsets[u]..offsets[u+1]. */
export interface RoadGraph {
  readonly vertexCount: number;
  readonly edgeCount: number;
  readonly pieceCount: number;
  /** Vertex coordinates (WGS-84 degrees). */
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** Forward CSR: offsets (vertexCount + 1) into targets / per-edge arrays. */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly edgeSource: Int32Array;
  readonly lengthM: Float64Array;
  readonly roadClass: Uint8Array;
  /** The piece an edge runs along, and 1 when it runs along the piece's direction (from → to), 0 against. */
  readonly edgePiece: Int32Array;
  readonly edgeAlong: Uint8Array;
  /** Reverse CSR: for vertex v, reverseEdges[reverseOffsets[v]..reverseOffsets[v+1]] are the edges ending at v. */
  readonly reverseOffsets: Int32Array;
  readonly reverseEdges: Int32Array;
  /** Source vertex of reverseEdges[i] (saves an indirection in reverse searches). */
  readonly reverseSources: Int32Array;
  /** Pieces: end vertices, their edges along (from → to) and against (-1 when one-way), length and class. */
  readonly pieceFrom: Int32Array;
  readonly pieceTo: Int32Array;
  readonly pieceAlongEdge: Int32Array;
  readonly pieceAgainstEdge: Int32Array;
  readonly pieceLengthM: Float64Array;
  readonly pieceClass: Uint8Array;
  /** Piece geometry: points shapeOffsets[p]..shapeOffsets[p+1] (both end vertices included). */
  readonly shapeOffsets: Int32Array;
  readonly shapeLon: Float64Array;
  readonly shapeLat: Float64Array;
  /** Distinct input nodes used by the routable ways (the "routable vertices" of an uncompressed graph). */
  readonly routableNodeCount: number;
}

/** An input node: any unique id and WGS-84 coordinates. */
export interface GraphNodeInput {
  id: number | string;
  lon: number;
  lat: number;
}

/** An input way: node ids in drawing order, its class, and one-way: true (along), 'reverse' (against), false. */
export interface GraphWayInput {
  nodeIds: readonly (number | string)[];
  roadClass: RoadClassName;
  oneway?: boolean | 'reverse';
}

/** Options of buildGraph. */
export interface BuildGraphOptions {
  /** Keep every node as a vertex instead of compressing degree-2 chains (default false). */
  keepAllNodes?: boolean;
}

/**
 * Builds a road graph from nodes and ways (used by the OSM importer and the demo-city generator).
 * Way references to absent nodes split the way there (extracts clipped at a border). Unknown road classes
 * and invalid coordinates are rejected with VALIDATION_FAILED.
 */
export function buildGraph(
  input: { nodes: readonly GraphNodeInput[]; ways: readonly GraphWayInput[] },
  options: BuildGraphOptions = {},
): RoadGraph {
  const { nodes, ways } = input;
  const indexById = new Map<number | string, number>();
  const nodeLon = new Float64Array(nodes.length);
  const nodeLat = new Float64Array(nodes.length);
  nodes.forEach((n, i) => {
    if (!Number.isFinite(n.lon) || !Number.isFinite(n.lat) || Math.abs(n.lon) > 180 || Math.abs(n.lat) > 90) {
      throw new AppError('VALIDATION_FAILED', `Node ${String(n.id)} has invalid coordinates; use WGS-84 degrees.`, {
        nodeId: n.id,
        lon: n.lon,
        lat: n.lat,
      });
    }
    indexById.set(n.id, i);
    nodeLon[i] = n.lon;
    nodeLat[i] = n.lat;
  });

  // 1. Resolve ways into chains of node indices (split at absent nodes, drop repeated consecutive nodes).
  interface Chain {
    nodes: number[];
    cls: number;
    oneway: boolean | 'reverse';
  }
  const chains: Chain[] = [];
  for (const [w, way] of ways.entries()) {
    const cls = roadClassCode(way.roadClass);
    if (cls < 0) {
      throw new AppError('VALIDATION_FAILED', `Way ${w} has unknown road class "${way.roadClass}".`, {
        way: w,
        roadClass: way.roadClass,
        known: ROAD_CLASSES,
      });
    }
    let current: number[] = [];
    const flush = (): void => {
      if (current.length >= 2) chains.push({ nodes: current, cls, oneway: way.oneway ?? false });
      current = [];
    };
    for (const id of way.nodeIds) {
      const idx = indexById.get(id);
      if (idx === undefined) flush();
      else if (current[current.length - 1] !== idx) current.push(idx);
    }
    flush();
  }

  // 2. Vertices: nodes used more than once (intersections, loops) or at a chain end; every node if asked.
  const uses = new Uint32Array(nodes.length);
  const isVertex = new Uint8Array(nodes.length);
  for (const c of chains) {
    for (const n of c.nodes) uses[n]!++;
    isVertex[c.nodes[0]!] = 1;
    isVertex[c.nodes[c.nodes.length - 1]!] = 1;
  }
  let routableNodeCount = 0;
  const vertexOf = new Int32Array(nodes.length).fill(-1);
  const vLon: number[] = [];
  const vLat: number[] = [];
  for (let n = 0; n < nodes.length; n++) {
    if (uses[n] === 0) continue;
    routableNodeCount++;
    if (options.keepAllNodes || uses[n]! > 1 || isVertex[n]) {
      vertexOf[n] = vLon.length;
      vLon.push(nodeLon[n]!);
      vLat.push(nodeLat[n]!);
    }
  }

  // 3. Pieces between consecutive vertices along each chain, and their directed edges.
  const pFrom: number[] = [];
  const pTo: number[] = [];
  const pLen: number[] = [];
  const pCls: number[] = [];
  const pOneway: (boolean | 'reverse')[] = [];
  const shapeOffsets: number[] = [0];
  const sLon: number[] = [];
  const sLat: number[] = [];
  for (const c of chains) {
    let start = 0;
    for (let i = 1; i < c.nodes.length; i++) {
      if (vertexOf[c.nodes[i]!]! < 0) continue;
      let len = 0;
      for (let k = start; k <= i; k++) {
        const n = c.nodes[k]!;
        sLon.push(nodeLon[n]!);
        sLat.push(nodeLat[n]!);
        if (k > start)
          len += haversineM(nodeLon[c.nodes[k - 1]!]!, nodeLat[c.nodes[k - 1]!]!, nodeLon[n]!, nodeLat[n]!);
      }
      shapeOffsets.push(sLon.length);
      pFrom.push(vertexOf[c.nodes[start]!]!);
      pTo.push(vertexOf[c.nodes[i]!]!);
      pLen.push(len);
      pCls.push(c.cls);
      pOneway.push(c.oneway);
      start = i;
    }
  }

  const P = pFrom.length;
  const eSrc: number[] = [];
  const ePiece: number[] = [];
  const eAlong: number[] = [];
  for (let p = 0; p < P; p++) {
    if (pOneway[p] !== 'reverse') {
      eSrc.push(pFrom[p]!);
      ePiece.push(p);
      eAlong.push(1);
    }
    if (pOneway[p] !== true) {
      eSrc.push(pTo[p]!);
      ePiece.push(p);
      eAlong.push(0);
    }
  }
  return assembleGraph({
    lon: Float64Array.from(vLon),
    lat: Float64Array.from(vLat),
    pieceFrom: Int32Array.from(pFrom),
    pieceTo: Int32Array.from(pTo),
    pieceLengthM: Float64Array.from(pLen),
    pieceClass: Uint8Array.from(pCls),
    shapeOffsets: Int32Array.from(shapeOffsets),
    shapeLon: Float64Array.from(sLon),
    shapeLat: Float64Array.from(sLat),
    edgeSourceUnsorted: Int32Array.from(eSrc),
    edgePieceUnsorted: Int32Array.from(ePiece),
    edgeAlongUnsorted: Uint8Array.from(eAlong),
    routableNodeCount,
  });
}

/** The stored (serialised) part of a graph; everything else is derived in assembleGraph. */
interface GraphCore {
  lon: Float64Array;
  lat: Float64Array;
  pieceFrom: Int32Array;
  pieceTo: Int32Array;
  pieceLengthM: Float64Array;
  pieceClass: Uint8Array;
  shapeOffsets: Int32Array;
  shapeLon: Float64Array;
  shapeLat: Float64Array;
  /** Directed edges in any order; assembleGraph sorts them by source (stable counting sort). */
  edgeSourceUnsorted: Int32Array;
  edgePieceUnsorted: Int32Array;
  edgeAlongUnsorted: Uint8Array;
  routableNodeCount: number;
}

/** Builds the CSR arrays (forward and reverse) from the pieces and directed edges. */
function assembleGraph(core: GraphCore): RoadGraph {
  const V = core.lon.length;
  const E = core.edgeSourceUnsorted.length;
  const P = core.pieceFrom.length;
  const offsets = new Int32Array(V + 1);
  for (let i = 0; i < E; i++) offsets[core.edgeSourceUnsorted[i]! + 1]!++;
  for (let v = 0; v < V; v++) offsets[v + 1]! += offsets[v]!;
  const fill = offsets.slice(0, V);
  const targets = new Int32Array(E);
  const edgeSource = new Int32Array(E);
  const lengthM = new Float64Array(E);
  const roadClass = new Uint8Array(E);
  const edgePiece = new Int32Array(E);
  const edgeAlong = new Uint8Array(E);
  const pieceAlongEdge = new Int32Array(P).fill(-1);
  const pieceAgainstEdge = new Int32Array(P).fill(-1);
  for (let i = 0; i < E; i++) {
    const u = core.edgeSourceUnsorted[i]!;
    const p = core.edgePieceUnsorted[i]!;
    const along = core.edgeAlongUnsorted[i]!;
    const e = fill[u]!++;
    edgeSource[e] = u;
    targets[e] = along ? core.pieceTo[p]! : core.pieceFrom[p]!;
    lengthM[e] = core.pieceLengthM[p]!;
    roadClass[e] = core.pieceClass[p]!;
    edgePiece[e] = p;
    edgeAlong[e] = along;
    if (along) pieceAlongEdge[p] = e;
    else pieceAgainstEdge[p] = e;
  }
  const reverseOffsets = new Int32Array(V + 1);
  for (let e = 0; e < E; e++) reverseOffsets[targets[e]! + 1]!++;
  for (let v = 0; v < V; v++) reverseOffsets[v + 1]! += reverseOffsets[v]!;
  const rfill = reverseOffsets.slice(0, V);
  const reverseEdges = new Int32Array(E);
  for (let e = 0; e < E; e++) reverseEdges[rfill[targets[e]!]!++] = e;
  const reverseSources = new Int32Array(E);
  for (let i = 0; i < E; i++) reverseSources[i] = edgeSource[reverseEdges[i]!]!;
  return {
    vertexCount: V,
    edgeCount: E,
    pieceCount: P,
    lon: core.lon,
    lat: core.lat,
    offsets,
    targets,
    edgeSource,
    lengthM,
    roadClass,
    edgePiece,
    edgeAlong,
    reverseOffsets,
    reverseEdges,
    reverseSources,
    pieceFrom: core.pieceFrom,
    pieceTo: core.pieceTo,
    pieceAlongEdge,
    pieceAgainstEdge,
    pieceLengthM: core.pieceLengthM,
    pieceClass: core.pieceClass,
    shapeOffsets: core.shapeOffsets,
    shapeLon: core.shapeLon,
    shapeLat: core.shapeLat,
    routableNodeCount: core.routableNodeCount,
  };
}

const MAGIC = 0x4752574a; // "JWRG" little-endian
const FORMAT_VERSION = 1;
type Typed = Float64Array | Int32Array | Uint8Array;
const SECTIONS = [
  ['lon', Float64Array],
  ['lat', Float64Array],
  ['pieceFrom', Int32Array],
  ['pieceTo', Int32Array],
  ['pieceLengthM', Float64Array],
  ['pieceClass', Uint8Array],
  ['shapeOffsets', Int32Array],
  ['shapeLon', Float64Array],
  ['shapeLat', Float64Array],
  ['edgeSource', Int32Array],
  ['edgePiece', Int32Array],
  ['edgeAlong', Uint8Array],
] as const;
const HEADER_BYTES = 16 + 8 * SECTIONS.length;
const align8 = (n: number): number => (n + 7) & ~7;

/** Serialises a graph into one binary buffer (header, then each array 8-byte aligned; reverse CSR is derived). */
export function serializeGraph(graph: RoadGraph): Uint8Array {
  const arrays: Typed[] = SECTIONS.map(([name]) => graph[name]);
  let size = HEADER_BYTES;
  for (const a of arrays) size += align8(a.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, graph.routableNodeCount, true);
  view.setUint32(12, SECTIONS.length, true);
  let at = HEADER_BYTES;
  arrays.forEach((a, i) => {
    view.setFloat64(16 + 8 * i, a.length, true);
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align8(a.byteLength);
  });
  return out;
}

/** Loads a graph written by serializeGraph; a buffer of any other shape fails with ROAD_GRAPH_INVALID. */
export function deserializeGraph(buffer: Uint8Array): RoadGraph {
  const invalid = (why: string): AppError =>
    new AppError('ROAD_GRAPH_INVALID', `Not a road graph file (${why}); rebuild it with "jingwu geo import-osm".`, {
      reason: why,
    });
  if (buffer.byteLength < HEADER_BYTES) throw invalid('too short');
  // Copy once so that every typed array is aligned and the graph owns its memory. Not `buffer.slice()`: on a
  // Node Buffer (what node-postgres returns for bytea) that is a view into a shared pool at some byteOffset.
  const bytes = new Uint8Array(buffer);
  const view = new DataView(bytes.buffer);
  if (view.getUint32(0, true) !== MAGIC) throw invalid('bad magic number');
  if (view.getUint32(4, true) !== FORMAT_VERSION) throw invalid(`unsupported version ${view.getUint32(4, true)}`);
  if (view.getUint32(12, true) !== SECTIONS.length) throw invalid('unexpected section count');
  let at = HEADER_BYTES;
  const parts: Record<string, Typed> = {};
  SECTIONS.forEach(([name, Ctor], i) => {
    const length = view.getFloat64(16 + 8 * i, true);
    if (!Number.isInteger(length) || length < 0) throw invalid(`bad length of ${name}`);
    const byteLength = length * Ctor.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.byteLength) throw invalid('truncated');
    parts[name] = new Ctor(bytes.buffer, at, length);
    at += align8(byteLength);
  });
  if (at !== bytes.byteLength) throw invalid('trailing bytes');
  const core = {
    lon: parts.lon as Float64Array,
    lat: parts.lat as Float64Array,
    pieceFrom: parts.pieceFrom as Int32Array,
    pieceTo: parts.pieceTo as Int32Array,
    pieceLengthM: parts.pieceLengthM as Float64Array,
    pieceClass: parts.pieceClass as Uint8Array,
    shapeOffsets: parts.shapeOffsets as Int32Array,
    shapeLon: parts.shapeLon as Float64Array,
    shapeLat: parts.shapeLat as Float64Array,
    edgeSourceUnsorted: parts.edgeSource as Int32Array,
    edgePieceUnsorted: parts.edgePiece as Int32Array,
    edgeAlongUnsorted: parts.edgeAlong as Uint8Array,
    routableNodeCount: view.getUint32(8, true),
  };
  checkCore(core, invalid);
  return assembleGraph(core);
}

/** Rejects index arrays that point outside their targets (a corrupt file must not produce a broken graph). */
function checkCore(c: GraphCore, invalid: (why: string) => AppError): void {
  const V = c.lon.length;
  const P = c.pieceFrom.length;
  const S = c.shapeLon.length;
  if (c.lat.length !== V) throw invalid('lon/lat lengths differ');
  if (c.pieceTo.length !== P || c.pieceLengthM.length !== P || c.pieceClass.length !== P) throw invalid('piece arrays');
  if (c.shapeOffsets.length !== P + 1 || c.shapeLat.length !== S) throw invalid('shape arrays');
  const E = c.edgeSourceUnsorted.length;
  if (c.edgePieceUnsorted.length !== E || c.edgeAlongUnsorted.length !== E) throw invalid('edge arrays');
  for (let p = 0; p < P; p++) {
    if (!(c.pieceFrom[p]! >= 0 && c.pieceFrom[p]! < V && c.pieceTo[p]! >= 0 && c.pieceTo[p]! < V))
      throw invalid('piece ends');
    if (c.pieceClass[p]! >= ROAD_CLASSES.length || !(c.pieceLengthM[p]! >= 0)) throw invalid('piece class or length');
    if (!(c.shapeOffsets[p + 1]! >= c.shapeOffsets[p]! + 2)) throw invalid('piece shape offsets');
  }
  if (c.shapeOffsets[0] !== 0 || c.shapeOffsets[P] !== S) throw invalid('shape offsets');
  for (let e = 0; e < E; e++) {
    const p = c.edgePieceUnsorted[e]!;
    if (!(p >= 0 && p < P) || c.edgeAlongUnsorted[e]! > 1) throw invalid('edge piece');
    const src = c.edgeAlongUnsorted[e] ? c.pieceFrom[p] : c.pieceTo[p];
    if (c.edgeSourceUnsorted[e] !== src) throw invalid('edge source');
  }
}
