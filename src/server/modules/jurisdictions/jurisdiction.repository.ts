/**
 * Jurisdiction rows. The tree is stored with a materialised `path` of ids (`/44/4401/440103/`), so a subtree
 * is one indexed prefix scan. The repository knows nothing about who asks: callers pass the policy's filter.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { JurisdictionLevel } from '../../../contracts/roles.ts';
import { query, type Executor } from '../../db/client.ts';
import type { Boundary } from './jurisdiction.geojson.ts';

export interface JurisdictionRow extends Record<string, unknown> {
  id: string;
  parent_id: string | null;
  level: JurisdictionLevel;
  name: string;
  path: string;
  boundary: Boundary | null;
  created_at: Date;
}

/** A jurisdiction as the service sees it. */
export interface Jurisdiction {
  id: string;
  parentId: string | null;
  level: JurisdictionLevel;
  name: string;
  path: string;
  boundary: Boundary | null;
  createdAt: Date;
}

/** Maps a database row to the domain type. */
export function jurisdictionRowToJurisdiction(r: JurisdictionRow): Jurisdiction {
  return {
    id: r.id,
    parentId: r.parent_id,
    level: r.level,
    name: r.name,
    path: r.path,
    boundary: r.boundary,
    createdAt: r.created_at,
  };
}

/** Escapes LIKE wildcards for a literal prefix match. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Depth of a path: `/44/` is 1, `/44/4401/` is 2. */
export const PATH_DEPTH = (column: SQL) => sql`(length(${column}) - length(replace(${column}, '/', '')) - 1)`;

/** Finds one jurisdiction by id; `forUpdate` locks the row for the rest of the transaction. */
export async function findJurisdiction(
  ex: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Jurisdiction | null> {
  const rows = await query<JurisdictionRow>(
    ex,
    sql`select * from jurisdictions where id = ${id} ${opts.forUpdate ? sql`for update` : sql``}`,
  );
  return rows[0] ? jurisdictionRowToJurisdiction(rows[0]) : null;
}

/** Jurisdictions with the given ids, without boundaries (for name-only views). */
export async function findJurisdictionsByIds(ex: Executor, ids: string[]): Promise<Jurisdiction[]> {
  if (ids.length === 0) return [];
  const rows = await query<JurisdictionRow>(
    ex,
    sql`select id, parent_id, level, name, path, null as boundary, created_at from jurisdictions
        where id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )})`,
  );
  return rows.map(jurisdictionRowToJurisdiction);
}

export interface SubtreeQuery {
  /** Only this subtree (root included); absent for the whole tree. */
  rootPath?: string;
  /** Only nodes at most this deep (absolute depth, province = 1). */
  maxDepth?: number;
  /** Only direct children of this id. */
  parentId?: string;
  /** Policy filter over the `path` column. */
  where: SQL;
}

/** Jurisdictions of a subtree that pass the filter, parents before children, without boundaries. */
export async function listJurisdictions(ex: Executor, q: SubtreeQuery): Promise<Jurisdiction[]> {
  const conds: SQL[] = [q.where];
  if (q.rootPath) conds.push(sql`path like ${likePrefix(q.rootPath)}`);
  if (q.maxDepth !== undefined) conds.push(sql`${PATH_DEPTH(sql`path`)} <= ${q.maxDepth}`);
  if (q.parentId !== undefined) conds.push(sql`parent_id = ${q.parentId}`);
  const rows = await query<JurisdictionRow>(
    ex,
    sql`select id, parent_id, level, name, path, null as boundary, created_at from jurisdictions
        where ${sql.join(conds, sql` and `)} order by path`,
  );
  return rows.map(jurisdictionRowToJurisdiction);
}

/** Inserts a jurisdiction; returns false when the id (or path) exists already. */
export async function insertJurisdiction(ex: Executor, j: Omit<Jurisdiction, 'createdAt'>): Promise<boolean> {
  const rows = await query<{ id: string }>(
    ex,
    sql`insert into jurisdictions (id, parent_id, level, name, path, boundary)
        values (${j.id}, ${j.parentId}, ${j.level}, ${j.name}, ${j.path}, ${j.boundary === null ? null : JSON.stringify(j.boundary)}::jsonb)
        on conflict do nothing returning id`,
  );
  return rows.length === 1;
}

/** Updates name and/or boundary. */
export async function updateJurisdiction(
  ex: Executor,
  id: string,
  patch: { name?: string; boundary?: Boundary | null },
): Promise<void> {
  const sets: SQL[] = [];
  if (patch.name !== undefined) sets.push(sql`name = ${patch.name}`);
  if (patch.boundary !== undefined)
    sets.push(sql`boundary = ${patch.boundary === null ? null : JSON.stringify(patch.boundary)}::jsonb`);
  if (sets.length === 0) return;
  await ex.execute(sql`update jurisdictions set ${sql.join(sets, sql`, `)} where id = ${id}`);
}

/** Re-parents a node and rewrites the path of it and every descendant; returns the number of rows moved. */
export async function moveSubtree(
  ex: Executor,
  id: string,
  newParentId: string,
  oldPath: string,
  newPath: string,
): Promise<number> {
  await ex.execute(sql`update jurisdictions set parent_id = ${newParentId} where id = ${id}`);
  const rows = await query<{ id: string }>(
    ex,
    sql`update jurisdictions set path = ${newPath} || substr(path, ${oldPath.length + 1})
        where path like ${likePrefix(oldPath)} returning id`,
  );
  return rows.length;
}

/**
 * Takes the transaction-scoped lock that serialises tree moves (rare; overlapping moves would corrupt paths).
 * The two-integer key form lives in a different key space from the single-bigint locks of the migration runner
 * and the audit sequencer (7_110_001, 7_110_002), so it can never collide with them.
 */
export async function lockTreeForMove(ex: Executor): Promise<void> {
  await ex.execute(sql`select pg_advisory_xact_lock(7110, 101)`);
}
