/**
 * Binning points into map cells: a square metric grid anchored at an origin (local equirectangular frame:
 * exact enough for a city or province) and H3 hexagons through `h3-js` (pure JavaScript, no download).
 */
import { cellToBoundary, latLngToCell } from 'h3-js';
import { metresPerDegree } from './geo.math.ts';

/** A square grid of `cellSizeM` metres whose cell (0, 0) has its south-west corner at the origin. */
export interface SquareGrid {
  cellOf(lon: number, lat: number): { col: number; row: number; key: string };
  /** Closed GeoJSON ring of a cell (lon/lat). */
  cellPolygon(col: number, row: number): [number, number][];
}

/** Creates a square grid; cell columns run east, rows north. */
export function createSquareGrid(opts: { originLon: number; originLat: number; cellSizeM: number }): SquareGrid {
  if (!(opts.cellSizeM > 0)) throw new RangeError('cellSizeM must be positive');
  const m = metresPerDegree(opts.originLat);
  const dLon = opts.cellSizeM / m.x;
  const dLat = opts.cellSizeM / m.y;
  return {
    cellOf(lon, lat) {
      const col = Math.floor((lon - opts.originLon) / dLon);
      const row = Math.floor((lat - opts.originLat) / dLat);
      return { col, row, key: `${col}:${row}` };
    },
    cellPolygon(col, row) {
      const x0 = opts.originLon + col * dLon;
      const y0 = opts.originLat + row * dLat;
      return [
        [x0, y0],
        [x0 + dLon, y0],
        [x0 + dLon, y0 + dLat],
        [x0, y0 + dLat],
        [x0, y0],
      ];
    },
  };
}

/** Counts points per cell of a square grid. */
export function binSquare(grid: SquareGrid, points: readonly { lon: number; lat: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    const { key } = grid.cellOf(p.lon, p.lat);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** The H3 cell index of a point at `resolution` (0-15; 8 ≈ 0.74 km², 9 ≈ 0.11 km²). */
export function h3Cell(lon: number, lat: number, resolution: number): string {
  return latLngToCell(lat, lon, resolution);
}

/** Closed GeoJSON ring (lon/lat) of an H3 cell. */
export function h3CellPolygon(cell: string): [number, number][] {
  const ring = cellToBoundary(cell, true) as [number, number][];
  return ring;
}
