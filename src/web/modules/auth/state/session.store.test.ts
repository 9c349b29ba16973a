import { describe, expect, it } from 'vitest';
import { refreshDelayMs } from './session.store.ts';

describe('access token refresh timing', () => {
  const now = 1_000_000;
  it('refreshes at 80% of the default 15-minute token (12 min)', () => {
    expect(refreshDelayMs(now + 15 * 60_000, now)).toBe(12 * 60_000);
  });

  it('refreshes at least a minute before expiry, and never sooner than in 5 s', () => {
    expect(refreshDelayMs(now + 60_000, now)).toBe(5_000); // min(0, 48 s) → 0 → floor of 5 s
    expect(refreshDelayMs(now + 100_000, now)).toBe(40_000);
    expect(refreshDelayMs(now - 1_000, now)).toBe(5_000);
  });
});
