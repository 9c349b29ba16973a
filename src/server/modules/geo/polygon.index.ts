/**
 * Point-in-polygon resolution: which jurisdiction (grid, community, station, county…) contains a coordinate.
 * A `flatbush` index over polygon bounding boxes narrows the candidates; exact even-odd ray casting over
 * every ring (holes included) decides; among containing polygons the smallest (by area) wins.
 */
import Flatbush from 'flatbush';

/** GeoJSON Polygon or MultiPolygon geometry (WGS-84 lon/lat). */
export type PolygonGeometry =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

/** A polygon feature to index: any id and its geometry. */
export interface PolygonFeature<Id> {
  id: Id;
  geometry: PolygonGeometry;
}

/** An immutable index answering "which polygons contain this point". */
export interface PolygonIndex<Id> {
  /** The smallest polygon containing the point, or null. */
  resolve(lon: number, lat: number): Id | null;
  /** Every polygon containing the point, smallest first. */
  resolveAll(lon: number, lat: number): Id[];
  readonly size: number;
}

interface Part {
  feature: number;
  /** Rings flattened: x0,y0,x1,y1,… per ring, outer ring first. */
  rings: Float64Array[];
}

/** Builds the index; rings need not repeat their first point. */
export function createPolygonIndex<Id>(features: readonly PolygonFeature<Id>[]): PolygonIndex<Id> {
  const parts: Part[] = [];
  const areas = new Float64Array(features.length);
  features.forEach((f, i) => {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const polygon of polygons) {
      const rings = polygon.map((ring) => Float64Array.from(ring.flatMap((p) => [p[0]!, p[1]!])));
      if (rings.length === 0 || rings[0]!.length < 6) continue;
      parts.push({ feature: i, rings });
      areas[i] =
        areas[i]! + Math.abs(ringArea(rings[0]!)) - rings.slice(1).reduce((s, r) => s + Math.abs(ringArea(r)), 0);
    }
  });
  const tree = parts.length > 0 ? new Flatbush(parts.length) : null;
  for (const part of parts) {
    const outer = part.rings[0]!;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let k = 0; k < outer.length; k += 2) {
      minX = Math.min(minX, outer[k]!);
      maxX = Math.max(maxX, outer[k]!);
      minY = Math.min(minY, outer[k + 1]!);
      maxY = Math.max(maxY, outer[k + 1]!);
    }
    tree!.add(minX, minY, maxX, maxY);
  }
  tree?.finish();

  const containing = (lon: number, lat: number): number[] => {
    if (!tree || !Number.isFinite(lon) || !Number.isFinite(lat)) return [];
    const hits: number[] = [];
    for (const p of tree.search(lon, lat, lon, lat)) {
      const part = parts[p]!;
      if (hits.includes(part.feature)) continue;
      let inside = false;
      for (const ring of part.rings) if (inRing(ring, lon, lat)) inside = !inside; // holes flip it back
      if (inside) hits.push(part.feature);
    }
    return hits.sort((a, b) => areas[a]! - areas[b]! || a - b);
  };
  return {
    size: features.length,
    resolve(lon, lat) {
      const hits = containing(lon, lat);
      return hits.length > 0 ? features[hits[0]!]!.id : null;
    },
    resolveAll(lon, lat) {
      return containing(lon, lat).map((i) => features[i]!.id);
    },
  };
}

/** Even-odd ray casting against one ring (flattened x,y pairs). */
export function inRing(ring: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const xi = ring[i]!;
    const yi = ring[i + 1]!;
    const xj = ring[j]!;
    const yj = ring[j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Signed planar area of a ring in square degrees (only used to rank nested polygons). */
function ringArea(ring: Float64Array): number {
  let a = 0;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) a += (ring[j]! - ring[i]!) * (ring[j + 1]! + ring[i + 1]!);
  return a / 2;
}
