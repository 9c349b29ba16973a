/**
 * The request context every service call receives: who acts, from where, under which request id, and the
 * executor to run queries on (the database, or the open transaction when inside `transaction`).
 *
 * Services never see Fastify's request/reply; routes build a context and pass it down.
 */
import type { RoleCode } from '../contracts/roles.ts';
import type { Db, Executor } from './db/client.ts';

/** A role held over a jurisdiction subtree. `jurisdictionPath` is the materialised path, e.g. `/44/4401/440106/`. */
export interface RoleAssignment {
  role: RoleCode;
  jurisdictionId: string;
  jurisdictionPath: string;
}

/**
 * A temporary task-scoped grant: an officer lent to another region may act only on records of `taskRef`
 * (e.g. `deployment:…`) within `jurisdictionPath`, for `actions`, until `endsAt`.
 */
export interface TaskGrant {
  id: string;
  taskRef: string;
  jurisdictionId: string;
  jurisdictionPath: string;
  actions: string[];
  startsAt: Date;
  endsAt: Date;
}

/** The authenticated user as the policy layer sees them. */
export interface Actor {
  userId: string;
  username: string;
  sessionId: string;
  assignments: RoleAssignment[];
  grants: TaskGrant[];
}

/** What an audit entry says; `payload` is only ever stored as a keyed hash, never in clear. */
export interface AuditInput {
  /** Dotted verb, e.g. `user.create`, `auth.login`, `user.read_core`. */
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: 'success' | 'denied' | 'failure';
  jurisdictionId?: string | null;
  payload?: unknown;
}

/** Appends audit entries in the caller's transaction (implemented by the audit module). */
export interface AuditSink {
  append(ctx: RequestContext, input: AuditInput): Promise<void>;
}

export interface RequestContext {
  requestId: string;
  ip: string;
  userAgent: string | undefined;
  actor: Actor | null;
  /** Where queries run: the database or the current transaction. */
  db: Executor;
  /** True while inside `transaction`. */
  inTransaction: boolean;
  /** The clock used for business time, so tests can pin it. */
  now(): Date;
  auditSink: AuditSink;
}

/** Builds a context outside HTTP (CLI, jobs, tests). */
export function systemContext(
  db: Db,
  auditSink: AuditSink,
  opts: Partial<Omit<RequestContext, 'db' | 'inTransaction' | 'auditSink'>> = {},
): RequestContext {
  return {
    auditSink,
    requestId: opts.requestId ?? `sys-${Date.now().toString(36)}`,
    ip: opts.ip ?? '127.0.0.1',
    userAgent: opts.userAgent,
    actor: opts.actor ?? null,
    db,
    inTransaction: false,
    now: opts.now ?? (() => new Date()),
  };
}

/**
 * Runs `fn` in one transaction; nested calls join the open one. Everything a write does (record, audit
 * entry, idempotency record) goes through the context it is handed, so it commits or rolls back together.
 */
export async function transaction<T>(ctx: RequestContext, fn: (tx: RequestContext) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  return (ctx.db as Db).transaction(async (tx) => {
    transactionDatabases.set(tx, databaseOf(ctx.db));
    return fn({ ...ctx, db: tx, inTransaction: true });
  });
}

/** Open transaction → the database it runs on. */
const transactionDatabases = new WeakMap<object, Executor>();

/**
 * The database an executor belongs to: itself, or for a transaction the database it was opened on. Caches
 * kept per database (e.g. the geo state) key on this, so a lookup inside a transaction finds them.
 */
export function databaseOf(ex: Executor): Executor {
  return transactionDatabases.get(ex) ?? ex;
}

/** Appends an audit entry in the context's transaction. */
export function recordAudit(ctx: RequestContext, input: AuditInput): Promise<void> {
  return ctx.auditSink.append(ctx, input);
}
