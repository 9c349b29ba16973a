/**
 * What leaves the server about a user. Every response that carries users (single read, list, search, CSV
 * export) goes through `presentUsers`, which masks each personal field whose sensitivity grade the policy
 * does not let the actor see on that record, and appends a `user.read_core` audit entry for every record
 * whose core-grade data (the ID number) it reveals.
 */
import { recordAudit, type RequestContext } from '../../context.ts';
import type { SensitivityGrade } from '../../../contracts/roles.ts';
import { maskAddress, maskIdNumber, maskPhone, visibleGrades } from '../policy/policy.masking.ts';
import type { Resource } from '../policy/policy.ts';
import type { User } from './user.repository.ts';
import type { UserView } from './user.schemas.ts';

/** The policy resource a user record is. */
export function userResource(u: Pick<User, 'id' | 'jurisdictionPath'>): Resource {
  return { type: 'user', id: u.id, jurisdictionPath: u.jurisdictionPath, ownerId: u.id };
}

function maskWith(value: string | null, visible: boolean, mask: (v: string) => string): string | null {
  if (value === null) return null;
  return visible ? value : mask(value);
}

/** One user as `grades` allows (pure; no audit). */
export function maskUser(u: User, grades: Set<SensitivityGrade>): UserView {
  const core = grades.has('core');
  const important = grades.has('important');
  const masked: string[] = [];
  if (u.idNumber !== null && !core) masked.push('idNumber');
  if (u.phone !== null && !important) masked.push('phone');
  if (u.address !== null && !important) masked.push('address');
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    policeNumber: u.policeNumber,
    homeJurisdictionId: u.homeJurisdictionId,
    status: u.status,
    idNumber: maskWith(u.idNumber, core, maskIdNumber),
    phone: maskWith(u.phone, important, maskPhone),
    address: maskWith(u.address, important, maskAddress),
    masked,
    roles: u.roles,
    createdAt: u.createdAt.toISOString(),
  };
}

/** Presents users for `ctx.actor`, auditing every reveal of core-grade data. */
export async function presentUsers(ctx: RequestContext, users: User[], via: string): Promise<UserView[]> {
  const now = ctx.now();
  const out: UserView[] = [];
  for (const u of users) {
    const grades = visibleGrades(ctx.actor, userResource(u), now);
    if (grades.has('core') && u.idNumber !== null) {
      await recordAudit(ctx, {
        action: 'user.read_core',
        resourceType: 'user',
        resourceId: u.id,
        outcome: 'success',
        jurisdictionId: u.homeJurisdictionId,
        payload: { fields: ['idNumber'], via },
      });
    }
    out.push(maskUser(u, grades));
  }
  return out;
}
