/**
 * Password rules for MLPS level 3 (等保三级): a minimum length, at least three of four character classes,
 * and not containing the username. History and expiry need the database and live in the auth service.
 *
 * Pure functions, so the web app and CLI can reuse them:
 *
 *   checkPasswordRules('Jingwu#2026', { username: 'zhangwei', minLength: 10 }) // => []
 *   checkPasswordRules('short', { username: 'zhangwei', minLength: 10 })      // => ['min_length', 'char_classes']
 */
import { randomInt } from 'node:crypto';

/** A broken rule, as listed in PASSWORD_POLICY's `details.rules`. */
export type PasswordRule = 'min_length' | 'char_classes' | 'contains_username' | 'reused';

export interface PasswordRuleOptions {
  username: string;
  minLength: number;
}

const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const DIGIT = /[0-9]/;
// A symbol is anything that is not an ASCII letter, digit or whitespace (so CJK characters count too).
const SYMBOL = /[^A-Za-z0-9\s]/u;

/** How many of the four classes (upper, lower, digit, symbol) the password uses. */
export function characterClassCount(password: string): number {
  return [UPPER, LOWER, DIGIT, SYMBOL].filter((re) => re.test(password)).length;
}

/** Returns every rule `password` breaks (empty when it is acceptable); never throws. */
export function checkPasswordRules(password: string, opts: PasswordRuleOptions): PasswordRule[] {
  const broken: PasswordRule[] = [];
  // Count code points, not UTF-16 units, so a CJK or emoji password is measured as a person sees it.
  if ([...password].length < opts.minLength) broken.push('min_length');
  if (characterClassCount(password) < 3) broken.push('char_classes');
  const username = opts.username.trim().toLowerCase();
  if (username.length > 0 && password.toLowerCase().includes(username)) broken.push('contains_username');
  return broken;
}

const SETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '#%+-=@^_'];

/**
 * A random temporary password of `length` characters (at least 16) using all four classes, without
 * look-alike characters (0/O, 1/l/I) so it can be read out over the phone.
 */
export function generateTemporaryPassword(length = 16): string {
  const n = Math.max(16, length);
  const all = SETS.join('');
  const chars = SETS.map((s) => s[randomInt(s.length)]!);
  while (chars.length < n) chars.push(all[randomInt(all.length)]!);
  // Fisher-Yates so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
