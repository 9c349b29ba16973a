import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser, type CreatedUser } from '../../../../test/helpers/factories.ts';
import { query } from '../../db/client.ts';

let t: TestApp;
let officer: CreatedUser;
let disabled: CreatedUser;

interface Tokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

async function login(username: string, password: string, extra: Record<string, unknown> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...extra } });
}

async function loginOk(user: CreatedUser): Promise<Tokens> {
  const res = await login(user.username, user.password);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Tokens>();
}

function me(token: string) {
  return t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  t = await createTestApp({ SESSION_IDLE_MINUTES: '30', PASSWORD_MAX_AGE_DAYS: '0' });
  await insertJurisdictions(t.database.db);
  officer = await insertUser(t.database.db, {
    displayName: '巡逻民警 杨帆',
    roles: [
      { role: 'patrol_officer', jurisdictionId: '440103001' },
      { role: 'community_officer', jurisdictionId: '440104001001' },
    ],
  });
  disabled = await insertUser(t.database.db, { status: 'disabled' });
});
afterAll(async () => t?.close());

describe('login', () => {
  it('returns opaque access and refresh tokens, expiry times and the user summary', async () => {
    const before = Date.now();
    const res = await login(officer.username, officer.password);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.tokenType).toBe('Bearer');
    expect(body.accessToken).toMatch(/^jwa_[A-Za-z0-9_-]{43}$/);
    expect(body.refreshToken).toMatch(/^jwr_[A-Za-z0-9_-]{43}$/);
    expect(body.user).toEqual({ id: officer.id, username: officer.username, displayName: '巡逻民警 杨帆' });
    expect(body.mustChangePassword).toBe(false);
    expect(body.passwordExpired).toBe(false);
    const accessTtl = Date.parse(body.accessTokenExpiresAt) - before;
    expect(accessTtl).toBeGreaterThan(899_000);
    expect(accessTtl).toBeLessThan(905_000);
    expect(Date.parse(body.refreshTokenExpiresAt) - before).toBeGreaterThan(8 * 3600_000 - 5_000);
  });

  it('stores only SHA-256 digests of the tokens', async () => {
    const tokens = await loginOk(officer);
    const rows = await query<{ access_token_hash: string }>(
      t.database.db,
      sql`select access_token_hash from sessions where id = ${tokens.sessionId}`,
    );
    expect(rows[0]!.access_token_hash).toMatch(/^[0-9a-f]{64}$/);
    const leaked = await query(
      t.database.db,
      sql`select 1 from sessions s join session_refresh_tokens r on r.session_id = s.id
          where s.access_token_hash = ${tokens.accessToken} or r.token_hash = ${tokens.refreshToken}`,
    );
    expect(leaked).toHaveLength(0);
  });

  it('answers a wrong password and an unknown username with the same INVALID_CREDENTIALS', async () => {
    const wrong = await login(officer.username, 'Wrong#password1');
    const unknown = await login('nobody-here', 'Wrong#password1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    // The wrong password counted, and a success resets the counter.
    const [before] = await query<{ failed_logins: number }>(
      t.database.db,
      sql`select failed_logins from users where id = ${officer.id}`,
    );
    expect(before!.failed_logins).toBe(1);
    await loginOk(officer);
    const [after] = await query<{ failed_logins: number }>(
      t.database.db,
      sql`select failed_logins from users where id = ${officer.id}`,
    );
    expect(after!.failed_logins).toBe(0);
  });

  it('verifies an argon2 hash for unknown usernames too (no enumeration by timing)', async () => {
    // Counting argon2 verifications (a library call) instead of timing them: timed tests flake on a busy machine.
    const spy = vi.spyOn(argon2, 'verify');
    try {
      await login(officer.username, 'Wrong#password1');
      const forKnown = spy.mock.calls.length;
      spy.mockClear();
      await login('nobody-at-all', 'Wrong#password1');
      const forUnknown = spy.mock.calls.length;
      expect(forKnown).toBe(1);
      expect(forUnknown).toBe(forKnown);
    } finally {
      spy.mockRestore();
      await loginOk(officer); // reset the failure counter
    }
  });

  it('tells a disabled account only after a correct password', async () => {
    const wrong = await login(disabled.username, 'Wrong#password1');
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    const right = await login(disabled.username, disabled.password);
    expect(right.statusCode).toBe(403);
    expect(right.json().error.code).toBe('ACCOUNT_DISABLED');
    const [row] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from sessions where user_id = ${disabled.id}`,
    );
    expect(row!.n).toBe(0);
  });

  it('accepts the username case-insensitively and ignores a stale bearer token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { authorization: 'Bearer jwa_stale' },
      payload: { username: officer.username.toUpperCase(), password: officer.password },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('authenticated requests', () => {
  it('fill the actor with role assignments (with paths) and only the active task grants', async () => {
    const now = Date.now();
    await t.database.db.execute(sql`
      insert into task_grants (user_id, task_ref, jurisdiction_id, actions, starts_at, ends_at, revoked_at) values
        (${officer.id}, 'deployment:active', '440203001', '{incident.read}', ${new Date(now - 3600_000).toISOString()}::timestamptz, ${new Date(now + 3600_000).toISOString()}::timestamptz, null),
        (${officer.id}, 'deployment:ended', '440203001', '{incident.read}', ${new Date(now - 7200_000).toISOString()}::timestamptz, ${new Date(now - 3600_000).toISOString()}::timestamptz, null),
        (${officer.id}, 'deployment:future', '440203001', '{incident.read}', ${new Date(now + 3600_000).toISOString()}::timestamptz, ${new Date(now + 7200_000).toISOString()}::timestamptz, null),
        (${officer.id}, 'deployment:revoked', '440203001', '{incident.read}', ${new Date(now - 3600_000).toISOString()}::timestamptz, ${new Date(now + 3600_000).toISOString()}::timestamptz, now())`);
    const tokens = await loginOk(officer);
    const res = await me(tokens.accessToken);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      userId: officer.id,
      username: officer.username,
      displayName: '巡逻民警 杨帆',
      sessionId: tokens.sessionId,
      totpEnabled: false,
      mustChangePassword: false,
      passwordExpired: false,
    });
    expect(body.assignments).toEqual([
      {
        role: 'community_officer',
        jurisdictionId: '440104001001',
        jurisdictionPath: '/44/4401/440104/440104001/440104001001/',
      },
      { role: 'patrol_officer', jurisdictionId: '440103001', jurisdictionPath: '/44/4401/440103/440103001/' },
    ]);
    expect(body.grants).toHaveLength(1);
    expect(body.grants[0]).toMatchObject({
      taskRef: 'deployment:active',
      jurisdictionId: '440203001',
      jurisdictionPath: '/44/4402/440203/440203001/',
      actions: ['incident.read'],
    });
    expect(Date.parse(body.grants[0].endsAt)).toBeCloseTo(now + 3600_000, -3);
  });

  it('proceed without an actor when no token is sent (routes answer UNAUTHENTICATED)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });

  it('answer SESSION_EXPIRED for a present but unknown or malformed token, on any route', async () => {
    for (const token of ['jwa_' + 'A'.repeat(43), 'garbage', "' or 1=1 --", 'jwr_' + 'A'.repeat(43)]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode, token).toBe(401);
      expect(res.json().error.code).toBe('SESSION_EXPIRED');
    }
    const basic = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: 'Basic abc' } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('leave unknown routes answering ROUTE_NOT_FOUND for a valid token', async () => {
    const tokens = await loginOk(officer);
    const res = await t.app.inject({
      url: '/api/no-such-route',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('reject a refresh token used as an access token', async () => {
    const tokens = await loginOk(officer);
    const res = await me(tokens.refreshToken);
    expect(res.json().error.code).toBe('SESSION_EXPIRED');
  });

  it('reject an access token past its expiry with reason access_expired', async () => {
    const tokens = await loginOk(officer);
    await t.database.db.execute(
      sql`update sessions set access_expires_at = now() - interval '1 second' where id = ${tokens.sessionId}`,
    );
    const res = await me(tokens.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'access_expired' } });
  });

  it('stop working once the account is disabled', async () => {
    const user = await insertUser(t.database.db);
    const tokens = await loginOk(user);
    expect((await me(tokens.accessToken)).statusCode).toBe(200);
    await t.database.db.execute(sql`update users set status = 'disabled' where id = ${user.id}`);
    expect((await me(tokens.accessToken)).json().error.code).toBe('SESSION_EXPIRED');
  });
});

describe('logout', () => {
  it('revokes the session at once: the very next request fails with SESSION_EXPIRED', async () => {
    const tokens = await loginOk(officer);
    expect((await me(tokens.accessToken)).statusCode).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(out.statusCode).toBe(204);
    const after = await me(tokens.accessToken);
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'revoked' } });
    // The refresh token died with the session.
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.json().error.code).toBe('SESSION_EXPIRED');
  });

  it('needs a session', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});

describe('refresh', () => {
  it('rotates both tokens; the new access token works and the old one does not', async () => {
    const first = await loginOk(officer);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: first.refreshToken },
    });
    expect(res.statusCode).toBe(200);
    const second = res.json<Tokens>();
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await me(second.accessToken)).statusCode).toBe(200);
    expect((await me(first.accessToken)).json().error.code).toBe('SESSION_EXPIRED');
  });

  it('revokes the whole session when a spent refresh token comes back (theft detection)', async () => {
    const first = await loginOk(officer);
    const rotated = (
      await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } })
    ).json<Tokens>();
    // The thief replays the old refresh token …
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: first.refreshToken },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'refresh_reused' } });
    // … and the legitimate holder's tokens are dead too.
    expect((await me(rotated.accessToken)).json().error.code).toBe('SESSION_EXPIRED');
    const legit = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: rotated.refreshToken },
    });
    expect(legit.json().error.code).toBe('SESSION_EXPIRED');
    const [row] = await query<{ revoked_reason: string }>(
      t.database.db,
      sql`select revoked_reason from sessions where id = ${first.sessionId}`,
    );
    expect(row!.revoked_reason).toBe('refresh_reuse');
  });

  it('refuses unknown and malformed refresh tokens', async () => {
    for (const refreshToken of ['jwr_' + 'B'.repeat(43), 'nope']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('SESSION_EXPIRED');
    }
  });

  it('does not outlive the session: past expires_at the refresh token is refused', async () => {
    const tokens = await loginOk(officer);
    await t.database.db.execute(
      sql`update sessions set expires_at = now() - interval '1 second' where id = ${tokens.sessionId}`,
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(res.json().error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'expired' } });
  });
});

describe('idle timeout', () => {
  it('kills a session unused for SESSION_IDLE_MINUTES, for access and refresh alike', async () => {
    const tokens = await loginOk(officer);
    await t.database.db.execute(
      sql`update sessions set last_seen_at = now() - interval '29 minutes 50 seconds' where id = ${tokens.sessionId}`,
    );
    expect((await me(tokens.accessToken)).statusCode).toBe(200); // still inside the window, and now touched
    const [touched] = await query<{ age: number }>(
      t.database.db,
      sql`select extract(epoch from now() - last_seen_at)::float8 as age from sessions where id = ${tokens.sessionId}`,
    );
    expect(touched!.age).toBeLessThan(5);

    await t.database.db.execute(
      sql`update sessions set last_seen_at = now() - interval '30 minutes 1 second' where id = ${tokens.sessionId}`,
    );
    const res = await me(tokens.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'idle' } });
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.json().error).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'idle' } });
  });

  it('writes last_seen_at at most once a minute', async () => {
    const tokens = await loginOk(officer);
    await t.database.db.execute(
      sql`update sessions set last_seen_at = now() - interval '30 seconds' where id = ${tokens.sessionId}`,
    );
    const [before] = await query<{ last_seen_at: string }>(
      t.database.db,
      sql`select last_seen_at::text from sessions where id = ${tokens.sessionId}`,
    );
    await me(tokens.accessToken);
    await me(tokens.accessToken);
    const [after] = await query<{ last_seen_at: string }>(
      t.database.db,
      sql`select last_seen_at::text from sessions where id = ${tokens.sessionId}`,
    );
    expect(after!.last_seen_at).toBe(before!.last_seen_at);
  });
});

describe('own sessions', () => {
  it('lists live sessions (current marked) and revokes one by id', async () => {
    const user = await insertUser(t.database.db);
    const a = await loginOk(user);
    const b = await loginOk(user);
    const dead = await loginOk(user);
    await t.database.db.execute(sql`update sessions set revoked_at = now() where id = ${dead.sessionId}`);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/auth/sessions',
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; current: boolean }[];
    expect(items.map((i) => i.id).sort()).toEqual([a.sessionId, b.sessionId].sort());
    expect(items.find((i) => i.id === a.sessionId)!.current).toBe(true);
    expect(items.find((i) => i.id === b.sessionId)!.current).toBe(false);

    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${b.sessionId}`,
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    expect(del.statusCode).toBe(204);
    expect((await me(b.accessToken)).json().error.code).toBe('SESSION_EXPIRED');
    expect((await me(a.accessToken)).statusCode).toBe(200);
  });

  it("cannot see or revoke another user's session", async () => {
    const mine = await loginOk(await insertUser(t.database.db));
    const theirs = await loginOk(officer);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${theirs.sessionId}`,
      headers: { authorization: `Bearer ${mine.accessToken}` },
    });
    expect(del.statusCode).toBe(404);
    expect(del.json().error.code).toBe('SESSION_NOT_FOUND');
    expect((await me(theirs.accessToken)).statusCode).toBe(200);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/auth/sessions',
      headers: { authorization: `Bearer ${mine.accessToken}` },
    });
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([mine.sessionId]);
  });

  it('rejects ids that are not UUIDs before touching the database', async () => {
    const tokens = await loginOk(officer);
    for (const id of ['..%2F..%2Fetc', "1'%20or%20'1'='1", '123']) {
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/auth/sessions/${id}`,
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      expect(res.statusCode, id).toBe(400);
      expect(res.json().error.code).toBe('INVALID_ID');
    }
  });
});
