/**
 * The policy against an independent oracle: a role × jurisdiction-level × action × resource-position matrix
 * generated from the fixed test tree. The oracle below is written from the requirements (action → roles,
 * scope by walking parent ids), not derived from policy.rules.ts or the path-prefix code.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, SEPARATED_ROLES, type RoleCode } from '../../../contracts/roles.ts';
import type { Actor, TaskGrant } from '../../context.ts';
import { TREE } from '../../../../test/helpers/factories.ts';
import { ACTIONS, ROLE_ACTIONS } from './policy.rules.ts';
import { authorize, can, type Resource } from './policy.ts';
import { AppError } from '../../errors.ts';
import { systemContext } from '../../context.ts';

/** Oracle: for each action, the roles that may perform it (inside their scope). */
const ORACLE: Record<string, RoleCode[]> = {
  'user.read': [
    'provincial_commander',
    'city_dispatcher',
    'duty_leader',
    'county_duty_officer',
    'station_chief',
    'auditor',
    'security_admin',
    'system_admin',
  ],
  'user.read_sensitive:important': ['station_chief', 'system_admin'],
  'user.read_sensitive:core': ['system_admin'],
  'user.create': ['system_admin'],
  'user.update': ['system_admin'],
  'user.disable': ['system_admin'],
  'user.assign_role': ['security_admin'],
  'user.export': ['system_admin'],
  'task_grant.create': ['duty_leader', 'county_duty_officer'],
  'task_grant.revoke': ['duty_leader', 'county_duty_officer', 'security_admin'],
  'session.revoke_any': ['security_admin'],
  'policy.read': ['auditor', 'security_admin'],
  'jurisdiction.read': [...ROLES],
  'geo.read': [...ROLES],
  'jurisdiction.manage': ['system_admin'],
  'audit.read': ['auditor'],
  'audit.checkpoint': ['auditor'],
  'audit.verify': ['auditor'],
  'incident.read': [
    'provincial_commander',
    'city_dispatcher',
    'duty_leader',
    'county_duty_officer',
    'station_chief',
    'patrol_officer',
    'community_officer',
  ],
  'incident.create': [
    'city_dispatcher',
    'county_duty_officer',
    'station_chief',
    'community_officer',
    'grid_worker',
    'volunteer',
  ],
  'incident.update': ['city_dispatcher', 'county_duty_officer', 'station_chief', 'patrol_officer'],
  'incident.dispatch': ['city_dispatcher', 'duty_leader', 'county_duty_officer'],
  'incident.read_sensitive:important': [
    'city_dispatcher',
    'duty_leader',
    'county_duty_officer',
    'station_chief',
    'patrol_officer',
    'community_officer',
  ],
  'incident.read_sensitive:core': ['city_dispatcher', 'county_duty_officer'],
  'deployment.read': [
    'provincial_commander',
    'city_dispatcher',
    'duty_leader',
    'county_duty_officer',
    'station_chief',
    'patrol_officer',
  ],
  'deployment.request': ['provincial_commander', 'city_dispatcher', 'duty_leader', 'county_duty_officer'],
  'deployment.report': ['station_chief', 'patrol_officer'],
  'deployment.approve_general': ['provincial_commander', 'duty_leader'],
  'deployment.approve_major': ['provincial_commander'],
  'unit.read': [
    'provincial_commander',
    'city_dispatcher',
    'duty_leader',
    'county_duty_officer',
    'station_chief',
    'patrol_officer',
  ],
  'unit.update': ['station_chief'],
  'resident.read': ['station_chief', 'patrol_officer', 'community_officer', 'grid_worker'],
  'resident.read_sensitive:important': ['station_chief', 'community_officer'],
  'resident.read_sensitive:core': ['station_chief'],
  'resident.update': ['community_officer'],
  'analytics.read': ['provincial_commander', 'city_dispatcher', 'duty_leader', 'station_chief'],
};

const parentOf = new Map(TREE.map((j) => [j.id, j.parentId]));
const pathOf = new Map<string, string>();
for (const j of TREE) pathOf.set(j.id, `${j.parentId ? pathOf.get(j.parentId) : '/'}${j.id}/`);

/** Oracle scope: walk up from the resource's node; the platform itself ('/') belongs only to top-level scopes. */
function oracleInScope(scopeId: string, resourceId: string | null): boolean {
  if (resourceId === null) return parentOf.get(scopeId) === null;
  for (let cur: string | null | undefined = resourceId; cur; cur = parentOf.get(cur)) if (cur === scopeId) return true;
  return false;
}

function actor(assignments: { role: RoleCode; at: string }[], grants: TaskGrant[] = [], userId = 'u-actor'): Actor {
  return {
    userId,
    username: 'tester',
    sessionId: 's',
    assignments: assignments.map((a) => ({ role: a.role, jurisdictionId: a.at, jurisdictionPath: pathOf.get(a.at)! })),
    grants,
  };
}

const resourceAt = (id: string | null, extra: Partial<Resource> = {}): Resource => ({
  type: 'record',
  jurisdictionPath: id === null ? '/' : pathOf.get(id)!,
  ...extra,
});

