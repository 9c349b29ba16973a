import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser, type CreatedUser } from '../../../../test/helpers/factories.ts';
import { query } from '../../db/client.ts';
import { decryptTotpSecret, deriveTotpKey, encryptTotpSecret } from './totp.crypto.ts';

let t: TestApp;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const login = (u: CreatedUser, totp?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: u.username, password: u.password, ...(totp === undefined ? {} : { totp }) },
  });
/** The code for the time step `offset` steps from now. */
const codeAt = (secret: string, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
/** A 6-digit code that is certainly not valid now (nor one step either side). */
async function wrongCode(secret: string): Promise<string> {
  const valid = new Set([await codeAt(secret, -1), await codeAt(secret, 0), await codeAt(secret, 1)]);
  for (let n = 0; ; n++) {
    const c = String(n).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

async function sessionFor(u: CreatedUser, totp?: string): Promise<string> {
  const res = await login(u, totp);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().accessToken;
}

/** Sets up and enables TOTP for `u`; returns the secret (the enabling code used the current step). */
async function enableTotp(u: CreatedUser): Promise<string> {
  const token = await sessionFor(u);
  const setup = await t.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(token) });
  expect(setup.statusCode, setup.body).toBe(200);
  const { secret } = setup.json();
  const enable = await t.app.inject({
    method: 'POST',
    url: '/api/auth/totp/enable',
    headers: bearer(token),
    payload: { code: await codeAt(secret) },
  });
  expect(enable.statusCode, enable.body).toBe(204);
  return secret;
}

async function failedLogins(id: string): Promise<number> {
  const [row] = await query<{ failed_logins: number }>(
    t.database.db,
    sql`select failed_logins from users where id = ${id}`,
  );
  return row!.failed_logins;
}

beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
  await insertJurisdictions(t.database.db);
});
afterAll(async () => t?.close());

describe('TOTP setup and enable', () => {
  it('returns a secret and otpauth URI, stores it encrypted, and changes nothing until enabled', async () => {
    const u = await insertUser(t.database.db);
    const token = await sessionFor(u);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    const { secret, otpauthUri } = res.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(otpauthUri).toContain(u.username);
    const [row] = await query<{ totp_secret: string; totp_enabled: boolean }>(
      t.database.db,
      sql`select totp_secret, totp_enabled from users where id = ${u.id}`,
    );
    expect(row!.totp_enabled).toBe(false);
    expect(row!.totp_secret).toMatch(/^v1:/);
    expect(row!.totp_secret).not.toContain(secret);
    expect(decryptTotpSecret(deriveTotpKey(t.config.audit.hmacKey!), u.id, row!.totp_secret)).toBe(secret);
    // Not enabled yet: a login without a code still works.
    await sessionFor(u);
  });

  it('refuses to enable without setup, or with a wrong code, and refuses a second setup once enabled', async () => {
    const u = await insertUser(t.database.db);
    const token = await sessionFor(u);
    const early = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/enable',
      headers: bearer(token),
      payload: { code: '123456' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('TOTP_SETUP_REQUIRED');

    const { secret } = (
      await t.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(token) })
    ).json();
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/enable',
      headers: bearer(token),
      payload: { code: await wrongCode(secret) },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('TOTP_INVALID');
    await sessionFor(u); // still not enabled

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/totp/enable',
      headers: bearer(token),
      payload: { code: await codeAt(secret) },
    });
    expect(ok.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(token) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TOTP_ALREADY_ENABLED');
    const me = await t.app.inject({ url: '/api/auth/me', headers: bearer(token) });
    expect(me.json().totpEnabled).toBe(true);
  });
});

