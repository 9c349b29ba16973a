/**
 * The in-memory Merkle tree of one app instance, rebuilt from stored leaf hashes on first use and then
 * extended incrementally. Proofs come from memory (no per-proof database reads beyond "anything new?").
 *
 * Mutations (sync, sequencing) run one at a time through `exclusive`; proof generation is synchronous, so
 * it never sees a half-applied change.
 */
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { MerkleTree } from './audit.merkle.ts';
import { leafHashes, storedTreeSize } from './audit.repository.ts';

const PAGE = 50_000;

/** Thrown when storage no longer matches what was signed: the sequencer stops and verify must be run. */
export class AuditIntegrityError extends Error {
  constructor(message: string) {
    super(`${message}; run \`jingwu audit verify\` to locate the damage`);
    this.name = 'AuditIntegrityError';
  }
}

export class AuditTreeCache {
  tree = new MerkleTree();
  private chain: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier exclusive call has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Loads stored leaf hashes [tree.size, size); rebuilds from scratch if storage holds fewer than memory. */
  async syncTo(ex: Executor, size: number): Promise<void> {
    if (size < this.tree.size) this.tree = new MerkleTree();
    while (this.tree.size < size) {
      const from = this.tree.size;
      const rows = await leafHashes(ex, from, size, PAGE);
      if (rows.length === 0) throw new AuditIntegrityError(`audit entry ${from} is missing`);
      for (const r of rows) {
        if (r.index !== this.tree.size) throw new AuditIntegrityError(`audit entry ${this.tree.size} is missing`);
        this.tree.append(r.hash);
      }
    }
  }

  /** Makes sure at least `size` leaves are loaded (reads only what is new). */
  async ensure(ex: Executor, size: number): Promise<MerkleTree> {
    if (this.tree.size >= size) return this.tree;
    return this.exclusive(async () => {
      if (this.tree.size < size) {
        const stored = await storedTreeSize(ex);
        if (stored < size) {
          throw new AppError('AUDIT_TREE_TOO_SMALL', `The audit log holds ${stored} entries, fewer than ${size}.`, {
            treeSize: stored,
          });
        }
        await this.syncTo(ex, size);
      }
      return this.tree;
    });
  }

  /** Drops the cache (after a detected mismatch) so the next use rebuilds it from storage. */
  reset(): void {
    this.tree = new MerkleTree();
  }
}
