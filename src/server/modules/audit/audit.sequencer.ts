/**
 * The sequencer: the one process that folds queued entries into the Merkle tree and signs checkpoints.
 *
 * Exactly one sequencer runs across all app instances on one PostgreSQL: it holds a *session* advisory lock on
 * a dedicated connection and runs every batch on that same connection. If the connection dies, PostgreSQL
 * drops the lock (another instance takes over on its next attempt) and the in-flight batch rolls back with
 * it, so a deposed sequencer can never commit. Each batch also re-checks that the lock is held, that storage
 * still ends where memory thinks it does, and that the stored tree still matches the last signed checkpoint —
 * a sequencer never signs on top of a tampered log.
 *
 * Batch: take up to `batchSize` queue rows in id order → insert them at the next leaf indexes with their leaf
 * hashes → delete them from the queue → sign a checkpoint of the new size. All in one transaction.
 */
import { sql } from 'drizzle-orm';
import { query, type Database, type Db, type DedicatedConnection } from '../../db/client.ts';
import { signCheckpoint } from './audit.checkpoint.ts';
import type { MerkleTree } from './audit.merkle.ts';
import type { AuditKeys } from './audit.keys.ts';
import { insertCheckpoint, latestCheckpoint, sequenceQueued, storedTreeSize } from './audit.repository.ts';
import { AuditIntegrityError, type AuditTreeCache } from './audit.tree.ts';

/** Advisory lock key of the sequencer (migrations use 7_110_001). */
export const SEQUENCER_LOCK_KEY = 7_110_002;

export interface SequencerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SequencerOptions {
  intervalMs: number;
  batchSize?: number;
  logger?: SequencerLogger;
  now?: () => Date;
}

export interface SequenceResult {
  /** Entries added to the tree by this call. */
  sequenced: number;
  /** Tree size afterwards (as far as this instance knows; 0 when it could not sequence). */
  treeSize: number;
  /** False when another instance holds the sequencer lock, so nothing was done here. */
  leader: boolean;
}

class LockLostError extends Error {}

const silent: SequencerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function tryLock(db: Db): Promise<boolean> {
  const [r] = await query<{ ok: boolean }>(db, sql`select pg_try_advisory_lock(${SEQUENCER_LOCK_KEY}) as ok`);
  return r?.ok === true;
}

async function unlock(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_unlock(${SEQUENCER_LOCK_KEY})`);
}

export class AuditSequencer {
  private readonly batchSize: number;
  private readonly log: SequencerLogger;
  private readonly now: () => Date;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private leaderConn: DedicatedConnection | undefined;
  /** Backend pid of the leader connection (PostgreSQL), for operators and fail-over tests. */
  leaderPid: number | undefined;

  constructor(
    private readonly database: Database,
    private readonly keys: AuditKeys,
    private readonly cache: AuditTreeCache,
    private readonly opts: SequencerOptions,
  ) {
    this.batchSize = opts.batchSize ?? 5000;
    this.log = opts.logger ?? silent;
    this.now = opts.now ?? (() => new Date());
  }

  /** True while this instance holds the sequencer lock. */
  get isLeader(): boolean {
    return this.leaderConn !== undefined;
  }

  /** Starts competing for the lock and, once held, sequencing every `intervalMs`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops sequencing (after one last drain when leader) and releases the lock. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Sequences everything queued now. Uses the held lock when this instance leads; otherwise tries to take the
   * lock for one drain. Returns leader=false when another instance holds it.
   */
  async sequenceNow(): Promise<SequenceResult> {
    const held = this.leaderConn;
    if (held) return this.drain(held.db);
    return this.database.withDedicatedConnection(async (conn) => {
      try {
        if (!(await tryLock(conn.db))) return { sequenced: 0, treeSize: 0, leader: false };
        try {
          return await this.drain(conn.db);
        } finally {
          await unlock(conn.db);
        }
      } catch (err) {
        conn.destroy();
        throw err;
      }
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.database.withDedicatedConnection(async (conn) => {
          try {
            if (!(await tryLock(conn.db))) return;
            const [pid] = await query<{ pid: number }>(conn.db, sql`select pg_backend_pid() as pid`);
            this.leaderPid = pid?.pid;
            this.leaderConn = conn;
            this.log.info({ backendPid: this.leaderPid }, 'audit sequencer: this instance now sequences the audit log');
            try {
              for (;;) {
                await this.drain(conn.db);
                if (this.stopped) break;
                await this.sleep(this.opts.intervalMs);
              }
            } finally {
              this.leaderConn = undefined;
              this.leaderPid = undefined;
            }
            await unlock(conn.db);
          } catch (err) {
            // The connection may be dead (and the lock with it): never reuse it.
            conn.destroy();
            throw err;
          }
        });
      } catch (err) {
        const integrity = err instanceof AuditIntegrityError;
        (integrity ? this.log.error : this.log.warn)(
          { err },
          integrity
            ? 'audit sequencer stopped: stored log does not match its signed checkpoint'
            : 'audit sequencer lost its connection or lock; will retry',
        );
      }
      if (!this.stopped) await this.sleep(this.opts.intervalMs);
    }
  }

  /** Runs batches until the queue is empty (one at a time per instance). */
  private drain(db: Db): Promise<SequenceResult> {
    return this.cache.exclusive(async () => {
      let total = 0;
      for (;;) {
        const { added, treeSize } = await this.batch(db);
        total += added;
        if (added < this.batchSize) return { sequenced: total, treeSize, leader: true };
      }
    });
  }

  private async batch(db: Db): Promise<{ added: number; treeSize: number }> {
    // Where this batch starts appending in memory, so a rollback can be undone there too.
    let mark: { tree: MerkleTree; size: number } | undefined;
    try {
      return await db.transaction(async (tx) => {
        const [lock] = await query<{ held: boolean }>(
          tx,
          sql`select exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
                and classid = 0 and objid = ${SEQUENCER_LOCK_KEY} and objsubid = 1 and granted) as held`,
        );
        if (!lock?.held) throw new LockLostError('the sequencer lock is no longer held by this connection');
        const stored = await storedTreeSize(tx);
        if (stored !== this.cache.tree.size) await this.cache.syncTo(tx, stored);
        const latest = await latestCheckpoint(tx);
        if (latest) {
          if (latest.treeSize > stored) {
            throw new AuditIntegrityError(`checkpoint ${latest.treeSize} covers more entries than stored (${stored})`);
          }
          if (!this.cache.tree.root(latest.treeSize).equals(latest.rootHash)) {
            this.cache.reset();
            throw new AuditIntegrityError(`stored entries no longer match signed checkpoint ${latest.treeSize}`);
          }
        }
        const leaves = await sequenceQueued(tx, stored, this.batchSize);
        mark = { tree: this.cache.tree, size: this.cache.tree.size };
        for (const l of leaves) this.cache.tree.append(l.hash);
        const size = this.cache.tree.size;
        if (leaves.length > 0 || latest?.treeSize !== size) {
          await insertCheckpoint(tx, signCheckpoint(this.keys, size, this.cache.tree.root(), this.now()));
        }
        return { added: leaves.length, treeSize: size };
      });
    } catch (err) {
      // Undo what this batch appended in memory; storage rolled back with the transaction.
      if (mark && this.cache.tree === mark.tree && mark.tree.size > mark.size) mark.tree.truncate(mark.size);
      throw err;
    }
  }
}
