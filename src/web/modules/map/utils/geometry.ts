/** Small GeoJSON helpers for label placement and camera moves (no dependency for four functions). */
export type LonLat = [number, number];
export type Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'LineString' | 'MultiPoint'; coordinates: number[][] }
  | { type: 'Polygon' | 'MultiLineString'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

type BBox = [number, number, number, number];

function eachPosition(g: Geometry, fn: (p: number[]) => void): void {
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') fn(c as number[]);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(g.coordinates);
}

/** [west, south, east, north] of any geometry. */
export function bboxOf(g: Geometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  eachPosition(g, ([x, y]) => {
    if (x === undefined || y === undefined) return;
    b[0] = Math.min(b[0], x);
    b[1] = Math.min(b[1], y);
    b[2] = Math.max(b[2], x);
    b[3] = Math.max(b[3], y);
  });
  return b;
}

/** Union of bounding boxes, or null for none. */
export function unionBBox(boxes: BBox[]): BBox | null {
  const finite = boxes.filter((b) => b.every(Number.isFinite));
  if (finite.length === 0) return null;
  return [
    Math.min(...finite.map((b) => b[0])),
    Math.min(...finite.map((b) => b[1])),
    Math.max(...finite.map((b) => b[2])),
    Math.max(...finite.map((b) => b[3])),
  ];
}

/** A label point: the area-weighted centroid of the largest outer ring, or the bbox centre for lines/points. */
export function centroidOf(g: Geometry): LonLat {
  if (g.type === 'Point') return [g.coordinates[0] ?? 0, g.coordinates[1] ?? 0];
  const rings =
    g.type === 'Polygon' ? [g.coordinates[0]] : g.type === 'MultiPolygon' ? g.coordinates.map((p) => p[0]) : [];
  let best: { area: number; c: LonLat } | null = null;
  for (const ring of rings) {
    if (!ring || ring.length < 3) continue;
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0 = 0, y0 = 0] = ring[i]!;
      const [x1 = 0, y1 = 0] = ring[i + 1]!;
      const f = x0 * y1 - x1 * y0;
      a += f;
      cx += (x0 + x1) * f;
      cy += (y0 + y1) * f;
    }
    if (a === 0) continue;
    const c: LonLat = [cx / (3 * a), cy / (3 * a)];
    if (!best || Math.abs(a) > best.area) best = { area: Math.abs(a), c };
  }
  if (best) return best.c;
  const b = bboxOf(g);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}
