/**
 * Who the simulator acts as: its own clearly named account (`simulator`, 演示模拟器), disabled so nobody can
 * log in with it, holding the dispatcher's role (take calls, dispatch, close) and the station chief's role
 * (unit status and AVL reports) over the whole tree. Every simulated write therefore passes the same
 * policy checks as a person's, and the audit trail and timelines name the simulator as the actor.
 */
import { randomBytes } from 'node:crypto';
import type { RoleCode } from '../../../contracts/roles.ts';
import { recordAudit, transaction, type Actor, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { hashPassword } from '../auth/password.hasher.ts';
import { findAccount, insertAccount, insertRole, rootJurisdictions } from './simulator.repository.ts';

export const SIMULATOR_USERNAME = 'simulator';
export const SIMULATOR_DISPLAY_NAME = '演示模拟器（自动）';
/** The roles the simulator needs: calls and dispatch; unit status and positions. */
export const SIMULATOR_ROLES: readonly RoleCode[] = ['city_dispatcher', 'station_chief'];

/** The simulator's actor, creating its account and roles on first use (audited as a system action). */
export async function ensureSimulatorActor(ctx: RequestContext): Promise<Actor> {
  const roots = await rootJurisdictions(ctx.db);
  if (roots.length === 0) {
    throw new AppError('GEO_DATA_MISSING', 'No jurisdictions yet; seed the demo city first ("jingwu demo seed").', {});
  }
  let account = await findAccount(ctx.db, SIMULATOR_USERNAME);
  const missing = roots.flatMap((j) =>
    SIMULATOR_ROLES.filter((role) => !account?.roles.some((r) => r.role === role && r.jurisdictionId === j.id)).map(
      (role) => ({ role, jurisdictionId: j.id }),
    ),
  );
  if (!account || missing.length > 0) {
    // A random secret nobody knows; the account is disabled anyway. Hashed outside the transaction (slow).
    const passwordHash = account ? '' : await hashPassword(randomBytes(32).toString('base64url'));
    await transaction(ctx, async (tx) => {
      const id =
        account?.id ??
        (await insertAccount(tx.db, {
          username: SIMULATOR_USERNAME,
          displayName: SIMULATOR_DISPLAY_NAME,
          passwordHash,
        }));
      for (const m of missing) await insertRole(tx.db, id, m.role, m.jurisdictionId);
      await recordAudit(tx, {
        action: 'simulator.account',
        resourceType: 'user',
        resourceId: id,
        outcome: 'success',
        payload: { created: !account, roles: missing },
      });
    });
    account = (await findAccount(ctx.db, SIMULATOR_USERNAME))!;
  }
  return {
    userId: account.id,
    username: SIMULATOR_USERNAME,
    sessionId: 'simulator',
    assignments: account.roles
      .filter((r) => (SIMULATOR_ROLES as readonly string[]).includes(r.role))
      .map((r) => ({ role: r.role as RoleCode, jurisdictionId: r.jurisdictionId, jurisdictionPath: r.path })),
    grants: [],
  };
}
