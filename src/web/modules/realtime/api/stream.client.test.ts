import { describe, expect, it } from 'vitest';
import { backoffMs } from './stream.client.ts';

describe('reconnect backoff', () => {
  it('doubles from half a second up to a 30 s cap, with ±20% jitter', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, () => 0.5))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(20, () => 0.5)).toBe(30_000);
    expect(backoffMs(1, () => 0)).toBe(400);
    expect(backoffMs(1, () => 1)).toBe(600);
    expect(backoffMs(0, () => 0.5)).toBe(500);
  });
});
