/**
 * The city's block mesh: a perturbed lattice of street junctions in a local metric frame (metres east and
 * north of the province centre). Cells are the blocks between streets; every jurisdiction is a union of
 * cells, so boundaries run along streets, siblings never overlap and children exactly cover their parent.
 *
 * Node (i, j) has index j·(nx+1)+i; cell (i, j) has index j·nx+i and corners (i,j) (i+1,j) (i+1,j+1) (i,j+1).
 */
import { MinHeap } from '../../server/modules/geo/min.heap.ts';
import type { GeoRng } from './geography.prng.ts';

/** A perturbed lattice: cell counts and node positions in metres. */
export interface Mesh {
  nx: number;
  ny: number;
  /** Node positions (metres, province frame). */
  x: Float64Array;
  y: Float64Array;
  /** Cell centres (mean of the four corners). */
  cx: Float64Array;
  cy: Float64Array;
}

/** Options of createMesh. */
export interface MeshOptions {
  nx: number;
  ny: number;
  spacingM: number;
  /** Centre of the lattice in the province frame (metres). */
  originX: number;
  originY: number;
  /** Grid rotation in radians. */
  rotation: number;
}

/** Builds the lattice: a rotated grid, warped by slow waves and jittered per node (quads stay convex). */
export function createMesh(rng: GeoRng, o: MeshOptions): Mesh {
  const { nx, ny, spacingM: s } = o;
  const x = new Float64Array((nx + 1) * (ny + 1));
  const y = new Float64Array(x.length);
  const waves = Array.from({ length: 4 }, () => ({
    amp: rng.range(0.25, 0.6) * s,
    freq: rng.range(0.6, 1.6),
    phase: rng.range(0, 2 * Math.PI),
  }));
  const cos = Math.cos(o.rotation);
  const sin = Math.sin(o.rotation);
  for (let j = 0; j <= ny; j++) {
    for (let i = 0; i <= nx; i++) {
      const u = i / nx;
      const v = j / ny;
      let bx = (i - nx / 2) * s + waves[0]!.amp * Math.sin(2 * Math.PI * waves[0]!.freq * v + waves[0]!.phase);
      let by = (j - ny / 2) * s + waves[1]!.amp * Math.sin(2 * Math.PI * waves[1]!.freq * u + waves[1]!.phase);
      bx += waves[2]!.amp * 0.5 * Math.sin(2 * Math.PI * waves[2]!.freq * u + waves[2]!.phase);
      by += waves[3]!.amp * 0.5 * Math.sin(2 * Math.PI * waves[3]!.freq * v + waves[3]!.phase);
      bx += rng.range(-0.1, 0.1) * s;
      by += rng.range(-0.1, 0.1) * s;
      const k = j * (nx + 1) + i;
      x[k] = o.originX + bx * cos - by * sin;
      y[k] = o.originY + bx * sin + by * cos;
    }
  }
  const cx = new Float64Array(nx * ny);
  const cy = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [a, b, c, d] = cellCorners({ nx } as Mesh, j * nx + i);
      cx[j * nx + i] = (x[a]! + x[b]! + x[c]! + x[d]!) / 4;
      cy[j * nx + i] = (y[a]! + y[b]! + y[c]! + y[d]!) / 4;
    }
  }
  return { nx, ny, x, y, cx, cy };
}

/** Node index of lattice position (i, j). */
export function nodeAt(mesh: Pick<Mesh, 'nx'>, i: number, j: number): number {
  return j * (mesh.nx + 1) + i;
}

/** The four corner nodes of a cell, counter-clockwise from its south-west corner. */
export function cellCorners(mesh: Pick<Mesh, 'nx'>, cell: number): [number, number, number, number] {
  const i = cell % mesh.nx;
  const j = (cell - i) / mesh.nx;
  const w = mesh.nx + 1;
  return [j * w + i, j * w + i + 1, (j + 1) * w + i + 1, (j + 1) * w + i];
}

