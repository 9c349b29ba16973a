/**
 * Sessions: login, per-request authentication, refresh with rotation, logout, listing and revoking one's own
 * sessions, "who am I". See docs/adr/0002-sessions-and-tokens.md for the token design.
 *
 * Slow work (argon2) happens outside transactions: on PGlite a transaction holds the only connection, and on
 * PostgreSQL it would hold row locks for the length of a hash. The writes that follow are short and atomic.
 */
import type { Actor, RequestContext } from '../../context.ts';
import { recordAudit, transaction, type AuditInput } from '../../context.ts';
import { AppError } from '../../errors.ts';
import * as repo from './auth.repository.ts';
import type { CredentialsRow, SessionStateRow } from './auth.repository.ts';
import { dummyPasswordHash, type AuthSettings } from './auth.settings.ts';
import { verifyPassword } from './password.hasher.ts';
import { hashToken, isWellFormedToken, newToken } from './session.tokens.ts';
import { decryptTotpSecret, verifyTotpCode } from './totp.crypto.ts';

export interface LoginInput {
  username: string;
  password: string;
  totp?: string;
}

/** What a successful login or refresh hands the client. */
export interface TokenGrant {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
  user: { id: string; username: string; displayName: string };
  mustChangePassword: boolean;
  passwordExpired: boolean;
}

/** The result of authenticating a bearer token. */
export interface Authentication {
  actor: Actor;
  /** True when the user must change the password before doing anything else. */
  passwordChangeRequired: boolean;
}

type Outcome<T> = { ok: T } | { error: AppError };

/** Unwraps a transaction's outcome: errors are thrown only after the transaction committed its audit entry. */
function unwrap<T>(outcome: Outcome<T>): T {
  if ('error' in outcome) throw outcome.error;
  return outcome.ok;
}

/** Appends an `auth.*` audit entry (never passwords, tokens or codes). */
export function auditAuth(
  ctx: RequestContext,
  action: string,
  outcome: AuditInput['outcome'],
  opts: { resourceType?: string; resourceId?: string | null; payload?: Record<string, unknown> } = {},
): Promise<void> {
  return recordAudit(ctx, {
    action,
    resourceType: opts.resourceType ?? 'user',
    resourceId: opts.resourceId ?? null,
    outcome,
    payload: opts.payload ?? {},
  });
}

export const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 'Wrong username or password; check both and try again.');

export const accountLocked = (until: Date) =>
  new AppError(
    'ACCOUNT_LOCKED',
    `Too many failed logins; the account is locked until ${until.toISOString()}. Try again then, or ask a security admin to reset the password.`,
    { lockedUntil: until.toISOString() },
  );

export const sessionExpired = (reason: string) =>
  new AppError(
    'SESSION_EXPIRED',
    reason === 'access_expired'
      ? 'The access token has expired; get a new one with POST /api/auth/refresh, or log in again.'
      : 'The session has ended (logged out, idle too long, expired or revoked); log in again.',
    { reason },
  );

/** Requires a logged-in actor (self-service endpoints: every authenticated user may manage their own credentials). */
export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  return ctx.actor;
}

/** True when the password is older than the configured maximum age (0 = never expires). */
export function isPasswordExpired(changedAt: Date, now: Date, settings: AuthSettings): boolean {
  const days = settings.auth.passwordMaxAgeDays;
  return days > 0 && now.getTime() - changedAt.getTime() >= days * 86_400_000;
}

/** Why a session can no longer be used at `now`, or null when it is live. */
export function sessionProblem(row: SessionStateRow, now: Date, settings: AuthSettings): string | null {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at.getTime() <= now.getTime()) return 'expired';
  if (now.getTime() - row.last_seen_at.getTime() >= settings.auth.idleTimeoutMinutes * 60_000) return 'idle';
  if (row.status !== 'active') return 'disabled';
  return null;
}

/**
 * Counts a failed credential check (wrong password or TOTP code) and audits it in one transaction. Returns
 * the error to throw: `fallback`, or ACCOUNT_LOCKED when this failure reached the limit.
 */
