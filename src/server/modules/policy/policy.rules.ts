/**
 * The declarative half of the policy: which actions exist and which role may perform which action. Scope
 * (the jurisdiction subtree of each assignment), self-service and task-scoped grants are applied by
 * `policy.ts` on top of this table. Nothing here is granted by default: an action absent from a role's row
 * is denied.
 *
 * Separation of duties (三权分立) shows in the table itself: only the auditor holds `audit.*`; no action lets
 * anyone edit, delete or disable the audit trail (the catalogue has none); the security admin holds role
 * assignment and session revocation; the system admin holds accounts and jurisdictions but no `audit.*`.
 */
import type { RoleCode, SensitivityGrade } from '../../../contracts/roles.ts';

/** Every action the platform knows. Unknown actions are denied. */
export const ACTIONS = [
  // Users and access
  'user.read',
  'user.read_sensitive:important',
  'user.read_sensitive:core',
  'user.create',
  'user.update',
  'user.disable',
  'user.assign_role',
  'user.export',
  'task_grant.create',
  'task_grant.revoke',
  'session.revoke_any',
  'policy.read',
  // Jurisdictions
  'jurisdiction.read',
  'jurisdiction.manage',
  // Geography: base map layers, point resolution, geocoding, routes and ETAs (every staff role)
  'geo.read',
  // Audit (read-only by design: there is no audit.update / audit.delete / audit.disable)
  'audit.read',
  'audit.checkpoint',
  'audit.verify',
  // Business (used by later issues)
  'incident.read',
  'incident.create',
  'incident.update',
  'incident.dispatch',
  'incident.read_sensitive:important',
  'incident.read_sensitive:core',
  'deployment.read',
  'deployment.request',
  'deployment.report',
  'deployment.approve_general',
  'deployment.approve_major',
  'unit.read',
  'unit.update',
  'resident.read',
  'resident.read_sensitive:important',
  'resident.read_sensitive:core',
  'resident.update',
  'analytics.read',
] as const;

export type Action = (typeof ACTIONS)[number];

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);

/** True when `action` is in the catalogue. */
export function isAction(action: string): action is Action {
  return ACTION_SET.has(action);
}

/** The action that unmasks fields of `grade` on records of `type`, e.g. `user.read_sensitive:core`. */
export function readSensitiveAction(type: string, grade: Exclude<SensitivityGrade, 'general'>): string {
  return `${type}.read_sensitive:${grade}`;
}

/** Role → allowed actions, each within the jurisdiction subtree the role is assigned over. */
export const ROLE_ACTIONS: Record<RoleCode, readonly Action[]> = {
  provincial_commander: [
    'jurisdiction.read',
    'geo.read',
    'user.read',
    'incident.read',
    'deployment.read',
    'deployment.request',
    'deployment.approve_general',
    'deployment.approve_major',
    'unit.read',
    'analytics.read',
  ],
  city_dispatcher: [
    'jurisdiction.read',
    'geo.read',
    'user.read',
    'incident.read',
    'incident.read_sensitive:important',
    'incident.read_sensitive:core',
    'incident.create',
    'incident.update',
    'incident.dispatch',
    'deployment.read',
    'deployment.request',
    'unit.read',
    'analytics.read',
  ],
  duty_leader: [
    'jurisdiction.read',
    'geo.read',
    'user.read',
    'incident.read',
    'incident.read_sensitive:important',
    'incident.dispatch',
    'deployment.read',
    'deployment.request',
    'deployment.approve_general',
    'task_grant.create',
    'task_grant.revoke',
    'unit.read',
    'analytics.read',
  ],
  county_duty_officer: [
    'jurisdiction.read',
    'geo.read',
    'user.read',
    'incident.read',
    'incident.read_sensitive:important',
    'incident.read_sensitive:core',
    'incident.create',
    'incident.update',
    'incident.dispatch',
    'deployment.read',
    'deployment.request',
    'task_grant.create',
    'task_grant.revoke',
    'unit.read',
  ],
  station_chief: [
    'jurisdiction.read',
    'geo.read',
    'user.read',
    'user.read_sensitive:important',
    'incident.read',
    'incident.read_sensitive:important',
    'incident.create',
    'incident.update',
    'deployment.read',
    'deployment.report',
    'unit.read',
    'unit.update',
    'resident.read',
    'resident.read_sensitive:important',
    'resident.read_sensitive:core',
    'analytics.read',
  ],
  patrol_officer: [
    'jurisdiction.read',
    'geo.read',
    'incident.read',
    'incident.read_sensitive:important',
    'incident.update',
    'deployment.read',
    'deployment.report',
    'unit.read',
    'resident.read',
  ],
  community_officer: [
    'jurisdiction.read',
    'geo.read',
    'incident.read',
    'incident.read_sensitive:important',
    'incident.create',
    'resident.read',
    'resident.read_sensitive:important',
    'resident.update',
  ],
  grid_worker: ['jurisdiction.read', 'geo.read', 'incident.create', 'resident.read'],
  volunteer: ['jurisdiction.read', 'geo.read', 'incident.create'],
  auditor: [
    'jurisdiction.read',
    'geo.read',
    'user.read',
    'policy.read',
    'audit.read',
    'audit.checkpoint',
    'audit.verify',
  ],
  security_admin: [
    'jurisdiction.read',
    'geo.read',
    'user.read',
    'user.assign_role',
    'task_grant.revoke',
    'session.revoke_any',
    'policy.read',
  ],
  system_admin: [
    'jurisdiction.read',
    'geo.read',
    'jurisdiction.manage',
    'user.read',
    'user.read_sensitive:important',
    'user.read_sensitive:core',
    'user.create',
    'user.update',
    'user.disable',
    'user.export',
  ],
};

/** Actions anyone may perform on records about themselves (`resource.ownerId === actor.userId`). */
export const SELF_ACTIONS: ReadonlySet<string> = new Set<Action>([
  'user.read',
  'user.read_sensitive:important',
  'user.read_sensitive:core',
]);

/**
 * Actions nobody may perform on their own account, whatever their roles: a security admin cannot give himself
 * roles, an admin cannot disable himself, a duty leader cannot lend himself a grant.
 */
export const NOT_ON_SELF: ReadonlySet<string> = new Set<Action>([
  'user.assign_role',
  'user.disable',
  'task_grant.create',
]);

/**
 * Actions a temporary task grant may carry. Grants lend an officer to a task's records, never account,
 * policy, audit or sensitive-data powers.
 */
export const GRANTABLE_ACTIONS: ReadonlySet<string> = new Set<Action>([
  'incident.read',
  'incident.update',
  'deployment.read',
  'deployment.report',
  'unit.read',
  'unit.update',
]);

const ROLE_ACTION_SETS = new Map<string, ReadonlySet<string>>(
  Object.entries(ROLE_ACTIONS).map(([role, actions]) => [role, new Set<string>(actions)]),
);

/** True when the role's row in the table lists `action`. */
export function roleAllows(role: string, action: string): boolean {
  return ROLE_ACTION_SETS.get(role)?.has(action) ?? false;
}
