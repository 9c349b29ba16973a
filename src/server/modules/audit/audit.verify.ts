/**
 * Full verification of the audit log from storage (used by `jingwu audit verify` and the tamper tests).
 *
 * In one read-only, repeatable-read snapshot it:
 *  1. reads every stored entry in index order, checks the index sequence has no gaps, recomputes the leaf
 *     hash from the stored bytes (compared with the stored leaf hash) and checks the entry MAC (a forged entry
 *     written without the HMAC key fails);
 *  2. rebuilds the whole Merkle tree from the recomputed leaf hashes;
 *  3. checks every stored checkpoint: known key, valid Ed25519 signature, size within the tree, and root equal
 *     to the recomputed root at that size; and that the latest checkpoint covers every entry (entries beyond
 *     it were inserted bypassing the sequencer);
 *  4. checks an exported checkpoint (the auditor's earlier copy): its tree must still be a prefix of today's,
 *     shown with an RFC 9162 consistency proof. A restored older backup is smaller than it; a rewritten tail
 *     (even re-signed with stolen keys) is inconsistent with it.
 */
import type { KeyObject } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { checkCheckpointSignature, type Checkpoint } from './audit.checkpoint.ts';
import { checkEntryMac } from './audit.entry.ts';
import { MerkleTree, leafHash, verifyConsistency } from './audit.merkle.ts';
import { checkpointsPage, entriesPage } from './audit.repository.ts';

export type VerifyProblemCode =
  | 'ENTRY_MISSING'
  | 'LEAF_HASH_MISMATCH'
  | 'ENTRY_MAC_INVALID'
  | 'NO_CHECKPOINT'
  | 'CHECKPOINT_UNKNOWN_KEY'
  | 'CHECKPOINT_SIGNATURE_INVALID'
  | 'CHECKPOINT_BEYOND_TREE'
  | 'CHECKPOINT_ROOT_MISMATCH'
  | 'UNSIGNED_ENTRIES'
  | 'EXPORTED_KEY_MISMATCH'
  | 'TREE_SMALLER_THAN_EXPORTED'
  | 'EXPORTED_CHECKPOINT_INCONSISTENT';

export interface VerifyProblem {
  code: VerifyProblemCode;
  message: string;
  index?: number;
  treeSize?: number;
}

export interface VerifyReport {
  ok: boolean;
  treeSize: number;
  rootHash: string;
  checkpointsChecked: number;
  latestCheckpointSize: number | null;
  exported: { treeSize: number; consistencyProofLength: number } | null;
  problems: VerifyProblem[];
  /** Problems found beyond the first `maxProblems` (not listed). */
  moreProblems: number;
}

export interface VerifyKeys {
  hmacKey: Buffer;
  publicKey: KeyObject;
  keyId: string;
}

export interface VerifyOptions {
  /** The auditor's exported checkpoint, already parsed and self-verified (parseExportedCheckpoint). */
  exported?: Checkpoint;
  maxProblems?: number;
  pageSize?: number;
}

