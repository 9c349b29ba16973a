/** The optional second factor: set up (pending), enable with a first code, disable with code + password. */
import { transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import * as repo from './auth.repository.ts';
import type { AuthSettings } from './auth.settings.ts';
import {
  auditAuth,
  checkTotp,
  failCredentialCheck,
  invalidCredentials,
  requireActor,
  sessionExpired,
  totpInvalid,
} from './auth.service.ts';
import { verifyPassword } from './password.hasher.ts';
import { encryptTotpSecret, newTotpSecret } from './totp.crypto.ts';

async function currentUser(ctx: RequestContext) {
  const actor = requireActor(ctx);
  const user = await repo.findCredentialsById(ctx.db, actor.userId);
  if (!user) throw sessionExpired('unknown');
  return user;
}

const alreadyEnabled = () =>
  new AppError('TOTP_ALREADY_ENABLED', 'The second factor is already enabled; disable it first to set up a new one.');

/**
 * Creates a new secret for the caller and stores it encrypted but not yet enabled; the secret is shown once
 * so the user can add it to an authenticator app. Calling again replaces a pending secret.
 */
export async function setupTotp(
  ctx: RequestContext,
  settings: AuthSettings,
): Promise<{ secret: string; otpauthUri: string }> {
  const user = await currentUser(ctx);
  if (user.totp_enabled) throw alreadyEnabled();
  const created = newTotpSecret(user.username);
  await transaction(ctx, async (tx) => {
    await repo.setPendingTotpSecret(tx.db, user.id, encryptTotpSecret(settings.totpKey, user.id, created.secret));
    await auditAuth(tx, 'auth.totp_setup', 'success', { resourceId: user.id });
  });
  return created;
}

/** Enables the pending secret once the user proves their app produces valid codes. */
export async function enableTotp(ctx: RequestContext, settings: AuthSettings, code: string): Promise<void> {
  const user = await currentUser(ctx);
  if (user.totp_enabled) throw alreadyEnabled();
  if (!user.totp_secret) {
    throw new AppError('TOTP_SETUP_REQUIRED', 'Call POST /api/auth/totp/setup first, then enable with a code.');
  }
  const step = await checkTotp(settings, user, code, ctx.now());
  const error = await transaction(ctx, async (tx) => {
    if (step === null || !(await repo.claimTotpStep(tx.db, user.id, step))) {
      await auditAuth(tx, 'auth.totp_enable', 'failure', { resourceId: user.id, payload: { reason: 'totp_invalid' } });
      return totpInvalid();
    }
    await repo.setTotpEnabled(tx.db, user.id, true);
    await auditAuth(tx, 'auth.totp_enable', 'success', { resourceId: user.id });
    return null;
  });
  if (error) throw error;
}

/** Disables the second factor; needs both a current code and the password (a stolen session is not enough). */
export async function disableTotp(
  ctx: RequestContext,
  settings: AuthSettings,
  input: { code: string; password: string },
): Promise<void> {
  const user = await currentUser(ctx);
  if (!user.totp_enabled) throw new AppError('TOTP_NOT_ENABLED', 'The second factor is not enabled.');
  if (!(await verifyPassword(user.password_hash, input.password))) {
    throw await failCredentialCheck(ctx, settings, user, {
      action: 'auth.totp_disable',
      reason: 'bad_password',
      fallback: invalidCredentials(),
    });
  }
  const step = await checkTotp(settings, user, input.code, ctx.now());
  const claimed =
    step !== null &&
    (await transaction(ctx, async (tx) => {
      if (!(await repo.claimTotpStep(tx.db, user.id, step))) return false;
      await repo.setTotpEnabled(tx.db, user.id, false);
      await auditAuth(tx, 'auth.totp_disable', 'success', { resourceId: user.id });
      return true;
    }));
  if (!claimed) {
    throw await failCredentialCheck(ctx, settings, user, {
      action: 'auth.totp_disable',
      reason: 'totp_invalid',
      fallback: totpInvalid(),
    });
  }
}
