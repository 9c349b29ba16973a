/**
 * User rows, role assignments and task grants. Knows nothing about who asks: list queries take the policy's
 * SQL filter from the service. A user's jurisdiction path is the path of the home jurisdiction (`/` without
 * one, i.e. platform-wide).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { RoleCode } from '../../../contracts/roles.ts';
import { query, type Executor } from '../../db/client.ts';

export interface UserRow extends Record<string, unknown> {
  id: string;
  username: string;
  display_name: string;
  police_number: string | null;
  home_jurisdiction_id: string | null;
  jurisdiction_path: string;
  id_number: string | null;
  phone: string | null;
  address: string | null;
  status: 'active' | 'disabled';
  created_at: Date;
}

export interface Assignment {
  role: RoleCode;
  jurisdictionId: string;
}

/** A user as the service sees it (no credentials). */
export interface User {
  id: string;
  username: string;
  displayName: string;
  policeNumber: string | null;
  homeJurisdictionId: string | null;
  jurisdictionPath: string;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  status: 'active' | 'disabled';
  createdAt: Date;
  roles: Assignment[];
}

/** Maps a row (and its assignments) to the domain type. */
export function userRowToUser(r: UserRow, roles: Assignment[]): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    policeNumber: r.police_number,
    homeJurisdictionId: r.home_jurisdiction_id,
    jurisdictionPath: r.jurisdiction_path,
    idNumber: r.id_number,
    phone: r.phone,
    address: r.address,
    status: r.status,
    createdAt: new Date(r.created_at),
    roles,
  };
}

/** The SQL expressions the policy filter runs over in user queries. */
export const USER_COLUMNS = { path: sql`coalesce(j.path, '/')`, ownerId: sql`u.id` };

const SELECT = sql`select u.id, u.username, u.display_name, u.police_number, u.home_jurisdiction_id,
  coalesce(j.path, '/') as jurisdiction_path, u.id_number, u.phone, u.address, u.status, u.created_at
  from users u left join jurisdictions j on j.id = u.home_jurisdiction_id`;

async function withRoles(ex: Executor, rows: UserRow[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => sql`${r.id}::uuid`);
  const roles = await query<{ user_id: string; role: RoleCode; jurisdiction_id: string }>(
    ex,
    sql`select user_id, role, jurisdiction_id from role_assignments where user_id in (${sql.join(ids, sql`, `)})
        order by role, jurisdiction_id`,
  );
  const byUser = new Map<string, Assignment[]>();
  for (const r of roles) {
    const list = byUser.get(r.user_id) ?? [];
    list.push({ role: r.role, jurisdictionId: r.jurisdiction_id });
    byUser.set(r.user_id, list);
  }
  return rows.map((r) => userRowToUser(r, byUser.get(r.id) ?? []));
}

