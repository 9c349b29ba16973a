/**
 * Console sections and which roles see them. This only decides what the menu offers; the server's policy
 * decides what anyone may actually read or do (a hidden item is convenience, not protection).
 */
// An officer's own task comes first for those who have one (patrol and community officers land on it).
export const SECTIONS = [
  'field',
  'map',
  'dispatch',
  'deployment',
  'community',
  'dataGovernance',
  'analytics',
  'audit',
  'users',
] as const;
export type Section = (typeof SECTIONS)[number];

const COMMAND = ['provincial_commander', 'city_dispatcher', 'duty_leader', 'county_duty_officer'];
const FIELD = [
  'provincial_commander',
  'city_dispatcher',
  'duty_leader',
  'county_duty_officer',
  'station_chief',
  'patrol_officer',
  'community_officer',
  'grid_worker',
  'volunteer',
];

const ROLES_BY_SECTION: Record<Section, readonly string[]> = {
  map: FIELD,
  dispatch: [...COMMAND, 'station_chief'],
  field: ['patrol_officer', 'community_officer'],
  deployment: [...COMMAND, 'station_chief'],
  community: ['station_chief', 'community_officer', 'grid_worker', 'volunteer'],
  dataGovernance: ['provincial_commander', 'city_dispatcher', 'station_chief', 'community_officer', 'system_admin'],
  analytics: [...COMMAND, 'station_chief'],
  audit: ['auditor'],
  users: ['system_admin', 'security_admin'],
};

/** The sections any of `roles` may open, in menu order. */
export function sectionsFor(roles: readonly string[]): Section[] {
  return SECTIONS.filter((s) => ROLES_BY_SECTION[s].some((r) => roles.includes(r)));
}

/** Reads `#/<section>`; unknown or forbidden sections fall back to the first allowed one. */
export function sectionFromHash(hash: string, allowed: readonly Section[]): Section | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  const wanted = SECTIONS.find((s) => s === name);
  if (wanted && allowed.includes(wanted)) return wanted;
  return allowed[0] ?? null;
}
