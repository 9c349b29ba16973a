/**
 * User management: create, read, list/search, export, disable/enable, role assignment (with three-way
 * separation of duties) and temporary task grants. Every decision goes through the policy; every write
 * appends its audit entry in the same transaction.
 *
 * Reads of records outside the actor's reach answer USER_NOT_FOUND (not FORBIDDEN) so existence does not leak.
 */
import { sql } from 'drizzle-orm';
import { SEPARATED_ROLES, type RoleCode } from '../../../contracts/roles.ts';
import { recordAudit, transaction, type Actor, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authorize, can } from '../policy/policy.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { GRANTABLE_ACTIONS, roleAllows } from '../policy/policy.rules.ts';
import { findJurisdiction } from '../jurisdictions/jurisdiction.repository.ts';
import { hashPassword } from '../auth/password.hasher.ts';
import { checkPasswordRules, generateTemporaryPassword } from '../auth/password.rules.ts';
import {
  USER_COLUMNS,
  deleteRoleAssignment,
  findTakenField,
  findTaskGrant,
  findUserById,
  insertRoleAssignment,
  insertTaskGrant,
  insertUserRow,
  listUsers,
  revokeTaskGrantRow,
  setUserStatus,
  type Assignment,
  type TaskGrantRow,
  type User,
} from './user.repository.ts';
import { userResource } from './user.presenter.ts';
import type { TaskGrantView } from './user.schemas.ts';
import { endAllSessionsOf } from '../auth/auth.service.ts';
import { isValidResidentId } from '../../../contracts/resident-id.ts';

/** Longest a task grant may run; longer loans are re-granted deliberately. */
export const MAX_GRANT_DAYS = 31;

function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  return ctx.actor;
}

const userNotFound = (id: string) =>
  new AppError('USER_NOT_FOUND', `No user ${id} that you may see; check the id.`, { id });

const readable = (ctx: RequestContext, u: User) => can(ctx.actor, 'user.read', userResource(u), { now: ctx.now() });

/** A user the actor may read, or USER_NOT_FOUND. */
export async function getUser(ctx: RequestContext, id: string): Promise<User> {
  requireActor(ctx);
  const u = await findUserById(ctx.db, id);
  if (!u || !readable(ctx, u)) throw userNotFound(id);
  return u;
}

export interface UserFilter {
  q?: string;
  jurisdictionId?: string;
  status?: 'active' | 'disabled';
}

const encodeCursor = (username: string) => Buffer.from(username, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const username = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(username)) {
    throw new AppError('VALIDATION_FAILED', 'The cursor is not one this server issued; start again without it.', {
      in: 'querystring',
      field: 'cursor',
    });
  }
  return username;
}

