/**
 * PostgreSQL-server behaviour: several app instances on one database (one sequencer at a time, fail-over when
 * the holder's connection dies) and role privileges that deny rewriting audit rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { createServerDatabase, dropServerDatabase } from '../../../../test/helpers/db.ts';
import { pgAdminUrl, skipWithoutPostgres } from '../../../../test/helpers/env.ts';
import { testConfig } from '../../../../test/helpers/config.ts';
import { openDatabase, type Database } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { recordAudit, systemContext, transaction } from '../../context.ts';
import { openAuditLog, type AuditLog } from './audit.log.ts';
import { currentRole, restrictAuditPrivileges } from './audit.privileges.ts';
import { queueLength, storedTreeSize } from './audit.repository.ts';
import { verifyAuditLog } from './audit.verify.ts';

const skip = skipWithoutPostgres();
const config = testConfig();

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function appendMany(db: Database, log: AuditLog, n: number, tag: string): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      transaction(systemContext(db.db, log.sink), (tx) =>
        recordAudit(tx, { action: 'test.multi', resourceType: 'x', resourceId: `${tag}-${i}`, outcome: 'success' }),
      ),
    ),
  );
}

describe.skipIf(skip)('audit log on a PostgreSQL server', () => {
  let url: string;
  let name: string;
  let a: Database;
  let b: Database;
  let logA: AuditLog;
  let logB: AuditLog;

  beforeAll(async () => {
    ({ url, name } = await createServerDatabase(pgAdminUrl!));
    a = await openDatabase({ url });
    b = await openDatabase({ url });
    await migrate(a);
    logA = openAuditLog(a, config, { intervalMs: 30 });
    logB = openAuditLog(b, config, { intervalMs: 30, keys: logA.keys });
  });

  afterAll(async () => {
    await logA?.sequencer.stop();
    await logB?.sequencer.stop();
    await a?.close();
    await b?.close();
    if (name) await dropServerDatabase(pgAdminUrl!, name);
  });

  it('two racing sequencers: exactly one holds the lock, and all appends from both land once in one tree', async () => {
    logA.sequencer.start();
    logB.sequencer.start();
    await waitFor('a leader', () => logA.sequencer.isLeader || logB.sequencer.isLeader);
    for (let i = 0; i < 10; i++) {
      expect(Number(logA.sequencer.isLeader) + Number(logB.sequencer.isLeader)).toBe(1);
      await new Promise((r) => setTimeout(r, 30));
    }
    const follower = logA.sequencer.isLeader ? logB : logA;
    expect(await follower.sequencer.sequenceNow()).toEqual({ sequenced: 0, treeSize: 0, leader: false });
    await Promise.all([appendMany(a, logA, 150, 'a'), appendMany(b, logB, 150, 'b')]);
    await waitFor('the queue to drain', async () => (await queueLength(a.db)) === 0);
    await waitFor('a checkpoint of 300', async () => (await logA.reader.latestCheckpoint(a.db)).treeSize === 300);
    const report = await verifyAuditLog(a.db, logA.keys);
    expect(report.problems).toEqual([]);
    expect(report.treeSize).toBe(300);
    // Both instances serve the same proofs.
    const pa = await logA.reader.inclusionProof(a.db, 123);
    const pb = await logB.reader.inclusionProof(b.db, 123);
    expect(pa.rootHash.equals(pb.rootHash)).toBe(true);
  });

  it('fails over when the holder connection dies, and the deposed instance stops sequencing', async () => {
    const [leader, other] = logA.sequencer.isLeader ? [logA, logB] : [logB, logA];
    const pid = leader.sequencer.leaderPid;
    expect(pid).toBeTypeOf('number');
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    await waitFor('the other instance to take over', () => other.sequencer.isLeader);
    await waitFor('the old holder to step down', () => !leader.sequencer.isLeader);
    await appendMany(a, logA, 50, 'c');
    await waitFor('the queue to drain', async () => (await queueLength(a.db)) === 0);
    await waitFor('a checkpoint of 350', async () => (await logA.reader.latestCheckpoint(a.db)).treeSize === 350);
    expect(Number(logA.sequencer.isLeader) + Number(logB.sequencer.isLeader)).toBe(1);
    const report = await verifyAuditLog(b.db, logB.keys);
    expect(report.problems).toEqual([]);
    expect(report.treeSize).toBe(350);
  });

  it('an app role other than the owner cannot UPDATE/DELETE/TRUNCATE audit rows or disable the triggers', async () => {
    const role = `jw_app_${randomBytes(4).toString('hex')}`;
    await a.db.execute(sql`create role ${sql.identifier(role)} login`);
    try {
      // An over-generous DBA grant, then the narrowing done after migrations.
      await a.db.execute(sql`grant usage on schema public to ${sql.identifier(role)}`);
      await a.db.execute(sql`grant all on all tables in schema public to ${sql.identifier(role)}`);
      await restrictAuditPrivileges(a.db, role);
      const appUrl = new URL(url);
      appUrl.username = role;
      const app = await openDatabase({ url: appUrl.toString(), poolSize: 2 });
      try {
        expect(await currentRole(app.db)).toBe(role);
        const denied = async (stmt: ReturnType<typeof sql>): Promise<string> => {
          try {
            await app.db.execute(stmt);
            return 'allowed';
          } catch (err) {
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            return `${cause?.code ?? 'unknown'} ${cause?.message ?? ''}`;
          }
        };
        for (const stmt of [
          sql`update audit_entries set entry = entry`,
          sql`delete from audit_entries`,
          sql`truncate audit_entries`,
          sql`delete from audit_checkpoints`,
          sql`truncate audit_queue`,
          sql`update audit_queue set entry = entry`,
        ]) {
          expect(await denied(stmt)).toMatch(/^42501 permission denied for table audit_/); // the privilege, not the trigger
        }
        expect(await denied(sql`alter table audit_entries disable trigger user`)).toMatch(/^42501 must be owner/);
        // Yet it can append and sequence.
        const appLog = openAuditLog(app, config, { keys: logA.keys });
        await logA.sequencer.stop();
        await logB.sequencer.stop();
        const before = await storedTreeSize(app.db);
        await appendMany(app, appLog, 5, 'app');
        expect((await appLog.sequencer.sequenceNow()).sequenced).toBe(5);
        expect(await storedTreeSize(app.db)).toBe(before + 5);
        expect((await verifyAuditLog(app.db, appLog.keys)).problems).toEqual([]);
      } finally {
        await app.close();
      }
    } finally {
      await a.db.execute(sql`drop owned by ${sql.identifier(role)}`);
      await a.db.execute(sql`drop role ${sql.identifier(role)}`);
    }
  });
});
