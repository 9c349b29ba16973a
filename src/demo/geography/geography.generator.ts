/**
 * `generateGeography({ seed, scale })`: the fictional province 东川省 (code 91) with one city (江州市) or, at
 * province scale, ten — each a perturbed street lattice with an expressway ring and radials, arterials,
 * collectors and local streets, a river crossed only by bridges, one-way pairs in the old town, districts,
 * police stations, communities and grids partitioning the blocks, and standard addresses along the streets.
 *
 * Everything derives from one seeded stream and a fixed iteration order, so the same seed gives
 * byte-identical output. Coordinates are computed in metres and rounded to 1e-6° (≈ 0.1 m) at the end.
 */
import type {
  CityAddress,
  CityGeography,
  CityJurisdiction,
  CityRoad,
  CityScale,
  CityStation,
  LonLat,
  PolygonRings,
} from '../city.model.ts';
import type { RoadClass } from '../../server/modules/geo/index.ts';
import { stronglyConnectedComponents } from '../../server/modules/geo/index.ts';
import { buildRoadGraph } from './geography.graph.ts';
import {
  cellNeighbours,
  cellNoise,
  cellPoint,
  createMesh,
  nodeAt,
  partitionCells,
  traceRegion,
  type Mesh,
} from './geography.mesh.ts';
import { CITY_NAMES, COUNTY_NAMES, DISTRICT_NAMES, NameBook, PROVINCE, RIVER_NAMES } from './geography.names.ts';
import { GeoRng } from './geography.prng.ts';
import { createRiver, isWet, riverRing, riverSide, segmentWet, type River } from './geography.water.ts';

/** Options of generateGeography. */
export interface GeographyOptions {
  seed: number;
  scale: CityScale;
}

interface CitySpec {
  nx: number;
  ny: number;
  spacingM: number;
  districts: number;
  stations: number;
  cellsPerCommunity: number;
  cellsPerGrid: number;
  /** Chance that one side of a street block gets a door (a building or a compound). */
  doorChance: number;
  maxCompound: number;
  /** Bridges carry every n-th lattice column across the river (arterials only, so a multiple of 4). */
  bridgeEvery: number;
}

const CAPITAL: CitySpec = {
  nx: 96,
  ny: 80,
  spacingM: 230,
  districts: 7,
  stations: 40,
  cellsPerCommunity: 24,
  cellsPerGrid: 6,
  doorChance: 0.25,
  maxCompound: 6,
  bridgeEvery: 16,
};
const SPECS: Record<CityScale, CitySpec[]> = {
  small: [
    {
      nx: 24,
      ny: 20,
      spacingM: 230,
      districts: 5,
      stations: 10,
      cellsPerCommunity: 10,
      cellsPerGrid: 3,
      doorChance: 0.45,
      maxCompound: 4,
      bridgeEvery: 8,
    },
  ],
  city: [CAPITAL],
  province: [
    CAPITAL,
    ...Array.from({ length: 9 }, () => ({
      nx: 64,
      ny: 54,
      spacingM: 240,
      districts: 5,
      stations: 20,
      cellsPerCommunity: 24,
      cellsPerGrid: 6,
      doorChance: 0.25,
      maxCompound: 6,
      bridgeEvery: 16,
    })),
  ],
};

/** Where the province sits: metres in the generator are offsets from this point. */
const LON0 = 113.3;
const LAT0 = 23.1;
const M_PER_DEG_LON = 111_320 * Math.cos((LAT0 * Math.PI) / 180);
const M_PER_DEG_LAT = 110_574;
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;
const toLonLat = (x: number, y: number): LonLat => [round6(LON0 + x / M_PER_DEG_LON), round6(LAT0 + y / M_PER_DEG_LAT)];

/** Bank margin: ordinary roads and buildings stay this far from the water. */
const BANK_M = 30;

type LineClass = 'trunk' | 'primary' | 'secondary' | 'local';

