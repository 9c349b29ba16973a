/**
 * SQL for authentication: credentials, sessions, refresh tokens, password history. Knows nothing about HTTP
 * or who is asking; timestamps are passed in (the context's clock) so tests can pin time.
 */
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';
import type { RoleAssignment, TaskGrant } from '../../context.ts';

/** What login needs to know about an account. */
export interface CredentialsRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  password_changed_at: Date;
  must_change_password: boolean;
  status: 'active' | 'disabled';
  locked_until: Date | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: number | null;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Drizzle's raw `execute` hands timestamps back as PostgreSQL text on both drivers (e.g.
 * `2026-11-23 14:05:52.123+00`); these turn the named columns into Dates.
 */
function withDates<T extends Record<string, unknown>>(row: T, keys: readonly (keyof T)[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const k of keys) {
    const v = row[k];
    if (v !== null && v !== undefined && !(v instanceof Date)) out[k as string] = new Date(String(v));
  }
  return out as T;
}

const CREDENTIAL_DATES = ['password_changed_at', 'locked_until'] as const;
const SESSION_DATES = ['access_expires_at', 'expires_at', 'last_seen_at', 'revoked_at', 'password_changed_at'] as const;

const CREDENTIAL_COLUMNS = sql`id, username, display_name, password_hash, password_changed_at, must_change_password,
  status, locked_until, totp_secret, totp_enabled, totp_last_step::integer as totp_last_step`;

/** Finds an account by username. */
export async function findCredentialsByUsername(ex: Executor, username: string): Promise<CredentialsRow | undefined> {
  const [row] = await query<CredentialsRow & Record<string, unknown>>(
    ex,
    sql`select ${CREDENTIAL_COLUMNS} from users where username = ${username}`,
  );
  return row && withDates(row, CREDENTIAL_DATES);
}

/** Finds an account by id. */
export async function findCredentialsById(ex: Executor, userId: string): Promise<CredentialsRow | undefined> {
  const [row] = await query<CredentialsRow & Record<string, unknown>>(
    ex,
    sql`select ${CREDENTIAL_COLUMNS} from users where id = ${userId}`,
  );
  return row && withDates(row, CREDENTIAL_DATES);
}

/**
 * Counts a failed login atomically. On the `maxFailures`-th consecutive failure the account locks until
 * `now + lockoutMinutes` and the counter starts again from zero (so after the lock the user has a full set
 * of attempts). Returns the lock end when this failure locked the account.
 */
export async function recordFailedLogin(
  ex: Executor,
  userId: string,
  opts: { now: Date; maxFailures: number; lockoutMinutes: number },
): Promise<Date | null> {
  const lockUntil = new Date(opts.now.getTime() + opts.lockoutMinutes * 60_000);
  const [row] = await query<{ locked_until: Date | null; locked_now: boolean }>(
    ex,
    sql`update users set
          failed_logins = case when failed_logins + 1 >= ${opts.maxFailures} then 0 else failed_logins + 1 end,
          locked_until = case when failed_logins + 1 >= ${opts.maxFailures} then ${ts(lockUntil)} else locked_until end
        where id = ${userId}
        returning locked_until, (locked_until = ${ts(lockUntil)}) as locked_now`,
  );
  return row?.locked_now ? lockUntil : null;
}

/** Clears the failure counter and any expired lock after a successful login. */
export async function recordSuccessfulLogin(ex: Executor, userId: string): Promise<void> {
  await ex.execute(sql`update users set failed_logins = 0, locked_until = null where id = ${userId}`);
}

/**
 * Accepts a TOTP time step only if it is later than the last accepted one (atomically, so two concurrent
 * requests with the same code cannot both pass). False means the code was already used.
 */
export async function claimTotpStep(ex: Executor, userId: string, step: number): Promise<boolean> {
  const rows = await query<{ id: string }>(
    ex,
    sql`update users set totp_last_step = ${step}
        where id = ${userId} and (totp_last_step is null or totp_last_step < ${step}) returning id`,
  );
  return rows.length === 1;
}

/** Stores a (not yet enabled) encrypted TOTP secret. */
export async function setPendingTotpSecret(ex: Executor, userId: string, encrypted: string): Promise<void> {
  await ex.execute(
    sql`update users set totp_secret = ${encrypted}, totp_enabled = false, totp_last_step = null, updated_at = now()
        where id = ${userId}`,
  );
}