/** A point inside a cell by bilinear coordinates (u east, v north, both in (0, 1)): always inside the quad. */
export function cellPoint(mesh: Mesh, cell: number, u: number, v: number): [number, number] {
  const [a, b, c, d] = cellCorners(mesh, cell);
  const px = (1 - u) * (1 - v) * mesh.x[a]! + u * (1 - v) * mesh.x[b]! + u * v * mesh.x[c]! + (1 - u) * v * mesh.x[d]!;
  const py = (1 - u) * (1 - v) * mesh.y[a]! + u * (1 - v) * mesh.y[b]! + u * v * mesh.y[c]! + (1 - u) * v * mesh.y[d]!;
  return [px, py];
}

/** The 4-neighbours of a cell (-1 outside the lattice): south, east, north, west. */
export function cellNeighbours(mesh: Pick<Mesh, 'nx' | 'ny'>, cell: number): [number, number, number, number] {
  const i = cell % mesh.nx;
  const j = (cell - i) / mesh.nx;
  return [
    j > 0 ? cell - mesh.nx : -1,
    i < mesh.nx - 1 ? cell + 1 : -1,
    j < mesh.ny - 1 ? cell + mesh.nx : -1,
    i > 0 ? cell - 1 : -1,
  ];
}

/**
 * The boundary of a 4-connected set of cells as rings of node indices (closed: first = last): the outer ring
 * counter-clockwise first, then holes clockwise. At a vertex where two cells of the set touch only diagonally
 * the trace turns left, keeping them apart, so rings never cross.
 */
export function traceRegion(mesh: Mesh, cells: readonly number[], mask: Uint8Array): number[][] {
  for (const c of cells) mask[c] = 1;
  const from: number[] = [];
  const to: number[] = [];
  const dir: number[] = [];
  const outgoing = new Map<number, number[]>();
  const add = (a: number, b: number, d: number): void => {
    const e = from.length;
    from.push(a);
    to.push(b);
    dir.push(d);
    const list = outgoing.get(a);
    if (list) list.push(e);
    else outgoing.set(a, [e]);
  };
  for (const c of cells) {
    const [s, e, n, w] = cellNeighbours(mesh, c);
    const [p00, p10, p11, p01] = cellCorners(mesh, c);
    if (s < 0 || !mask[s]) add(p00, p10, 0);
    if (e < 0 || !mask[e]) add(p10, p11, 1);
    if (n < 0 || !mask[n]) add(p11, p01, 2);
    if (w < 0 || !mask[w]) add(p01, p00, 3);
  }
  for (const c of cells) mask[c] = 0;
  // Each incoming edge has exactly one successor under the left-first rule, so tracing follows a permutation.
  const used = new Uint8Array(from.length);
  const rings: number[][] = [];
  for (let start = 0; start < from.length; start++) {
    if (used[start]) continue;
    const ring = [from[start]!];
    let e = start;
    for (let guard = 0; guard <= from.length; guard++) {
      used[e] = 1;
      ring.push(to[e]!);
      const next = pickTurn(outgoing.get(to[e]!) ?? [], dir, dir[e]!);
      if (next < 0 || next === start) break;
      e = next;
    }
    rings.push(ring);
  }
  const area = (r: number[]): number => {
    let a = 0;
    for (let k = 0; k < r.length - 1; k++)
      a += mesh.x[r[k]!]! * mesh.y[r[k + 1]!]! - mesh.x[r[k + 1]!]! * mesh.y[r[k]!]!;
    return a / 2;
  };
  const outer = rings.filter((r) => area(r) > 0);
  if (outer.length !== 1) throw new Error(`region is not 4-connected (${outer.length} outer rings)`);
  return [outer[0]!, ...rings.filter((r) => area(r) <= 0)];
}

/** Left turn first, then straight, then right (region on the left). */
function pickTurn(list: number[], dir: number[], incoming: number): number {
  for (const want of [(incoming + 1) % 4, incoming, (incoming + 3) % 4]) {
    for (const e of list) if (dir[e] === want) return e;
  }
  return -1;
}

/** Per-cell growth costs for partitionCells (rough regions where high, compact where uniform). */
export function cellNoise(rng: GeoRng, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let c = 0; c < count; c++) out[c] = rng.range(0.7, 1.3);
  return out;
}

