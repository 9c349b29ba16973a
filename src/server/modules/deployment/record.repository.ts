/**
 * SQL of a demand's record: the ids of everything about the demand (its plans, their approvals, its
 * assignments) and the audit entries whose resource is one of them.
 *
 * Entries are found by the resource id inside their stored bytes through the expression index
 * `audit_entries_resource_idx` (migration 20261123200000): an index lookup, not a scan of the log.
 */
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';
import { toBuffer, toNumber } from '../audit/audit.repository.ts';

/** The audit resource types of the deployment records (shared with the rest of the module). */
export type RecordResourceType =
  'deployment_demand' | 'deployment_plan' | 'deployment_approval' | 'deployment_assignment';

/** Every record about one demand, by audit resource type. */
export async function recordIds(ex: Executor, demandId: string): Promise<Map<string, RecordResourceType>> {
  const rows = await query<{ id: string; kind: RecordResourceType }>(
    ex,
    sql`with plans as (select id from deployment_plans where ${demandId} = any(demand_ids))
        select ${demandId}::text as id, 'deployment_demand' as kind
        union all select id, 'deployment_plan' from plans
        union all select a.id, 'deployment_approval' from deployment_approvals a where a.plan_id in (select id from plans)
        union all select s.id, 'deployment_assignment' from deployment_assignments s where s.demand_id = ${demandId}`,
  );
  return new Map(rows.map((r) => [r.id, r.kind]));
}

export interface StoredEntry {
  /** Leaf index once sequenced; null while still queued. */
  index: number | null;
  bytes: Buffer;
  leafHash: Buffer | null;
}

/** Sequenced and still-queued audit entries whose resource id is one of `ids`, in log order. */
export async function entriesAbout(ex: Executor, ids: readonly string[]): Promise<StoredEntry[]> {
  if (ids.length === 0) return [];
  const list = sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  );
  const sequenced = await query<{ leaf_index: unknown; entry: unknown; leaf_hash: unknown }>(
    ex,
    sql`select leaf_index, entry, leaf_hash from audit_entries
        where audit_entry_resource_id(entry) in (${list}) order by leaf_index`,
  );
  const queued = await query<{ entry: unknown }>(
    ex,
    sql`select q.entry from audit_queue q
        where not exists (select 1 from audit_entries e where e.queue_id = q.id)
          and audit_entry_resource_id(q.entry) in (${list}) order by q.id`,
  );
  return [
    ...sequenced.map((r) => ({
      index: toNumber(r.leaf_index),
      bytes: toBuffer(r.entry),
      leafHash: toBuffer(r.leaf_hash),
    })),
    ...queued.map((r) => ({ index: null, bytes: toBuffer(r.entry), leafHash: null })),
  ];
}
