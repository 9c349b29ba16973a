/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters from a 31-symbol alphabet
 * (digits and upper-case letters without I, O, Z, S, V): registration authority (1), organisation type (1),
 * region code (6), organisation code (9, GB 11714: 8 characters and their own check character) and a final
 * check character computed MOD 31.
 *
 * @example
 *   creditCodeCheckChar('91350100M000100Y4') // '3'
 *   isValidCreditCode('91350100M000100Y43')  // true
 */

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The final (18th) check character for the first 17 characters. Throws on characters outside the alphabet. */
export function creditCodeCheckChar(body: string): string {
  if (body.length !== 17) throw new Error(`credit code body must be 17 characters, got ${body.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(body[i]!);
    if (v < 0) throw new Error(`"${body[i]}" is not a credit code character`);
    sum += v * WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The GB 11714 organisation code check character for its first 8 characters (digits or A-Z). */
export function orgCodeCheckChar(body: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body)) throw new Error(`organisation code body must be 8 of 0-9A-Z, got "${body}"`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55; // '0'-'9' → 0-9, 'A'-'Z' → 10-35
    sum += v * ORG_WEIGHTS[i]!;
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/** True when `code` has the GB 32100 shape (region part numeric) and a correct final check character. */
export function isValidCreditCode(code: string): boolean {
  if (typeof code !== 'string' || !SHAPE.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/**
 * Stricter than `isValidCreditCode`: the embedded organisation code's own check character must be right too.
 * Holds for codes issued to enterprises since 2015; some older codes carry a legacy organisation code.
 */
export function isValidCreditCodeStrict(code: string): boolean {
  if (!isValidCreditCode(code)) return false;
  const org = code.slice(8, 17);
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(org)) return false;
  return orgCodeCheckChar(org.slice(0, 8)) === org[8];
}
