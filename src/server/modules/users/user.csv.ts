/**
 * CSV rendering of (already masked) users for `GET /api/users/export.csv`. Cells that a spreadsheet would run
 * as a formula (leading = + - @, tab or carriage return) get a leading apostrophe (OWASP CSV injection).
 */
import type { UserView } from './user.schemas.ts';

const COLUMNS: [header: string, get: (u: UserView) => string | null][] = [
  ['id', (u) => u.id],
  ['username', (u) => u.username],
  ['display_name', (u) => u.displayName],
  ['police_number', (u) => u.policeNumber],
  ['home_jurisdiction_id', (u) => u.homeJurisdictionId],
  ['status', (u) => u.status],
  ['id_number', (u) => u.idNumber],
  ['phone', (u) => u.phone],
  ['address', (u) => u.address],
  ['roles', (u) => u.roles.map((r) => `${r.role}@${r.jurisdictionId}`).join(' ')],
];

/** One CSV cell: formula-neutralised, quoted when needed. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The whole CSV document (UTF-8 with BOM so spreadsheet programs read Chinese correctly; CRLF per RFC 4180). */
export function usersToCsv(users: UserView[]): string {
  const lines = [COLUMNS.map(([h]) => h).join(',')];
  for (const u of users) lines.push(COLUMNS.map(([, get]) => csvCell(get(u))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
