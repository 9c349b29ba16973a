import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.ts';
import { testConfig } from '../../../../test/helpers/config.ts';
import { query } from '../../db/client.ts';
import { systemContext, transaction, recordAudit, type Actor } from '../../context.ts';
import { checkCheckpointSignature } from './audit.checkpoint.ts';
import { checkEntryMac, decodeEntry, payloadHmac } from './audit.entry.ts';
import { openAuditLog, type AuditLog } from './audit.log.ts';
import { leafHash, verifyConsistency, verifyInclusion } from './audit.merkle.ts';
import { entriesPage, queueLength, storedTreeSize } from './audit.repository.ts';
import { verifyAuditLog } from './audit.verify.ts';

let database: TestDatabase;
let log: AuditLog;

const actor: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  username: 'auditee',
  sessionId: 's',
  assignments: [],
  grants: [],
};

function ctx() {
  return systemContext(database.db, log.sink, { actor, requestId: 'req-12345678', ip: '10.0.0.7' });
}

/** The database's own error message (Drizzle wraps it as `cause`). */
async function dbError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return `${e.message} | ${e.cause?.message ?? ''}`;
  }
  return 'no error';
}

async function append(n: number, action = 'test.write'): Promise<void> {
  for (let i = 0; i < n; i++) {
    await transaction(ctx(), (tx) =>
      recordAudit(tx, { action, resourceType: 'thing', resourceId: `t${i}`, outcome: 'success', payload: { i } }),
    );
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  log = openAuditLog(database, testConfig(), { intervalMs: 20, batchSize: 7 });
});
afterAll(async () => {
  await log.sequencer.stop();
  await database.close();
});

describe('audit sink', () => {
  it('queues the exact canonical bytes in the caller transaction, with no personal data in clear', async () => {
    await transaction(ctx(), (tx) =>
      recordAudit(tx, {
        action: 'user.update',
        resourceType: 'user',
        resourceId: 'u-1',
        outcome: 'success',
        jurisdictionId: '4401',
        payload: { idNumber: '110101199003074512', phone: '13800000000' },
      }),
    );
    const [row] = await query<{ entry: Uint8Array }>(
      database.db,
      sql`select entry from audit_queue order by id desc limit 1`,
    );
    const bytes = Buffer.from(row!.entry);
    const text = bytes.toString('utf8');
    expect(text).not.toContain('110101199003074512');
    expect(text).not.toContain('13800000000');
    expect(text.startsWith('{"v":1,"id":"')).toBe(true);
    const fields = decodeEntry(bytes);
    expect(fields).toMatchObject({
      actorId: actor.userId,
      actor: 'auditee',
      action: 'user.update',
      resourceType: 'user',
      resourceId: 'u-1',
      outcome: 'success',
      jurisdictionId: '4401',
      ip: '10.0.0.7',
      requestId: 'req-12345678',
    });
    // The payload survives only as its keyed hash, independent of key order.
    const key = testConfig().audit.hmacKey!;
    expect(fields.payloadHmac).toBe(payloadHmac(key, { phone: '13800000000', idNumber: '110101199003074512' }));
    expect(checkEntryMac(key, bytes)).toBe(true);
    const flipped = Buffer.from(bytes);
    flipped[20]! ^= 1;
    expect(checkEntryMac(key, flipped)).toBe(false);
    expect(checkEntryMac(Buffer.alloc(32, 7), bytes)).toBe(false);
  });

  it('leaves no entry when the business transaction rolls back', async () => {
    const before = await queueLength(database.db);
    await expect(
      transaction(ctx(), async (tx) => {
        await recordAudit(tx, { action: 'test.rollback', resourceType: 'thing', resourceId: null, outcome: 'success' });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await queueLength(database.db)).toBe(before);
    await log.sequencer.sequenceNow();
    const rows = await entriesPage(database.db, 0, 1000);
    expect(rows.some((r) => decodeEntry(r.entry).action === 'test.rollback')).toBe(false);
  });

  it('rejects an action that is not a dotted verb', async () => {
    await expect(
      recordAudit(ctx(), { action: 'DROP TABLE', resourceType: 'x', resourceId: null, outcome: 'success' }),
    ).rejects.toThrow(/dotted verb/);
  });
});

describe('sequencer', () => {
  it('sequences every queued entry exactly once, in batches, and signs a checkpoint of the new size', async () => {
    await log.sequencer.sequenceNow();
    const start = await storedTreeSize(database.db);
    await append(23); // batch size 7: four batches
    const res = await log.sequencer.sequenceNow();
    expect(res).toEqual({ sequenced: 23, treeSize: start + 23, leader: true });
    expect(await queueLength(database.db)).toBe(0);
    const cp = await log.reader.latestCheckpoint(database.db);
    expect(cp.treeSize).toBe(start + 23);
    expect(checkCheckpointSignature(cp, log.keys.publicKey)).toBe(true);
    expect(log.cache.tree.root().equals(cp.rootHash)).toBe(true);
    // Nothing queued: a second run adds nothing and signs nothing new.
    expect(await log.sequencer.sequenceNow()).toEqual({ sequenced: 0, treeSize: start + 23, leader: true });
  });

  it('sequences concurrent appends from many transactions exactly once into one tree', async () => {
    const start = await storedTreeSize(database.db);
    log.sequencer.start();
    try {
      const writers = Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 10; i++) {
            await transaction(ctx(), (tx) =>
              recordAudit(tx, {
                action: 'test.concurrent',
                resourceType: 'w',
                resourceId: `${w}-${i}`,
                outcome: 'success',
              }),
            );
          }
        })(),
      );
      await Promise.all(writers);
      await log.sequencer.sequenceNow();
    } finally {
      await log.sequencer.stop();
    }
    const rows = await entriesPage(database.db, start, 1000);
    const ids = rows.map((r) => decodeEntry(r.entry).resourceId);
    expect(ids).toHaveLength(80);
    expect(new Set(ids).size).toBe(80);
    expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 80 }, (_, i) => start + i));
    expect(await queueLength(database.db)).toBe(0);
    const report = await verifyAuditLog(database.db, log.keys);
    expect(report.problems).toEqual([]);
    expect(report.treeSize).toBe(start + 80);
  });

  it('picks up an entry whose transaction commits after later entries were sequenced', async () => {
    if (database.kind !== 'postgres') return; // one connection on PGlite: no interleaved transactions
    const start = await storedTreeSize(database.db);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let queued!: () => void;
    const inserted = new Promise<void>((r) => (queued = r));
    const late = transaction(ctx(), async (tx) => {
      await recordAudit(tx, { action: 'test.late', resourceType: 'x', resourceId: 'late', outcome: 'success' });
      queued();
      await held;
    });
    await inserted;
    await append(3, 'test.early');
    expect((await log.sequencer.sequenceNow()).sequenced).toBe(3);
    release();
    await late;
    expect((await log.sequencer.sequenceNow()).sequenced).toBe(1);
    const rows = await entriesPage(database.db, start, 10);
    expect(rows.map((r) => decodeEntry(r.entry).action)).toEqual([
      'test.early',
      'test.early',
      'test.early',
      'test.late',
    ]);
  });
});