async function subtreePath(ctx: RequestContext, jurisdictionId: string | undefined): Promise<string | undefined> {
  if (jurisdictionId === undefined) return undefined;
  const j = await findJurisdiction(ctx.db, jurisdictionId);
  if (!j) throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${jurisdictionId}.`, { id: jurisdictionId });
  return j.path;
}

/**
 * Lists (and searches) the users the actor may read, by username, `limit` per page. The policy's SQL filter
 * selects exactly the users `can(actor, 'user.read', user)` allows.
 */
export async function listVisibleUsers(
  ctx: RequestContext,
  filter: UserFilter & { limit: number; cursor?: string },
): Promise<{ users: User[]; nextCursor: string | null }> {
  const actor = requireActor(ctx);
  const users = await listUsers(ctx.db, {
    where: policyFilter(actor, 'user.read', USER_COLUMNS, { now: ctx.now() }),
    q: filter.q,
    underPath: await subtreePath(ctx, filter.jurisdictionId),
    status: filter.status,
    afterUsername: filter.cursor === undefined ? undefined : decodeCursor(filter.cursor),
    limit: filter.limit + 1,
  });
  const page = users.slice(0, filter.limit);
  const nextCursor = users.length > filter.limit ? encodeCursor(page[page.length - 1]!.username) : null;
  return { users: page, nextCursor };
}

/** Most rows one export returns; narrow the filter for more. */
export const EXPORT_LIMIT = 50_000;

/**
 * The users an export may contain: readable AND exportable by the actor, same filter as the list. Audited
 * (`user.export`) with the row count; FORBIDDEN for actors who may export nothing anywhere.
 */
export async function exportVisibleUsers(ctx: RequestContext, filter: UserFilter): Promise<User[]> {
  const actor = requireActor(ctx);
  if (!actor.assignments.some((a) => roleAllows(a.role, 'user.export'))) {
    throw new AppError('FORBIDDEN', 'You may not user.export here.', { action: 'user.export', resourceType: 'user' });
  }
  const now = ctx.now();
  const users = await listUsers(ctx.db, {
    where: sql`${policyFilter(actor, 'user.read', USER_COLUMNS, { now })} and ${policyFilter(actor, 'user.export', USER_COLUMNS, { now })}`,
    q: filter.q,
    underPath: await subtreePath(ctx, filter.jurisdictionId),
    status: filter.status,
    limit: EXPORT_LIMIT,
  });
  await recordAudit(ctx, {
    action: 'user.export',
    resourceType: 'user',
    resourceId: null,
    outcome: 'success',
    jurisdictionId: filter.jurisdictionId ?? null,
    payload: { rows: users.length, filter },
  });
  return users;
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  homeJurisdictionId: string;
  policeNumber?: string;
  idNumber?: string;
  phone?: string;
  address?: string;
  password?: string;
}

export interface CreateUserOptions {
  passwordMinLength: number;
}

async function prepareUser(input: CreateUserInput, opts: CreateUserOptions) {
  // The HTTP schema checks these too; the CLI path arrives here unvalidated.
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(input.username)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'username must be 3-64 lower-case letters, digits, . _ - (starting alphanumeric).',
      {
        in: 'body',
        field: 'username',
      },
    );
  }
  if (input.displayName.length < 1 || input.displayName.length > 64) {
    throw new AppError('VALIDATION_FAILED', 'displayName must be 1-64 characters.', {
      in: 'body',
      field: 'displayName',
    });
  }
  if (input.idNumber !== undefined && !isValidResidentId(input.idNumber)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'idNumber is not a valid resident ID number (GB 11643: 18 characters, real birth date, check character).',
      {
        in: 'body',
        field: 'idNumber',
      },
    );
  }
  let password = input.password;
  let generated: string | undefined;
  if (password === undefined) {
    do generated = generateTemporaryPassword(Math.max(16, opts.passwordMinLength));
    while (checkPasswordRules(generated, { username: input.username, minLength: opts.passwordMinLength }).length > 0);
    password = generated;
  } else {
    const broken = checkPasswordRules(password, { username: input.username, minLength: opts.passwordMinLength });
    if (broken.length > 0) {
      throw new AppError('PASSWORD_POLICY', `The password breaks the password rules: ${broken.join(', ')}.`, {
        rules: broken,
        minLength: opts.passwordMinLength,
      });
    }
  }
  return { passwordHash: await hashPassword(password), generated };
}

async function insertNewUser(
  tx: RequestContext,
  input: CreateUserInput,
  prepared: { passwordHash: string; generated: string | undefined },
): Promise<string> {
  const taken = await findTakenField(tx.db, { username: input.username, policeNumber: input.policeNumber ?? null });
  if (taken === 'username')
    throw new AppError('USERNAME_TAKEN', `Username "${input.username}" exists; choose another.`, {
      field: 'username',
    });
  if (taken === 'policeNumber')
    throw new AppError('POLICE_NUMBER_TAKEN', 'Another account has this police number; check it.', {
      field: 'policeNumber',
    });
  const id = await insertUserRow(tx.db, {
    username: input.username,
    displayName: input.displayName,
    policeNumber: input.policeNumber ?? null,
    homeJurisdictionId: input.homeJurisdictionId,
    idNumber: input.idNumber ?? null,
    phone: input.phone ?? null,
    address: input.address ?? null,
    passwordHash: prepared.passwordHash,
    // A generated (or administrator-chosen) password is known to someone else: change it at first login.
    mustChangePassword: true,
  });
  await recordAudit(tx, {
    action: 'user.create',
    resourceType: 'user',
    resourceId: id,
    outcome: 'success',
    jurisdictionId: input.homeJurisdictionId,
    payload: { username: input.username, homeJurisdictionId: input.homeJurisdictionId },
  });
  return id;
}

/**
 * Creates an account in the actor's scope (system admin). Without `password` one is generated and returned
 * once. Either way the user must change it at first login. Roles are assigned separately (security admin).
 */
export async function createUser(
  ctx: RequestContext,
  input: CreateUserInput,
  opts: CreateUserOptions,
): Promise<{ user: User; initialPassword?: string }> {
  const actor = requireActor(ctx);
  const home = await findJurisdiction(ctx.db, input.homeJurisdictionId);
  if (
    !home ||
    !can(actor, 'jurisdiction.read', { type: 'jurisdiction', jurisdictionPath: home.path }, { now: ctx.now() })
  )
    throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${input.homeJurisdictionId}.`, {
      id: input.homeJurisdictionId,
    });
  authorize(ctx, 'user.create', { type: 'user', jurisdictionPath: home.path });
  const prepared = await prepareUser(input, opts);
  return transaction(ctx, async (tx) => {
    const id = await insertNewUser(tx, input, prepared);
    const user = (await findUserById(tx.db, id))!;
    return prepared.generated ? { user, initialPassword: prepared.generated } : { user };
  });
}

