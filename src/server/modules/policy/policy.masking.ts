/**
 * Field-level masking of personal data by sensitivity grade (核心 core / 重要 important / 一般 general).
 * Presenters call `visibleGrades` once per record and mask every field whose grade is not visible, so single
 * reads, lists, search results and exports all mask alike.
 */
import type { Actor } from '../../context.ts';
import type { SensitivityGrade } from '../../../contracts/roles.ts';
import { can, type Resource } from './policy.ts';
import { readSensitiveAction } from './policy.rules.ts';

/** Grades of the user record's personal fields. */
export const USER_FIELD_GRADES = {
  username: 'general',
  displayName: 'general',
  policeNumber: 'general',
  idNumber: 'core',
  phone: 'important',
  address: 'important',
} as const satisfies Record<string, SensitivityGrade>;

/**
 * The grades `actor` may see unmasked on `resource`. General data is visible to whoever may read the record
 * at all; important and core need `<type>.read_sensitive:<grade>` on that very record.
 */
export function visibleGrades(actor: Actor | null, resource: Resource, now: Date): Set<SensitivityGrade> {
  const out = new Set<SensitivityGrade>(['general']);
  for (const grade of ['important', 'core'] as const) {
    if (can(actor, readSensitiveAction(resource.type, grade), resource, { now })) out.add(grade);
  }
  return out;
}

/** `110101199003071234` → `110101********1234`: region code and last four kept. */
export function maskIdNumber(value: string): string {
  if (value.length <= 10) return '*'.repeat(value.length);
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** `13812345678` → `138****5678`; other numbers keep their first three and last four digits. */
export function maskPhone(value: string): string {
  const digits = value.replace(/[^0-9]/g, '');
  if (digits.length < 8) return '*'.repeat(digits.length || 4);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/**
 * Keeps the address down to the county/district level only: `广东省广州市天河区体育西路1号` → `广东省广州市天河区****`.
 * Province-level names ending in 区 (自治区, 特别行政区) and prefecture names (地区) are not taken for the
 * district. Without a recognisable district nothing is kept.
 */
export function maskAddress(value: string): string {
  const skip = /(自治区|特别行政区|地区)/g;
  const blanked = value.replace(skip, (m) => '#'.repeat(m.length));
  const match = /[区县旗]/.exec(blanked);
  if (!match) return '****';
  const end = match.index + 1;
  return end >= value.length ? value : `${value.slice(0, end)}****`;
}