/** Generates the whole geography. Same options ⇒ identical output. */
export function generateGeography(options: GeographyOptions): CityGeography {
  if (!Number.isInteger(options.seed)) throw new RangeError('seed must be an integer');
  const specs = SPECS[options.scale];
  if (!specs) throw new RangeError(`unknown scale ${String(options.scale)}`);
  const rng = new GeoRng(options.seed, 'jingwu.geography');
  const out: CityGeography = {
    seed: options.seed,
    scale: options.scale,
    jurisdictions: [],
    roads: [],
    water: [],
    addresses: [],
    stations: [],
  };
  const province: CityJurisdiction = {
    id: PROVINCE.id,
    parentId: null,
    level: 'province',
    name: PROVINCE.name,
    boundary: [],
  };
  out.jurisdictions.push(province);
  const cities: CityBuild[] = [];
  const layoutRng = rng.fork('layout');
  specs.forEach((spec, k) => {
    const col = k % 4;
    const row = Math.floor(k / 4);
    const origin =
      k === 0
        ? [0, 0]
        : [(col - 1) * 42_000 + layoutRng.range(-4000, 4000), -row * 38_000 + layoutRng.range(-4000, 4000)];
    cities.push(buildCity(rng.fork(`city${k}`), spec, k, origin[0]!, origin[1]!, out));
  });
  // Intercity expressways between neighbours in the layout (province scale), then one prune for strong connectivity.
  const rivers = cities.map((c) => c.river);
  for (let k = 0; k < cities.length; k++) {
    for (const n of [k + 1, k + 4]) {
      if (n >= cities.length || (n === k + 1 && n % 4 === 0)) continue;
      addIntercity(cities[k]!, cities[n]!, rivers, out.roads);
    }
  }
  if (cities.length === 1) province.boundary = cities[0]!.outline.map((r) => r.slice());
  else province.boundary = [convexHull(cities.flatMap((c) => c.outline[0]!))];
  pruneToStrongComponent(out.roads);
  for (const city of cities) placeStationsAndAddresses(city, out);
  // Parents before children: province, cities, counties, stations, communities, grids.
  const order = ['province', 'city', 'county', 'station', 'community', 'grid'];
  out.jurisdictions.sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level) || cmp(a.id, b.id));
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Per-city working state shared by the generation steps. */
interface CityBuild {
  index: number;
  code: string;
  name: string;
  spec: CitySpec;
  rng: GeoRng;
  mesh: Mesh;
  names: NameBook;
  river: River;
  outline: PolygonRings;
  inCity: Uint8Array;
  /** Normalised distance of each cell from the centre (0 centre, ~1 at the outline). */
  rho: Float64Array;
  /** Grid jurisdiction index (into grids) per cell, -1 outside the city. */
  cellGrid: Int32Array;
  grids: { id: string; community: string; district: string }[];
  stationRegions: { id: string; name: string; cells: number[] }[];
  /** Lattice edges: 0 absent, 1 road, 2 bridge; and the road each one belongs to. */
  edgeState: Uint8Array;
  edgeRoad: (CityRoad | null)[];
  /** Door-number origin: metres from the numbering start to the edge's start, and the edge length. */
  edgeStartM: Float64Array;
  edgeLenM: Float64Array;
  /** Reserved (edge · 2 + side) slots, e.g. for the station building. */
  reserved: Set<number>;
  /** Outer ends of the radial expressways (where intercity expressways start). */
  radialEnds: { x: number; y: number; ux: number; uy: number }[];
}

function buildCity(rng: GeoRng, spec: CitySpec, index: number, ox: number, oy: number, out: CityGeography): CityBuild {
  const code = `91${String(index + 1).padStart(2, '0')}`;
  const name = CITY_NAMES[index]!;
  const names = new NameBook(rng.fork('names'));
  names.reserve(name);
  const rotation = rng.range(-0.15, 0.15);
  const mesh = createMesh(rng.fork('mesh'), { ...spec, originX: ox, originY: oy, rotation });
  const { nx, ny } = mesh;

  // 1. City outline: a lobed blob over the lattice, its largest 4-connected part with holes filled.
  const shape = rng.fork('outline');
  const lobes = [2, 3, 5].map((f, i) => ({ f, a: [0.1, 0.07, 0.04][i]!, p: shape.range(0, 2 * Math.PI) }));
  const rho = new Float64Array(nx * ny);
  let inCity: Uint8Array = new Uint8Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const u = ((i + 0.5) / nx) * 2 - 1;
      const v = ((j + 0.5) / ny) * 2 - 1;
      const th = Math.atan2(v, u);
      const r = 0.93 * (1 + lobes.reduce((s, l) => s + l.a * Math.sin(l.f * th + l.p), 0));
      rho[j * nx + i] = Math.hypot(u, v) / r;
      inCity[j * nx + i] = Math.hypot(u, v) < r ? 1 : 0;
    }
  }
  inCity = largestComponentFilled(mesh, inCity);
  const cityCells: number[] = [];
  for (let c = 0; c < nx * ny; c++) if (inCity[c]) cityCells.push(c);
  const mask = new Uint8Array(nx * ny);
  const ringsOf = (cells: number[]): PolygonRings =>
    traceRegion(mesh, cells, mask).map((ring) => ring.map((n) => toLonLat(mesh.x[n]!, mesh.y[n]!)));
  const outline = ringsOf(cityCells);
  out.jurisdictions.push({ id: code, parentId: PROVINCE.id, level: 'city', name, boundary: outline });

  // 2. The river, roughly along the lattice's east-west axis through the middle third.
  const riverRng = rng.fork('river');
  const halfX = (nx * spec.spacingM) / 2;
  const halfY = (ny * spec.spacingM) / 2;
  const off = riverRng.range(-0.2, 0.2) * halfY;
  const river = createRiver(riverRng, {
    name: RIVER_NAMES[index % RIVER_NAMES.length]!,
    ox: ox - off * Math.sin(rotation),
    oy: oy + off * Math.cos(rotation),
    angle: rotation + riverRng.range(-0.3, 0.3),
    halfLengthM: Math.hypot(halfX, halfY) + 1500,
    meanderM: 0.08 * halfY,
  });
  out.water.push({ id: `W${code}01`, name: river.name, polygon: [riverRing(river).map(([x, y]) => toLonLat(x, y))] });

  // 3. Jurisdictions: districts → stations → communities → grids, each a union of blocks.
  const owner = new Int32Array(nx * ny).fill(-2);
  const partRng = rng.fork('partition');
  const districtCells = partitionCells(mesh, cityCells, spec.districts, cellNoise(partRng, nx * ny), owner);
  const cellGrid = new Int32Array(nx * ny).fill(-1);
  const grids: CityBuild['grids'] = [];
  const stationRegions: CityBuild['stationRegions'] = [];
  const stationCounts = apportion(
    districtCells.map((d) => d.length),
    spec.stations,
    2,
  );
  const countiesAt = spec.districts >= 6 ? spec.districts - 1 : spec.districts;
  districtCells.forEach((dCells, d) => {
    const isCounty = d >= countiesAt;
    const dId = isCounty ? `${code}${21 + d - countiesAt}` : `${code}${String(d + 2).padStart(2, '0')}`;
    const dName = names.reserve(isCounty ? COUNTY_NAMES[d - countiesAt]! : DISTRICT_NAMES[d]!);
    out.jurisdictions.push({ id: dId, parentId: code, level: 'county', name: dName, boundary: ringsOf(dCells) });
    const stations = partitionCells(mesh, dCells, stationCounts[d]!, cellNoise(partRng, nx * ny), owner);
    stations.forEach((sCells, s) => {
      const sId = `${dId}${String(s + 1).padStart(3, '0')}`;
      const sName = names.place('派出所');
      out.jurisdictions.push({ id: sId, parentId: dId, level: 'station', name: sName, boundary: ringsOf(sCells) });
      stationRegions.push({ id: sId, name: sName, cells: sCells });
      const kc = clamp(Math.round(sCells.length / spec.cellsPerCommunity), 2, 12);
      const communities = partitionCells(mesh, sCells, kc, cellNoise(partRng, nx * ny), owner);
      communities.forEach((cCells, c) => {
        const cId = `${sId}${String(c + 1).padStart(3, '0')}`;
        const cName = names.place('社区', true);
        out.jurisdictions.push({ id: cId, parentId: sId, level: 'community', name: cName, boundary: ringsOf(cCells) });
        const kg = clamp(Math.round(cCells.length / spec.cellsPerGrid), 1, 8);
        const gridCells = partitionCells(mesh, cCells, kg, cellNoise(partRng, nx * ny), owner);
        gridCells.forEach((gCells, g) => {
          const gId = `${cId}${String(g + 1).padStart(3, '0')}`;
          out.jurisdictions.push({
            id: gId,
            parentId: cId,
            level: 'grid',
            name: `${cName}第${g + 1}网格`,
            boundary: ringsOf(gCells),
          });
          for (const cell of gCells) cellGrid[cell] = grids.length;
          grids.push({ id: gId, community: cName, district: dName });
        });
      });
    });
  });

  const city: CityBuild = {
    index,
    code,
    name,
    spec,
    rng,
    mesh,
    names,
    river,
    outline,
    inCity,
    rho,
    cellGrid,
    grids,
    stationRegions,
    edgeState: new Uint8Array((nx + 1) * ny + (ny + 1) * nx),
    edgeRoad: new Array<CityRoad | null>((nx + 1) * ny + (ny + 1) * nx).fill(null),
    edgeStartM: new Float64Array((nx + 1) * ny + (ny + 1) * nx),
    edgeLenM: new Float64Array((nx + 1) * ny + (ny + 1) * nx),
    reserved: new Set(),
    radialEnds: [],
  };
  buildStreets(city, out.roads);
  buildExpressways(city, out.roads);
  return city;
}