/**
 * Operator bootstrap for the CLI (`jingwu users create`): whoever runs it on the server already holds the
 * database, so no actor is required; separation of duties still holds and everything is audited.
 */
export async function createUserAsOperator(
  ctx: RequestContext,
  input: CreateUserInput & { roles: Assignment[] },
  opts: CreateUserOptions,
): Promise<{ user: User; initialPassword?: string }> {
  const home = await findJurisdiction(ctx.db, input.homeJurisdictionId);
  if (!home)
    throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${input.homeJurisdictionId}.`, {
      id: input.homeJurisdictionId,
    });
  assertSeparation(
    [],
    input.roles.map((r) => r.role),
  );
  const prepared = await prepareUser(input, opts);
  return transaction(ctx, async (tx) => {
    const id = await insertNewUser(tx, input, prepared);
    for (const r of input.roles) {
      if (!(await findJurisdiction(tx.db, r.jurisdictionId)))
        throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${r.jurisdictionId}.`, { id: r.jurisdictionId });
      await insertRoleAssignment(tx.db, {
        userId: id,
        role: r.role,
        jurisdictionId: r.jurisdictionId,
        createdBy: null,
      });
      await recordAudit(tx, {
        action: 'user.assign_role',
        resourceType: 'user',
        resourceId: id,
        outcome: 'success',
        jurisdictionId: r.jurisdictionId,
        payload: { role: r.role, jurisdictionId: r.jurisdictionId, by: 'cli' },
      });
    }
    const user = (await findUserById(tx.db, id))!;
    return prepared.generated ? { user, initialPassword: prepared.generated } : { user };
  });
}

/** Lists every user (CLI, operator on the server), optionally under a jurisdiction. */
export async function listAllUsers(ctx: RequestContext, filter: { jurisdictionId?: string }): Promise<User[]> {
  return listUsers(ctx.db, {
    where: sql`true`,
    underPath: await subtreePath(ctx, filter.jurisdictionId),
    limit: EXPORT_LIMIT,
  });
}