/** One user by id; `forUpdate` locks the user row (serialises role changes of one user). */
export async function findUserById(ex: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<User | null> {
  const rows = await query<UserRow>(
    ex,
    sql`${SELECT} where u.id = ${id} ${opts.forUpdate ? sql`for update of u` : sql``}`,
  );
  return (await withRoles(ex, rows))[0] ?? null;
}

export interface UserListQuery {
  /** The policy's condition over USER_COLUMNS. */
  where: SQL;
  /** Matches username, display name or police number (case-insensitive substring). */
  q?: string;
  /** Only users whose home jurisdiction lies in this subtree. */
  underPath?: string;
  status?: 'active' | 'disabled';
  /** Keyset pagination: usernames after this one. */
  afterUsername?: string;
  limit: number;
}

/** Escapes LIKE wildcards so user input matches literally. */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Users matching the query, ordered by username. */
export async function listUsers(ex: Executor, q: UserListQuery): Promise<User[]> {
  const conds: SQL[] = [q.where];
  if (q.q) {
    const pattern = `%${likeEscape(q.q.toLowerCase())}%`;
    conds.push(
      sql`(u.username like ${pattern} or lower(u.display_name) like ${pattern} or lower(coalesce(u.police_number, '')) like ${pattern})`,
    );
  }
  if (q.underPath) conds.push(sql`coalesce(j.path, '/') like ${`${likeEscape(q.underPath)}%`}`);
  if (q.status) conds.push(sql`u.status = ${q.status}`);
  if (q.afterUsername !== undefined) conds.push(sql`u.username > ${q.afterUsername}`);
  const rows = await query<UserRow>(
    ex,
    sql`${SELECT} where ${sql.join(conds, sql` and `)} order by u.username limit ${q.limit}`,
  );
  return withRoles(ex, rows);
}

export interface NewUser {
  username: string;
  displayName: string;
  policeNumber: string | null;
  homeJurisdictionId: string;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  passwordHash: string;
  mustChangePassword: boolean;
}

/** Which unique field is already taken, if any. */
export async function findTakenField(
  ex: Executor,
  u: { username: string; policeNumber: string | null },
): Promise<'username' | 'policeNumber' | null> {
  const rows = await query<{ username: string; police_number: string | null }>(
    ex,
    sql`select username, police_number from users where username = ${u.username}
        ${u.policeNumber ? sql`or police_number = ${u.policeNumber}` : sql``} limit 2`,
  );
  if (rows.some((r) => r.username === u.username)) return 'username';
  return rows.length > 0 ? 'policeNumber' : null;
}

/** Inserts a user; returns the new id. */
export async function insertUserRow(ex: Executor, u: NewUser): Promise<string> {
  const [row] = await query<{ id: string }>(
    ex,
    sql`insert into users (username, display_name, police_number, home_jurisdiction_id, id_number, phone, address,
                           password_hash, must_change_password)
        values (${u.username}, ${u.displayName}, ${u.policeNumber}, ${u.homeJurisdictionId}, ${u.idNumber}, ${u.phone},
                ${u.address}, ${u.passwordHash}, ${u.mustChangePassword})
        returning id`,
  );
  return row!.id;
}

/** Sets the account status; returns true when it changed. */
export async function setUserStatus(ex: Executor, id: string, status: 'active' | 'disabled'): Promise<boolean> {
  const rows = await query<{ id: string }>(
    ex,
    sql`update users set status = ${status}, updated_at = now() where id = ${id} and status <> ${status} returning id`,
  );
  return rows.length === 1;
}

/** Adds a role assignment; returns false when the user already holds it. */
export async function insertRoleAssignment(
  ex: Executor,
  a: { userId: string; role: RoleCode; jurisdictionId: string; createdBy: string | null },
): Promise<boolean> {
  const rows = await query<{ id: string }>(
    ex,
    sql`insert into role_assignments (user_id, role, jurisdiction_id, created_by)
        values (${a.userId}, ${a.role}, ${a.jurisdictionId}, ${a.createdBy})
        on conflict (user_id, role, jurisdiction_id) do nothing returning id`,
  );
  return rows.length === 1;
}

/** Removes a role assignment; returns false when there was none. */
export async function deleteRoleAssignment(
  ex: Executor,
  a: { userId: string; role: string; jurisdictionId: string },
): Promise<boolean> {
  const rows = await query<{ id: string }>(
    ex,
    sql`delete from role_assignments where user_id = ${a.userId} and role = ${a.role}
        and jurisdiction_id = ${a.jurisdictionId} returning id`,
  );
  return rows.length === 1;
}

export interface TaskGrantRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  task_ref: string;
  jurisdiction_id: string;
  path: string;
  actions: string[];
  starts_at: Date;
  ends_at: Date;
  revoked_at: Date | null;
  created_at: Date;
}

/** Inserts a task grant; returns its id. */
export async function insertTaskGrant(
  ex: Executor,
  g: { userId: string; taskRef: string; jurisdictionId: string; actions: string[]; startsAt: Date; endsAt: Date },
): Promise<string> {
  const [row] = await query<{ id: string }>(
    ex,
    sql`insert into task_grants (user_id, task_ref, jurisdiction_id, actions, starts_at, ends_at)
        values (${g.userId}, ${g.taskRef}, ${g.jurisdictionId}, ${`{${g.actions.join(',')}}`}::text[],
                ${g.startsAt.toISOString()}::timestamptz, ${g.endsAt.toISOString()}::timestamptz)
        returning id`,
  );
  return row!.id;
}

/** One task grant of a user, with the path of its jurisdiction. */
export async function findTaskGrant(
  ex: Executor,
  userId: string,
  grantId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<TaskGrantRow | null> {
  const rows = await query<TaskGrantRow>(
    ex,
    sql`select g.*, j.path from task_grants g join jurisdictions j on j.id = g.jurisdiction_id
        where g.id = ${grantId} and g.user_id = ${userId} ${opts.forUpdate ? sql`for update of g` : sql``}`,
  );
  return rows[0] ?? null;
}

/** Marks a grant revoked at `now` (first revocation wins). */
export async function revokeTaskGrantRow(ex: Executor, grantId: string, now: Date): Promise<void> {
  await ex.execute(
    sql`update task_grants set revoked_at = ${now.toISOString()}::timestamptz where id = ${grantId} and revoked_at is null`,
  );
}
