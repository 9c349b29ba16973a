/**
 * Coordinate checks at the edge: NaN, out of range, latitude and longitude swapped, outside an expected area.
 * Failures are AppError('COORDINATES_INVALID') with `details.reason` in
 * 'not_a_number' | 'out_of_range' | 'swapped' | 'outside_area'.
 */
import { AppError } from '../../errors.ts';

/** A lon/lat bounding box [west, south, east, north] in WGS-84 degrees. */
export type BBox = readonly [number, number, number, number];

/** Mainland China and Hainan, generously (used to spot swapped coordinates of Chinese points). */
export const CHINA_BBOX: BBox = [73.4, 18.1, 135.1, 53.6];

/** Options of assertValidCoordinates. */
export interface CoordinateCheckOptions {
  /** The area the point must lie in (e.g. the city's extent); a point whose swap lies inside is 'swapped'. */
  within?: BBox;
  /** Label for messages ("incident location"). */
  label?: string;
}

const inBox = (lon: number, lat: number, b: BBox): boolean => lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];

/** Throws COORDINATES_INVALID unless (lon, lat) is a finite WGS-84 point (inside `within` when given). */
export function assertValidCoordinates(lon: unknown, lat: unknown, options: CoordinateCheckOptions = {}): void {
  const label = options.label ?? 'point';
  const fail = (reason: string, message: string, extra: Record<string, unknown> = {}): never => {
    throw new AppError('COORDINATES_INVALID', message, { reason, lon, lat, ...extra });
  };
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    fail('not_a_number', `The ${label} needs finite numeric longitude and latitude (WGS-84 degrees).`);
  }
  const x = lon as number;
  const y = lat as number;
  const area = options.within ?? CHINA_BBOX;
  const swappedFits = inBox(y, x, area);
  if (Math.abs(y) > 90 || Math.abs(x) > 180) {
    if (swappedFits && Math.abs(x) <= 90) {
      fail('swapped', `The ${label} looks like [lat, lon]; send longitude first: [${y}, ${x}].`);
    }
    fail('out_of_range', `The ${label} is out of range: longitude must be within ±180 and latitude within ±90.`);
  }
  if (options.within && !inBox(x, y, options.within)) {
    if (swappedFits) fail('swapped', `The ${label} looks like [lat, lon]; send longitude first: [${y}, ${x}].`);
    fail('outside_area', `The ${label} lies outside the covered area.`, { area: options.within });
  }
}

/** True when (lon, lat) passes assertValidCoordinates with the same options. */
export function isValidCoordinates(lon: unknown, lat: unknown, options: CoordinateCheckOptions = {}): boolean {
  try {
    assertValidCoordinates(lon, lat, options);
    return true;
  } catch {
    return false;
  }
}
