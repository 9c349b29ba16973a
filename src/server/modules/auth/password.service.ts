/**
 * Password changes by the user and resets by an administrator (CLI). Rules: see password.rules.ts; history
 * and expiry need the database and are checked here.
 */
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import * as repo from './auth.repository.ts';
import type { AuthSettings } from './auth.settings.ts';
import { auditAuth, failCredentialCheck, invalidCredentials, requireActor, sessionExpired } from './auth.service.ts';
import { hashPassword, verifyPassword } from './password.hasher.ts';
import { checkPasswordRules, generateTemporaryPassword, type PasswordRule } from './password.rules.ts';

const RULE_TEXT: Record<PasswordRule, string> = {
  min_length: 'is too short',
  char_classes: 'needs at least three of: upper-case letter, lower-case letter, digit, symbol',
  contains_username: 'must not contain the username',
  reused: 'must differ from your recent passwords',
};

/**
 * Every rule `password` breaks for this user, including reuse of the current password or one of the last
 * `passwordHistory` (the current one counts as one of them).
 */
export async function brokenPasswordRules(
  ctx: RequestContext,
  settings: AuthSettings,
  user: { id: string; username: string; password_hash: string },
  password: string,
): Promise<PasswordRule[]> {
  const broken = checkPasswordRules(password, { username: user.username, minLength: settings.auth.passwordMinLength });
  const n = settings.auth.passwordHistory;
  if (n > 0) {
    const recent = [user.password_hash, ...(await repo.listPasswordHistory(ctx.db, user.id, n - 1))];
    for (const hash of recent) {
      if (await verifyPassword(hash, password)) {
        broken.push('reused');
        break;
      }
    }
  }
  return broken;
}

/** Throws PASSWORD_POLICY listing the broken rules, if any. */
function assertRules(broken: PasswordRule[], minLength: number): void {
  if (broken.length === 0) return;
  const text = broken.map((r) => (r === 'min_length' ? `needs at least ${minLength} characters` : RULE_TEXT[r]));
  throw new AppError('PASSWORD_POLICY', `The new password ${text.join('; ')}.`, { rules: broken, minLength });
}

/**
 * Changes the caller's password after checking the current one. Other sessions of the user are revoked (a
 * password change is often a reaction to a suspected compromise); the current one stays.
 */
export async function changePassword(
  ctx: RequestContext,
  settings: AuthSettings,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const actor = requireActor(ctx);
  const user = await repo.findCredentialsById(ctx.db, actor.userId);
  if (!user) throw sessionExpired('unknown');
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw await failCredentialCheck(ctx, settings, user, {
      action: 'auth.password_change',
      reason: 'bad_password',
      fallback: invalidCredentials(),
    });
  }
  assertRules(await brokenPasswordRules(ctx, settings, user, input.newPassword), settings.auth.passwordMinLength);
  const newHash = await hashPassword(input.newPassword);
  await transaction(ctx, async (tx) => {
    const now = tx.now();
    await repo.replacePassword(tx.db, user.id, {
      newHash,
      now,
      mustChange: false,
      keep: Math.max(0, settings.auth.passwordHistory - 1),
    });
    const revoked = await repo.revokeUserSessions(tx.db, user.id, {
      now,
      reason: 'password_change',
      exceptSessionId: actor.sessionId,
    });
    await auditAuth(tx, 'auth.password_change', 'success', {
      resourceId: user.id,
      payload: { otherSessionsRevoked: revoked },
    });
  });
}

/**
 * Administrator reset: a generated temporary password (returned once, never stored in clear), which the user
 * must change at the next login; every session of the user is revoked and any lock cleared.
 */
export async function resetPassword(
  ctx: RequestContext,
  settings: AuthSettings,
  username: string,
): Promise<{ userId: string; username: string; temporaryPassword: string; sessionsRevoked: number }> {
  const user = await repo.findCredentialsByUsername(ctx.db, username.trim().toLowerCase());
  if (!user) throw new AppError('USER_NOT_FOUND', `No user "${username}"; check the spelling (jingwu users list).`);
  let temporaryPassword: string;
  do {
    temporaryPassword = generateTemporaryPassword(Math.max(16, settings.auth.passwordMinLength));
    // A short username could, very rarely, appear in a random password; draw again rather than break the rules.
  } while (checkPasswordRules(temporaryPassword, { username: user.username, minLength: 16 }).length > 0);
  const newHash = await hashPassword(temporaryPassword);
  const sessionsRevoked = await transaction(ctx, async (tx) => {
    const now = tx.now();
    await repo.replacePassword(tx.db, user.id, {
      newHash,
      now,
      mustChange: true,
      keep: Math.max(0, settings.auth.passwordHistory - 1),
    });
    const revoked = await repo.revokeUserSessions(tx.db, user.id, { now, reason: 'password_reset' });
    await recordAudit(tx, {
      action: 'auth.password_reset',
      resourceType: 'user',
      resourceId: user.id,
      outcome: 'success',
      payload: { sessionsRevoked: revoked, by: tx.actor?.userId ?? 'cli' },
    });
    return revoked;
  });
  return { userId: user.id, username: user.username, temporaryPassword, sessionsRevoked };
}
