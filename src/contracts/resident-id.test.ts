import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isValidResidentId, makeResidentId, parseResidentId, residentIdCheckChar } from './resident-id.ts';

const NOW = new Date('2026-11-01T00:00:00Z');

describe('resident ID numbers (GB 11643)', () => {
  it('accepts the standard example and computes its X check character', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(isValidResidentId('11010519491231002X', { now: NOW })).toBe(true);
    expect(parseResidentId('11010519491231002X', { now: NOW })).toEqual({
      region: '110105',
      birthDate: '1949-12-31',
      sequence: 2,
      sex: 'F',
    });
  });

  it('rejects a wrong check character, a lower-case x and wrong shapes', () => {
    expect(isValidResidentId('110105194912310021', { now: NOW })).toBe(false);
    expect(isValidResidentId('11010519491231002x', { now: NOW })).toBe(false);
    expect(isValidResidentId('11010519491231002', { now: NOW })).toBe(false);
    expect(isValidResidentId('11010519491231002XX', { now: NOW })).toBe(false);
    expect(isValidResidentId('', { now: NOW })).toBe(false);
    expect(isValidResidentId(12345 as unknown as string, { now: NOW })).toBe(false);
  });

  it('rejects impossible, future and pre-1900 birth dates even with a correct check character', () => {
    const bad = (region: string, date: string, seq: string) => {
      const body = region + date + seq;
      return body + residentIdCheckChar(body);
    };
    expect(isValidResidentId(bad('910102', '20230230', '001'), { now: NOW })).toBe(false); // 30 February
    expect(isValidResidentId(bad('910102', '20231301', '001'), { now: NOW })).toBe(false); // month 13
    expect(isValidResidentId(bad('910102', '20270101', '001'), { now: NOW })).toBe(false); // future
    expect(isValidResidentId(bad('910102', '18991231', '001'), { now: NOW })).toBe(false);
    expect(isValidResidentId(bad('910102', '20000229', '001'), { now: NOW })).toBe(true); // leap day
    expect(isValidResidentId(bad('910102', '19000229', '001'), { now: NOW })).toBe(false); // 1900 not leap
    expect(isValidResidentId(bad('910102', '20000101', '000'), { now: NOW })).toBe(false); // sequence 000
    expect(isValidResidentId(bad('010102', '20000101', '001'), { now: NOW })).toBe(false); // region 0…
  });

  it('checks the sequence parity against the recorded sex', () => {
    const man = makeResidentId('910102', '1985-06-15', 123);
    const woman = makeResidentId('910102', '1985-06-15', 124);
    expect(isValidResidentId(man, { sex: 'M', now: NOW })).toBe(true);
    expect(isValidResidentId(man, { sex: 'F', now: NOW })).toBe(false);
    expect(isValidResidentId(woman, { sex: 'F', now: NOW })).toBe(true);
    expect(isValidResidentId(woman, { sex: 'M', now: NOW })).toBe(false);
  });

  it('refuses to build from bad parts', () => {
    expect(() => makeResidentId('91010', '1985-06-15', 1)).toThrow(/region/);
    expect(() => makeResidentId('910102', '19850615', 1)).toThrow(/birthDate/);
    expect(() => makeResidentId('910102', '1985-06-15', 0)).toThrow(/sequence/);
    expect(() => makeResidentId('910102', '1985-06-15', 1000)).toThrow(/sequence/);
    expect(() => residentIdCheckChar('1234')).toThrow(/17 digits/);
  });

  it('round-trips any valid parts, and detects every single-digit change (property)', () => {
    const parts = fc.record({
      region: fc.integer({ min: 110000, max: 999999 }).map(String),
      day: fc.integer({ min: 0, max: 45_000 }),
      sequence: fc.integer({ min: 1, max: 999 }),
      pos: fc.integer({ min: 0, max: 16 }),
      delta: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(
      fc.property(parts, ({ region, day, sequence, pos, delta }) => {
        const birthDate = new Date(Date.UTC(1901, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
        const id = makeResidentId(region, birthDate, sequence);
        const parsed = parseResidentId(id, { now: NOW });
        expect(parsed).toEqual({ region, birthDate, sequence, sex: sequence % 2 === 1 ? 'M' : 'F' });
        const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1);
        // MOD 11-2 catches every single substitution: the changed body never keeps the old check character.
        expect(residentIdCheckChar(changed.slice(0, 17))).not.toBe(id[17]);
      }),
      { numRuns: 500 },
    );
  });
});
