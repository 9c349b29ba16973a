/**
 * Personal identifiers for generated people: resident ID numbers (GB 11643) unique across the population,
 * mobile numbers unique across the population, and birth dates for an age range.
 *
 * Every generated ID number carries a region code of the fictional province 91 (东川省; 91-95 are not GB/T
 * 2260 province codes), so no generated number can be a real person's.
 */
import { makeResidentId, type Sex } from '../../contracts/resident-id.ts';
import { Weighted, type Rng } from './random.ts';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for an ISO date. */
export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

/** ISO date `YYYY-MM-DD` of a day number. */
export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Whole years between `birthDate` and `asOf`. */
export function ageAt(birthDate: string, asOf: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = asOf.split('-').map(Number) as [number, number, number];
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}

/** A birth date giving an age in [minAge, maxAge] on `asOf`. */
export function birthDateForAge(rng: Rng, asOf: string, minAge: number, maxAge: number): string {
  const today = dayNumber(asOf);
  // Age a means born in (today - (a+1) years, today - a years]; 365.25 days per year is close enough here.
  const latest = today - Math.ceil(minAge * 365.25);
  const earliest = today - Math.floor((maxAge + 1) * 365.25) + 1;
  return isoDate(earliest + rng.int(latest - earliest + 1));
}

/** Mobile network prefixes (first three digits) with rough market weights. */
const MOBILE_PREFIXES = Weighted.of(
  (
    [
      ['13', 30],
      ['15', 22],
      ['18', 24],
      ['17', 8],
      ['19', 10],
      ['16', 3],
      ['14', 3],
    ] as const
  ).flatMap(([p, w]) => Array.from({ length: 10 }, (_, d) => [`${p}${d}`, w / 10] as const)),
);

/** Hands out resident ID numbers and phone numbers, never the same twice. */
export class IdentityPool {
  private readonly ids = new Set<string>();
  private readonly phones = new Set<string>();

  constructor(private readonly rng: Rng) {}

  /** A fresh valid ID number for someone born on `birthDate`, registered in `region`, of sex `sex`. */
  idNumber(region: string, birthDate: string, sex: Sex): string {
    const parity = sex === 'M' ? 1 : 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      // Sequences 1-999 with the sex's parity: odd 1..999 (500), even 2..998 (499).
      const seq = parity === 1 ? 1 + 2 * this.rng.int(500) : 2 + 2 * this.rng.int(499);
      const id = makeResidentId(region, birthDate, seq);
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
    }
    for (let seq = parity === 1 ? 1 : 2; seq <= 999; seq += 2) {
      const id = makeResidentId(region, birthDate, seq);
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
    }
    throw new Error(`no free ID sequence left for ${region} ${birthDate} ${sex}`);
  }

  /** A fresh 11-digit mobile number. */
  mobile(): string {
    for (;;) {
      const phone = MOBILE_PREFIXES.sample(this.rng) + String(this.rng.int(100_000_000)).padStart(8, '0');
      if (!this.phones.has(phone)) {
        this.phones.add(phone);
        return phone;
      }
    }
  }
}