// Levels a role is assigned at, and resource positions relative to them (inside, below, sibling, above, other branch, platform).
const ASSIGNMENT_LEVELS = ['44', '4401', '440103', '440103001', '440103001001001'];
const RESOURCE_POSITIONS: (string | null)[] = [
  null,
  '44',
  '4401',
  '440103',
  '440103001',
  '440103001001',
  '440103001001001',
  '440104',
  '440104001001001',
  '4402',
  '440203001',
];

describe('policy: the oracle describes the same catalogue', () => {
  it('lists exactly the actions of the catalogue', () => {
    expect(Object.keys(ORACLE).sort()).toEqual([...ACTIONS].sort());
  });
});

describe('policy: generated role × level × action × resource matrix', () => {
  let allowed = 0;
  let denied = 0;
  for (const role of ROLES) {
    it(`${role}: allows exactly the oracle's actions inside the assigned subtree`, () => {
      for (const at of ASSIGNMENT_LEVELS) {
        const a = actor([{ role, at }]);
        for (const action of ACTIONS) {
          for (const pos of RESOURCE_POSITIONS) {
            const expected = ORACLE[action]!.includes(role) && oracleInScope(at, pos);
            const got = can(a, action, resourceAt(pos));
            if (got !== expected) {
              throw new Error(`${role}@${at} ${action} on ${pos ?? '/'}: expected ${expected}, got ${got}`);
            }
            if (expected) allowed++;
            else denied++;
          }
        }
      }
      expect(allowed).toBeGreaterThan(0);
      expect(denied).toBeGreaterThan(0);
    });
  }

  it('combines several assignments as a union of their scopes', () => {
    const a = actor([
      { role: 'patrol_officer', at: '440103001' },
      { role: 'station_chief', at: '440104001' },
    ]);
    expect(can(a, 'incident.read', resourceAt('440103001001'))).toBe(true);
    expect(can(a, 'unit.update', resourceAt('440103001001'))).toBe(false); // chief powers only in his own station
    expect(can(a, 'unit.update', resourceAt('440104001001001'))).toBe(true);
    expect(can(a, 'incident.read', resourceAt('440203001'))).toBe(false);
  });
});

describe('policy: deny by default', () => {
  const chief = actor([{ role: 'station_chief', at: '440103001' }]);
  it('denies without an actor, for unknown actions and for malformed paths', () => {
    expect(can(null, 'incident.read', resourceAt('440103001'))).toBe(false);
    expect(can(chief, 'incident.delete_everything', resourceAt('440103001'))).toBe(false);
    expect(can(chief, '*', resourceAt('440103001'))).toBe(false);
    for (const bad of ['', '44/4401/', '/44/4401/440103/440103001', '/44/4401/440103/440103001/../', '/44//', '%']) {
      expect(can(chief, 'incident.read', { type: 'r', jurisdictionPath: bad })).toBe(false);
    }
  });
  it('does not take a sibling whose code starts with the same digits for a child', () => {
    const a = actor([{ role: 'station_chief', at: '440103001' }]);
    expect(can(a, 'incident.read', { type: 'r', jurisdictionPath: '/44/4401/440103/440103001/440103001009/' })).toBe(
      true,
    );
    expect(can(a, 'incident.read', { type: 'r', jurisdictionPath: '/44/4401/440103/4401030010/' })).toBe(false);
    expect(can(a, 'incident.read', { type: 'r', jurisdictionPath: '/44/4401/4401030/' })).toBe(false);
  });
  it('authorize throws UNAUTHENTICATED without an actor and FORBIDDEN on deny', () => {
    const sink = { append: async () => undefined };
    const anon = systemContext({} as never, sink);
    expect(() => authorize(anon, 'incident.read', resourceAt('44'))).toThrowError(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }) as AppError,
    );
    const ctx = systemContext({} as never, sink, { actor: chief });
    expect(() => authorize(ctx, 'incident.read', resourceAt('440104'))).toThrowError(
      expect.objectContaining({ code: 'FORBIDDEN' }) as AppError,
    );
    expect(authorize(ctx, 'incident.read', resourceAt('440103001001')).userId).toBe('u-actor');
  });
});

describe('policy: self-service and actions never allowed on oneself', () => {
  it('lets anyone read their own profile, sensitive fields included, and nobody else’s', () => {
    const nobody = actor([], [], 'me');
    expect(can(nobody, 'user.read', resourceAt('440203001', { ownerId: 'me' }))).toBe(true);
    expect(can(nobody, 'user.read_sensitive:core', resourceAt('440203001', { ownerId: 'me' }))).toBe(true);
    expect(can(nobody, 'user.read', resourceAt('440203001', { ownerId: 'someone' }))).toBe(false);
    expect(can(nobody, 'user.update', resourceAt('440203001', { ownerId: 'me' }))).toBe(false);
  });
  it('stops a security admin giving himself roles and an admin disabling himself', () => {
    const sec = actor([{ role: 'security_admin', at: '44' }], [], 'me');
    expect(can(sec, 'user.assign_role', resourceAt('4401', { ownerId: 'me' }))).toBe(false);
    expect(can(sec, 'user.assign_role', resourceAt('4401', { ownerId: 'other' }))).toBe(true);
    const sys = actor([{ role: 'system_admin', at: '44' }], [], 'me');
    expect(can(sys, 'user.disable', resourceAt('4401', { ownerId: 'me' }))).toBe(false);
    expect(can(sys, 'user.disable', resourceAt('4401', { ownerId: 'other' }))).toBe(true);
  });
});

