/**
 * Test support for services tested without HTTP: build the actor of a stored user (as the auth plugin does
 * from role_assignments and task_grants) and an audit sink that records what services append.
 */
import { sql } from 'drizzle-orm';
import type { RoleCode } from '../../../contracts/roles.ts';
import { query, type Executor } from '../../db/client.ts';
import { systemContext, type Actor, type AuditInput, type AuditSink, type RequestContext } from '../../context.ts';
import type { Database } from '../../db/client.ts';

/** Loads a user's role assignments and unrevoked task grants as an Actor. */
export async function loadActor(ex: Executor, userId: string): Promise<Actor> {
  const [user] = await query<{ username: string }>(ex, sql`select username from users where id = ${userId}`);
  const assignments = await query<{ role: RoleCode; jurisdiction_id: string; path: string }>(
    ex,
    sql`select r.role, r.jurisdiction_id, j.path from role_assignments r join jurisdictions j on j.id = r.jurisdiction_id
        where r.user_id = ${userId}`,
  );
  const grants = await query<{
    id: string;
    task_ref: string;
    jurisdiction_id: string;
    path: string;
    actions: string[];
    starts_at: Date;
    ends_at: Date;
  }>(
    ex,
    sql`select g.id, g.task_ref, g.jurisdiction_id, j.path, g.actions, g.starts_at, g.ends_at
        from task_grants g join jurisdictions j on j.id = g.jurisdiction_id
        where g.user_id = ${userId} and g.revoked_at is null`,
  );
  return {
    userId,
    username: user!.username,
    sessionId: 'test-session',
    assignments: assignments.map((a) => ({
      role: a.role,
      jurisdictionId: a.jurisdiction_id,
      jurisdictionPath: a.path,
    })),
    grants: grants.map((g) => ({
      id: g.id,
      taskRef: g.task_ref,
      jurisdictionId: g.jurisdiction_id,
      jurisdictionPath: g.path,
      actions: g.actions,
      startsAt: new Date(g.starts_at),
      endsAt: new Date(g.ends_at),
    })),
  };
}

/** An audit sink that keeps appended entries in memory (entries of rolled-back transactions included). */
export function recordingSink(): AuditSink & { entries: AuditInput[] } {
  const entries: AuditInput[] = [];
  return {
    entries,
    async append(_ctx: RequestContext, input: AuditInput) {
      entries.push(input);
    },
  };
}

/** A context acting as the stored user `userId`. */
export async function contextFor(
  database: Database,
  sink: AuditSink,
  userId: string,
  opts: { now?: () => Date } = {},
): Promise<RequestContext> {
  return systemContext(database.db, sink, { actor: await loadActor(database.db, userId), ...opts });
}