/** Recomputes and checks the whole log; never throws for tampering, only reports. */
export async function verifyAuditLog(db: Db, keys: VerifyKeys, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const max = opts.maxProblems ?? 50;
  const page = opts.pageSize ?? 10_000;
  const problems: VerifyProblem[] = [];
  let more = 0;
  const report = (p: VerifyProblem): void => {
    if (problems.length < max) problems.push(p);
    else more++;
  };

  return db.transaction(
    async (tx) => {
      // 1-2. Entries → recomputed tree.
      const tree = new MerkleTree();
      let expected = 0;
      for (;;) {
        const rows = await entriesPage(tx, expected, page);
        if (rows.length === 0) break;
        for (const r of rows) {
          if (r.index !== expected) {
            report({
              code: 'ENTRY_MISSING',
              index: expected,
              message:
                r.index === expected + 1
                  ? `entry ${expected} is missing (deleted)`
                  : `entries ${expected}..${r.index - 1} are missing (deleted)`,
            });
          }
          const recomputed = leafHash(r.entry);
          if (!recomputed.equals(r.leafHash)) {
            report({
              code: 'LEAF_HASH_MISMATCH',
              index: r.index,
              message: `entry ${r.index}: its bytes no longer hash to the stored leaf hash (entry edited)`,
            });
          }
          if (!checkEntryMac(keys.hmacKey, r.entry)) {
            report({
              code: 'ENTRY_MAC_INVALID',
              index: r.index,
              message: `entry ${r.index}: its MAC does not verify (edited, or forged without the HMAC key)`,
            });
          }
          tree.append(recomputed);
          expected = r.index + 1;
        }
      }
      const treeSize = tree.size;

      // 3. Stored checkpoints.
      let checked = 0;
      let latest: Checkpoint | undefined;
      for (let after = -1; ;) {
        const cps = await checkpointsPage(tx, after, page);
        if (cps.length === 0) break;
        for (const cp of cps) {
          checked++;
          latest = cp;
          after = cp.treeSize;
          if (cp.keyId !== keys.keyId) {
            report({
              code: 'CHECKPOINT_UNKNOWN_KEY',
              treeSize: cp.treeSize,
              message: `checkpoint ${cp.treeSize} names key ${cp.keyId}, not the configured signing key ${keys.keyId}`,
            });
          } else if (!checkCheckpointSignature(cp, keys.publicKey)) {
            report({
              code: 'CHECKPOINT_SIGNATURE_INVALID',
              treeSize: cp.treeSize,
              message: `checkpoint ${cp.treeSize}: the signature does not verify (forged or edited checkpoint)`,
            });
          }
          if (cp.treeSize > treeSize) {
            report({
              code: 'CHECKPOINT_BEYOND_TREE',
              treeSize: cp.treeSize,
              message: `checkpoint ${cp.treeSize} was signed over more entries than the ${treeSize} stored (entries deleted)`,
            });
          } else if (!tree.root(cp.treeSize).equals(cp.rootHash)) {
            report({
              code: 'CHECKPOINT_ROOT_MISMATCH',
              treeSize: cp.treeSize,
              message: `checkpoint ${cp.treeSize}: the stored entries give a different root (entries edited, removed or reordered)`,
            });
          }
        }
      }
      if (!latest && treeSize > 0) {
        report({ code: 'NO_CHECKPOINT', message: `${treeSize} entries are stored but no checkpoint was ever signed` });
      } else if (latest && latest.treeSize < treeSize) {
        report({
          code: 'UNSIGNED_ENTRIES',
          index: latest.treeSize,
          message: `entries ${latest.treeSize}..${treeSize - 1} are not covered by any signed checkpoint (inserted bypassing the sequencer)`,
        });
      }

      // 4. The auditor's exported checkpoint.
      let exported: VerifyReport['exported'] = null;
      if (opts.exported) {
        const exp = opts.exported;
        if (exp.keyId !== keys.keyId) {
          report({
            code: 'EXPORTED_KEY_MISMATCH',
            message: `the exported checkpoint was signed by key ${exp.keyId}, but the log is configured with ${keys.keyId}`,
          });
        }
        if (exp.treeSize > treeSize) {
          report({
            code: 'TREE_SMALLER_THAN_EXPORTED',
            treeSize: exp.treeSize,
            message: `the log holds ${treeSize} entries but the exported checkpoint covers ${exp.treeSize} (older backup restored or tail deleted)`,
          });
        } else {
          const proof = tree.consistencyProof(exp.treeSize, treeSize);
          exported = { treeSize: exp.treeSize, consistencyProofLength: proof.length };
          if (!verifyConsistency(exp.treeSize, treeSize, exp.rootHash, tree.root(), proof)) {
            report({
              code: 'EXPORTED_CHECKPOINT_INCONSISTENT',
              treeSize: exp.treeSize,
              message: `the first ${exp.treeSize} entries no longer match the exported checkpoint (history rewritten)`,
            });
          }
        }
      }

      return {
        ok: problems.length === 0,
        treeSize,
        rootHash: tree.root().toString('hex'),
        checkpointsChecked: checked,
        latestCheckpointSize: latest?.treeSize ?? null,
        exported,
        problems,
        moreProblems: more,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
