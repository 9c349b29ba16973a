/** HTTP level: authenticated users and jurisdiction routes, masking on the wire, bad input answered 4xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser, type CreatedUser } from '../../../../test/helpers/factories.ts';

let t: TestApp;
const u: Record<string, CreatedUser> = {};
const token: Record<string, string> = {};
const ID = '11010519491231002X';

async function login(user: CreatedUser): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user.username, password: user.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

function call(
  who: string | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers = {},
) {
  return t.app.inject({
    method,
    url,
    payload: payload as object | undefined,
    headers: { ...(who ? { authorization: `Bearer ${token[who]}` } : {}), ...headers },
  });
}

const count = async (table: 'users' | 'jurisdictions' | 'role_assignments') =>
  Number((await query<{ n: string }>(t.database.db, sql`select count(*) as n from ${sql.raw(table)}`))[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
  await insertJurisdictions(t.database.db);
  const seed = {
    sysadmin: { roles: [{ role: 'system_admin' as const, jurisdictionId: '44' }] },
    secadmin: { roles: [{ role: 'security_admin' as const, jurisdictionId: '44' }] },
    chief: { roles: [{ role: 'station_chief' as const, jurisdictionId: '440103001' }] },
    county: { roles: [{ role: 'county_duty_officer' as const, jurisdictionId: '440103' }] },
    target: {
      displayName: '社区民警 赵丽',
      roles: [{ role: 'community_officer' as const, jurisdictionId: '440103001001' }],
      idNumber: ID,
      phone: '13812345678',
      address: '测试省甲市甲一区东门路1号',
    },
  };
  for (const [name, s] of Object.entries(seed)) {
    u[name] = await insertUser(t.database.db, { username: name, ...s });
    token[name] = await login(u[name]!);
  }
});
afterAll(async () => t?.close());

describe('GET /api/users', () => {
  it('requires authentication', async () => {
    const res = await call(null, 'GET', '/api/users');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('masks per role on single reads and lists', async () => {
    const full = await call('sysadmin', 'GET', `/api/users/${u.target!.id}`);
    expect(full.statusCode, full.body).toBe(200);
    expect(full.json()).toMatchObject({ idNumber: ID, phone: '13812345678', masked: [] });
    const chief = await call('chief', 'GET', `/api/users/${u.target!.id}`);
    expect(chief.json()).toMatchObject({ idNumber: '110105********002X', phone: '13812345678', masked: ['idNumber'] });
    const county = (await call('county', 'GET', `/api/users?q=${encodeURIComponent('赵丽')}`)).json();
    expect(county.items).toHaveLength(1);
    expect(county.items[0]).toMatchObject({
      idNumber: '110105********002X',
      phone: '138****5678',
      address: '测试省甲市甲一区****',
    });
    expect(county.nextCursor).toBeNull();
  });

  it('pages with limit and cursor', async () => {
    const first = (await call('sysadmin', 'GET', '/api/users?limit=2')).json();
    expect(first.items).toHaveLength(2);
    const second = (await call('sysadmin', 'GET', `/api/users?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items[0].username > first.items[1].username).toBe(true);
  });

  it('exports CSV with the same masking, and refuses roles without export', async () => {
    const res = await call('sysadmin', 'GET', '/api/users/export.csv?q=target');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body).toContain(`,${ID},13812345678,`);
    const denied = await call('chief', 'GET', '/api/users/export.csv');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
  });

  it('rejects unknown query parameters and out-of-range limits', async () => {
    expect((await call('sysadmin', 'GET', '/api/users?limit=2&admin=true')).json().error.code).toBe('UNKNOWN_FIELD');
    expect((await call('sysadmin', 'GET', '/api/users?limit=100000')).json().error.code).toBe('VALIDATION_FAILED');
    expect((await call('sysadmin', 'GET', "/api/users?cursor=' or 1=1--")).json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('path traversal and injection-shaped ids', () => {
  const bad = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e', '..', '1;drop table users', "1' or '1'='1", '%00', 'null'];
  it('answers 4xx with a stable code and writes nothing', async () => {
    const before = [await count('users'), await count('jurisdictions'), await count('role_assignments')];
    for (const id of bad) {
      const enc = id.includes('%') ? id : encodeURIComponent(id);
      for (const [method, url, payload] of [
        ['GET', `/api/users/${enc}`, undefined],
        ['POST', `/api/users/${enc}/disable`, undefined],
        ['POST', `/api/users/${enc}/roles`, { role: 'auditor', jurisdictionId: '44' }],
        ['DELETE', `/api/users/${u.target!.id}/roles/community_officer/${enc}`, undefined],
        ['GET', `/api/jurisdictions/${enc}`, undefined],
        ['GET', `/api/jurisdictions?rootId=${enc}`, undefined],
        ['POST', `/api/jurisdictions/${enc}/move`, { parentId: '4401' }],
      ] as const) {
        const res = await call('sysadmin', method, url, payload);
        expect(res.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
        expect(['VALIDATION_FAILED', 'ROUTE_NOT_FOUND', 'INVALID_ID']).toContain(res.json().error.code);
      }
    }
    expect([await count('users'), await count('jurisdictions'), await count('role_assignments')]).toEqual(before);
  });
});

describe('POST /api/users', () => {
  const body = { username: 'idem.user', displayName: '新警', homeJurisdictionId: '440104001', idNumber: ID };

  it('creates once per Idempotency-Key and returns the generated password once', async () => {
    const headers = { 'idempotency-key': 'create-idem-user-1' };
    const first = await call('sysadmin', 'POST', '/api/users', body, headers);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().initialPassword).toMatch(/^.{16,}$/);
    const again = await call('sysadmin', 'POST', '/api/users', body, headers);
    expect(again.statusCode).toBe(201);
    // The replay carries the same user but not the password: it was shown once and never stored.
    expect(again.json()).toEqual({ user: first.json().user });
    const stored = await query<{ body: string }>(
      t.database.db,
      sql`select response_body as body from idempotency_keys`,
    );
    expect(stored.map((r) => r.body).join()).not.toContain(first.json().initialPassword);
    const rows = await query<{ n: string }>(
      t.database.db,
      sql`select count(*) as n from users where username = 'idem.user'`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
    const other = await call('sysadmin', 'POST', '/api/users', { ...body, displayName: 'x' }, headers);
    expect(other.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('rejects unknown fields, wrong types and missing fields with nothing written', async () => {
    const before = await count('users');
    const cases: [unknown, string][] = [
      [{ ...body, username: 'x.unknown', isAdmin: true }, 'UNKNOWN_FIELD'],
      [{ ...body, username: 'x.types', displayName: 42 }, 'VALIDATION_FAILED'],
      [{ ...body, username: "x'; drop table users;--" }, 'VALIDATION_FAILED'],
      [{ username: 'x.missing' }, 'VALIDATION_FAILED'],
    ];
    for (const [payload, code] of cases) {
      const res = await call('sysadmin', 'POST', '/api/users', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(code);
    }
    expect(
      (
        await call('chief', 'POST', '/api/users', { ...body, username: 'x.chief', homeJurisdictionId: '440103001' })
      ).json().error.code,
    ).toBe('FORBIDDEN');
    expect(await count('users')).toBe(before);
  });
});

describe('roles and grants over HTTP', () => {
  it('enforces separation of duties on assignment', async () => {
    const res = await call('secadmin', 'POST', `/api/users/${u.sysadmin!.id}/roles`, {
      role: 'auditor',
      jurisdictionId: '44',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('SEPARATION_OF_DUTIES');
    const ok = await call('secadmin', 'POST', `/api/users/${u.target!.id}/roles`, {
      role: 'grid_worker',
      jurisdictionId: '440103001001001',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().roles).toContainEqual({ role: 'grid_worker', jurisdictionId: '440103001001001' });
    const del = await call('secadmin', 'DELETE', `/api/users/${u.target!.id}/roles/grid_worker/440103001001001`);
    expect(del.json().roles).not.toContainEqual({ role: 'grid_worker', jurisdictionId: '440103001001001' });
    const unknownRole = await call('secadmin', 'POST', `/api/users/${u.target!.id}/roles`, {
      role: 'root',
      jurisdictionId: '44',
    });
    expect(unknownRole.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('creates and revokes a task grant', async () => {
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const res = await call('county', 'POST', `/api/users/${u.target!.id}/task-grants`, {
      taskRef: 'deployment:d7',
      jurisdictionId: '440103',
      actions: ['incident.read'],
      endsAt,
    });
    expect(res.statusCode, res.body).toBe(201);
    const revoked = await call('county', 'DELETE', `/api/users/${u.target!.id}/task-grants/${res.json().id}`);
    expect(revoked.json().revokedAt).not.toBeNull();
  });
});

describe('jurisdiction routes', () => {
  it('serves the scoped tree and one jurisdiction with ancestors', async () => {
    const tree = (await call('county', 'GET', '/api/jurisdictions')).json();
    expect(tree.roots[0]).toMatchObject({ id: '44', access: 'name_only' });
    expect(tree.roots[0].path).toBeUndefined();
    expect(tree.roots[0].children[0].children[0]).toMatchObject({
      id: '440103',
      access: 'full',
      path: '/44/4401/440103/',
    });
    const one = (await call('county', 'GET', '/api/jurisdictions/440103001')).json();
    expect(one.ancestors.map((a: { id: string }) => a.id)).toEqual(['44', '4401', '440103']);
    expect((await call('county', 'GET', '/api/jurisdictions/440104')).json().error.code).toBe('JURISDICTION_NOT_FOUND');
    const kids = (await call('county', 'GET', '/api/jurisdictions/4401/children')).json();
    expect(kids.items.map((k: { id: string }) => k.id)).toEqual(['440103']);
  });

  it('creates with an Idempotency-Key, rejects unknown fields and bad geometry', async () => {
    const boundary = {
      type: 'Polygon',
      coordinates: [
        [
          [113, 23],
          [113.1, 23],
          [113.1, 23.1],
          [113, 23],
        ],
      ],
    };
    const body = { id: '440104002', parentId: '440104', level: 'station', name: '北塔派出所', boundary };
    const headers = { 'idempotency-key': 'create-station-440104002' };
    const first = await call('sysadmin', 'POST', '/api/jurisdictions', body, headers);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().boundary).toEqual(boundary);
    expect((await call('sysadmin', 'POST', '/api/jurisdictions', body, headers)).json()).toEqual(first.json());
    const before = await count('jurisdictions');
    const unknown = await call('sysadmin', 'POST', '/api/jurisdictions', { ...body, id: '440104003', color: 'red' });
    expect(unknown.json().error.code).toBe('UNKNOWN_FIELD');
    const open = await call('sysadmin', 'POST', '/api/jurisdictions', {
      ...body,
      id: '440104003',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [113, 23],
            [113.1, 23],
            [113.1, 23.1],
            [113, 23.1],
          ],
        ],
      },
    });
    expect(open.json().error.code).toBe('INVALID_GEOMETRY');
    expect(
      (await call('county', 'POST', '/api/jurisdictions', { ...body, id: '440103009', parentId: '440103' })).json()
        .error.code,
    ).toBe('FORBIDDEN');
    expect(await count('jurisdictions')).toBe(before);
  });

  it('moves a subtree over HTTP', async () => {
    const res = await call('sysadmin', 'POST', '/api/jurisdictions/440104002/move', { parentId: '440103' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ moved: 1, jurisdiction: { path: '/44/4401/440103/440104002/' } });
  });
});

describe('POST /api/users/{id}/disable', () => {
  it("ends the account's live sessions at once", async () => {
    const victim = await insertUser(t.database.db, {
      roles: [{ role: 'patrol_officer', jurisdictionId: '440103001' }],
    });
    const victimToken = await login(victim);
    expect(
      (await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${victimToken}` } })).statusCode,
    ).toBe(200);
    const res = await call('sysadmin', 'POST', `/api/users/${victim.id}/disable`);
    expect(res.statusCode, res.body).toBe(200);
    const live = await query<{ n: string }>(
      t.database.db,
      sql`select count(*) as n from sessions where user_id = ${victim.id} and revoked_at is null`,
    );
    expect(Number(live[0]!.n)).toBe(0);
    const after = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${victimToken}` } });
    expect(after.json().error.code).toBe('SESSION_EXPIRED');
  });
});
