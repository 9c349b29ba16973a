import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser, type CreatedUser } from '../../../../test/helpers/factories.ts';
import { query } from '../../db/client.ts';

let t: TestApp;
let user: CreatedUser;
let token: string;

/** Everything the auth endpoints could write, so a test can show a bad request wrote nothing. */
async function snapshot(): Promise<string> {
  const rows = await query(
    t.database.db,
    sql`select
          (select json_agg(u order by u.id) from (select id, password_hash, failed_logins, locked_until, totp_secret,
             totp_enabled, totp_last_step, must_change_password from users) u) as users,
          (select json_agg(s order by s.id) from (select id, access_token_hash, last_seen_at, revoked_at from sessions) s) as sessions,
          (select count(*) from session_refresh_tokens) as refresh_tokens,
          (select count(*) from password_history) as history`,
  );
  return JSON.stringify(rows);
}

const BODY_ROUTES = [
  '/api/auth/login',
  '/api/auth/refresh',
  '/api/auth/logout',
  '/api/auth/password',
  '/api/auth/totp/setup',
  '/api/auth/totp/enable',
  '/api/auth/totp/disable',
];

/** A body each route accepts in shape (not necessarily in substance). */
const VALID: Record<string, Record<string, unknown>> = {
  '/api/auth/login': { username: 'someone', password: 'Some#pass2026' },
  '/api/auth/refresh': { refreshToken: 'jwr_x' },
  '/api/auth/logout': {},
  '/api/auth/password': { currentPassword: 'a', newPassword: 'b' },
  '/api/auth/totp/setup': {},
  '/api/auth/totp/enable': { code: '123456' },
  '/api/auth/totp/disable': { code: '123456', password: 'x' },
};

function post(url: string, payload: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
  });
}

beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: '4096' });
  await insertJurisdictions(t.database.db);
  user = await insertUser(t.database.db);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user.username, password: user.password },
  });
  token = res.json().accessToken;
});
afterAll(async () => t?.close());

describe('bad input on every auth endpoint', () => {
  it('answers 400 with a stable code and writes nothing', async () => {
    const before = await snapshot();
    for (const url of BODY_ROUTES) {
      const malformed = await post(url, '{"username": "x",');
      expect(malformed.statusCode, url).toBe(400);
      expect(malformed.json().error.code, url).toBe('MALFORMED_JSON');

      const unknown = await post(url, JSON.stringify({ ...VALID[url], isAdmin: true }));
      expect(unknown.statusCode, url).toBe(400);
      expect(unknown.json().error, url).toMatchObject({ code: 'UNKNOWN_FIELD', details: { field: 'isAdmin' } });

      const array = await post(url, '[]');
      expect(array.statusCode, url).toBe(400);
      expect(array.json().error.code, url).toBe('VALIDATION_FAILED');

      const huge = await post(url, JSON.stringify({ ...VALID[url], pad: 'x'.repeat(5000) }));
      expect(huge.statusCode, url).toBe(413);
      expect(huge.json().error.code, url).toBe('BODY_TOO_LARGE');
    }
    // Wrong types and missing fields, field by field.
    const wrong: [string, Record<string, unknown>][] = [
      ['/api/auth/login', { username: 42, password: 'x' }],
      ['/api/auth/login', { username: 'x', password: ['x'] }],
      ['/api/auth/login', { username: 'x', password: 'x', totp: 123456 }],
      ['/api/auth/login', { username: 'x', password: 'x', totp: '12345a' }],
      ['/api/auth/login', { username: 'x' }],
      ['/api/auth/login', { username: '', password: 'x' }],
      ['/api/auth/login', { username: 'x'.repeat(65), password: 'x' }],
      ['/api/auth/login', { username: 'x', password: 'x'.repeat(1025) }],
      ['/api/auth/refresh', { refreshToken: null }],
      ['/api/auth/refresh', {}],
      ['/api/auth/password', { currentPassword: 'x', newPassword: 12345678 }],
      ['/api/auth/password', { currentPassword: 'x' }],
      ['/api/auth/totp/enable', { code: 123456 }],
      ['/api/auth/totp/enable', { code: '1234567' }],
      ['/api/auth/totp/disable', { code: '123456', password: true }],
    ];
    for (const [url, body] of wrong) {
      const res = await post(url, JSON.stringify(body));
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: 'username=x&password=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.statusCode).toBe(415);
    expect(notJson.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    for (const url of ['/api/auth/me', '/api/auth/sessions']) {
      const res = await t.app.inject({ url: `${url}?debug=1`, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('UNKNOWN_FIELD');
    }
    expect(await snapshot()).toBe(before);
  });

  it('treats SQL-injection-shaped usernames as unknown users', async () => {
    for (const username of ["admin' --", "' or '1'='1", 'x"; drop table users; --']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: "' or '1'='1" },
      });
      expect(res.statusCode, username).toBe(401);
      expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const [row] = await query<{ n: number }>(t.database.db, sql`select count(*)::int as n from users`);
    expect(row!.n).toBe(1);
  });

  it('accepts the no-input endpoints with no body at all', async () => {
    const setup = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/setup',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(setup.statusCode, setup.body).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.statusCode).toBe(204);
  });

  it('documents every auth route in the OpenAPI document', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    for (const path of [...BODY_ROUTES, '/api/auth/me', '/api/auth/sessions', '/api/auth/sessions/{id}']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
  });
});
