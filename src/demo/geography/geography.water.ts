/**
 * The river: a meandering band described in its own frame (u along the river, v across). The same samples
 * give the water polygon and the "is this point wet" test, so the two agree exactly: roads are kept at least
 * a bank margin away from the polygon unless they are bridges.
 */
import type { GeoRng } from './geography.prng.ts';

/** A river band: origin, direction, and centre-line offset and half-width sampled along u. */
export interface River {
  name: string;
  ox: number;
  oy: number;
  /** Unit vector along the river; the across axis is (-dy, dx). */
  dx: number;
  dy: number;
  u0: number;
  du: number;
  centre: Float64Array;
  halfWidth: Float64Array;
}

/** Options of createRiver. */
export interface RiverOptions {
  name: string;
  /** A point the river passes near, and its general direction (radians). */
  ox: number;
  oy: number;
  angle: number;
  /** Half its length (metres) and the amplitude scale of its meanders. */
  halfLengthM: number;
  meanderM: number;
}

/** Generates a river band. */
export function createRiver(rng: GeoRng, o: RiverOptions): River {
  const du = 60;
  const n = Math.ceil((2 * o.halfLengthM) / du) + 1;
  const centre = new Float64Array(n);
  const halfWidth = new Float64Array(n);
  const m1 = { a: o.meanderM * rng.range(0.6, 1), l: rng.range(5000, 9000), p: rng.range(0, 2 * Math.PI) };
  const m2 = { a: o.meanderM * rng.range(0.2, 0.4), l: rng.range(1800, 3200), p: rng.range(0, 2 * Math.PI) };
  const w = { base: rng.range(85, 110), a: rng.range(10, 25), l: rng.range(2500, 5000), p: rng.range(0, 6) };
  for (let k = 0; k < n; k++) {
    const u = -o.halfLengthM + k * du;
    centre[k] =
      m1.a * Math.sin((2 * Math.PI * u) / m1.l + m1.p) +
      m2.a * Math.sin((2 * Math.PI * u) / m2.l + m2.p) -
      m1.a * Math.sin(m1.p) -
      m2.a * Math.sin(m2.p);
    halfWidth[k] = w.base + w.a * Math.sin((2 * Math.PI * u) / w.l + w.p);
  }
  return {
    name: o.name,
    ox: o.ox,
    oy: o.oy,
    dx: Math.cos(o.angle),
    dy: Math.sin(o.angle),
    u0: -o.halfLengthM,
    du,
    centre,
    halfWidth,
  };
}

/** Signed distance across the band from the centre line and the half-width there; null beyond the river's ends. */
export function riverOffset(r: River, x: number, y: number): { dv: number; hw: number } | null {
  const px = x - r.ox;
  const py = y - r.oy;
  const u = px * r.dx + py * r.dy;
  const v = -px * r.dy + py * r.dx;
  const f = (u - r.u0) / r.du;
  const k = Math.floor(f);
  if (k < 0 || k >= r.centre.length - 1) return null;
  const t = f - k;
  const c = r.centre[k]! * (1 - t) + r.centre[k + 1]! * t;
  const hw = r.halfWidth[k]! * (1 - t) + r.halfWidth[k + 1]! * t;
  return { dv: v - c, hw };
}

/** True when (x, y) lies in the water or within `marginM` of it. */
export function isWet(rivers: readonly River[], x: number, y: number, marginM: number): boolean {
  for (const r of rivers) {
    const o = riverOffset(r, x, y);
    if (o && Math.abs(o.dv) < o.hw + marginM) return true;
  }
  return false;
}

/** True when the straight segment touches the water (or its margin) or crosses a river's centre line. */
export function segmentWet(
  rivers: readonly River[],
  ax: number,
  ay: number,
  bx: number,
  by: number,
  marginM: number,
): boolean {
  const len = Math.hypot(bx - ax, by - ay);
  const steps = Math.max(2, Math.ceil(len / 10));
  for (const r of rivers) {
    let side = 0;
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      const o = riverOffset(r, ax + t * (bx - ax), ay + t * (by - ay));
      if (!o) continue;
      if (Math.abs(o.dv) < o.hw + marginM) return true;
      const sgn = Math.sign(o.dv);
      if (side !== 0 && sgn !== side) return true;
      side = sgn;
    }
  }
  return false;
}

/** The side of the river a point is on (+1/-1), 0 when beyond the river's ends; per river in order. */
export function riverSide(rivers: readonly River[], x: number, y: number): string {
  return rivers.map((r) => Math.sign(riverOffset(r, x, y)?.dv ?? 0)).join(',');
}

/** The water polygon's outer ring in metres (closed), one bank forward and the other back. */
export function riverRing(r: River): [number, number][] {
  const ring: [number, number][] = [];
  const at = (k: number, sign: number): [number, number] => {
    const u = r.u0 + k * r.du;
    const v = r.centre[k]! + sign * r.halfWidth[k]!;
    return [r.ox + u * r.dx - v * r.dy, r.oy + u * r.dy + v * r.dx];
  };
  for (let k = 0; k < r.centre.length; k++) ring.push(at(k, -1));
  for (let k = r.centre.length - 1; k >= 0; k--) ring.push(at(k, 1));
  ring.push(ring[0]!);
  return ring;
}
