import { describe, expect, it } from 'vitest';
import { bboxOf, centroidOf, unionBBox } from './geometry.ts';

const square = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [0, 0],
      [2, 0],
      [2, 2],
      [0, 2],
      [0, 0],
    ],
  ],
};

describe('map geometry helpers', () => {
  it('finds the centroid of a polygon and of the largest part of a multipolygon', () => {
    expect(centroidOf(square)).toEqual([1, 1]);
    const small = [
      [
        [10, 10],
        [10.1, 10],
        [10.1, 10.1],
        [10, 10.1],
        [10, 10],
      ],
    ];
    expect(centroidOf({ type: 'MultiPolygon', coordinates: [small, square.coordinates] })).toEqual([1, 1]);
  });

  it('falls back to the bbox centre for lines and degenerate rings', () => {
    expect(
      centroidOf({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [4, 2],
        ],
      }),
    ).toEqual([2, 1]);
    expect(
      centroidOf({
        type: 'Polygon',
        coordinates: [
          [
            [1, 1],
            [1, 1],
            [1, 1],
            [1, 1],
          ],
        ],
      }),
    ).toEqual([1, 1]);
  });

  it('computes and unites bounding boxes, ignoring empty ones', () => {
    expect(bboxOf(square)).toEqual([0, 0, 2, 2]);
    expect(unionBBox([bboxOf(square), [1, -1, 3, 1], bboxOf({ type: 'MultiPoint', coordinates: [] })])).toEqual([
      0, -1, 3, 2,
    ]);
    expect(unionBBox([])).toBeNull();
  });
});