/** Integer shares of `total` proportional to `weights`, each at least `min` (largest remainder). */
function apportion(weights: number[], total: number, min: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => Math.max(min, (w / sum) * total));
  const base = raw.map(Math.floor);
  let left = total - base.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    base[i]!++;
    left--;
  }
  return base.map((b, i) => Math.min(b, weights[i]!));
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

/** Keeps the largest 4-connected set of cells and fills its holes. */
function largestComponentFilled(mesh: Mesh, cells: Uint8Array): Uint8Array {
  const n = cells.length;
  const label = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const flood = (start: number, want: number, lab: number): number => {
    const stack = [start];
    label[start] = lab;
    let size = 0;
    while (stack.length > 0) {
      const c = stack.pop()!;
      size++;
      for (const nb of cellNeighbours(mesh, c)) {
        if (nb >= 0 && label[nb] === -1 && cells[nb] === want) {
          label[nb] = lab;
          stack.push(nb);
        }
      }
    }
    return size;
  };
  for (let c = 0; c < n; c++) if (cells[c] && label[c] === -1) sizes.push(flood(c, 1, sizes.length));
  const best = sizes.indexOf(Math.max(...sizes));
  const out = new Uint8Array(n);
  for (let c = 0; c < n; c++) out[c] = label[c] === best ? 1 : 0;
  // Background reachable from the lattice border stays outside; any other background is a hole: fill it.
  const outside = new Uint8Array(n);
  const stack: number[] = [];
  for (let c = 0; c < n; c++) {
    const i = c % mesh.nx;
    const j = (c - i) / mesh.nx;
    if (!out[c] && (i === 0 || j === 0 || i === mesh.nx - 1 || j === mesh.ny - 1)) {
      outside[c] = 1;
      stack.push(c);
    }
  }
  while (stack.length > 0) {
    const c = stack.pop()!;
    for (const nb of cellNeighbours(mesh, c)) {
      if (nb >= 0 && !out[nb] && !outside[nb]) {
        outside[nb] = 1;
        stack.push(nb);
      }
    }
  }
  for (let c = 0; c < n; c++) if (!outside[c]) out[c] = 1;
  return out;
}

/** Class of a lattice line by its offset from the central axis. */
function lineClass(offset: number): LineClass {
  if (offset === 0) return 'trunk';
  if (offset % 4 === 0) return 'primary';
  if (Math.abs(offset) % 4 === 2) return 'secondary';
  return 'local';
}

