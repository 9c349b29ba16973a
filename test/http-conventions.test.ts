/**
 * The HTTP conventions every endpoint keeps: one error format with stable codes, strict bodies, size limits,
 * request ids, OpenAPI — exercised on real endpoints, with the database checked to hold nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../src/server/db/client.ts';
import { ERROR_CODES } from '../src/contracts/error-codes.ts';
import { readFileSync } from 'node:fs';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { insertJurisdictions, insertUser } from './helpers/factories.ts';

describe('HTTP conventions', () => {
  let t: TestApp;
  let username: string;
  let password: string;
  const counts = async () =>
    (
      await query<{ sessions: number; users: number }>(
        t.database.db,
        sql`select (select count(*)::int from sessions) as sessions, (select count(*)::int from users) as users`,
      )
    )[0]!;

  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT_BYTES: '4096' });
    await insertJurisdictions(t.database.db);
    ({ username, password } = await insertUser(t.database.db, {
      roles: [{ role: 'patrol_officer', jurisdictionId: '440103001' }],
    }));
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (payload: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload, headers: { 'content-type': contentType } });

  it('answers a valid login (the endpoint the rest of this file abuses)', async () => {
    const res = await login(JSON.stringify({ username, password }));
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"username": "a", ', 'MALFORMED_JSON', 400],
    ['empty JSON body', '', 'MALFORMED_JSON', 400],
    ['an unknown field', JSON.stringify({ username: 'a', password: 'b', role: 'system_admin' }), 'UNKNOWN_FIELD', 400],
    ['a number where a string belongs', JSON.stringify({ username: 42, password: 'b' }), 'VALIDATION_FAILED', 400],
    ['a missing field', JSON.stringify({ username: 'a' }), 'VALIDATION_FAILED', 400],
    ['an array body', JSON.stringify([{ username: 'a', password: 'b' }]), 'VALIDATION_FAILED', 400],
    ['an oversized body', JSON.stringify({ username: 'a', password: 'x'.repeat(5000) }), 'BODY_TOO_LARGE', 413],
  ])('rejects %s with a stable code and writes nothing', async (_what, payload, code, status) => {
    const before = await counts();
    const res = await login(payload);
    expect(res.statusCode).toBe(status);
    const body = res.json() as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(body.error.details).toBeTypeOf('object');
    expect(await counts()).toEqual(before);
  });

  it('names the unknown field so the caller can fix it', async () => {
    const res = await login(JSON.stringify({ username: 'a', password: 'b', isAdmin: true }));
    expect(res.json()).toMatchObject({ error: { code: 'UNKNOWN_FIELD', details: { field: 'isAdmin' } } });
  });

  it('rejects a body that is not JSON', async () => {
    const res = await login('username=a&password=b', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('treats SQL-injection-shaped input as plain data', async () => {
    const before = await counts();
    const res = await login(
      JSON.stringify({ username: "admin' or '1'='1'; drop table users; --", password: "' or 1=1 --" }),
    );
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(await counts()).toEqual(before);
  });

  it.each([
    '/api/auth/sessions/..%2F..%2Fetc%2Fpasswd',
    '/api/auth/sessions/1;drop table users',
    '/api/auth/sessions/%2e%2e',
  ])('rejects a malformed id in the path (%s) with a 4xx and a stable code', async (url) => {
    const { accessToken } = (await login(JSON.stringify({ username, password }))).json() as { accessToken: string };
    const before = await counts();
    const res = await t.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(Object.keys(ERROR_CODES)).toContain(res.json().error.code);
    expect(await counts()).toEqual(before);
  });

  it('answers unknown routes with ROUTE_NOT_FOUND', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('echoes a well-formed request id and replaces a malformed one', async () => {
    const given = await t.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'abc-12345678' },
    });
    expect(given.headers['x-request-id']).toBe('abc-12345678');
    const bad = await t.app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'x\u0000y' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/api/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('publishes an OpenAPI 3.1 document in which every operation declares its success and error responses', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { responses?: Record<string, unknown>; parameters?: unknown[]; requestBody?: unknown }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/auth/login');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses ?? {});
        expect(
          statuses.some((s) => s.startsWith('2')),
          `${method.toUpperCase()} ${path} success schema`,
        ).toBe(true);
        if (op.requestBody || op.parameters?.length) {
          const hasError = statuses.some((s) => s.startsWith('4'));
          expect(hasError, `${method.toUpperCase()} ${path} error schema`).toBe(true);
        }
      }
    }
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
  });

  it('documents every error code in docs/errors.md', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(doc, code).toContain(`\`${code}\``);
  });
});

describe('response compression', () => {
  it('gzips large JSON responses for clients that accept it, and leaves small ones alone', async () => {
    const t = await createTestApp();
    try {
      const big = await t.app.inject({
        method: 'GET',
        url: '/api/openapi.json',
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(big.statusCode).toBe(200);
      expect(big.headers['content-encoding']).toBe('gzip');
      const { gunzipSync } = await import('node:zlib');
      expect(JSON.parse(gunzipSync(big.rawPayload).toString()).openapi).toBe('3.1.0');
      const plain = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      const small = await t.app.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'gzip' } });
      expect(small.headers['content-encoding']).toBeUndefined();
      expect(small.json()).toEqual({ status: 'ok' });
    } finally {
      await t.close();
    }
  });
});
