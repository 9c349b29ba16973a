import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authSettings, type AuthSettings } from './auth.settings.ts';
import { isPasswordExpired } from './auth.service.ts';
import { resetPassword } from './password.service.ts';

let t: TestApp;
let settings: AuthSettings;

const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

async function loginOk(username: string, password: string) {
  const res = await login(username, password);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string; sessionId: string; mustChangePassword: boolean; passwordExpired: boolean }>();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const changePassword = (token: string, currentPassword: string, newPassword: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: bearer(token),
    payload: { currentPassword, newPassword },
  });

async function userRow(id: string) {
  const [row] = await query<{ failed_logins: number; locked_until: string | null; password_hash: string }>(
    t.database.db,
    sql`select failed_logins, locked_until::text, password_hash from users where id = ${id}`,
  );
  return row!;
}

beforeAll(async () => {
  t = await createTestApp({
    LOGIN_MAX_FAILURES: '3',
    LOGIN_LOCKOUT_MINUTES: '15',
    PASSWORD_HISTORY: '3',
    PASSWORD_MAX_AGE_DAYS: '90',
    PASSWORD_MIN_LENGTH: '10',
  });
  settings = authSettings(t.config);
  await insertJurisdictions(t.database.db);
});
afterAll(async () => t?.close());

describe('lockout', () => {
  it('locks after LOGIN_MAX_FAILURES consecutive failures, refusing even the right password', async () => {
    const u = await insertUser(t.database.db);
    expect((await login(u.username, 'Wrong#pass01')).json().error.code).toBe('INVALID_CREDENTIALS');
    expect((await login(u.username, 'Wrong#pass02')).json().error.code).toBe('INVALID_CREDENTIALS');
    const third = await login(u.username, 'Wrong#pass03');
    expect(third.statusCode).toBe(423);
    const { code, details } = third.json().error;
    expect(code).toBe('ACCOUNT_LOCKED');
    const lockedFor = Date.parse(details.lockedUntil) - Date.now();
    expect(lockedFor).toBeGreaterThan(14 * 60_000);
    expect(lockedFor).toBeLessThanOrEqual(15 * 60_000);

    const right = await login(u.username, u.password);
    expect(right.statusCode).toBe(423);
    expect(right.json().error.details.lockedUntil).toBe(details.lockedUntil);
  });

  it('lets the user in again once the lock has expired, with a fresh set of attempts', async () => {
    const u = await insertUser(t.database.db);
    for (let i = 0; i < 3; i++) await login(u.username, 'Wrong#pass01');
    expect((await userRow(u.id)).locked_until).not.toBeNull();
    await t.database.db.execute(sql`update users set locked_until = now() - interval '1 second' where id = ${u.id}`);
    // Two more failures after the lock are not enough to lock again …
    expect((await login(u.username, 'Wrong#pass01')).json().error.code).toBe('INVALID_CREDENTIALS');
    expect((await login(u.username, 'Wrong#pass01')).json().error.code).toBe('INVALID_CREDENTIALS');
    // … and a success clears the counter and the expired lock.
    await loginOk(u.username, u.password);
    const row = await userRow(u.id);
    expect(row.failed_logins).toBe(0);
    expect(row.locked_until).toBeNull();
  });

  it('counts only consecutive failures: a success resets the counter', async () => {
    const u = await insertUser(t.database.db);
    await login(u.username, 'Wrong#pass01');
    await login(u.username, 'Wrong#pass01');
    await loginOk(u.username, u.password);
    await login(u.username, 'Wrong#pass01');
    const res = await login(u.username, 'Wrong#pass01');
    expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    await loginOk(u.username, u.password);
  });

  it('never locks unknown usernames (they answer INVALID_CREDENTIALS every time)', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await login('ghost-user', 'Wrong#pass01')).json().error.code).toBe('INVALID_CREDENTIALS');
    }
  });
});