describe('policy: a lent officer with a task-scoped grant', () => {
  const start = new Date('2026-11-23T08:00:00Z');
  const end = new Date('2026-11-23T20:00:00Z');
  const during = new Date('2026-11-23T12:00:00Z');
  const grant: TaskGrant = {
    id: 'g1',
    taskRef: 'deployment:d1',
    jurisdictionId: '440104',
    jurisdictionPath: pathOf.get('440104')!,
    actions: ['incident.read', 'deployment.report', 'user.read'],
    startsAt: start,
    endsAt: end,
  };
  // A patrol officer of station 440103001, lent to county 440104 for deployment d1.
  const lent = actor([{ role: 'patrol_officer', at: '440103001' }], [grant]);
  const taskRecord = resourceAt('440104001001', { taskRefs: ['deployment:d1', 'incident:i9'] });

  it('reads the task’s records in the receiving county while the grant runs', () => {
    expect(can(lent, 'incident.read', taskRecord, { now: during })).toBe(true);
    expect(can(lent, 'deployment.report', taskRecord, { now: during })).toBe(true);
    expect(can(lent, 'incident.read', taskRecord, { now: start })).toBe(true);
  });
  it('cannot read other records of the receiving county', () => {
    expect(can(lent, 'incident.read', resourceAt('440104001001'), { now: during })).toBe(false);
    const otherTask = resourceAt('440104001001', { taskRefs: ['deployment:d2'] });
    expect(can(lent, 'incident.read', otherTask, { now: during })).toBe(false);
  });
  it('cannot read the task’s records outside the grant’s jurisdiction', () => {
    const elsewhere = resourceAt('440203001', { taskRefs: ['deployment:d1'] });
    expect(can(lent, 'incident.read', elsewhere, { now: during })).toBe(false);
    const above = resourceAt('4401', { taskRefs: ['deployment:d1'] });
    expect(can(lent, 'incident.read', above, { now: during })).toBe(false);
  });
  it('cannot read the task’s records before the grant starts or once it has ended', () => {
    expect(can(lent, 'incident.read', taskRecord, { now: end })).toBe(false);
    expect(can(lent, 'incident.read', taskRecord, { now: new Date('2026-11-24T00:00:00Z') })).toBe(false);
    expect(can(lent, 'incident.read', taskRecord, { now: new Date('2026-11-23T07:59:59Z') })).toBe(false);
  });
  it('gets nothing from a grant for actions it does not list or that are not grantable', () => {
    expect(can(lent, 'incident.update', taskRecord, { now: during })).toBe(false);
    expect(can(lent, 'user.read', taskRecord, { now: during })).toBe(false);
  });
  it('keeps his own station’s powers', () => {
    expect(can(lent, 'incident.read', resourceAt('440103001001'), { now: during })).toBe(true);
    expect(can(lent, 'incident.read', resourceAt('440103001001'), { now: end })).toBe(true);
  });
});

describe('policy: three-way separation of duties in the table', () => {
  const holders = (prefix: string) =>
    ROLES.filter((r) => ROLE_ACTIONS[r].some((a) => a.startsWith(prefix))).sort((a, b) => a.localeCompare(b));
  it('gives audit actions to the auditor only, and no action edits the audit trail', () => {
    expect(holders('audit.')).toEqual(['auditor']);
    expect(ACTIONS.filter((a) => a.startsWith('audit.')).sort()).toEqual([
      'audit.checkpoint',
      'audit.read',
      'audit.verify',
    ]);
  });
  it('gives role assignment to the security admin and accounts/jurisdictions to the system admin', () => {
    expect(ROLES.filter((r) => ROLE_ACTIONS[r].includes('user.assign_role'))).toEqual(['security_admin']);
    expect(ROLES.filter((r) => ROLE_ACTIONS[r].includes('user.create'))).toEqual(['system_admin']);
    expect(ROLES.filter((r) => ROLE_ACTIONS[r].includes('jurisdiction.manage'))).toEqual(['system_admin']);
  });
  it('keeps the three separated roles’ powers disjoint apart from reading', () => {
    const powers = SEPARATED_ROLES.map(
      (r) =>
        new Set(
          ROLE_ACTIONS[r].filter((a) => !['jurisdiction.read', 'geo.read', 'user.read', 'policy.read'].includes(a)),
        ),
    );
    for (let i = 0; i < powers.length; i++)
      for (let j = i + 1; j < powers.length; j++)
        expect(
          [...powers[i]!].filter((a) => powers[j]!.has(a)),
          `${SEPARATED_ROLES[i]} ∩ ${SEPARATED_ROLES[j]}`,
        ).toEqual([]);
  });
});
