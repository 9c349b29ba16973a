/**
 * Boundary validation: a jurisdiction's boundary is a GeoJSON (RFC 7946) Polygon or MultiPolygon in WGS-84.
 * Rings need at least four positions and must be closed (first position equals the last); longitudes lie in
 * [-180, 180] and latitudes in [-90, 90]. The JSON Schema at the edge checks the outer shape; this checks
 * what JSON Schema cannot say clearly.
 */
import { AppError } from '../../errors.ts';

export type Position = [number, number] | [number, number, number];
export type PolygonCoordinates = Position[][];

export type Boundary =
  | { type: 'Polygon'; coordinates: PolygonCoordinates; bbox?: number[] }
  | { type: 'MultiPolygon'; coordinates: PolygonCoordinates[]; bbox?: number[] };

/** Upper bound on positions per boundary, so one request cannot hand us an unbounded geometry. */
export const MAX_POSITIONS = 100_000;

function fail(reason: string, at: string): never {
  throw new AppError('INVALID_GEOMETRY', `Boundary is not a valid GeoJSON polygon: ${reason} (at ${at}).`, {
    reason,
    at,
  });
}

function checkPosition(p: unknown, at: string): Position {
  if (!Array.isArray(p) || (p.length !== 2 && p.length !== 3)) fail('a position must be [longitude, latitude]', at);
  if (!p.every((n) => typeof n === 'number' && Number.isFinite(n))) fail('coordinates must be finite numbers', at);
  const [lon, lat] = p as number[];
  if (lon! < -180 || lon! > 180) fail('longitude must lie in [-180, 180] (WGS-84)', at);
  if (lat! < -90 || lat! > 90) fail('latitude must lie in [-90, 90] (WGS-84)', at);
  return p as Position;
}

function checkPolygon(rings: unknown, at: string, count: { n: number }): PolygonCoordinates {
  if (!Array.isArray(rings) || rings.length === 0) fail('a polygon needs at least one ring', at);
  return rings.map((ring, r) => {
    const ringAt = `${at}[${r}]`;
    if (!Array.isArray(ring) || ring.length < 4) fail('a ring needs at least four positions', ringAt);
    count.n += ring.length;
    if (count.n > MAX_POSITIONS) fail(`more than ${MAX_POSITIONS} positions`, ringAt);
    const positions = ring.map((p, i) => checkPosition(p, `${ringAt}[${i}]`));
    const first = positions[0]!;
    const last = positions[positions.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) fail('a ring must be closed (first position = last)', ringAt);
    return positions;
  });
}

/** Returns the boundary when it is a valid Polygon/MultiPolygon; throws INVALID_GEOMETRY otherwise. */
export function validateBoundary(value: unknown): Boundary {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a geometry object', 'root');
  const g = value as { type?: unknown; coordinates?: unknown; bbox?: unknown };
  const count = { n: 0 };
  if (g.type === 'Polygon') {
    const coordinates = checkPolygon(g.coordinates, 'coordinates', count);
    return { type: 'Polygon', coordinates, ...(Array.isArray(g.bbox) ? { bbox: g.bbox as number[] } : {}) };
  }
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0)
      fail('a MultiPolygon needs at least one polygon', 'coordinates');
    const coordinates = g.coordinates.map((poly, i) => checkPolygon(poly, `coordinates[${i}]`, count));
    return { type: 'MultiPolygon', coordinates, ...(Array.isArray(g.bbox) ? { bbox: g.bbox as number[] } : {}) };
  }
  return fail('type must be Polygon or MultiPolygon', 'type');
}