/** Turns the stored TOTP secret on (`enabled`) or removes it. */
export async function setTotpEnabled(ex: Executor, userId: string, enabled: boolean): Promise<void> {
  await ex.execute(
    enabled
      ? sql`update users set totp_enabled = true, updated_at = now() where id = ${userId}`
      : sql`update users set totp_enabled = false, totp_secret = null, totp_last_step = null, updated_at = now()
            where id = ${userId}`,
  );
}

/** The newest `limit` earlier password hashes of a user. */
export async function listPasswordHistory(ex: Executor, userId: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await query<{ password_hash: string }>(
    ex,
    sql`select password_hash from password_history where user_id = ${userId} order by id desc limit ${limit}`,
  );
  return rows.map((r) => r.password_hash);
}

/**
 * Replaces a user's password: the old hash goes to the history (trimmed to `keep` entries), the new one is
 * stored with its change time, and `mustChange` sets or clears the forced-change flag.
 */
export async function replacePassword(
  ex: Executor,
  userId: string,
  opts: { newHash: string; now: Date; mustChange: boolean; keep: number },
): Promise<void> {
  await ex.execute(
    sql`insert into password_history (user_id, password_hash) select id, password_hash from users where id = ${userId}`,
  );
  await ex.execute(
    sql`delete from password_history where user_id = ${userId} and id not in (
          select id from password_history where user_id = ${userId} order by id desc limit ${opts.keep})`,
  );
  await ex.execute(
    sql`update users set password_hash = ${opts.newHash}, password_changed_at = ${ts(opts.now)},
          must_change_password = ${opts.mustChange}, failed_logins = 0, locked_until = null, updated_at = now()
        where id = ${userId}`,
  );
}

export interface NewSession {
  userId: string;
  accessTokenHash: string;
  accessExpiresAt: Date;
  refreshTokenHash: string;
  expiresAt: Date;
  now: Date;
  ip: string;
  userAgent: string | undefined;
}

/** Inserts a session and its first refresh token; returns the session id. */
export async function insertSession(ex: Executor, s: NewSession): Promise<string> {
  const [row] = await query<{ id: string }>(
    ex,
    sql`insert into sessions (user_id, access_token_hash, access_expires_at, expires_at, created_at, last_seen_at, ip, user_agent)
        values (${s.userId}, ${s.accessTokenHash}, ${ts(s.accessExpiresAt)}, ${ts(s.expiresAt)}, ${ts(s.now)}, ${ts(s.now)},
                ${s.ip}, ${s.userAgent?.slice(0, 512) ?? null})
        returning id`,
  );
  await ex.execute(
    sql`insert into session_refresh_tokens (token_hash, session_id, created_at) values (${s.refreshTokenHash}, ${row!.id}, ${ts(s.now)})`,
  );
  return row!.id;
}

/** The session row plus what the per-request check needs about its user. */
export interface SessionStateRow {
  session_id: string;
  user_id: string;
  access_expires_at: Date;
  expires_at: Date;
  last_seen_at: Date;
  revoked_at: Date | null;
  username: string;
  status: 'active' | 'disabled';
  must_change_password: boolean;
  password_changed_at: Date;
}

/** A session with its user's role assignments and active task grants, found by access-token digest. */
export interface AuthenticatedSessionRow extends SessionStateRow {
  assignments: RoleAssignment[];
  grants: (Omit<TaskGrant, 'startsAt' | 'endsAt'> & { startsAt: string; endsAt: string })[];
}

/**
 * The one query run on every authenticated request: session (by its unique token digest) joined with the
 * user, the user's role assignments and the task grants active at `now`, each with its jurisdiction path.
 * The query lives in the PL/pgSQL function `auth_session_lookup` (migration 20261123151100) so its plan is
 * cached per connection; each request only parses this one-line call.
 */
export async function findSessionByAccessHash(
  ex: Executor,
  accessTokenHash: string,
  now: Date,
): Promise<AuthenticatedSessionRow | undefined> {
  const [row] = await query<AuthenticatedSessionRow & Record<string, unknown>>(
    ex,
    sql`select * from auth_session_lookup(${accessTokenHash}, ${ts(now)})`,
  );
  return row && withDates(row, SESSION_DATES);
}

