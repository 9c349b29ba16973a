/**
 * Addresses projected to a local metric frame (equirectangular around the city centre; error well under 1%
 * across a city) with a `flatbush` index, for "addresses within r metres" and "nearest address" lookups.
 */
import Flatbush from 'flatbush';
import type { CityAddress, LonLat } from '../city.model.ts';

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Spatial lookups over a fixed list of addresses (indices refer to that list). */
export class AddressIndex {
  private readonly tree: Flatbush;
  private readonly lon0: number;
  private readonly lat0: number;
  private readonly mx: number;
  private readonly my: number;
  /** Projected coordinates, x0,y0,x1,y1,… in metres. */
  readonly xy: Float64Array;

  constructor(readonly addresses: readonly CityAddress[]) {
    if (addresses.length === 0) throw new Error('address index: no addresses');
    let lonSum = 0;
    let latSum = 0;
    for (const a of addresses) {
      lonSum += a.location[0];
      latSum += a.location[1];
    }
    this.lon0 = lonSum / addresses.length;
    this.lat0 = latSum / addresses.length;
    this.my = EARTH_RADIUS_M * RAD;
    this.mx = this.my * Math.cos(this.lat0 * RAD);
    this.xy = new Float64Array(addresses.length * 2);
    this.tree = new Flatbush(addresses.length);
    addresses.forEach((a, i) => {
      const [x, y] = this.project(a.location);
      this.xy[2 * i] = x;
      this.xy[2 * i + 1] = y;
      this.tree.add(x, y, x, y);
    });
    this.tree.finish();
  }

  /** Lon/lat → metres in the local frame. */
  project(p: LonLat): [number, number] {
    return [(p[0] - this.lon0) * this.mx, (p[1] - this.lat0) * this.my];
  }

  /** Metres in the local frame → lon/lat rounded to 6 decimals. */
  unproject(x: number, y: number): LonLat {
    return [round6(this.lon0 + x / this.mx), round6(this.lat0 + y / this.my)];
  }

  /** Indices of addresses within `radiusM` of a projected point. */
  within(x: number, y: number, radiusM: number): number[] {
    const r2 = radiusM * radiusM;
    return this.tree.search(x - radiusM, y - radiusM, x + radiusM, y + radiusM, (i) => {
      const dx = this.xy[2 * i]! - x;
      const dy = this.xy[2 * i + 1]! - y;
      return dx * dx + dy * dy <= r2;
    });
  }

  /** Index of the nearest address to a projected point. */
  nearest(x: number, y: number): number {
    return this.tree.neighbors(x, y, 1)[0]!;
  }

  /** Diagonal of the addresses' bounding box in metres. */
  diameterM(): number {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let k = 0; k < this.xy.length; k += 2) {
      minX = Math.min(minX, this.xy[k]!);
      maxX = Math.max(maxX, this.xy[k]!);
      minY = Math.min(minY, this.xy[k + 1]!);
      maxY = Math.max(maxY, this.xy[k + 1]!);
    }
    return Math.hypot(maxX - minX, maxY - minY);
  }

  /** Distance in metres between two indexed addresses. */
  distance(i: number, j: number): number {
    return Math.hypot(this.xy[2 * i]! - this.xy[2 * j]!, this.xy[2 * i + 1]! - this.xy[2 * j + 1]!);
  }
}

/** Rounds a coordinate to 6 decimals (~0.1 m) so serialised data is stable. */
export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
