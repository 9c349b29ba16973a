import { describe, expect, it } from 'vitest';
import {
  characterClassCount,
  checkPasswordRules,
  generateTemporaryPassword,
  type PasswordRule,
} from './password.rules.ts';

const opts = { username: 'zhangwei', minLength: 10 };

describe('checkPasswordRules', () => {
  const cases: [string, string, PasswordRule[]][] = [
    ['all four classes, long enough', 'Jingwu#2026', []],
    ['three classes (no symbol)', 'Jingwu20261', []],
    ['three classes (no upper)', 'jingwu#2026', []],
    ['three classes (no digit)', 'Jingwu#Pass', []],
    ['three classes (no lower)', 'JINGWU#2026', []],
    ['exactly the minimum length', 'Abcdef#123', []],
    ['one short of the minimum', 'Abcde#123', ['min_length']],
    ['two classes only', 'jingwupassword', ['char_classes']],
    ['digits and lower only', 'abc123456789', ['char_classes']],
    ['short and one class', 'abc', ['min_length', 'char_classes']],
    ['contains the username', 'Zhangwei#2026', ['contains_username']],
    ['contains the username in other case', 'xxZHANGWEI#1', ['contains_username']],
    ['everything wrong', 'zhangwei', ['min_length', 'char_classes', 'contains_username']],
    ['empty', '', ['min_length', 'char_classes']],
    ['CJK characters count as symbols', '警务Jingwu2026', []],
    ['whitespace is not a symbol', 'jingwu 2026 pass', ['char_classes']],
  ];
  it.each(cases)('%s: %j', (_label, password, expected) => {
    expect(checkPasswordRules(password, opts)).toEqual(expected);
  });

  it('measures length in characters, not UTF-16 units', () => {
    // 9 code points, 10 UTF-16 units (the emoji is a surrogate pair).
    expect(checkPasswordRules('Ab1#abcd😀', opts)).toEqual(['min_length']);
  });

  it('honours the configured minimum length', () => {
    expect(checkPasswordRules('Jingwu#2026', { username: 'x', minLength: 12 })).toEqual(['min_length']);
    expect(checkPasswordRules('Jingwu#2026', { username: 'x', minLength: 8 })).toEqual([]);
  });
});

describe('characterClassCount', () => {
  it('counts upper, lower, digit and symbol', () => {
    expect(characterClassCount('')).toBe(0);
    expect(characterClassCount('a')).toBe(1);
    expect(characterClassCount('aA')).toBe(2);
    expect(characterClassCount('aA1')).toBe(3);
    expect(characterClassCount('aA1!')).toBe(4);
  });
});

describe('generateTemporaryPassword', () => {
  it('always satisfies the rules and uses all four classes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generateTemporaryPassword();
      expect(p).toHaveLength(16);
      expect(characterClassCount(p)).toBe(4);
      expect(checkPasswordRules(p, { username: 'operator', minLength: 16 })).toEqual([]);
      expect(p).not.toMatch(/[0O1lI]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });

  it('is never shorter than 16 and grows on request', () => {
    expect(generateTemporaryPassword(8)).toHaveLength(16);
    expect(generateTemporaryPassword(24)).toHaveLength(24);
  });
});
