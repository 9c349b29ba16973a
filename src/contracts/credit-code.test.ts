import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
  isValidCreditCode,
  isValidCreditCodeStrict,
  orgCodeCheckChar,
} from './credit-code.ts';

// Published codes of well-known companies (public registry data).
const KNOWN = ['91350100M000100Y43', '91110000802100433B', '914403001922038216', '91310000717854505W'];

describe('unified social credit codes (GB 32100)', () => {
  it('accepts published codes, strictly too', () => {
    for (const code of KNOWN) {
      expect(isValidCreditCode(code)).toBe(true);
      expect(isValidCreditCodeStrict(code)).toBe(true);
    }
  });

  it('rejects any single-character change of a valid code', () => {
    const code = KNOWN[2]!;
    for (let pos = 0; pos < 18; pos++) {
      for (const c of CREDIT_CODE_ALPHABET) {
        if (c === code[pos]) continue;
        const changed = code.slice(0, pos) + c + code.slice(pos + 1);
        expect(isValidCreditCode(changed), changed).toBe(false);
      }
    }
  });

  it('rejects letters outside the alphabet, lower case, wrong lengths and a letter in the region code', () => {
    expect(isValidCreditCode('91350100M000100I43')).toBe(false); // I is not used
    expect(isValidCreditCode('91350100m000100y43')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y433')).toBe(false);
    expect(isValidCreditCode('9135A100M000100Y43')).toBe(false);
    expect(isValidCreditCode(undefined as unknown as string)).toBe(false);
    expect(() => creditCodeCheckChar('91350100M000100I4')).toThrow(/not a credit code character/);
  });

  it('computes organisation code check characters, X and 0 included', () => {
    expect(orgCodeCheckChar('80210043')).toBe('3');
    const checks = new Set<string>();
    for (let n = 0; n < 200; n++) checks.add(orgCodeCheckChar(String(10_000_000 + n * 7919).slice(0, 8)));
    expect(checks.has('X')).toBe(true);
    expect(checks.has('0')).toBe(true);
    expect(() => orgCodeCheckChar('8021004')).toThrow();
  });

  it('strict validation also rejects a code whose organisation code check character is wrong', () => {
    const body = `91910102${'12345678'}${orgCodeCheckChar('12345678') === '9' ? '8' : '9'}`;
    const code = body + creditCodeCheckChar(body);
    expect(isValidCreditCode(code)).toBe(true);
    expect(isValidCreditCodeStrict(code)).toBe(false);
  });
});
