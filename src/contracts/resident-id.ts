/**
 * Resident identity numbers (公民身份号码, GB 11643-1999): 6-digit administrative region code, 8-digit birth
 * date YYYYMMDD, 3-digit sequence (odd for men, even for women) and a check character computed MOD 11-2.
 *
 * @example
 *   residentIdCheckChar('11010519491231002') // 'X'
 *   isValidResidentId('11010519491231002X') // true
 *   parseResidentId('11010519491231002X')   // { region: '110105', birthDate: '1949-12-31', sequence: 2, sex: 'F' }
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export type Sex = 'M' | 'F';

export interface ParsedResidentId {
  region: string;
  /** ISO date `YYYY-MM-DD`. */
  birthDate: string;
  sequence: number;
  /** From the sequence's parity: odd = male. */
  sex: Sex;
}

/** The GB 11643 check character for the first 17 digits. Throws when `body` is not 17 digits. */
export function residentIdCheckChar(body: string): string {
  if (!/^[0-9]{17}$/.test(body)) throw new Error(`resident ID body must be 17 digits, got "${body}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += WEIGHTS[i]! * (body.charCodeAt(i) - 48);
  return CHECK_CHARS[sum % 11]!;
}

/** True when `y-m-d` is a real calendar date. */
function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

export interface ResidentIdCheckOptions {
  /** The sex recorded elsewhere; when given, the sequence parity must agree. */
  sex?: Sex;
  /** Birth dates after this are rejected (default: today). */
  now?: Date;
}

/**
 * Splits a resident ID number into its parts, or returns null when it is not valid: wrong shape, region
 * starting with 0, impossible or future birth date (or before 1900), sequence 000, or a wrong check character.
 */
export function parseResidentId(id: string, opts: Pick<ResidentIdCheckOptions, 'now'> = {}): ParsedResidentId | null {
  if (typeof id !== 'string' || !/^[1-9][0-9]{16}[0-9X]$/.test(id)) return null;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !isCalendarDate(y, m, d)) return null;
  const now = opts.now ?? new Date();
  if (Date.UTC(y, m - 1, d) > now.getTime()) return null;
  const sequence = Number(id.slice(14, 17));
  if (sequence === 0) return null;
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return null;
  return {
    region: id.slice(0, 6),
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sequence,
    sex: sequence % 2 === 1 ? 'M' : 'F',
  };
}

/** True when `id` is a valid 18-character resident ID number (and matches `opts.sex` when given). */
export function isValidResidentId(id: string, opts: ResidentIdCheckOptions = {}): boolean {
  const parsed = parseResidentId(id, opts);
  if (!parsed) return false;
  return opts.sex === undefined || parsed.sex === opts.sex;
}

/** Builds a valid resident ID number from its parts (sequence 1-999; its parity must match `sex`). */
export function makeResidentId(region: string, birthDate: string, sequence: number): string {
  if (!/^[1-9][0-9]{5}$/.test(region)) throw new Error(`region must be 6 digits, got "${region}"`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new Error(`birthDate must be YYYY-MM-DD, got "${birthDate}"`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) {
    throw new Error(`sequence must be 1-999, got ${sequence}`);
  }
  const body = `${region}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}