/** Marks a session as used at `now` unless it was marked within the last minute (bounded write rate). */
export async function touchSession(ex: Executor, sessionId: string, now: Date): Promise<void> {
  await ex.execute(
    sql`update sessions set last_seen_at = ${ts(now)}
        where id = ${sessionId} and last_seen_at < ${ts(new Date(now.getTime() - 60_000))}`,
  );
}

/** A refresh token with its session, locked for update (concurrent refreshes of one session serialise). */
export interface RefreshLookupRow extends SessionStateRow {
  rotated_at: Date | null;
  display_name: string;
}

/** Finds the session a refresh token belongs to, locking the session row. */
export async function findSessionByRefreshHashForUpdate(
  ex: Executor,
  refreshTokenHash: string,
): Promise<RefreshLookupRow | undefined> {
  const [row] = await query<RefreshLookupRow & Record<string, unknown>>(
    ex,
    sql`select s.id as session_id, s.user_id, s.access_expires_at, s.expires_at, s.last_seen_at, s.revoked_at,
               u.username, u.display_name, u.status, u.must_change_password, u.password_changed_at, rt.rotated_at
          from session_refresh_tokens rt
          join sessions s on s.id = rt.session_id
          join users u on u.id = s.user_id
         where rt.token_hash = ${refreshTokenHash}
           for update of s`,
  );
  return row && withDates(row, [...SESSION_DATES, 'rotated_at']);
}

/** Rotates a session's tokens: the old refresh token is marked used, a new pair is stored. */
export async function rotateSessionTokens(
  ex: Executor,
  opts: {
    sessionId: string;
    oldRefreshHash: string;
    newRefreshHash: string;
    newAccessHash: string;
    accessExpiresAt: Date;
    now: Date;
  },
): Promise<void> {
  await ex.execute(
    sql`update session_refresh_tokens set rotated_at = ${ts(opts.now)} where token_hash = ${opts.oldRefreshHash}`,
  );
  await ex.execute(
    sql`insert into session_refresh_tokens (token_hash, session_id, created_at)
        values (${opts.newRefreshHash}, ${opts.sessionId}, ${ts(opts.now)})`,
  );
  await ex.execute(
    sql`update sessions set access_token_hash = ${opts.newAccessHash}, access_expires_at = ${ts(opts.accessExpiresAt)},
          last_seen_at = ${ts(opts.now)}
        where id = ${opts.sessionId}`,
  );
}

export type RevokeReason = 'logout' | 'user' | 'password_change' | 'password_reset' | 'refresh_reuse' | 'admin';

/** Revokes one session if it is still live; true when it was. */
export async function revokeSession(
  ex: Executor,
  sessionId: string,
  opts: { now: Date; reason: RevokeReason; userId?: string },
): Promise<boolean> {
  const rows = await query<{ id: string }>(
    ex,
    sql`update sessions set revoked_at = ${ts(opts.now)}, revoked_reason = ${opts.reason}
        where id = ${sessionId} and revoked_at is null
          ${opts.userId === undefined ? sql`` : sql`and user_id = ${opts.userId}`}
        returning id`,
  );
  return rows.length === 1;
}

/** Revokes every live session of a user except `exceptSessionId`; returns how many. */
export async function revokeUserSessions(
  ex: Executor,
  userId: string,
  opts: { now: Date; reason: RevokeReason; exceptSessionId?: string },
): Promise<number> {
  const rows = await query<{ id: string }>(
    ex,
    sql`update sessions set revoked_at = ${ts(opts.now)}, revoked_reason = ${opts.reason}
        where user_id = ${userId} and revoked_at is null
          ${opts.exceptSessionId === undefined ? sql`` : sql`and id <> ${opts.exceptSessionId}`}
        returning id`,
  );
  return rows.length;
}

/** A live session as its owner sees it. */
export interface SessionListRow {
  id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** The user's sessions that are neither revoked, expired nor idle at `now`, newest first. */
export async function listLiveSessions(
  ex: Executor,
  userId: string,
  opts: { now: Date; idleSince: Date },
): Promise<SessionListRow[]> {
  const rows = await query<SessionListRow & Record<string, unknown>>(
    ex,
    sql`select id, created_at, last_seen_at, expires_at, ip, user_agent from sessions
        where user_id = ${userId} and revoked_at is null and expires_at > ${ts(opts.now)}
          and last_seen_at > ${ts(opts.idleSince)}
        order by created_at desc, id`,
  );
  return rows.map((r) => withDates(r, ['created_at', 'last_seen_at', 'expires_at']));
}