interface Line {
  /** 'col' runs north (j grows), 'row' runs east (i grows). */
  kind: 'col' | 'row';
  index: number;
  cls: LineClass;
  /** Edge ids along the line, in order, and the node ids (one more). */
  edges: number[];
  nodes: number[];
  /** Cells on the left and right of each edge (-1 outside the lattice). */
  left: number[];
  right: number[];
  /** Positions along the line where an arterial crosses (node offsets). */
  arterialAt: Set<number>;
}

function latticeLines(city: CityBuild): Line[] {
  const { mesh } = city;
  const { nx, ny } = mesh;
  const ci = Math.round(nx / 2);
  const cj = Math.round(ny / 2);
  const colEdges = (nx + 1) * ny;
  const lines: Line[] = [];
  const isArterial = (c: LineClass): boolean => c === 'trunk' || c === 'primary';
  for (let i = 0; i <= nx; i++) {
    const line: Line = {
      kind: 'col',
      index: i,
      cls: lineClass(i - ci),
      edges: [],
      nodes: [],
      left: [],
      right: [],
      arterialAt: new Set(),
    };
    for (let j = 0; j <= ny; j++) {
      line.nodes.push(nodeAt(mesh, i, j));
      if (isArterial(lineClass(j - cj))) line.arterialAt.add(j);
      if (j < ny) {
        line.edges.push(i * ny + j);
        line.left.push(i > 0 ? j * nx + i - 1 : -1);
        line.right.push(i < nx ? j * nx + i : -1);
      }
    }
    lines.push(line);
  }
  for (let j = 0; j <= ny; j++) {
    const line: Line = {
      kind: 'row',
      index: j,
      cls: lineClass(j - cj),
      edges: [],
      nodes: [],
      left: [],
      right: [],
      arterialAt: new Set(),
    };
    for (let i = 0; i <= nx; i++) {
      line.nodes.push(nodeAt(mesh, i, j));
      if (isArterial(lineClass(i - ci))) line.arterialAt.add(i);
      if (i < nx) {
        line.edges.push(colEdges + j * nx + i);
        line.left.push(j < ny ? j * nx + i : -1);
        line.right.push(j > 0 ? (j - 1) * nx + i : -1);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Lattice streets: which edges exist, bridges, one-way pairs, and the named roads over them. */
function buildStreets(city: CityBuild, roads: CityRoad[]): void {
  const { mesh, inCity, rho, river, edgeState } = city;
  const rng = city.rng.fork('streets');
  const rivers = [river];
  const lines = latticeLines(city);
  const ci = Math.round(mesh.nx / 2);
  const cj = Math.round(mesh.ny / 2);
  const inside = (c: number): boolean => c >= 0 && inCity[c] === 1;
  const wetEdge = new Uint8Array(edgeState.length);
  for (const line of lines) {
    line.edges.forEach((e, k) => {
      if (!inside(line.left[k]!) && !inside(line.right[k]!)) return;
      edgeState[e] = 1;
      const a = line.nodes[k]!;
      const b = line.nodes[k + 1]!;
      if (segmentWet(rivers, mesh.x[a]!, mesh.y[a]!, mesh.x[b]!, mesh.y[b]!, BANK_M)) wetEdge[e] = 1;
    });
  }
  // Bridges: on every other arterial column, each wet run that starts and ends on dry land; other wet edges go.
  for (const line of lines) {
    const offset = line.index - (line.kind === 'col' ? ci : cj);
    const bridgeLine =
      line.kind === 'col' && (line.cls === 'trunk' || line.cls === 'primary') && offset % city.spec.bridgeEvery === 0;
    for (let k = 0; k < line.edges.length;) {
      if (!wetEdge[line.edges[k]!] || !edgeState[line.edges[k]!]) {
        k++;
        continue;
      }
      let end = k;
      while (end < line.edges.length && wetEdge[line.edges[end]!] && edgeState[line.edges[end]!]) end++;
      const landed = k > 0 && end < line.edges.length && edgeState[line.edges[k - 1]!] && edgeState[line.edges[end]!];
      for (let t = k; t < end; t++) edgeState[line.edges[t]!] = bridgeLine && landed ? 2 : 0;
      k = end;
    }
  }
  // A few local streets closed (dead ends, building sites), never in the old town.
  for (const line of lines) {
    if (line.cls !== 'local') continue;
    line.edges.forEach((e, k) => {
      const cell = inside(line.left[k]!) ? line.left[k]! : line.right[k]!;
      if (edgeState[e] === 1 && rho[cell]! > 0.3 && rng.chance(0.03)) edgeState[e] = 0;
    });
  }
  keepConnected(city, lines);

  // One-way couplets in the old town: two local columns (north / south) and two local rows (east / west).
  const oneway = new Map<string, 1 | -1>();
  const complete = (line: Line | undefined, from: number, to: number): boolean =>
    !!line &&
    line.cls === 'local' &&
    line.edges.slice(from, to).every((e) => edgeState[e] === 1) &&
    to <= line.edges.length;
  const cols = lines.filter((l) => l.kind === 'col');
  const rows = lines.filter((l) => l.kind === 'row');
  for (const b of [0, -1, 1, -2, 2]) {
    const from = cj + 4 * b;
    if (from >= 0 && complete(cols[ci + 1], from, from + 4) && complete(cols[ci + 3], from, from + 4)) {
      oneway.set(`col:${ci + 1}:${from}`, 1);
      oneway.set(`col:${ci + 3}:${from}`, -1);
      break;
    }
  }
  for (const a of [0, -1, 1, -2, 2]) {
    const from = ci + 4 * a;
    if (from >= 0 && complete(rows[cj + 1], from, from + 4) && complete(rows[cj + 3], from, from + 4)) {
      oneway.set(`row:${cj + 1}:${from}`, 1);
      oneway.set(`row:${cj + 3}:${from}`, -1);
      break;
    }
  }

  // Named roads: runs of existing edges, split at bridges and, for local streets, at arterial crossings.
  for (const line of lines) {
    const lineName = line.cls === 'local' ? null : city.names.road(line.cls);
    const cum: number[] = [0];
    line.edges.forEach((_, k) => {
      const a = line.nodes[k]!;
      const b = line.nodes[k + 1]!;
      cum.push(cum[k]! + Math.hypot(mesh.x[b]! - mesh.x[a]!, mesh.y[b]! - mesh.y[a]!));
    });
    const segmentNames = new Map<number, { name: string; cls: RoadClass; start: number }>();
    const segmentOf = (k: number): { name: string; cls: RoadClass; start: number } => {
      let start = k;
      while (start > 0 && !line.arterialAt.has(start)) start--;
      let seg = segmentNames.get(start);
      if (!seg) {
        const cls: RoadClass = rng.chance(0.25) ? 'tertiary' : 'residential';
        seg = { name: city.names.road('local').name, cls, start };
        segmentNames.set(start, seg);
      }
      return seg;
    };
    let k = 0;
    while (k < line.edges.length) {
      const state = edgeState[line.edges[k]!]!;
      if (!state) {
        k++;
        continue;
      }
      const seg = line.cls === 'local' ? segmentOf(k) : null;
      let end = k + 1;
      while (
        end < line.edges.length &&
        edgeState[line.edges[end]!] === state &&
        !(line.cls === 'local' && line.arterialAt.has(end))
      )
        end++;
      const cls: RoadClass = seg ? seg.cls : (line.cls as Exclude<LineClass, 'local'>);
      const name = state === 2 ? `${lineName!.word}大桥` : seg ? seg.name : lineName!.name;
      const origin = seg ? cum[seg.start]! : 0;
      const dir = seg ? oneway.get(`${line.kind}:${line.index}:${seg.start}`) : undefined;
      let coords = line.nodes.slice(k, end + 1).map((n) => toLonLat(mesh.x[n]!, mesh.y[n]!));
      if (dir === -1) coords = coords.reverse();
      const road: CityRoad = {
        id: `R${city.code}${String(roads.length + 1).padStart(6, '0')}`,
        name,
        roadClass: cls,
        oneway: dir !== undefined,
        bridge: state === 2,
        coords,
      };
      roads.push(road);
      for (let t = k; t < end; t++) {
        const e = line.edges[t]!;
        city.edgeRoad[e] = road;
        city.edgeStartM[e] = cum[t]! - origin;
        city.edgeLenM[e] = cum[t + 1]! - cum[t]!;
      }
      k = end;
    }
  }
}

/** Drops lattice edges not connected to the central street network (islands cut off by the river or outline). */
function keepConnected(city: CityBuild, lines: Line[]): void {
  const { mesh, edgeState } = city;
  const adj = new Map<number, number[]>();
  const link = (a: number, b: number): void => {
    (adj.get(a) ?? adj.set(a, []).get(a)!).push(b);
  };
  for (const line of lines) {
    line.edges.forEach((e, k) => {
      if (!edgeState[e]) return;
      link(line.nodes[k]!, line.nodes[k + 1]!);
      link(line.nodes[k + 1]!, line.nodes[k]!);
    });
  }
  const centre = nodeAt(mesh, Math.round(mesh.nx / 2), Math.round(mesh.ny / 2));
  let start = -1;
  let bd = Infinity;
  for (const n of adj.keys()) {
    const d = Math.hypot(mesh.x[n]! - mesh.x[centre]!, mesh.y[n]! - mesh.y[centre]!);
    if (d < bd || (d === bd && n < start)) {
      bd = d;
      start = n;
    }
  }
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const m of adj.get(stack.pop()!) ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  for (const line of lines) {
    line.edges.forEach((e, k) => {
      if (edgeState[e] && !seen.has(line.nodes[k]!)) edgeState[e] = 0;
    });
  }
}

/** Splits a polyline (metres) into dry and wet runs; wet runs become bridges. */
function splitByWater(
  points: [number, number][],
  rivers: readonly River[],
): { points: [number, number][]; bridge: boolean }[] {
  const runs: { points: [number, number][]; bridge: boolean }[] = [];
  for (let k = 0; k < points.length - 1; k++) {
    const [ax, ay] = points[k]!;
    const [bx, by] = points[k + 1]!;
    const wet = segmentWet(rivers, ax, ay, bx, by, BANK_M);
    const last = runs[runs.length - 1];
    if (last && last.bridge === wet) last.points.push(points[k + 1]!);
    else runs.push({ points: [points[k]!, points[k + 1]!], bridge: wet });
  }
  return runs;
}

function pushPolyline(
  roads: CityRoad[],
  code: string,
  points: [number, number][],
  rivers: readonly River[],
  base: { name: string; bridgeName: string; roadClass: RoadClass },
): void {
  for (const run of splitByWater(points, rivers)) {
    roads.push({
      id: `R${code}${String(roads.length + 1).padStart(6, '0')}`,
      name: run.bridge ? base.bridgeName : base.name,
      roadClass: base.roadClass,
      oneway: false,
      bridge: run.bridge,
      coords: run.points.map(([x, y]) => toLonLat(x, y)),
    });
  }
}

/** Lattice nodes on an arterial with a road, as candidates for interchange links. */
function arterialNodes(city: CityBuild): { node: number; road: string }[] {
  const { mesh } = city;
  const out: { node: number; road: string }[] = [];
  const seen = new Set<number>();
  for (const line of latticeLines(city)) {
    if (line.cls !== 'trunk' && line.cls !== 'primary') continue;
    line.edges.forEach((e, k) => {
      if (city.edgeState[e] !== 1) return;
      for (const n of [line.nodes[k]!, line.nodes[k + 1]!]) {
        if (seen.has(n) || isWet([city.river], mesh.x[n]!, mesh.y[n]!, BANK_M)) continue;
        seen.add(n);
        out.push({ node: n, road: city.edgeRoad[e]!.name });
      }
    });
  }
  return out;
}

/** The expressway ring, its interchanges with arterials, and radials out to the edge of the city. */
function buildExpressways(city: CityBuild, roads: CityRoad[]): void {
  const { mesh, spec } = city;
  const rng = city.rng.fork('expressways');
  const rivers = [city.river];
  const cx = mesh.x[nodeAt(mesh, Math.round(mesh.nx / 2), Math.round(mesh.ny / 2))]!;
  const cy = mesh.y[nodeAt(mesh, Math.round(mesh.nx / 2), Math.round(mesh.ny / 2))]!;
  const rot = Math.atan2(
    mesh.y[nodeAt(mesh, mesh.nx, Math.round(mesh.ny / 2))]! - mesh.y[nodeAt(mesh, 0, Math.round(mesh.ny / 2))]!,
    mesh.x[nodeAt(mesh, mesh.nx, Math.round(mesh.ny / 2))]! - mesh.x[nodeAt(mesh, 0, Math.round(mesh.ny / 2))]!,
  );
  const a = (0.5 * (mesh.nx * spec.spacingM)) / 2;
  const b = (0.5 * (mesh.ny * spec.spacingM)) / 2;
  const wob = rng.range(0, 2 * Math.PI);
  const count = Math.ceil((2 * Math.PI * Math.max(a, b)) / 150);
  const ring: [number, number][] = [];
  for (let k = 0; k < count; k++) {
    const th = (2 * Math.PI * k) / count;
    const r = 1 + 0.04 * Math.sin(3 * th + wob);
    const px = a * r * Math.cos(th);
    const py = b * r * Math.sin(th);
    ring.push([cx + px * Math.cos(rot) - py * Math.sin(rot), cy + px * Math.sin(rot) + py * Math.cos(rot)]);
  }
  const dryAt = (k: number): boolean => {
    const p = ring[k % count]!;
    const n = ring[(k + 1) % count]!;
    const q = ring[(k + count - 1) % count]!;
    return !segmentWet(rivers, q[0], q[1], p[0], p[1], BANK_M) && !segmentWet(rivers, p[0], p[1], n[0], n[1], BANK_M);
  };
  let start = 0;
  while (start < count && !dryAt(start)) start++;
  const closed = [...ring.slice(start), ...ring.slice(0, start), ring[start]!];
  const short = city.name.replace(/市$/, '');
  pushPolyline(roads, city.code, closed, rivers, {
    name: `${short}绕城高速`,
    bridgeName: `${short}绕城高速${city.river.name}大桥`,
    roadClass: 'motorway',
  });

  const candidates = arterialNodes(city);
  const link = (px: number, py: number, maxM: number, name: (road: string) => string): boolean => {
    const side = riverSide(rivers, px, py);
    let best: { node: number; road: string } | null = null;
    let bd = maxM;
    for (const c of candidates) {
      const d = Math.hypot(mesh.x[c.node]! - px, mesh.y[c.node]! - py);
      if (d < bd && riverSide(rivers, mesh.x[c.node]!, mesh.y[c.node]!) === side) {
        if (segmentWet(rivers, px, py, mesh.x[c.node]!, mesh.y[c.node]!, BANK_M)) continue;
        bd = d;
        best = c;
      }
    }
    if (!best) return false;
    roads.push({
      id: `R${city.code}${String(roads.length + 1).padStart(6, '0')}`,
      name: name(best.road),
      roadClass: 'motorway_link',
      oneway: false,
      bridge: false,
      coords: [toLonLat(px, py), toLonLat(mesh.x[best.node]!, mesh.y[best.node]!)],
    });
    return true;
  };
  const phase = rng.range(0, Math.PI / 3);
  for (let k = 0; k < 6; k++) {
    const idx = Math.round(((phase + (k * Math.PI) / 3) / (2 * Math.PI)) * count) % count;
    if (!dryAt(idx)) continue;
    link(ring[idx]![0], ring[idx]![1], 700, (road) => `${road}立交`);
  }
  // Radials: from the ring outwards, ending in a link to the outermost arterial junction in their direction.
  for (let r = 0; r < 4; r++) {
    const th = phase + Math.PI / 6 + (r * Math.PI) / 2;
    const idx = Math.round((th / (2 * Math.PI)) * count) % count;
    if (!dryAt(idx)) continue;
    const [px, py] = ring[idx]!;
    const dx = px - cx;
    const dy = py - cy;
    const len = Math.hypot(dx, dy);
    const ux = dx / len;
    const uy = dy / len;
    let target = -1;
    let bestScore = -Infinity;
    for (const c of candidates) {
      const qx = mesh.x[c.node]! - px;
      const qy = mesh.y[c.node]! - py;
      const score = qx * ux + qy * uy - 2 * Math.abs(qx * uy - qy * ux);
      if (score > bestScore) {
        bestScore = score;
        target = c.node;
      }
    }
    if (target < 0) continue;
    const tx = mesh.x[target]!;
    const ty = mesh.y[target]!;
    const dist = Math.hypot(tx - px, ty - py) - 250;
    if (dist < 1000) continue;
    const ex = px + ((tx - px) / (dist + 250)) * dist;
    const ey = py + ((ty - py) / (dist + 250)) * dist;
    if (isWet(rivers, ex, ey, BANK_M)) continue;
    const steps = Math.ceil(dist / 200);
    const pts: [number, number][] = [];
    for (let s = 0; s <= steps; s++) pts.push([px + ((ex - px) * s) / steps, py + ((ey - py) * s) / steps]);
    const word = city.names.road('motorway');
    pushPolyline(roads, city.code, pts, rivers, {
      name: word.name,
      bridgeName: `${word.word}高速${city.river.name}大桥`,
      roadClass: 'motorway',
    });
    link(ex, ey, 400, (road) => `${word.name}${road}出口`);
    city.radialEnds.push({ x: ex, y: ey, ux, uy });
  }
}

/** An expressway between two cities' radial ends facing each other. */
function addIntercity(a: CityBuild, b: CityBuild, rivers: readonly River[], roads: CityRoad[]): void {
  const facing = (from: CityBuild, to: CityBuild) => {
    const centre = (c: CityBuild): [number, number] => {
      const n = nodeAt(c.mesh, Math.round(c.mesh.nx / 2), Math.round(c.mesh.ny / 2));
      return [c.mesh.x[n]!, c.mesh.y[n]!];
    };
    const [fx, fy] = centre(from);
    const [tx, ty] = centre(to);
    const d = Math.hypot(tx - fx, ty - fy);
    let best = from.radialEnds[0];
    for (const e of from.radialEnds) {
      if (e.ux * (tx - fx) + e.uy * (ty - fy) > best!.ux * (tx - fx) + best!.uy * (ty - fy)) best = e;
    }
    return best && (best.ux * (tx - fx) + best.uy * (ty - fy)) / d > 0 ? best : undefined;
  };
  const ea = facing(a, b);
  const eb = facing(b, a);
  if (!ea || !eb) return;
  const len = Math.hypot(eb.x - ea.x, eb.y - ea.y);
  const steps = Math.ceil(len / 400);
  const pts: [number, number][] = [];
  for (let s = 0; s <= steps; s++) pts.push([ea.x + ((eb.x - ea.x) * s) / steps, ea.y + ((eb.y - ea.y) * s) / steps]);
  const name = `${a.name[0]}${b.name[0]}高速`;
  pushPolyline(roads, a.code, pts, rivers, { name, bridgeName: `${name}大桥`, roadClass: 'motorway' });
}

/** Removes roads touching vertices outside the largest strongly connected component (none expected). */
function pruneToStrongComponent(roads: CityRoad[]): void {
  for (let round = 0; round < 3; round++) {
    const graph = buildRoadGraph(roads);
    const scc = stronglyConnectedComponents(graph);
    if (scc.count <= 1) return;
    const bad = new Set<string>();
    for (let v = 0; v < graph.vertexCount; v++) {
      if (scc.component[v] !== scc.largest) bad.add(`${graph.lon[v]},${graph.lat[v]}`);
    }
    const keep = roads.filter((r) => !r.coords.some(([lon, lat]) => bad.has(`${lon},${lat}`)));
    roads.splice(0, roads.length, ...keep);
  }
}

/** Station buildings (one per station, on its best street) and then ordinary addresses along the streets. */
function placeStationsAndAddresses(city: CityBuild, out: CityGeography): void {
  const { mesh, cellGrid, grids, edgeState } = city;
  const rng = city.rng.fork('addresses');
  const live = new Set(out.roads);
  const roadOf = (e: number): CityRoad | null => {
    const road = city.edgeRoad[e]!;
    return road && live.has(road) ? road : null;
  };
  const lines = latticeLines(city);
  // (edge, side) → the cell on that side: side 0 = left (odd numbers), 1 = right (even numbers).
  const slots: { e: number; side: 0 | 1; cell: number; line: Line; k: number }[] = [];
  for (const line of lines) {
    line.edges.forEach((e, k) => {
      if (edgeState[e] !== 1 || !roadOf(e)) return;
      for (const side of [0, 1] as const) {
        const cell = side === 0 ? line.left[k]! : line.right[k]!;
        if (cell >= 0 && cellGrid[cell]! >= 0) slots.push({ e, side, cell, line, k });
      }
    });
  }
  const at = (slot: (typeof slots)[number], t: number, s: number): [number, number] => {
    // Bilinear position in the cell: t along the street (in its direction), s away from it.
    const { line, side, cell } = slot;
    if (line.kind === 'col') return side === 0 ? cellPoint(mesh, cell, 1 - s, t) : cellPoint(mesh, cell, s, t);
    return side === 0 ? cellPoint(mesh, cell, t, s) : cellPoint(mesh, cell, t, 1 - s);
  };
  const rank = (cls: RoadClass): number =>
    ({ trunk: 0, primary: 0, secondary: 1, tertiary: 2, residential: 3 })[cls as string] ?? 4;
  const addresses = out.addresses;
  const make = (
    slot: (typeof slots)[number],
    t: number,
    building: number,
    point: [number, number],
    kind: CityAddress['kind'],
    dims: { units: number; floors: number; roomsPerFloor: number },
  ): CityAddress => {
    const road = roadOf(slot.e)!;
    const distM = city.edgeStartM[slot.e]! + t * city.edgeLenM[slot.e]!;
    const doorNumber = 2 * Math.floor(distM / 10) + (slot.side === 0 ? 1 : 2);
    const grid = grids[cellGrid[slot.cell]!]!;
    const a: CityAddress = {
      id: `A${city.code}${String(addresses.length + 1).padStart(7, '0')}`,
      gridId: grid.id,
      province: PROVINCE.name,
      city: city.name,
      district: grid.district,
      street: `${road.name}${doorNumber}号`,
      roadName: road.name,
      doorNumber,
      community: grid.community,
      building: `${building}栋`,
      ...dims,
      kind,
      location: toLonLat(point[0], point[1]),
      roadId: road.id,
    };
    addresses.push(a);
    return a;
  };

  // Stations first, so their door is theirs alone.
  for (const region of city.stationRegions) {
    const cells = new Set(region.cells);
    let mx = 0;
    let my = 0;
    for (const c of region.cells) {
      mx += mesh.cx[c]!;
      my += mesh.cy[c]!;
    }
    mx /= region.cells.length;
    my /= region.cells.length;
    let best: (typeof slots)[number] | null = null;
    let bestScore = Infinity;
    for (const slot of slots) {
      if (!cells.has(slot.cell)) continue;
      const [px, py] = at(slot, 0.5, 0.12);
      if (isWet([city.river], px, py, BANK_M)) continue;
      const score = rank(roadOf(slot.e)!.roadClass) * 1500 + Math.hypot(px - mx, py - my);
      if (score < bestScore) {
        bestScore = score;
        best = slot;
      }
    }
    if (!best) throw new Error(`station ${region.id} has no street to stand on`);
    city.reserved.add(best.e * 2 + best.side);
    const a = make(best, 0.5, 1, at(best, 0.5, 0.12), 'public', { units: 1, floors: rng.int(3, 6), roomsPerFloor: 6 });
    const station: CityStation = { id: region.id, name: region.name, location: a.location, addressId: a.id };
    out.stations.push(station);
  }

  for (const slot of slots) {
    if (city.reserved.has(slot.e * 2 + slot.side) || !rng.chance(city.spec.doorChance)) continue;
    const road = roadOf(slot.e)!;
    const rho = city.rho[slot.cell]!;
    const r = rank(road.roadClass);
    const kind: CityAddress['kind'] =
      rho > 0.8 && r <= 1 && rng.chance(0.5)
        ? 'industrial'
        : rng.weighted<CityAddress['kind']>(
            r === 0
              ? [
                  ['commercial', 6],
                  ['residential', 3],
                  ['public', 1],
                ]
              : r === 1
                ? [
                    ['residential', 6],
                    ['commercial', 3],
                    ['public', 1],
                  ]
                : [
                    ['residential', 18],
                    ['commercial', 1],
                    ['public', 1],
                  ],
          );
    const t0 = rng.range(0.25, 0.6);
    const count = kind === 'residential' ? rng.int(1, city.spec.maxCompound) : 1;
    for (let bIdx = 0; bIdx < count; bIdx++) {
      const t = t0 + (bIdx % 3) * 0.12;
      const s = 0.15 + Math.floor(bIdx / 3) * 0.2;
      const p = at(slot, t, s);
      if (isWet([city.river], p[0], p[1], BANK_M)) continue;
      make(slot, t0, bIdx + 1, p, kind, dimensions(rng, kind, rho));
    }
  }
}

/** Building dimensions by kind and distance from the centre (old town low-rise, new districts high-rise). */
function dimensions(
  rng: GeoRng,
  kind: CityAddress['kind'],
  rho: number,
): { units: number; floors: number; roomsPerFloor: number } {
  switch (kind) {
    case 'residential':
      return rho < 0.22
        ? { units: rng.int(2, 4), floors: rng.int(4, 7), roomsPerFloor: 2 }
        : {
            units: rng.int(1, 3),
            floors: rng.weighted([
              [6, 2],
              [11, 2],
              [18, 3],
              [26, 2],
              [33, 1],
            ]),
            roomsPerFloor: rng.int(2, 4),
          };
    case 'commercial':
      return { units: 1, floors: rng.int(2, 28), roomsPerFloor: rng.int(4, 10) };
    case 'industrial':
      return { units: 1, floors: rng.int(1, 4), roomsPerFloor: rng.int(1, 4) };
    default:
      return { units: 1, floors: rng.int(2, 6), roomsPerFloor: rng.int(4, 8) };
  }
}

/** Convex hull (Andrew's monotone chain), counter-clockwise and closed. */
function convexHull(points: LonLat[]): LonLat[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: LonLat, a: LonLat, b: LonLat): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: LonLat[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: LonLat[] = [];
  for (const q of [...p].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  const hull = [...lower.slice(0, -1), ...upper.slice(0, -1)];
  return [...hull, hull[0]!];
}
