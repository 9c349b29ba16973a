/**
 * SQL for the audit log. Knows nothing about HTTP or who asks. Binary values travel as hex text into the
 * database (portable across PGlite and node-postgres) and come back as bytes through `toBuffer`.
 */
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';
import type { Checkpoint } from './audit.checkpoint.ts';

/** bytea from either driver (node-postgres: Buffer; PGlite: Uint8Array; hex text as a fallback). */
export function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string' && v.startsWith('\\x')) return Buffer.from(v.slice(2), 'hex');
  throw new Error(`expected bytea, got ${typeof v}`);
}

/** int8 from either driver (string, bigint or number). */
export function toNumber(v: unknown): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`expected an integer, got ${String(v)}`);
  return n;
}

interface CheckpointRow extends Record<string, unknown> {
  tree_size: unknown;
  root_hash: unknown;
  signed_at: Date | string;
  key_id: string;
  signature: unknown;
}

function rowToCheckpoint(r: CheckpointRow): Checkpoint {
  return {
    treeSize: toNumber(r.tree_size),
    rootHash: toBuffer(r.root_hash),
    timestamp: new Date(r.signed_at),
    keyId: r.key_id,
    signature: toBuffer(r.signature),
  };
}

/** Queues one entry; the only write a business transaction makes. */
export async function insertQueued(ex: Executor, entry: Buffer): Promise<void> {
  await ex.execute(sql`insert into audit_queue (entry) values (decode(${entry.toString('hex')}, 'hex'))`);
}

/** Number of sequenced entries (index of the next leaf). */
export async function storedTreeSize(ex: Executor): Promise<number> {
  const [r] = await query<{ n: unknown }>(ex, sql`select coalesce(max(leaf_index) + 1, 0) as n from audit_entries`);
  return toNumber(r!.n);
}

/** Entries waiting for the sequencer. */
export async function queueLength(ex: Executor): Promise<number> {
  const [r] = await query<{ n: unknown }>(ex, sql`select count(*) as n from audit_queue`);
  return toNumber(r!.n);
}

/** The newest checkpoint, if any. */
export async function latestCheckpoint(ex: Executor): Promise<Checkpoint | undefined> {
  const [r] = await query<CheckpointRow>(
    ex,
    sql`select tree_size, root_hash, signed_at, key_id, signature from audit_checkpoints order by tree_size desc limit 1`,
  );
  return r ? rowToCheckpoint(r) : undefined;
}

/** The checkpoint of exactly `treeSize`, if one was signed. */
export async function checkpointAt(ex: Executor, treeSize: number): Promise<Checkpoint | undefined> {
  const [r] = await query<CheckpointRow>(
    ex,
    sql`select tree_size, root_hash, signed_at, key_id, signature from audit_checkpoints where tree_size = ${treeSize}`,
  );
  return r ? rowToCheckpoint(r) : undefined;
}

/** Checkpoints with tree_size > `after`, oldest first, at most `limit`. */
export async function checkpointsPage(ex: Executor, after: number, limit: number): Promise<Checkpoint[]> {
  const rows = await query<CheckpointRow>(
    ex,
    sql`select tree_size, root_hash, signed_at, key_id, signature from audit_checkpoints
        where tree_size > ${after} order by tree_size limit ${limit}`,
  );
  return rows.map(rowToCheckpoint);
}

/** Stores a signed checkpoint; a second checkpoint of the same size is skipped. */
export async function insertCheckpoint(ex: Executor, cp: Checkpoint): Promise<void> {
  await ex.execute(
    sql`insert into audit_checkpoints (tree_size, root_hash, signed_at, key_id, signature)
        values (${cp.treeSize}, decode(${cp.rootHash.toString('hex')}, 'hex'), ${cp.timestamp.toISOString()},
                ${cp.keyId}, decode(${cp.signature.toString('hex')}, 'hex'))
        on conflict (tree_size) do nothing`,
  );
}

/** Leaf hashes with from ≤ leaf_index < to, in order (at most `limit`). */
export async function leafHashes(
  ex: Executor,
  from: number,
  to: number,
  limit: number,
): Promise<{ index: number; hash: Buffer }[]> {
  const rows = await query<{ leaf_index: unknown; leaf_hash: unknown }>(
    ex,
    sql`select leaf_index, leaf_hash from audit_entries
        where leaf_index >= ${from} and leaf_index < ${to} order by leaf_index limit ${limit}`,
  );
  return rows.map((r) => ({ index: toNumber(r.leaf_index), hash: toBuffer(r.leaf_hash) }));
}

/** Stored entries with leaf_index ≥ from, in order (at most `limit`). */
export async function entriesPage(
  ex: Executor,
  from: number,
  limit: number,
): Promise<{ index: number; entry: Buffer; leafHash: Buffer; sequencedAt: Date }[]> {
  const rows = await query<{ leaf_index: unknown; entry: unknown; leaf_hash: unknown; sequenced_at: Date | string }>(
    ex,
    sql`select leaf_index, entry, leaf_hash, sequenced_at from audit_entries
        where leaf_index >= ${from} order by leaf_index limit ${limit}`,
  );
  return rows.map((r) => ({
    index: toNumber(r.leaf_index),
    entry: toBuffer(r.entry),
    leafHash: toBuffer(r.leaf_hash),
    sequencedAt: new Date(r.sequenced_at),
  }));
}

/**
 * Moves up to `limit` queued entries, oldest first, into the tree at indexes base, base+1, …, computing
 * their leaf hashes, and removes them from the queue. Returns the new leaves in index order.
 */
export async function sequenceQueued(
  ex: Executor,
  base: number,
  limit: number,
): Promise<{ index: number; hash: Buffer }[]> {
  const rows = await query<{ leaf_index: unknown; leaf_hash: unknown }>(
    ex,
    sql`with batch as (
          select id, entry, row_number() over (order by id) - 1 + ${base}::bigint as leaf_index
          from (select id, entry from audit_queue order by id limit ${limit}) q
        ), ins as (
          insert into audit_entries (leaf_index, entry, leaf_hash, queue_id)
          select leaf_index, entry, sha256(decode('00', 'hex') || entry), id from batch
          returning leaf_index, leaf_hash
        )
        select leaf_index, leaf_hash from ins order by leaf_index`,
  );
  if (rows.length > 0) {
    // A separate statement: the queue guard must see the rows just inserted into audit_entries.
    await ex.execute(
      sql`delete from audit_queue q using audit_entries e where e.queue_id = q.id and e.leaf_index >= ${base}`,
    );
  }
  return rows.map((r) => ({ index: toNumber(r.leaf_index), hash: toBuffer(r.leaf_hash) }));
}
