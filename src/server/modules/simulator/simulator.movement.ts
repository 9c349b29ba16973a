/**
 * Driving along a road route: a route's polyline (from the road search) is followed at a constant speed that
 * covers it in the route's duration, so a simulated unit is always on the road and arrives when the router
 * said it would. Pure.
 */
import { haversineM, route, type SnapIndex } from '../geo/index.ts';

/** A polyline with its cumulative lengths and how long driving it takes. */
export interface Drive {
  coords: readonly [number, number][];
  /** Metres from the start to each point. */
  cumM: Float64Array;
  lengthM: number;
  durationSec: number;
  /** Where the drive ends (the last point). */
  end: { lon: number; lat: number };
}

/** A drive along `coords` lasting `durationSec`. */
export function driveAlong(coords: readonly [number, number][], durationSec: number): Drive {
  if (coords.length === 0) throw new RangeError('a drive needs at least one point');
  const cumM = new Float64Array(coords.length);
  for (let i = 1; i < coords.length; i++) {
    const [a, b] = [coords[i - 1]!, coords[i]!];
    cumM[i] = cumM[i - 1]! + haversineM(a[0], a[1], b[0], b[1]);
  }
  const last = coords[coords.length - 1]!;
  return {
    coords,
    cumM,
    lengthM: cumM[coords.length - 1]!,
    durationSec: Math.max(0, durationSec),
    end: { lon: last[0], lat: last[1] },
  };
}

/**
 * The fastest road drive from `from` to `to` (null when there is no road route), slowed by `slowdown`
 * (1 = road speed; a patrol cruises slower). Starts and ends at the points' projections onto the road.
 */
export function planDrive(
  network: SnapIndex,
  from: { lon: number; lat: number },
  to: { lon: number; lat: number },
  opts: { departAt: Date; slowdown?: number },
): Drive | null {
  const r = route(network, from, to, { departAt: opts.departAt });
  if (!r || r.geometry.coordinates.length === 0) return null;
  return driveAlong(r.geometry.coordinates, r.properties.durationSec * (opts.slowdown ?? 1));
}

/** Where on the drive one is after `elapsedSec` (the end once the drive is over), and whether it is over. */
export function positionOn(drive: Drive, elapsedSec: number): { lon: number; lat: number; done: boolean } {
  if (elapsedSec >= drive.durationSec || drive.lengthM === 0) return { ...drive.end, done: true };
  const m = (Math.max(0, elapsedSec) / drive.durationSec) * drive.lengthM;
  // Binary search for the segment holding metre m.
  let lo = 0;
  let hi = drive.coords.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (drive.cumM[mid]! <= m) lo = mid;
    else hi = mid;
  }
  const seg = drive.cumM[hi]! - drive.cumM[lo]!;
  const f = seg > 0 ? (m - drive.cumM[lo]!) / seg : 0;
  const [a, b] = [drive.coords[lo]!, drive.coords[hi]!];
  return { lon: a[0] + f * (b[0] - a[0]), lat: a[1] + f * (b[1] - a[1]), done: false };
}

/** Metres of the drive still ahead after `elapsedSec`. */
export function remainingM(drive: Drive, elapsedSec: number): number {
  if (drive.durationSec === 0) return 0;
  return drive.lengthM * (1 - Math.min(1, Math.max(0, elapsedSec) / drive.durationSec));
}
