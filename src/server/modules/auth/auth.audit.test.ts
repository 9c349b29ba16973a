import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';
import { query } from '../../db/client.ts';

let t: TestApp;

interface Entry {
  action: string;
  outcome: string;
  resourceType: string;
  resourceId: string | null;
  actorId: string | null;
}

/** Every audit entry written so far (queued or already in the tree), as text and decoded. */
async function auditLog(): Promise<{ text: string; entries: Entry[] }> {
  const rows = await query<{ e: string }>(
    t.database.db,
    sql`select convert_from(entry, 'UTF8') as e from (
          select entry, id as k from audit_queue
          union all select entry, queue_id as k from audit_entries) x order by k`,
  );
  return { text: rows.map((r) => r.e).join('\n'), entries: rows.map((r) => JSON.parse(r.e) as Entry) };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: '2' });
  await insertJurisdictions(t.database.db);
});
afterAll(async () => t?.close());

describe('auth audit trail', () => {
  it('records every auth event, failures included, without passwords, tokens or codes', async () => {
    const u = await insertUser(t.database.db);
    const secrets: string[] = [u.password];
    const login = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, ...payload } });

    expect((await login({ password: 'Wrong#pass01' })).statusCode).toBe(401);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'ghost', password: 'Ghost#pass01' },
        })
      ).statusCode,
    ).toBe(401);
    const first = (await login({ password: u.password })).json();
    secrets.push(first.accessToken, first.refreshToken);
    const refreshed = (
      await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } })
    ).json();
    secrets.push(refreshed.accessToken, refreshed.refreshToken);
    // Reusing the spent refresh token revokes the session.
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } });

    const s = (await login({ password: u.password })).json();
    const newPassword = 'Audited#Pass2026';
    secrets.push(s.accessToken, newPassword);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/password',
          headers: bearer(s.accessToken),
          payload: { currentPassword: u.password, newPassword },
        })
      ).statusCode,
    ).toBe(204);
    const setup = (
      await t.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(s.accessToken) })
    ).json();
    const code = await generate({ secret: setup.secret });
    secrets.push(setup.secret, code);
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/enable',
      headers: bearer(s.accessToken),
      payload: { code },
    });
    const other = (
      await login({
        password: newPassword,
        totp: await generate({ secret: setup.secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
      })
    ).json();
    await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${other.sessionId}`,
      headers: bearer(s.accessToken),
    });
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(s.accessToken) });
    // Two wrong passwords lock the account (LOGIN_MAX_FAILURES=2).
    await login({ password: 'Wrong#pass01' });
    expect((await login({ password: 'Wrong#pass01' })).json().error.code).toBe('ACCOUNT_LOCKED');

    const { text, entries } = await auditLog();
    const seen = entries.map((e) => `${e.action}:${e.outcome}`);
    for (const expected of [
      'auth.login:failure',
      'auth.login:success',
      'auth.refresh:success',
      'auth.refresh_reuse:denied',
      'auth.password_change:success',
      'auth.totp_setup:success',
      'auth.totp_enable:success',
      'auth.session_revoke:success',
      'auth.logout:success',
      'auth.lock:success',
    ]) {
      expect(seen, expected).toContain(expected);
    }
    const mine = entries.filter((e) => e.action === 'auth.password_change');
    expect(mine[0]).toMatchObject({ resourceType: 'user', resourceId: u.id, actorId: u.id });
    // The unknown-username failure names no user at all.
    expect(entries.some((e) => e.action === 'auth.login' && e.outcome === 'failure' && e.resourceId === null)).toBe(
      true,
    );
    expect(text).not.toContain('ghost');
    for (const secret of secrets) expect(text, 'a secret leaked into the audit log').not.toContain(secret);
  });
});