describe('changing the password', () => {
  it('replaces the password, keeps the current session and revokes the others', async () => {
    const u = await insertUser(t.database.db);
    const current = await loginOk(u.username, u.password);
    const other = await loginOk(u.username, u.password);
    const res = await changePassword(current.accessToken, u.password, 'Fresh#Pass2026');
    expect(res.statusCode, res.body).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(current.accessToken) })).statusCode).toBe(200);
    const otherMe = await t.app.inject({ url: '/api/auth/me', headers: bearer(other.accessToken) });
    expect(otherMe.json().error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'revoked' } });
    expect((await login(u.username, u.password)).json().error.code).toBe('INVALID_CREDENTIALS');
    await loginOk(u.username, 'Fresh#Pass2026');
    const [history] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from password_history where user_id = ${u.id}`,
    );
    expect(history!.n).toBe(1);
  });

  it('needs the current password (a wrong one counts as a failed login)', async () => {
    const u = await insertUser(t.database.db);
    const s = await loginOk(u.username, u.password);
    const before = await userRow(u.id);
    const res = await changePassword(s.accessToken, 'Wrong#pass01', 'Fresh#Pass2026');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    const after = await userRow(u.id);
    expect(after.password_hash).toBe(before.password_hash);
    expect(after.failed_logins).toBe(1);
  });

  it('answers PASSWORD_POLICY listing every broken rule, and changes nothing', async () => {
    const u = await insertUser(t.database.db, { username: 'policytester' });
    const s = await loginOk(u.username, u.password);
    const before = await userRow(u.id);
    const cases: [string, string[]][] = [
      ['Sh#1a', ['min_length']],
      ['alllowercaseletters', ['char_classes']],
      ['Policytester#2026', ['contains_username']],
      ['policytester', ['char_classes', 'contains_username']],
      [u.password, ['reused']],
    ];
    for (const [newPassword, rules] of cases) {
      const res = await changePassword(s.accessToken, u.password, newPassword);
      expect(res.statusCode, newPassword).toBe(400);
      expect(res.json().error.code).toBe('PASSWORD_POLICY');
      expect(res.json().error.details.rules, newPassword).toEqual(rules);
    }
    expect((await userRow(u.id)).password_hash).toBe(before.password_hash);
  });

  it('refuses the last PASSWORD_HISTORY passwords (current included) but allows older ones', async () => {
    const u = await insertUser(t.database.db);
    const s = await loginOk(u.username, u.password);
    const p = [u.password, 'Second#Pass01', 'Third#Pass002', 'Fourth#Pass03'];
    expect((await changePassword(s.accessToken, p[0]!, p[1]!)).statusCode).toBe(204);
    expect((await changePassword(s.accessToken, p[1]!, p[2]!)).statusCode).toBe(204);
    // History 3: current (p2), p1 and p0 are all refused.
    for (const old of [p[2]!, p[1]!, p[0]!]) {
      const res = await changePassword(s.accessToken, p[2]!, old);
      expect(res.json().error.details.rules, old).toEqual(['reused']);
    }
    expect((await changePassword(s.accessToken, p[2]!, p[3]!)).statusCode).toBe(204);
    // Now the last three are p3, p2, p1: p0 is old enough to come back.
    expect((await changePassword(s.accessToken, p[3]!, p[1]!)).json().error.details.rules).toEqual(['reused']);
    expect((await changePassword(s.accessToken, p[3]!, p[0]!)).statusCode).toBe(204);
    const [history] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from password_history where user_id = ${u.id}`,
    );
    expect(history!.n).toBe(2); // trimmed to PASSWORD_HISTORY - 1 (the current password is the third)
  });
});

describe('password expiry', () => {
  it('lets a user with an expired password in only to change it', async () => {
    const u = await insertUser(t.database.db);
    await t.database.db.execute(
      sql`update users set password_changed_at = now() - interval '91 days' where id = ${u.id}`,
    );
    const s = await loginOk(u.username, u.password);
    expect(s.passwordExpired).toBe(true);
    expect(s.mustChangePassword).toBe(false);

    const blocked = await t.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(s.accessToken) });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_EXPIRED');
    const other = await t.app.inject({ url: '/api/health', headers: bearer(s.accessToken) });
    expect(other.json().error.code).toBe('PASSWORD_EXPIRED');
    const me = await t.app.inject({ url: '/api/auth/me', headers: bearer(s.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json().passwordExpired).toBe(true);

    expect((await changePassword(s.accessToken, u.password, 'Renewed#2026x')).statusCode).toBe(204);
    const unblocked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/setup',
      headers: bearer(s.accessToken),
    });
    expect(unblocked.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(s.accessToken) })).json().passwordExpired).toBe(
      false,
    );
  });

  it('does not expire a password younger than PASSWORD_MAX_AGE_DAYS, and never when it is 0', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    expect(isPasswordExpired(days(89), now, settings)).toBe(false);
    expect(isPasswordExpired(days(90), now, settings)).toBe(true);
    const never = { ...settings, auth: { ...settings.auth, passwordMaxAgeDays: 0 } };
    expect(isPasswordExpired(days(5000), now, never)).toBe(false);
  });
});

describe('administrator reset', () => {
  it('sets a temporary password that must be changed, revokes sessions and clears a lock', async () => {
    const u = await insertUser(t.database.db);
    const old = await loginOk(u.username, u.password);
    for (let i = 0; i < 3; i++) await login(u.username, 'Wrong#pass01'); // locked
    const ctx = systemContext(t.database.db, t.app.auditSink);
    const result = await resetPassword(ctx, settings, u.username);
    expect(result.userId).toBe(u.id);
    expect(result.sessionsRevoked).toBe(1);
    expect(result.temporaryPassword).toHaveLength(16);

    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(old.accessToken) })).json().error.code).toBe(
      'SESSION_EXPIRED',
    );
    expect((await login(u.username, u.password)).json().error.code).toBe('INVALID_CREDENTIALS');
    const s = await loginOk(u.username, result.temporaryPassword);
    expect(s.mustChangePassword).toBe(true);
    const blocked = await t.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(s.accessToken) });
    expect(blocked.json().error.code).toBe('PASSWORD_EXPIRED');
    expect((await changePassword(s.accessToken, result.temporaryPassword, 'MyOwn#Pass2026')).statusCode).toBe(204);
    const me = await t.app.inject({ url: '/api/auth/me', headers: bearer(s.accessToken) });
    expect(me.json().mustChangePassword).toBe(false);
  });

  it('answers USER_NOT_FOUND for an unknown username', async () => {
    const ctx = systemContext(t.database.db, t.app.auditSink);
    await expect(resetPassword(ctx, settings, 'no-such-user')).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'USER_NOT_FOUND',
    );
  });
});
