import { describe, expect, it } from 'vitest';
import { bboxParam, paddedBounds } from './route.view.ts';

describe('route map bounds', () => {
  it('frames every point with a margin on each side', () => {
    const b = paddedBounds([
      [113.3, 23.1],
      [113.4, 23.2],
      [113.35, 23.15],
    ])!;
    expect(b[0]).toBeCloseTo(113.285, 6);
    expect(b[1]).toBeCloseTo(23.085, 6);
    expect(b[2]).toBeCloseTo(113.415, 6);
    expect(b[3]).toBeCloseTo(23.215, 6);
  });

  it('keeps a minimum size around a single point, skips non-finite points, and is null for none', () => {
    const single = paddedBounds([
      [113.3, 23.1],
      [Number.NaN, 1],
    ])!;
    [113.298, 23.098, 113.302, 23.102].forEach((v, i) => expect(single[i]).toBeCloseTo(v, 9));
    expect(paddedBounds([])).toBeNull();
    expect(paddedBounds([[Number.NaN, Number.NaN]])).toBeNull();
  });

  it('writes the bbox parameter as west,south,east,north with 5 decimals', () => {
    expect(bboxParam([113.1234567, 23, 113.5, 23.25])).toBe('113.12346,23.00000,113.50000,23.25000');
  });
});
