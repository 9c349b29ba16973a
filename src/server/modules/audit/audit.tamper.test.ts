/**
 * Each tamper scenario of the issue, done the way a database superuser would (disable the append-only triggers,
 * edit rows, re-enable them), must be caught by verification with the right reason; an untouched log verifies.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.ts';
import { testConfig } from '../../../../test/helpers/config.ts';
import { recordAudit, systemContext, transaction } from '../../context.ts';
import { exportCheckpoint, parseExportedCheckpoint, signCheckpoint, type Checkpoint } from './audit.checkpoint.ts';
import { encodeEntry } from './audit.entry.ts';
import { openAuditLog, type AuditLog } from './audit.log.ts';
import { leafHash } from './audit.merkle.ts';
import { entriesPage, insertCheckpoint, storedTreeSize } from './audit.repository.ts';
import { AuditIntegrityError } from './audit.tree.ts';
import { verifyAuditLog, type VerifyProblemCode } from './audit.verify.ts';

let database: TestDatabase;
let log: AuditLog;
let exported: Checkpoint;

async function appendAndSequence(n: number, tag: string): Promise<void> {
  const ctx = systemContext(database.db, log.sink, { requestId: 'tamper-test-1' });
  for (let i = 0; i < n; i++) {
    await transaction(ctx, (tx) =>
      recordAudit(tx, { action: 'test.write', resourceType: 'thing', resourceId: `${tag}-${i}`, outcome: 'success' }),
    );
    if (i % 5 === 4) await log.sequencer.sequenceNow(); // a checkpoint every 5 entries
  }
  await log.sequencer.sequenceNow();
}

/** Runs statements with the append-only triggers disabled, as a superuser or table owner could. */
async function asSuperuser(...stmts: SQL[]): Promise<void> {
  await database.db.execute(sql`alter table audit_entries disable trigger user`);
  await database.db.execute(sql`alter table audit_checkpoints disable trigger user`);
  try {
    for (const s of stmts) await database.db.execute(s);
  } finally {
    await database.db.execute(sql`alter table audit_entries enable trigger user`);
    await database.db.execute(sql`alter table audit_checkpoints enable trigger user`);
  }
}

async function verifyCodes(): Promise<VerifyProblemCode[]> {
  const report = await verifyAuditLog(database.db, log.keys, { exported });
  expect(report.ok).toBe(report.problems.length === 0);
  return [...new Set(report.problems.map((p) => p.code))].sort();
}

/** Inserts a fully formed entry row directly (bypassing the queue and the sequencer). */
function insertEntrySql(index: number, bytes: Buffer): SQL {
  return sql`insert into audit_entries (leaf_index, entry, leaf_hash, queue_id)
             values (${index}, decode(${bytes.toString('hex')}, 'hex'), decode(${leafHash(bytes).toString('hex')}, 'hex'),
                     ${1_000_000 + index})`;
}

const forgedInput = { action: 'user.delete', resourceType: 'user', resourceId: 'victim', outcome: 'success' } as const;
const forgedOrigin = { actorId: null, actor: 'system', ip: '127.0.0.1', requestId: 'forged', at: new Date() };

beforeEach(async () => {
  database = await createTestDatabase();
  log = openAuditLog(database, testConfig(), { intervalMs: 50 });
  await appendAndSequence(20, 'a');
  // The auditor exports the checkpoint at 20 through the same JSON a file would hold.
  const json = JSON.stringify(exportCheckpoint(await log.reader.latestCheckpoint(database.db), log.keys));
  exported = parseExportedCheckpoint(json).checkpoint;
  expect(exported.treeSize).toBe(20);
  await appendAndSequence(10, 'b');
});

afterEach(async () => {
  await database.close();
});