export async function failCredentialCheck(
  ctx: RequestContext,
  settings: AuthSettings,
  user: CredentialsRow,
  opts: { action: string; reason: string; fallback: AppError },
): Promise<AppError> {
  const now = ctx.now();
  return transaction(ctx, async (tx) => {
    const lockedUntil = await repo.recordFailedLogin(tx.db, user.id, {
      now,
      maxFailures: settings.auth.maxFailedLogins,
      lockoutMinutes: settings.auth.lockoutMinutes,
    });
    await auditAuth(tx, opts.action, 'failure', { resourceId: user.id, payload: { reason: opts.reason } });
    if (!lockedUntil) return opts.fallback;
    await auditAuth(tx, 'auth.lock', 'success', {
      resourceId: user.id,
      payload: { lockedUntil: lockedUntil.toISOString(), failures: settings.auth.maxFailedLogins },
    });
    return accountLocked(lockedUntil);
  });
}

/** Creates a session for `user` and returns its tokens (inside the caller's transaction). */
async function openSession(tx: RequestContext, settings: AuthSettings, user: CredentialsRow): Promise<TokenGrant> {
  const now = tx.now();
  const accessToken = newToken('access');
  const refreshToken = newToken('refresh');
  const expiresAt = new Date(now.getTime() + settings.auth.refreshTokenTtlSeconds * 1000);
  const accessExpiresAt = new Date(
    Math.min(now.getTime() + settings.auth.accessTokenTtlSeconds * 1000, expiresAt.getTime()),
  );
  const sessionId = await repo.insertSession(tx.db, {
    userId: user.id,
    accessTokenHash: hashToken(accessToken),
    accessExpiresAt,
    refreshTokenHash: hashToken(refreshToken),
    expiresAt,
    now,
    ip: tx.ip,
    userAgent: tx.userAgent,
  });
  return {
    sessionId,
    accessToken,
    refreshToken,
    accessTokenExpiresAt: accessExpiresAt,
    refreshTokenExpiresAt: expiresAt,
    user: { id: user.id, username: user.username, displayName: user.display_name },
    mustChangePassword: user.must_change_password,
    passwordExpired: isPasswordExpired(user.password_changed_at, now, settings),
  };
}

/**
 * Checks username, password and (when enabled) the TOTP code, and opens a session. Unknown usernames and wrong
 * passwords answer the same INVALID_CREDENTIALS after the same argon2 work; a disabled account is only revealed
 * to someone who knows its password.
 */
export async function login(ctx: RequestContext, settings: AuthSettings, input: LoginInput): Promise<TokenGrant> {
  const now = ctx.now();
  const user = await repo.findCredentialsByUsername(ctx.db, input.username.trim().toLowerCase());
  if (!user) {
    await verifyPassword(await dummyPasswordHash(), input.password);
    // The attempted username is not audited: people type passwords into the username field.
    await transaction(ctx, (tx) => auditAuth(tx, 'auth.login', 'failure', { payload: { reason: 'unknown_user' } }));
    throw invalidCredentials();
  }
  if (user.locked_until && user.locked_until.getTime() > now.getTime()) {
    await transaction(ctx, (tx) =>
      auditAuth(tx, 'auth.login', 'denied', { resourceId: user.id, payload: { reason: 'locked' } }),
    );
    throw accountLocked(user.locked_until);
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    throw await failCredentialCheck(ctx, settings, user, {
      action: 'auth.login',
      reason: 'bad_password',
      fallback: invalidCredentials(),
    });
  }
  if (user.status !== 'active') {
    await transaction(ctx, (tx) =>
      auditAuth(tx, 'auth.login', 'denied', { resourceId: user.id, payload: { reason: 'disabled' } }),
    );
    throw new AppError('ACCOUNT_DISABLED', 'This account is disabled; ask a system admin to enable it.');
  }
  let totpStep: number | null = null;
  if (user.totp_enabled) {
    if (input.totp === undefined) {
      await transaction(ctx, (tx) =>
        auditAuth(tx, 'auth.login', 'failure', { resourceId: user.id, payload: { reason: 'totp_required' } }),
      );
      throw new AppError('TOTP_REQUIRED', 'This account has a second factor: send the 6-digit code as "totp".');
    }
    totpStep = await checkTotp(settings, user, input.totp, now);
    if (totpStep === null) {
      throw await failCredentialCheck(ctx, settings, user, {
        action: 'auth.login',
        reason: 'totp_invalid',
        fallback: totpInvalid(),
      });
    }
  }
  const outcome = await transaction(ctx, async (tx): Promise<Outcome<TokenGrant>> => {
    if (totpStep !== null && !(await repo.claimTotpStep(tx.db, user.id, totpStep))) return { error: totpInvalid() };
    await repo.recordSuccessfulLogin(tx.db, user.id);
    const grant = await openSession(tx, settings, user);
    await auditAuth(tx, 'auth.login', 'success', {
      resourceId: user.id,
      payload: { sessionId: grant.sessionId, secondFactor: totpStep !== null },
    });
    return { ok: grant };
  });
  if ('error' in outcome) {
    // The code was valid but already used (a replay, or a concurrent login with the same code).
    throw await failCredentialCheck(ctx, settings, user, {
      action: 'auth.login',
      reason: 'totp_replayed',
      fallback: outcome.error,
    });
  }
  return outcome.ok;
}