/** Disables or re-enables an account (system admin, never one's own). Idempotent. */
export async function setStatus(ctx: RequestContext, id: string, status: 'active' | 'disabled'): Promise<User> {
  return transaction(ctx, async (tx) => {
    requireActor(tx);
    const u = await findUserById(tx.db, id, { forUpdate: true });
    if (!u || !readable(tx, u)) throw userNotFound(id);
    authorize(tx, 'user.disable', userResource(u));
    const changed = await setUserStatus(tx.db, id, status);
    if (changed) {
      const sessionsEnded = status === 'disabled' ? await endAllSessionsOf(tx, id) : 0;
      await recordAudit(tx, {
        action: status === 'disabled' ? 'user.disable' : 'user.enable',
        resourceType: 'user',
        resourceId: id,
        outcome: 'success',
        jurisdictionId: u.homeJurisdictionId,
        payload: { sessionsEnded },
      });
    }
    return (await findUserById(tx.db, id))!;
  });
}

/** Throws SEPARATION_OF_DUTIES when `held` plus `adding` would put two separated roles on one account. */
function assertSeparation(held: RoleCode[], adding: RoleCode[]): void {
  const separated = new Set([...held, ...adding].filter((r) => SEPARATED_ROLES.includes(r)));
  if (separated.size > 1) {
    throw new AppError(
      'SEPARATION_OF_DUTIES',
      `One account cannot hold ${[...separated].join(' and ')}: system admin, security admin and auditor must be different people.`,
      { roles: [...separated] },
    );
  }
}