/**
 * Splits a 4-connected set of cells into k 4-connected parts of similar size: k well-spread seeds (farthest
 * point sampling, then two Lloyd steps), grown together by a multi-source Dijkstra over noisy cell costs.
 * Parts come back north-west first, each sorted by cell index.
 */
export function partitionCells(
  mesh: Mesh,
  cells: readonly number[],
  k: number,
  noise: Float64Array,
  owner: Int32Array,
): number[][] {
  const n = cells.length;
  k = Math.max(1, Math.min(k, n));
  if (k === 1) return [[...cells].sort((a, b) => a - b)];
  const { cx, cy } = mesh;
  let mx = 0;
  let my = 0;
  for (const c of cells) {
    mx += cx[c]!;
    my += cy[c]!;
  }
  mx /= n;
  my /= n;
  const nearestTo = (px: number, py: number, among: readonly number[]): number => {
    let best = among[0]!;
    let bd = Infinity;
    for (const c of among) {
      const d = (cx[c]! - px) ** 2 + (cy[c]! - py) ** 2;
      if (d < bd) {
        bd = d;
        best = c;
      }
    }
    return best;
  };
  const seeds = [nearestTo(mx, my, cells)];
  const dmin = new Float64Array(n).fill(Infinity);
  while (seeds.length < k) {
    const last = seeds[seeds.length - 1]!;
    let far = -1;
    let fd = -1;
    for (let t = 0; t < n; t++) {
      const c = cells[t]!;
      dmin[t] = Math.min(dmin[t]!, (cx[c]! - cx[last]!) ** 2 + (cy[c]! - cy[last]!) ** 2);
      if (dmin[t]! > fd) {
        fd = dmin[t]!;
        far = c;
      }
    }
    seeds.push(far);
  }
  for (let iter = 0; iter < 2; iter++) {
    const groups: number[][] = seeds.map(() => []);
    for (const c of cells) {
      let best = 0;
      let bd = Infinity;
      seeds.forEach((s, idx) => {
        const d = (cx[c]! - cx[s]!) ** 2 + (cy[c]! - cy[s]!) ** 2;
        if (d < bd) {
          bd = d;
          best = idx;
        }
      });
      groups[best]!.push(c);
    }
    groups.forEach((g, idx) => {
      if (g.length === 0) return;
      let gx = 0;
      let gy = 0;
      for (const c of g) {
        gx += cx[c]!;
        gy += cy[c]!;
      }
      seeds[idx] = nearestTo(gx / g.length, gy / g.length, g);
    });
  }
  // Grow: owner[c] = part index, -1 unclaimed inside the set, -2 outside (callers keep owner at -2).
  for (const c of cells) owner[c] = -1;
  const dist = new Map<number, number>();
  const heap = new MinHeap(n * 2);
  seeds.forEach((s) => {
    dist.set(s, 0);
    heap.push(s, 0);
  });
  const seedOwner = new Map(seeds.map((s, idx) => [s, idx]));
  const from = new Map<number, number>();
  while (heap.size > 0) {
    const d = heap.peekKey();
    const c = heap.pop();
    if (owner[c]! >= 0 || d > dist.get(c)!) continue;
    owner[c] = seedOwner.has(c) ? seedOwner.get(c)! : owner[from.get(c)!]!;
    for (const nb of cellNeighbours(mesh, c)) {
      if (nb < 0 || owner[nb] !== -1) continue;
      const nd = d + Math.hypot(cx[nb]! - cx[c]!, cy[nb]! - cy[c]!) * noise[nb]!;
      if (nd < (dist.get(nb) ?? Infinity)) {
        dist.set(nb, nd);
        from.set(nb, c);
        heap.push(nb, nd);
      }
    }
  }
  const parts: { seed: number; cells: number[] }[] = seeds.map((s) => ({ seed: s, cells: [] }));
  for (const c of cells) {
    parts[owner[c]!]!.cells.push(c);
    owner[c] = -2;
  }
  parts.sort((a, b) => cy[b.seed]! - cy[a.seed]! || cx[a.seed]! - cx[b.seed]!);
  return parts.map((p) => p.cells.sort((a, b) => a - b));
}
