/**
 * The policy compiled to SQL: `policyFilter(actor, action, columns)` is a condition that holds for exactly
 * the rows `can(actor, action, row)` allows, so list, search and export endpoints filter as single-record
 * reads decide (policy.filter.test.ts checks this on generated actors and records).
 *
 * Rule for rule it mirrors `can()` in policy.ts: self-service on the owner column, role scopes as path
 * prefixes, root scopes also covering platform-wide rows (`/`), and active grants as prefix + task membership.
 * Paths stored in the database are well-formed by construction (built from jurisdiction codes).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../context.ts';
import { GRANTABLE_ACTIONS, NOT_ON_SELF, SELF_ACTIONS, isAction, roleAllows } from './policy.rules.ts';
import { grantActive, isJurisdictionPath, isRootScope } from './policy.ts';

/** SQL expressions for the row's attributes; leave out what the table does not have. */
export interface FilterColumns {
  /** The row's materialised jurisdiction path (text). */
  path: SQL;
  /** The row's task references (text[]). */
  taskRefs?: SQL;
  /** The user the row is about (uuid or text). */
  ownerId?: SQL;
}

/** Escapes LIKE wildcards so a path is matched literally as a prefix. */
function likePrefix(path: string): string {
  return `${path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Drops scopes lying inside another scope of the list: `/44/` makes `/44/4401/` redundant. */
function outermost(paths: string[]): string[] {
  const unique = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of unique) if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  return kept;
}

/** A condition over `columns` that is true for exactly the rows `can(actor, action, row)` allows. */
export function policyFilter(
  actor: Actor | null,
  action: string,
  columns: FilterColumns,
  opts: { now?: Date } = {},
): SQL {
  if (!actor || !isAction(action)) return sql`false`;
  const now = opts.now ?? new Date();
  const scopes = outermost(
    actor.assignments
      .filter((a) => roleAllows(a.role, action) && isJurisdictionPath(a.jurisdictionPath) && a.jurisdictionPath !== '/')
      .map((a) => a.jurisdictionPath),
  );
  const parts: SQL[] = scopes.map((s) => sql`${columns.path} like ${likePrefix(s)}`);
  if (scopes.some(isRootScope)) parts.push(sql`${columns.path} = '/'`);
  if (columns.taskRefs && GRANTABLE_ACTIONS.has(action)) {
    for (const g of actor.grants) {
      if (!g.actions.includes(action) || !grantActive(g, now)) continue;
      if (!isJurisdictionPath(g.jurisdictionPath) || g.jurisdictionPath === '/') continue;
      parts.push(
        sql`(${columns.path} like ${likePrefix(g.jurisdictionPath)} and ${columns.taskRefs} @> array[${g.taskRef}]::text[])`,
      );
    }
  }
  let rest = parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
  if (columns.ownerId) {
    const owner = sql`${columns.ownerId}::text`;
    if (NOT_ON_SELF.has(action)) rest = sql`((${owner} is distinct from ${actor.userId}) and ${rest})`;
    else if (SELF_ACTIONS.has(action)) rest = sql`((${owner} is not distinct from ${actor.userId}) or ${rest})`;
  }
  return rest;
}
