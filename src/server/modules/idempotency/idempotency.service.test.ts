import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext, type Actor, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.ts';
import { parseIdempotencyKey, withIdempotency } from './idempotency.service.ts';

const sink = { append: async () => undefined };
const actor = (userId: string): Actor => ({ userId, username: userId, sessionId: 's', assignments: [], grants: [] });

describe('withIdempotency', () => {
  let database: TestDatabase;
  let ctx: RequestContext;
  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = systemContext(database.db, sink, { actor: actor('00000000-0000-4000-8000-000000000001') });
    await database.db.execute(sql`create table idem_probe (id serial primary key, name text not null)`);
  });
  afterAll(async () => {
    await database.close();
  });

  const insert = (name: string) => async (tx: RequestContext) => {
    const [row] = await query<{ id: number }>(tx.db, sql`insert into idem_probe (name) values (${name}) returning id`);
    return { id: row!.id, name };
  };
  const count = async (name: string) =>
    (await query<{ n: number }>(database.db, sql`select count(*)::int as n from idem_probe where name = ${name}`))[0]!
      .n;

  it('runs the write once and replays the first answer for a retry with the same key and body', async () => {
    const req = { key: 'key-aaaaaaaa', method: 'POST', route: '/x', body: { name: 'a' }, status: 201 };
    const first = await withIdempotency(ctx, req, insert('a'));
    const again = await withIdempotency(ctx, req, insert('a'));
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ status: 201, body: first.body, replayed: true });
    expect(await count('a')).toBe(1);
  });

  it('rejects the same key with a different body and writes nothing', async () => {
    const req = { key: 'key-bbbbbbbb', method: 'POST', route: '/x', body: { name: 'b' }, status: 201 };
    await withIdempotency(ctx, req, insert('b'));
    const err = await withIdempotency(ctx, { ...req, body: { name: 'c' } }, insert('c')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count('c')).toBe(0);
  });

  it('keeps keys per actor: another user with the same key gets their own write', async () => {
    const req = { key: 'key-cccccccc', method: 'POST', route: '/x', body: { name: 'd' }, status: 201 };
    await withIdempotency(ctx, req, insert('d'));
    const other = { ...ctx, actor: actor('00000000-0000-4000-8000-000000000002') };
    const second = await withIdempotency(other, req, insert('d'));
    expect(second.replayed).toBe(false);
    expect(await count('d')).toBe(2);
  });

  it('stores nothing when the write fails, so a retry can succeed', async () => {
    const req = { key: 'key-dddddddd', method: 'POST', route: '/x', body: { name: 'e' }, status: 201 };
    const failing = async (tx: RequestContext) => {
      await insert('e')(tx);
      throw new AppError('CONFLICT', 'boom');
    };
    await expect(withIdempotency(ctx, req, failing)).rejects.toThrow('boom');
    expect(await count('e')).toBe(0);
    const retry = await withIdempotency(ctx, req, insert('e'));
    expect(retry.replayed).toBe(false);
    expect(await count('e')).toBe(1);
  });

  it('serialises concurrent duplicates: one write, every caller gets the same answer', async () => {
    const req = { key: 'key-eeeeeeee', method: 'POST', route: '/x', body: { name: 'f' }, status: 201 };
    const results = await Promise.all(Array.from({ length: 5 }, () => withIdempotency(ctx, req, insert('f'))));
    expect(await count('f')).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('validates the header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('abcdefgh-123')).toBe('abcdefgh-123');
    for (const bad of ['short', 'x'.repeat(129), 'has space 12345', "quote'123456", '../../../etc']) {
      expect(() => parseIdempotencyKey(bad)).toThrow(/Idempotency-Key must be/);
    }
  });
});

describe('withIdempotency storable', () => {
  it('stores only what may be replayed, so a secret shown once is not kept', async () => {
    const database = await createTestDatabase();
    try {
      const ctx = systemContext(database.db, sink, { actor: actor('00000000-0000-4000-8000-000000000003') });
      const req = {
        key: 'key-secret-1',
        method: 'POST',
        route: '/x',
        body: {},
        status: 201,
        storable: ({ id }: { id: number }) => ({ id }),
      };
      const first = await withIdempotency(ctx, req, async () => ({ id: 7, initialPassword: 'S3cret!pass' }));
      expect(first.body.initialPassword).toBe('S3cret!pass');
      const again = await withIdempotency(ctx, req, async () => ({ id: 8, initialPassword: 'other' }));
      expect(again).toMatchObject({ replayed: true, body: { id: 7 } });
      expect(again.body).not.toHaveProperty('initialPassword');
      const rows = await query<{ response_body: string }>(database.db, sql`select response_body from idempotency_keys`);
      expect(rows.map((r) => r.response_body).join()).not.toContain('S3cret');
    } finally {
      await database.close();
    }
  });
});
