/**
 * The audit log's services: the sink every write calls, and the read side (checkpoints, proofs, entry
 * metadata) for the HTTP routes and the CLI.
 */
import type { AuditInput, AuditSink, RequestContext } from '../../context.ts';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../policy/policy.ts';
import type { Checkpoint } from './audit.checkpoint.ts';
import { decodeEntry, encodeEntry, type AuditEntryFields } from './audit.entry.ts';
import type { AuditKeys } from './audit.keys.ts';
import type { MerkleTree } from './audit.merkle.ts';
import { checkpointAt, entriesPage, insertQueued, latestCheckpoint } from './audit.repository.ts';
import { AuditIntegrityError, type AuditTreeCache } from './audit.tree.ts';

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** The sink: serialises the entry (HMAC'd payload, MAC'd bytes) and queues it in the caller's transaction. */
export function createAuditSink(keys: AuditKeys): AuditSink {
  return {
    async append(ctx: RequestContext, input: AuditInput): Promise<void> {
      if (!ACTION.test(input.action)) throw new Error(`audit action "${input.action}" must be a dotted verb`);
      const bytes = encodeEntry(keys.hmacKey, input, {
        actorId: ctx.actor?.userId ?? null,
        actor: ctx.actor?.username ?? 'system',
        ip: ctx.ip || null,
        requestId: ctx.requestId || null,
        at: ctx.now(),
      });
      await insertQueued(ctx.db, bytes);
    },
  };
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: Buffer;
  rootHash: Buffer;
  proof: Buffer[];
}

export interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  fromRoot: Buffer;
  toRoot: Buffer;
  proof: Buffer[];
}

export interface EntryMetadata extends AuditEntryFields {
  index: number;
  leafHash: Buffer;
  sequencedAt: Date;
}

/** Read side of the log, over the instance's in-memory tree. */
export class AuditLogReader {
  constructor(private readonly cache: AuditTreeCache) {}

  /** The newest signed checkpoint. */
  async latestCheckpoint(ex: Executor): Promise<Checkpoint> {
    const cp = await latestCheckpoint(ex);
    if (!cp) {
      throw new AppError('AUDIT_CHECKPOINT_NOT_FOUND', 'No checkpoint has been signed yet; retry in a moment.');
    }
    return cp;
  }

  /** The checkpoint signed at exactly `treeSize`. */
  async checkpoint(ex: Executor, treeSize: number): Promise<Checkpoint> {
    const cp = await checkpointAt(ex, treeSize);
    if (!cp) {
      throw new AppError(
        'AUDIT_CHECKPOINT_NOT_FOUND',
        `No checkpoint was signed at tree size ${treeSize}; fetch the latest checkpoint instead.`,
        { treeSize },
      );
    }
    return cp;
  }

  /**
   * The tree as of the latest checkpoint, checked against that checkpoint's root (rebuilt once from storage if
   * memory disagrees). Returns the tree and the size that may be proven against.
   */
  private async signedTree(ex: Executor): Promise<{ tree: MerkleTree; size: number }> {
    const cp = await this.latestCheckpoint(ex);
    for (let attempt = 0; attempt < 2; attempt++) {
      const tree = await this.cache.ensure(ex, cp.treeSize);
      if (tree.root(cp.treeSize).equals(cp.rootHash)) return { tree, size: cp.treeSize };
      this.cache.reset();
    }
    throw new AuditIntegrityError(`stored entries do not match signed checkpoint ${cp.treeSize}`);
  }

  /** RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` (default: latest checkpoint). */
  async inclusionProof(ex: Executor, index: number, treeSize?: number): Promise<InclusionProof> {
    const { tree, size: signed } = await this.signedTree(ex);
    const size = treeSize ?? signed;
    if (size > signed) {
      throw new AppError('AUDIT_TREE_TOO_SMALL', `Tree size ${size} exceeds the latest checkpoint (${signed}).`, {
        treeSize: signed,
      });
    }
    if (index >= size) {
      throw new AppError('AUDIT_ENTRY_NOT_FOUND', `No entry ${index} in a tree of ${size} entries.`, {
        index,
        treeSize: size,
      });
    }
    return {
      leafIndex: index,
      treeSize: size,
      leafHash: tree.leaf(index),
      rootHash: tree.root(size),
      proof: tree.inclusionProof(index, size),
    };
  }

  /** RFC 9162 consistency proof from `fromSize` to `toSize` (default: latest checkpoint). */
  async consistencyProof(ex: Executor, fromSize: number, toSize?: number): Promise<ConsistencyProof> {
    const { tree, size: signed } = await this.signedTree(ex);
    const to = toSize ?? signed;
    if (to > signed) {
      throw new AppError('AUDIT_TREE_TOO_SMALL', `Tree size ${to} exceeds the latest checkpoint (${signed}).`, {
        treeSize: signed,
      });
    }
    if (fromSize > to) {
      throw new AppError('VALIDATION_FAILED', `from (${fromSize}) must not exceed to (${to}).`, {
        in: 'querystring',
        issues: [{ path: '/from', keyword: 'maximum', message: 'must be at most to' }],
      });
    }
    return {
      fromSize,
      toSize: to,
      fromRoot: tree.root(fromSize),
      toRoot: tree.root(to),
      proof: tree.consistencyProof(fromSize, to),
    };
  }

  /** Entry metadata (decoded from the stored bytes), from index `from`, at most `limit`. */
  async listEntries(ex: Executor, from: number, limit: number): Promise<EntryMetadata[]> {
    const rows = await entriesPage(ex, from, limit);
    return rows.map((r) => ({
      ...decodeEntry(r.entry),
      index: r.index,
      leafHash: r.leafHash,
      sequencedAt: r.sequencedAt,
    }));
  }
}

/** Resource every audit read is authorised against: the whole platform. */
const AUDIT_RESOURCE = { type: 'audit', jurisdictionPath: '/' } as const;

/** Authorised read operations for the HTTP routes. */
export class AuditService {
  constructor(private readonly reader: AuditLogReader) {}

  latestCheckpoint(ctx: RequestContext): Promise<Checkpoint> {
    authorize(ctx, 'audit.read', AUDIT_RESOURCE);
    return this.reader.latestCheckpoint(ctx.db);
  }

  checkpoint(ctx: RequestContext, treeSize: number): Promise<Checkpoint> {
    authorize(ctx, 'audit.read', AUDIT_RESOURCE);
    return this.reader.checkpoint(ctx.db, treeSize);
  }

  inclusionProof(ctx: RequestContext, index: number, treeSize?: number): Promise<InclusionProof> {
    authorize(ctx, 'audit.read', AUDIT_RESOURCE);
    return this.reader.inclusionProof(ctx.db, index, treeSize);
  }

  consistencyProof(ctx: RequestContext, fromSize: number, toSize?: number): Promise<ConsistencyProof> {
    authorize(ctx, 'audit.read', AUDIT_RESOURCE);
    return this.reader.consistencyProof(ctx.db, fromSize, toSize);
  }

  listEntries(ctx: RequestContext, from: number, limit: number): Promise<EntryMetadata[]> {
    authorize(ctx, 'audit.read', AUDIT_RESOURCE);
    return this.reader.listEntries(ctx.db, from, limit);
  }
}
