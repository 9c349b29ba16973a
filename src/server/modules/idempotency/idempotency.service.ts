/**
 * Idempotent writes. A client that may retry sends `Idempotency-Key`; the first request's answer is stored
 * in the *same transaction* as the write, so a retry after a crash or a lost response gets the first answer
 * and nothing is written twice. A concurrent duplicate waits on the key's row lock and then replays.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export interface IdempotencyRequest {
  key: string | undefined;
  method: string;
  route: string;
  body: unknown;
  /** HTTP status of a fresh success. */
  status: number;
  /**
   * What of the answer to keep for replays. Secrets shown once (a generated password) must not be stored:
   * return the answer without them, and a replay answers without them.
   */
  storable?: (body: never) => unknown;
}

/** Checks the header value; undefined means the client sent none. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 8-128 characters of letters, digits and . _ : -', {
      in: 'headers',
      field: 'idempotency-key',
    });
  }
  return key;
}

/** Runs `fn` once per (actor, key); retries with the same key and body get the stored answer. */
export async function withIdempotency<T>(
  ctx: RequestContext,
  req: IdempotencyRequest,
  fn: (tx: RequestContext) => Promise<T>,
): Promise<IdempotentResult<T>> {
  if (req.key === undefined) {
    return { status: req.status, body: await transaction(ctx, fn), replayed: false };
  }
  const scope = ctx.actor?.userId ?? 'anonymous';
  const requestHash = createHash('sha256')
    .update(`${req.method} ${req.route}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
  return transaction(ctx, async (tx) => {
    const claimed = await query<{ key: string }>(
      tx.db,
      sql`insert into idempotency_keys (scope, key, method, route, request_hash, status_code, response_body)
          values (${scope}, ${req.key}, ${req.method}, ${req.route}, ${requestHash}, 0, '')
          on conflict do nothing returning key`,
    );
    if (claimed.length === 0) {
      const [prior] = await query<{ request_hash: string; status_code: number; response_body: string }>(
        tx.db,
        sql`select request_hash, status_code, response_body from idempotency_keys where scope = ${scope} and key = ${req.key}`,
      );
      if (!prior)
        throw new AppError(
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this Idempotency-Key is still running; retry shortly.',
        );
      if (prior.request_hash !== requestHash) {
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request; use a new key.',
        );
      }
      return { status: prior.status_code, body: JSON.parse(prior.response_body) as T, replayed: true };
    }
    const body = await fn(tx);
    const stored = req.storable ? (req.storable as (b: T) => unknown)(body) : body;
    await tx.db.execute(
      sql`update idempotency_keys set status_code = ${req.status}, response_body = ${JSON.stringify(stored)}
          where scope = ${scope} and key = ${req.key}`,
    );
    return { status: req.status, body, replayed: false };
  });
}
