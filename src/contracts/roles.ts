/** Role codes (see ../shared/brief/PRODUCT.md). Residents come later with the public portal. */
export const ROLES = [
  'provincial_commander',
  'city_dispatcher',
  'duty_leader',
  'county_duty_officer',
  'station_chief',
  'patrol_officer',
  'community_officer',
  'grid_worker',
  'volunteer',
  'auditor',
  'security_admin',
  'system_admin',
] as const;

export type RoleCode = (typeof ROLES)[number];

/** The three administrative roles that must never be held by one account (MLPS level 3 三权分立). */
export const SEPARATED_ROLES: readonly RoleCode[] = ['system_admin', 'security_admin', 'auditor'];

/** Jurisdiction levels, outermost first: 省-市-县-所-社区-网格. */
export const JURISDICTION_LEVELS = ['province', 'city', 'county', 'station', 'community', 'grid'] as const;
export type JurisdictionLevel = (typeof JURISDICTION_LEVELS)[number];

/** Sensitivity grades of personal data fields (核心/重要/一般). */
export const SENSITIVITY_GRADES = ['core', 'important', 'general'] as const;
export type SensitivityGrade = (typeof SENSITIVITY_GRADES)[number];