describe('login with TOTP', () => {
  it('requires the code, refuses a wrong one (counted as a failure), accepts the right one', async () => {
    const u = await insertUser(t.database.db);
    const secret = await enableTotp(u);

    const missing = await login(u);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('TOTP_REQUIRED');
    expect(await failedLogins(u.id)).toBe(0);

    const wrong = await login(u, await wrongCode(secret));
    expect(wrong.json().error.code).toBe('TOTP_INVALID');
    expect(await failedLogins(u.id)).toBe(1);

    const tooFar = await login(u, await codeAt(secret, 3));
    expect(tooFar.json().error.code).toBe('TOTP_INVALID');

    // The enabling code used the current step, so the next step's code is the first one usable.
    const ok = await login(u, await codeAt(secret, 1));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await failedLogins(u.id)).toBe(0);
  });

  it('rejects a replay of an accepted code within its window', async () => {
    const u = await insertUser(t.database.db);
    const secret = await enableTotp(u);
    const code = await codeAt(secret, 1);
    expect((await login(u, code)).statusCode).toBe(200);
    const replay = await login(u, code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('TOTP_INVALID');
    // An older step's code is refused too, even though it is inside the clock-drift tolerance.
    expect((await login(u, await codeAt(secret, 0))).json().error.code).toBe('TOTP_INVALID');
  });

  it('checks the password before the code, and locks after repeated wrong codes', async () => {
    const u = await insertUser(t.database.db);
    const secret = await enableTotp(u);
    const badPassword = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: 'Wrong#pass01', totp: await codeAt(secret, 1) },
    });
    expect(badPassword.json().error.code).toBe('INVALID_CREDENTIALS');
    await login(u, await wrongCode(secret));
    const third = await login(u, await wrongCode(secret));
    expect(third.statusCode).toBe(423);
    expect(third.json().error.code).toBe('ACCOUNT_LOCKED');
  });

  it('refuses every code when the stored secret was tampered with or moved to another account', async () => {
    const a = await insertUser(t.database.db);
    const b = await insertUser(t.database.db);
    const secretA = await enableTotp(a);
    await enableTotp(b);
    // Copy A's ciphertext into B's row: B's id is the associated data, so it does not decrypt there.
    await t.database.db.execute(
      sql`update users set totp_secret = (select totp_secret from users where id = ${a.id}) where id = ${b.id}`,
    );
    expect((await login(b, await codeAt(secretA, 1))).json().error.code).toBe('TOTP_INVALID');
    // Flip a byte of A's ciphertext.
    const [row] = await query<{ totp_secret: string }>(
      t.database.db,
      sql`select totp_secret from users where id = ${a.id}`,
    );
    const raw = Buffer.from(row!.totp_secret.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    await t.database.db.execute(
      sql`update users set totp_secret = ${`v1:${raw.toString('base64')}`} where id = ${a.id}`,
    );
    expect((await login(a, await codeAt(secretA, 1))).json().error.code).toBe('TOTP_INVALID');
  });
});

describe('TOTP disable', () => {
  it('needs the password and a fresh code; afterwards login needs no code', async () => {
    const u = await insertUser(t.database.db);
    const secret = await enableTotp(u);
    const loginCode = await codeAt(secret, 1);
    const token = await sessionFor(u, loginCode);
    const disable = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/auth/totp/disable', headers: bearer(token), payload });

    const badPassword = await disable({ code: loginCode, password: 'Wrong#pass01' });
    expect(badPassword.json().error.code).toBe('INVALID_CREDENTIALS');
    const replayed = await disable({ code: loginCode, password: u.password });
    expect(replayed.json().error.code).toBe('TOTP_INVALID');
    expect((await login(u)).json().error.code).toBe('TOTP_REQUIRED'); // still on

    // Rather than wait 30 s for a fresh step, forget that the login code was used.
    await t.database.db.execute(sql`update users set totp_last_step = totp_last_step - 1 where id = ${u.id}`);
    const ok = await disable({ code: loginCode, password: u.password });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await login(u)).statusCode).toBe(200);
    const again = await disable({ code: loginCode, password: u.password });
    expect(again.json().error.code).toBe('TOTP_NOT_ENABLED');
  });
});

describe('TOTP secret encryption', () => {
  const key = deriveTotpKey(Buffer.alloc(32, 7));

  it('round-trips and uses a fresh IV each time', () => {
    const a = encryptTotpSecret(key, 'user-1', 'JBSWY3DPEHPK3PXP');
    const b = encryptTotpSecret(key, 'user-1', 'JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(b);
    expect(decryptTotpSecret(key, 'user-1', a)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('fails for another user, another key, or an unknown format', () => {
    const c = encryptTotpSecret(key, 'user-1', 'JBSWY3DPEHPK3PXP');
    expect(() => decryptTotpSecret(key, 'user-2', c)).toThrow();
    expect(() => decryptTotpSecret(deriveTotpKey(Buffer.alloc(32, 8)), 'user-1', c)).toThrow();
    expect(() => decryptTotpSecret(key, 'user-1', c.replace('v1:', 'v9:'))).toThrow();
  });

  it('derives a key different from its root (the audit HMAC key is never used directly)', () => {
    const root = Buffer.alloc(32, 7);
    expect(key.equals(root)).toBe(false);
    expect(key).toHaveLength(32);
  });
});