export const totpInvalid = () =>
  new AppError('TOTP_INVALID', 'The one-time code is wrong or already used; wait for the next code and retry.');

/** Verifies a TOTP code against the user's stored secret; the matched time step, or null. */
export async function checkTotp(
  settings: AuthSettings,
  user: CredentialsRow,
  code: string,
  now: Date,
): Promise<number | null> {
  if (!user.totp_secret) return null;
  let secret: string;
  try {
    secret = decryptTotpSecret(settings.totpKey, user.id, user.totp_secret);
  } catch {
    // Tampered ciphertext or a changed key: the factor cannot be checked, so the code is refused.
    return null;
  }
  return verifyTotpCode(secret, code, { now, lastStep: user.totp_last_step });
}

/**
 * Validates a bearer access token: one indexed lookup joining session, user, role assignments and active task
 * grants. Revocation is therefore visible on the very next request, on every instance. `last_seen_at` is
 * written at most once a minute per session.
 */
export async function authenticate(
  ctx: RequestContext,
  settings: AuthSettings,
  token: string,
  opts: { countsAsActivity?: boolean } = {},
): Promise<Authentication> {
  if (!isWellFormedToken('access', token)) throw sessionExpired('unknown');
  const now = ctx.now();
  const row = await repo.findSessionByAccessHash(ctx.db, hashToken(token), now);
  if (!row) throw sessionExpired('unknown');
  const problem = sessionProblem(row, now, settings);
  if (problem) throw sessionExpired(problem);
  if (row.access_expires_at.getTime() <= now.getTime()) throw sessionExpired('access_expired');
  // Background re-checks (the live stream's heartbeat) are not the user doing anything: they must not keep an
  // idle session alive.
  const active = opts.countsAsActivity ?? true;
  if (active && now.getTime() - row.last_seen_at.getTime() >= 60_000)
    await repo.touchSession(ctx.db, row.session_id, now);
  return {
    actor: {
      userId: row.user_id,
      username: row.username,
      sessionId: row.session_id,
      assignments: row.assignments,
      grants: row.grants.map((g) => ({ ...g, startsAt: new Date(g.startsAt), endsAt: new Date(g.endsAt) })),
    },
    passwordChangeRequired: row.must_change_password || isPasswordExpired(row.password_changed_at, now, settings),
  };
}

/**
 * Exchanges a refresh token for a new access + refresh token pair. The presented refresh token is spent; if a
 * spent one comes back, someone holds a copy (theft or replay), so the whole session is revoked.
 */
