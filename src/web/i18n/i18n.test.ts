import { describe, expect, it } from 'vitest';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';

type Tree = { [key: string]: string | Tree };

/** Every leaf as `dotted.key → string`; throws on a non-string leaf. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else throw new Error(`${key} is neither a string nor a group`);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('translation resources', () => {
  const zh = leaves(zhCN);
  const english = leaves(en as Tree);

  it('zh-CN and en have exactly the same keys', () => {
    expect([...english.keys()].sort()).toEqual([...zh.keys()].sort());
    expect(zh.size).toBeGreaterThan(50);
  });

  it('every string is non-empty and uses the same interpolation placeholders in both languages', () => {
    for (const [key, zhText] of zh) {
      const enText = english.get(key) ?? '';
      expect(zhText.trim(), key).not.toBe('');
      expect(enText.trim(), key).not.toBe('');
      expect(placeholders(enText), key).toEqual(placeholders(zhText));
    }
  });

  it('Chinese strings are Chinese and English strings are not left in Chinese', () => {
    const han = /\p{Script=Han}/u;
    // Keys whose text is the same in both on purpose: the language switch names each language in itself.
    const sameOnPurpose = new Set(['header.switchToEnglish', 'header.switchToChinese']);
    for (const [key, zhText] of zh) {
      if (sameOnPurpose.has(key)) continue;
      expect(han.test(zhText), `${key} should contain Chinese: ${zhText}`).toBe(true);
      expect(han.test(english.get(key)!), `${key} should be English: ${english.get(key)}`).toBe(false);
    }
  });

  it('the leaf walker rejects a malformed resource tree (so the comparison above can fail)', () => {
    expect(() => leaves({ a: { b: 1 as unknown as string } })).toThrow(/a\.b/);
    expect([...leaves({ a: { b: 'x' }, c: 'y' }).keys()]).toEqual(['a.b', 'c']);
  });
});