async function roleTarget(tx: RequestContext, userId: string, jurisdictionId: string) {
  const u = await findUserById(tx.db, userId, { forUpdate: true });
  if (!u || !readable(tx, u)) throw userNotFound(userId);
  const j = await findJurisdiction(tx.db, jurisdictionId);
  if (!j) throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${jurisdictionId}.`, { id: jurisdictionId });
  // The assignment lives where its scope is: the security admin must hold the target subtree himself.
  authorize(tx, 'user.assign_role', { type: 'role_assignment', jurisdictionPath: j.path, ownerId: userId });
  return u;
}

/** Assigns a role over a jurisdiction subtree (security admin, within his scope). Idempotent. */
export async function assignRole(
  ctx: RequestContext,
  userId: string,
  a: { role: RoleCode; jurisdictionId: string },
): Promise<Assignment[]> {
  return transaction(ctx, async (tx) => {
    const actor = requireActor(tx);
    const u = await roleTarget(tx, userId, a.jurisdictionId);
    assertSeparation(
      u.roles.map((r) => r.role),
      [a.role],
    );
    const created = await insertRoleAssignment(tx.db, { userId, ...a, createdBy: actor.userId });
    if (created) {
      await recordAudit(tx, {
        action: 'user.assign_role',
        resourceType: 'user',
        resourceId: userId,
        outcome: 'success',
        jurisdictionId: a.jurisdictionId,
        payload: { role: a.role, jurisdictionId: a.jurisdictionId },
      });
    }
    return (await findUserById(tx.db, userId))!.roles;
  });
}

/** Removes a role assignment (security admin, within his scope). Idempotent. */
export async function removeRole(
  ctx: RequestContext,
  userId: string,
  a: { role: RoleCode; jurisdictionId: string },
): Promise<Assignment[]> {
  return transaction(ctx, async (tx) => {
    requireActor(tx);
    await roleTarget(tx, userId, a.jurisdictionId);
    if (await deleteRoleAssignment(tx.db, { userId, ...a })) {
      await recordAudit(tx, {
        action: 'user.remove_role',
        resourceType: 'user',
        resourceId: userId,
        outcome: 'success',
        jurisdictionId: a.jurisdictionId,
        payload: { role: a.role, jurisdictionId: a.jurisdictionId },
      });
    }
    return (await findUserById(tx.db, userId))!.roles;
  });
}

/** Renders a grant row for responses. */
export function presentTaskGrant(g: TaskGrantRow): TaskGrantView {
  return {
    id: g.id,
    userId: g.user_id,
    taskRef: g.task_ref,
    jurisdictionId: g.jurisdiction_id,
    actions: g.actions,
    startsAt: new Date(g.starts_at).toISOString(),
    endsAt: new Date(g.ends_at).toISOString(),
    revokedAt: g.revoked_at === null ? null : new Date(g.revoked_at).toISOString(),
  };
}

/**
 * Lends `userId` to a task in another jurisdiction: a duty leader or county duty officer of the receiving
 * jurisdiction grants him `actions` on the task's records there, from `startsAt` (default now) to `endsAt`.
 */
export async function createTaskGrant(
  ctx: RequestContext,
  userId: string,
  input: { taskRef: string; jurisdictionId: string; actions: string[]; startsAt?: string; endsAt: string },
): Promise<TaskGrantView> {
  const notGrantable = input.actions.filter((a) => !GRANTABLE_ACTIONS.has(a));
  if (notGrantable.length > 0) {
    throw new AppError('VALIDATION_FAILED', `A task grant cannot carry ${notGrantable.join(', ')}.`, {
      in: 'body',
      field: 'actions',
      notGrantable,
      grantable: [...GRANTABLE_ACTIONS],
    });
  }
  const now = ctx.now();
  const startsAt = input.startsAt === undefined ? now : new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (!(endsAt > startsAt) || !(endsAt > now) || endsAt.getTime() - startsAt.getTime() > MAX_GRANT_DAYS * 86_400_000) {
    throw new AppError(
      'VALIDATION_FAILED',
      `endsAt must lie after startsAt and now, at most ${MAX_GRANT_DAYS} days after startsAt.`,
      { in: 'body', field: 'endsAt' },
    );
  }
  return transaction(ctx, async (tx) => {
    requireActor(tx);
    const u = await findUserById(tx.db, userId, { forUpdate: true });
    if (!u) throw userNotFound(userId);
    const j = await findJurisdiction(tx.db, input.jurisdictionId);
    if (!j)
      throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${input.jurisdictionId}.`, {
        id: input.jurisdictionId,
      });
    authorize(tx, 'task_grant.create', { type: 'task_grant', jurisdictionPath: j.path, ownerId: userId });
    const id = await insertTaskGrant(tx.db, {
      userId,
      taskRef: input.taskRef,
      jurisdictionId: input.jurisdictionId,
      actions: input.actions,
      startsAt,
      endsAt,
    });
    await recordAudit(tx, {
      action: 'task_grant.create',
      resourceType: 'task_grant',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: input.jurisdictionId,
      payload: { userId, taskRef: input.taskRef, actions: input.actions, startsAt, endsAt },
    });
    return presentTaskGrant((await findTaskGrant(tx.db, userId, id))!);
  });
}

/** Ends a task grant now (duty leader / county duty officer / security admin of its jurisdiction). Idempotent. */
export async function revokeTaskGrant(ctx: RequestContext, userId: string, grantId: string): Promise<TaskGrantView> {
  return transaction(ctx, async (tx) => {
    requireActor(tx);
    const g = await findTaskGrant(tx.db, userId, grantId, { forUpdate: true });
    if (!g) throw new AppError('TASK_GRANT_NOT_FOUND', `No task grant ${grantId} for user ${userId}.`, { grantId });
    authorize(tx, 'task_grant.revoke', { type: 'task_grant', jurisdictionPath: g.path });
    if (g.revoked_at === null) {
      await revokeTaskGrantRow(tx.db, grantId, tx.now());
      await recordAudit(tx, {
        action: 'task_grant.revoke',
        resourceType: 'task_grant',
        resourceId: grantId,
        outcome: 'success',
        jurisdictionId: g.jurisdiction_id,
        payload: { userId, taskRef: g.task_ref },
      });
    }
    return presentTaskGrant((await findTaskGrant(tx.db, userId, grantId))!);
  });
}
