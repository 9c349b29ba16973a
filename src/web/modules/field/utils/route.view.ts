/** Camera and data helpers for the field view's route map (pure). */

export type BBox = [number, number, number, number];

/** [west, south, east, north] around some points, grown by `fraction` of its size (at least `minDeg`) each side. */
export function paddedBounds(points: [number, number][], fraction = 0.15, minDeg = 0.002): BBox | null {
  const finite = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (finite.length === 0) return null;
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const dx = Math.max((e - w) * fraction, minDeg);
  const dy = Math.max((n - s) * fraction, minDeg);
  return [w - dx, s - dy, e + dx, n + dy];
}

/** The `bbox` query value of /api/geo/layers/roads, rounded to keep URLs short (5 decimals ≈ 1 m). */
export function bboxParam(b: BBox): string {
  return b.map((v) => v.toFixed(5)).join(',');
}
