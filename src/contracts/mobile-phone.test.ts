import { describe, expect, it } from 'vitest';
import { isValidMobile } from './mobile-phone.ts';

describe('mobile numbers', () => {
  it('accepts 11-digit 13x-19x numbers and rejects the rest', () => {
    for (const ok of ['13812345678', '15900000000', '18611112222', '19912345678', '16612345678']) {
      expect(isValidMobile(ok)).toBe(true);
    }
    for (const bad of ['12812345678', '1381234567', '138123456789', '23812345678', '1381234567a', '', ' 13812345678']) {
      expect(isValidMobile(bad)).toBe(false);
    }
    expect(isValidMobile(13812345678 as unknown as string)).toBe(false);
  });
});
