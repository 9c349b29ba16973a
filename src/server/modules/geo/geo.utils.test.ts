import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertValidCoordinates, CHINA_BBOX, isValidCoordinates } from './coordinates.validation.ts';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './gcj02.transform.ts';
import { binSquare, createSquareGrid, h3Cell, h3CellPolygon } from './grid.binning.ts';
import { haversineM } from './geo.math.ts';
import { createPolygonIndex, inRing, type PolygonFeature } from './polygon.index.ts';

/** A square ring of side `s` degrees at (x, y), optionally wound clockwise. */
const square = (x: number, y: number, s: number): number[][] => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];

/** Coordinates on a 1e-4° lattice (about 10 m): realistic, and free of denormal-number artefacts. */
const coord = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: min * 10_000, max: max * 10_000 }).map((v) => v / 10_000);

describe('point-in-polygon index', () => {
  it('resolves to the smallest containing polygon, honours holes and multipolygons', () => {
    const features: PolygonFeature<string>[] = [
      { id: 'county', geometry: { type: 'Polygon', coordinates: [square(0, 0, 10)] } },
      { id: 'station', geometry: { type: 'Polygon', coordinates: [square(1, 1, 4), square(2, 2, 1)] } }, // hole at 2..3
      { id: 'grid', geometry: { type: 'Polygon', coordinates: [square(1, 1, 0.5)] } },
      { id: 'islands', geometry: { type: 'MultiPolygon', coordinates: [[square(20, 20, 1)], [square(30, 30, 1)]] } },
    ];
    const index = createPolygonIndex(features);
    expect(index.resolve(1.2, 1.2)).toBe('grid');
    expect(index.resolveAll(1.2, 1.2)).toEqual(['grid', 'station', 'county']);
    expect(index.resolve(2.5, 2.5)).toBe('county'); // inside the station's hole
    expect(index.resolve(4, 4)).toBe('station');
    expect(index.resolve(30.5, 30.5)).toBe('islands');
    expect(index.resolve(25, 25)).toBeNull();
    expect(index.resolve(Number.NaN, 1)).toBeNull();
    expect(createPolygonIndex([]).resolve(0, 0)).toBeNull();
  });

  it('agrees with a brute-force scan over random polygons and points', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.tuple(coord(0, 10), coord(0, 10)), {
            minLength: 3,
            maxLength: 9,
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.array(fc.tuple(coord(-1, 11), coord(-1, 11)), {
          minLength: 1,
          maxLength: 30,
        }),
        (rings, points) => {
          const features = rings.map((r, id) => ({ id, geometry: { type: 'Polygon' as const, coordinates: [r] } }));
          const index = createPolygonIndex(features);
          for (const [x, y] of points) {
            const brute = features
              .filter((f) => inRing(Float64Array.from(f.geometry.coordinates[0]!.flat()), x, y))
              .map((f) => f.id);
            expect(new Set(index.resolveAll(x, y))).toEqual(new Set(brute));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ray casting handles a concave polygon', () => {
    const u = Float64Array.from([0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3]); // a "U"
    expect(inRing(u, 0.5, 2)).toBe(true);
    expect(inRing(u, 1.5, 2)).toBe(false); // in the notch
    expect(inRing(u, 2.5, 2.5)).toBe(true);
    expect(inRing(u, 4, 1)).toBe(false);
  });
});

describe('WGS-84 ↔ GCJ-02', () => {
  // Published test vectors of the reference implementation (eviltransform): [wgsLat, wgsLon, gcjLat, gcjLon].
  const vectors = [
    [31.1774276, 121.5272106, 31.17530398364597, 121.531541859215], // Shanghai
    [22.543847, 113.912316, 22.540796131694766, 113.9171764808363], // Shenzhen
    [39.911954, 116.377817, 39.91334545536069, 116.38404722455657], // Beijing
  ] as const;

  it.each(vectors)('matches the reference value at (%f, %f)', (wLat, wLon, gLat, gLon) => {
    const [lon, lat] = wgs84ToGcj02(wLon, wLat);
    expect(Math.abs(lon - gLon)).toBeLessThan(1e-9);
    expect(Math.abs(lat - gLat)).toBeLessThan(1e-9);
    const [bLon, bLat] = gcj02ToWgs84(gLon, gLat);
    expect(Math.abs(bLon - wLon)).toBeLessThan(1e-6);
    expect(Math.abs(bLat - wLat)).toBeLessThan(1e-6);
  });

  it('round-trips any point in China to below 1e-6 degrees, with an offset of tens to hundreds of metres', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 75, max: 134, noNaN: true }),
        fc.double({ min: 19, max: 53, noNaN: true }),
        (lon, lat) => {
          const [gLon, gLat] = wgs84ToGcj02(lon, lat);
          const offset = haversineM(lon, lat, gLon, gLat);
          expect(offset).toBeGreaterThan(1);
          expect(offset).toBeLessThan(1500);
          const [bLon, bLat] = gcj02ToWgs84(gLon, gLat);
          expect(Math.abs(bLon - lon)).toBeLessThan(1e-6);
          expect(Math.abs(bLat - lat)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves points outside China unchanged', () => {
    expect(outOfChina(-104.9903, 39.7392)).toBe(true);
    expect(wgs84ToGcj02(-104.9903, 39.7392)).toEqual([-104.9903, 39.7392]);
    expect(gcj02ToWgs84(1.5218, 42.5063)).toEqual([1.5218, 42.5063]);
  });
});

describe('coordinate validation', () => {
  const city: [number, number, number, number] = [118.5, 31.5, 119.5, 32.5];

  it('accepts a good point', () => {
    expect(() => assertValidCoordinates(118.8, 32.05, { within: city })).not.toThrow();
    expect(isValidCoordinates(118.8, 32.05)).toBe(true);
  });

  it.each([
    [Number.NaN, 32, undefined, 'not_a_number'],
    ['118.8', 32, undefined, 'not_a_number'],
    [Infinity, 32, undefined, 'not_a_number'],
    [200, 10, undefined, 'out_of_range'],
    [10, -95, undefined, 'out_of_range'],
    [32.05, 118.8, undefined, 'swapped'], // lat/lon given as [lat, lon]: latitude 118.8 is impossible
    [32.05, 118.8, city, 'swapped'],
    [120.5, 30.2, city, 'outside_area'],
  ] as const)('rejects (%s, %s) within %j as %s', (lon, lat, within, reason) => {
    expect(() => assertValidCoordinates(lon, lat, { within })).toThrowError(
      expect.objectContaining({
        code: 'COORDINATES_INVALID',
        details: expect.objectContaining({ reason }) as unknown,
      }) as Error,
    );
  });

  it('knows China by a box that swapped Chinese coordinates fall outside', () => {
    expect(CHINA_BBOX[0]).toBeGreaterThan(CHINA_BBOX[3]);
  });
});

describe('binning', () => {
  it('puts points into square metric cells whose polygons contain them', () => {
    const grid = createSquareGrid({ originLon: 118, originLat: 32, cellSizeM: 500 });
    const cell = grid.cellOf(118.0101, 32.0049);
    const ring = grid.cellPolygon(cell.col, cell.row);
    expect(inRing(Float64Array.from(ring.flat()), 118.0101, 32.0049)).toBe(true);
    expect(haversineM(ring[0]![0], ring[0]![1], ring[1]![0], ring[1]![1])).toBeCloseTo(500, 0);
    const counts = binSquare(grid, [
      { lon: 118.0001, lat: 32.0001 },
      { lon: 118.0002, lat: 32.0002 },
      { lon: 118.02, lat: 32.02 },
    ]);
    expect(counts.get('0:0')).toBe(2);
    expect(counts.size).toBe(2);
    expect(() => createSquareGrid({ originLon: 0, originLat: 0, cellSizeM: 0 })).toThrow(RangeError);
  });

  it('gives H3 cells whose boundary contains the point', () => {
    const cell = h3Cell(118.8, 32.05, 9);
    expect(cell).toMatch(/^89[0-9a-f]+$/);
    expect(inRing(Float64Array.from(h3CellPolygon(cell).flat()), 118.8, 32.05)).toBe(true);
  });
});