describe('audit verify detects tampering', () => {
  it('passes an untouched log, with a consistency proof from the exported checkpoint', async () => {
    const report = await verifyAuditLog(database.db, log.keys, { exported });
    expect(report).toMatchObject({ ok: true, treeSize: 30, latestCheckpointSize: 30, problems: [] });
    expect(report.checkpointsChecked).toBe(6);
    expect(report.exported).toEqual({ treeSize: 20, consistencyProofLength: expect.any(Number) });
    expect(report.exported!.consistencyProofLength).toBeGreaterThan(0);
  });

  it('an edited payload byte', async () => {
    await asSuperuser(
      sql`update audit_entries set entry = overlay(entry placing decode('58', 'hex') from 40 for 1) where leaf_index = 5`,
    );
    const report = await verifyAuditLog(database.db, log.keys, { exported });
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.index === 5).map((p) => p.code)).toEqual([
      'LEAF_HASH_MISMATCH',
      'ENTRY_MAC_INVALID',
    ]);
  });

  it('an edited byte with the leaf hash recomputed to match', async () => {
    await asSuperuser(
      sql`update audit_entries set entry = overlay(entry placing decode('58', 'hex') from 40 for 1) where leaf_index = 5`,
      sql`update audit_entries set leaf_hash = sha256(decode('00', 'hex') || entry) where leaf_index = 5`,
    );
    expect(await verifyCodes()).toEqual([
      'CHECKPOINT_ROOT_MISMATCH',
      'ENTRY_MAC_INVALID',
      'EXPORTED_CHECKPOINT_INCONSISTENT',
    ]);
  });

  it('a deleted entry', async () => {
    await asSuperuser(sql`delete from audit_entries where leaf_index = 7`);
    const report = await verifyAuditLog(database.db, log.keys, { exported });
    expect(report.problems[0]).toMatchObject({ code: 'ENTRY_MISSING', index: 7 });
    expect(report.problems.map((p) => p.code)).toContain('CHECKPOINT_BEYOND_TREE');
  });

  it('a deleted entry with the later ones renumbered to close the gap', async () => {
    await asSuperuser(
      sql`delete from audit_entries where leaf_index = 7`,
      sql`update audit_entries set leaf_index = leaf_index + 1000000 where leaf_index > 7`,
      sql`update audit_entries set leaf_index = leaf_index - 1000001 where leaf_index > 1000000`,
    );
    expect(await verifyCodes()).toEqual([
      'CHECKPOINT_BEYOND_TREE',
      'CHECKPOINT_ROOT_MISMATCH',
      'EXPORTED_CHECKPOINT_INCONSISTENT',
    ]);
  });

  it('reordered entries', async () => {
    await asSuperuser(
      sql`update audit_entries set leaf_index = 1000000 where leaf_index = 3`,
      sql`update audit_entries set leaf_index = 3 where leaf_index = 4`,
      sql`update audit_entries set leaf_index = 4 where leaf_index = 1000000`,
    );
    expect(await verifyCodes()).toEqual(['CHECKPOINT_ROOT_MISMATCH', 'EXPORTED_CHECKPOINT_INCONSISTENT']);
  });

  it('a rewritten tail, even re-signed with the stolen HMAC and signing keys', async () => {
    // The attacker replaces entries 15.. with valid-looking ones and re-signs every checkpoint from 15 on.
    const stmts: SQL[] = [
      sql`delete from audit_entries where leaf_index >= 15`,
      sql`delete from audit_checkpoints where tree_size > 15`,
    ];
    for (let i = 15; i < 30; i++)
      stmts.push(insertEntrySql(i, encodeEntry(log.keys.hmacKey, forgedInput, forgedOrigin)));
    await asSuperuser(...stmts);
    const rows = await entriesPage(database.db, 0, 100);
    const { MerkleTree } = await import('./audit.merkle.ts');
    const tree = MerkleTree.from(rows.map((r) => r.leafHash));
    for (const size of [20, 25, 30]) {
      await insertCheckpoint(database.db, signCheckpoint(log.keys, size, tree.root(size), new Date()));
    }
    // Storage is self-consistent now; only the auditor's exported checkpoint shows the rewrite.
    expect(await verifyCodes()).toEqual(['EXPORTED_CHECKPOINT_INCONSISTENT']);
  });

  it('a restored older backup (tree smaller than the exported checkpoint)', async () => {
    await asSuperuser(
      sql`delete from audit_entries where leaf_index >= 15`,
      sql`delete from audit_checkpoints where tree_size > 15`,
    );
    expect(await verifyCodes()).toEqual(['TREE_SMALLER_THAN_EXPORTED']);
  });

  it('a forged entry appended without the HMAC key', async () => {
    const forged = encodeEntry(randomBytes(32), forgedInput, forgedOrigin);
    await asSuperuser(insertEntrySql(30, forged));
    const report = await verifyAuditLog(database.db, log.keys, { exported });
    expect(report.problems.map((p) => [p.code, p.index])).toEqual([
      ['ENTRY_MAC_INVALID', 30],
      ['UNSIGNED_ENTRIES', 30],
    ]);
  });

  it('an entry inserted bypassing the sequencer, even with the HMAC key', async () => {
    await asSuperuser(insertEntrySql(30, encodeEntry(log.keys.hmacKey, forgedInput, forgedOrigin)));
    expect(await verifyCodes()).toEqual(['UNSIGNED_ENTRIES']);
  });

  it('a checkpoint forged without the signing key', async () => {
    const size = await storedTreeSize(database.db);
    await asSuperuser(sql`delete from audit_checkpoints where tree_size = ${size}`);
    const cp = signCheckpoint(log.keys, size, (await log.reader.checkpoint(database.db, 25)).rootHash, new Date());
    await insertCheckpoint(database.db, { ...cp, signature: randomBytes(64) });
    expect(await verifyCodes()).toEqual(['CHECKPOINT_ROOT_MISMATCH', 'CHECKPOINT_SIGNATURE_INVALID']);
  });

  it('an exported checkpoint signed by another key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { auditKeysFrom } = await import('./audit.keys.ts');
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const other = auditKeysFrom(log.keys.hmacKey, pem);
    exported = parseExportedCheckpoint(
      JSON.stringify(exportCheckpoint(signCheckpoint(other, 20, exported.rootHash, new Date()), other)),
    ).checkpoint;
    expect(await verifyCodes()).toEqual(['EXPORTED_KEY_MISMATCH']);
  });

  it('the sequencer refuses to sign on top of a tampered log', async () => {
    await asSuperuser(
      sql`update audit_entries set entry = overlay(entry placing decode('58', 'hex') from 40 for 1) where leaf_index = 5`,
      sql`update audit_entries set leaf_hash = sha256(decode('00', 'hex') || entry) where leaf_index = 5`,
    );
    const fresh = openAuditLog(database, testConfig(), { keys: log.keys });
    await recordAudit(systemContext(database.db, fresh.sink), {
      action: 'test.after',
      resourceType: 'x',
      resourceId: null,
      outcome: 'success',
    });
    await expect(fresh.sequencer.sequenceNow()).rejects.toBeInstanceOf(AuditIntegrityError);
    expect(await storedTreeSize(database.db)).toBe(30);
  });
});

describe('exported checkpoint files', () => {
  it('are rejected when malformed or when their own signature fails', async () => {
    const good = exportCheckpoint(await log.reader.latestCheckpoint(database.db), log.keys);
    expect(() => parseExportedCheckpoint('not json')).toThrow(/not JSON/);
    expect(() => parseExportedCheckpoint(JSON.stringify({ ...good, format: 'x' }))).toThrow(/format/);
    expect(() => parseExportedCheckpoint(JSON.stringify({ ...good, treeSize: -1 }))).toThrow(/treeSize/);
    expect(() => parseExportedCheckpoint(JSON.stringify({ ...good, rootHash: 'zz' }))).toThrow(/rootHash/);
    expect(() => parseExportedCheckpoint(JSON.stringify({ ...good, treeSize: good.treeSize + 1 }))).toThrow(
      /signature does not verify/,
    );
    expect(() => parseExportedCheckpoint(JSON.stringify({ ...good, publicKey: 'nope' }))).toThrow(/publicKey/);
  });
});