describe('append-only storage', () => {
  it.each([
    ['update audit_entries', sql`update audit_entries set entry = entry where leaf_index = 0`],
    ['delete from audit_entries', sql`delete from audit_entries where leaf_index = 0`],
    ['truncate audit_entries', sql`truncate audit_entries`],
    ['update audit_checkpoints', sql`update audit_checkpoints set signed_at = now()`],
    ['delete from audit_checkpoints', sql`delete from audit_checkpoints`],
    ['truncate audit_checkpoints', sql`truncate audit_checkpoints`],
    ['truncate audit_queue', sql`truncate audit_queue`],
  ])('rejects %s', async (_name, stmt) => {
    expect(await dbError(database.db.execute(stmt))).toMatch(/is append-only/);
    expect(await storedTreeSize(database.db)).toBeGreaterThan(0);
  });

  it('lets a queued entry leave the queue only once it is sequenced, and never be edited', async () => {
    await recordAudit(ctx(), { action: 'test.pending', resourceType: 'x', resourceId: null, outcome: 'success' });
    expect(await dbError(database.db.execute(sql`delete from audit_queue`))).toMatch(/not sequenced yet/);
    expect(await dbError(database.db.execute(sql`update audit_queue set entry = entry`))).toMatch(
      /queue is append-only/,
    );
    expect(await queueLength(database.db)).toBe(1);
    await log.sequencer.sequenceNow();
    expect(await queueLength(database.db)).toBe(0);
  });
});

describe('proofs served from the stored tree', () => {
  it('gives inclusion proofs that verify against the signed checkpoint, for every entry', async () => {
    const cp = await log.reader.latestCheckpoint(database.db);
    const rows = await entriesPage(database.db, 0, 10_000);
    expect(rows).toHaveLength(cp.treeSize);
    for (const r of rows) {
      const p = await log.reader.inclusionProof(database.db, r.index);
      expect(p.treeSize).toBe(cp.treeSize);
      expect(p.rootHash.equals(cp.rootHash)).toBe(true);
      expect(verifyInclusion(leafHash(r.entry), r.index, cp.treeSize, p.proof, cp.rootHash)).toBe(true);
    }
  });

  it('gives consistency proofs between signed checkpoints', async () => {
    const first = await log.reader.checkpoint(database.db, 1);
    const latest = await log.reader.latestCheckpoint(database.db);
    const p = await log.reader.consistencyProof(database.db, first.treeSize, latest.treeSize);
    expect(verifyConsistency(first.treeSize, latest.treeSize, first.rootHash, latest.rootHash, p.proof)).toBe(true);
  });

  it('reads a fresh tree cache from storage in another reader', async () => {
    const other = openAuditLog(database, testConfig(), { keys: log.keys });
    const p = await other.reader.inclusionProof(database.db, 2);
    const q = await log.reader.inclusionProof(database.db, 2);
    expect(p.proof.map((b) => b.toString('hex'))).toEqual(q.proof.map((b) => b.toString('hex')));
  });

  it('answers out-of-range requests with stable codes', async () => {
    const size = (await log.reader.latestCheckpoint(database.db)).treeSize;
    await expect(log.reader.inclusionProof(database.db, size)).rejects.toMatchObject({ code: 'AUDIT_ENTRY_NOT_FOUND' });
    await expect(log.reader.inclusionProof(database.db, 0, size + 1)).rejects.toMatchObject({
      code: 'AUDIT_TREE_TOO_SMALL',
    });
    await expect(log.reader.consistencyProof(database.db, size, size - 1)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(log.reader.checkpoint(database.db, size + 1000)).rejects.toMatchObject({
      code: 'AUDIT_CHECKPOINT_NOT_FOUND',
    });
  });
});