export async function refresh(ctx: RequestContext, settings: AuthSettings, refreshToken: string): Promise<TokenGrant> {
  if (!isWellFormedToken('refresh', refreshToken)) throw sessionExpired('unknown');
  const now = ctx.now();
  const oldHash = hashToken(refreshToken);
  const outcome = await transaction(ctx, async (tx): Promise<Outcome<TokenGrant>> => {
    const row = await repo.findSessionByRefreshHashForUpdate(tx.db, oldHash);
    if (!row) return { error: sessionExpired('unknown') };
    if (row.rotated_at) {
      const revoked = await repo.revokeSession(tx.db, row.session_id, { now, reason: 'refresh_reuse' });
      await auditAuth(tx, 'auth.refresh_reuse', 'denied', {
        resourceType: 'session',
        resourceId: row.session_id,
        payload: { userId: row.user_id, sessionRevoked: revoked },
      });
      return { error: sessionExpired('refresh_reused') };
    }
    const problem = sessionProblem(row, now, settings);
    if (problem) return { error: sessionExpired(problem) };
    const accessToken = newToken('access');
    const newRefresh = newToken('refresh');
    const accessExpiresAt = new Date(
      Math.min(now.getTime() + settings.auth.accessTokenTtlSeconds * 1000, row.expires_at.getTime()),
    );
    await repo.rotateSessionTokens(tx.db, {
      sessionId: row.session_id,
      oldRefreshHash: oldHash,
      newRefreshHash: hashToken(newRefresh),
      newAccessHash: hashToken(accessToken),
      accessExpiresAt,
      now,
    });
    await auditAuth(tx, 'auth.refresh', 'success', {
      resourceType: 'session',
      resourceId: row.session_id,
      payload: { userId: row.user_id },
    });
    return {
      ok: {
        sessionId: row.session_id,
        accessToken,
        refreshToken: newRefresh,
        accessTokenExpiresAt: accessExpiresAt,
        refreshTokenExpiresAt: row.expires_at,
        user: { id: row.user_id, username: row.username, displayName: row.display_name },
        mustChangePassword: row.must_change_password,
        passwordExpired: isPasswordExpired(row.password_changed_at, now, settings),
      },
    };
  });
  return unwrap(outcome);
}

/** Ends the caller's current session; its tokens stop working at once. */
export async function logout(ctx: RequestContext): Promise<void> {
  const actor = requireActor(ctx);
  await transaction(ctx, async (tx) => {
    await repo.revokeSession(tx.db, actor.sessionId, { now: tx.now(), reason: 'logout' });
    await auditAuth(tx, 'auth.logout', 'success', { resourceType: 'session', resourceId: actor.sessionId });
  });
}

/** A live session of the caller's, as listed to them. */
export interface SessionView {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The caller's live sessions, newest first. */
export async function listOwnSessions(ctx: RequestContext, settings: AuthSettings): Promise<SessionView[]> {
  const actor = requireActor(ctx);
  const now = ctx.now();
  const rows = await repo.listLiveSessions(ctx.db, actor.userId, {
    now,
    idleSince: new Date(now.getTime() - settings.auth.idleTimeoutMinutes * 60_000),
  });
  return rows.map((r) => ({
    id: r.id,
    current: r.id === actor.sessionId,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}

/** Revokes one of the caller's own sessions (e.g. a forgotten login on another machine). */
export async function revokeOwnSession(ctx: RequestContext, sessionId: string): Promise<void> {
  const actor = requireActor(ctx);
  const outcome = await transaction(ctx, async (tx): Promise<Outcome<null>> => {
    const revoked = await repo.revokeSession(tx.db, sessionId, { now: tx.now(), reason: 'user', userId: actor.userId });
    if (!revoked) return { error: new AppError('SESSION_NOT_FOUND', 'You have no live session with that id.') };
    await auditAuth(tx, 'auth.session_revoke', 'success', { resourceType: 'session', resourceId: sessionId });
    return { ok: null };
  });
  unwrap(outcome);
}

/** "Who am I": identity, flags, role assignments and active task grants of the caller. */
export interface Me {
  userId: string;
  username: string;
  displayName: string;
  sessionId: string;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  passwordExpired: boolean;
  assignments: Actor['assignments'];
  grants: Actor['grants'];
}

/** Describes the caller. */
export async function whoAmI(ctx: RequestContext, settings: AuthSettings): Promise<Me> {
  const actor = requireActor(ctx);
  const user = await repo.findCredentialsById(ctx.db, actor.userId);
  if (!user) throw sessionExpired('unknown');
  return {
    userId: actor.userId,
    username: actor.username,
    displayName: user.display_name,
    sessionId: actor.sessionId,
    totpEnabled: user.totp_enabled,
    mustChangePassword: user.must_change_password,
    passwordExpired: isPasswordExpired(user.password_changed_at, ctx.now(), settings),
    assignments: actor.assignments,
    grants: actor.grants,
  };
}

/**
 * Ends every live session of a user (an administrator disabled the account), in the caller's transaction.
 * The auth hook already refuses disabled accounts; revoking also makes the sessions show as ended.
 */
export async function endAllSessionsOf(ctx: RequestContext, userId: string): Promise<number> {
  return repo.revokeUserSessions(ctx.db, userId, { now: ctx.now(), reason: 'admin' });
}
