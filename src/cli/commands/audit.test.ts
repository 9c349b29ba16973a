/** `jingwu audit …` end to end: the real CLI in a child process against an embedded database folder. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { testConfig } from '../../../test/helpers/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrate } from '../../server/db/migrate.ts';
import { recordAudit, systemContext } from '../../server/context.ts';
import { openAuditLog } from '../../server/modules/audit/audit.log.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const config = testConfig();
const env = {
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: '',
  AUDIT_HMAC_KEY: config.audit.hmacKey!.toString('hex'),
  AUDIT_SIGNING_KEY: config.audit.signingKeyPem!,
};
let dir: string;

function jingwu(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', ...args],
      { cwd: ROOT, env: { ...env, DATA_DIR: dir }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function withDb(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<void>): Promise<void> {
  const database = await openDatabase({ dataDir: dir });
  try {
    await fn(database);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jingwu-audit-cli-'));
  const database = await openDatabase({
    dataDir: dir,
    loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]),
  });
  try {
    await migrate(database);
    const log = openAuditLog(database, config);
    for (let i = 0; i < 12; i++) {
      await recordAudit(systemContext(database.db, log.sink), {
        action: 'test.cli',
        resourceType: 'thing',
        resourceId: `t${i}`,
        outcome: 'success',
      });
      if (i === 5) await log.sequencer.sequenceNow();
    }
  } finally {
    await database.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jingwu audit', () => {
  it('checkpoint sequences pending entries and exports a signed checkpoint with the public key', async () => {
    const r = await jingwu('audit', 'checkpoint', '--out', join(dir, 'cp.json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Wrote checkpoint of 12 entries/);
    const cp = JSON.parse(readFileSync(join(dir, 'cp.json'), 'utf8')) as Record<string, unknown>;
    expect(cp).toMatchObject({ format: 'jingwu-audit-checkpoint/v1', treeSize: 12 });
    expect(cp.publicKey).toMatch(/BEGIN PUBLIC KEY/);
  });

  it('verify passes an untouched log against the exported checkpoint', async () => {
    const r = await jingwu('audit', 'verify', '--checkpoint', join(dir, 'cp.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: the audit log verifies\. 12 entries/);
    expect(r.stdout).toMatch(/exported checkpoint \(size 12\) is a prefix/);
  });

  it('proof prints an inclusion proof that verifies, and rejects bad input', async () => {
    const r = await jingwu('audit', 'proof', '--index', '3', '--size', '6');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ leafIndex: 3, treeSize: 6, verifiesAgainstStoredEntry: true });
    const bad = await jingwu('audit', 'proof', '--index', '-1');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--index/);
    const far = await jingwu('audit', 'proof', '--index', '50');
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(/AUDIT_ENTRY_NOT_FOUND/);
  });

  it('verify refuses an unusable checkpoint file with the reason', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"format":"nope"}');
    const r = await jingwu('audit', 'verify', '--checkpoint', join(dir, 'bad.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot use .*format/);
  });

  it('verify fails with the reason after a payload byte was edited', async () => {
    await withDb(async (database) => {
      await database.db.execute(sql`alter table audit_entries disable trigger user`);
      await database.db.execute(
        sql`update audit_entries set entry = overlay(entry placing decode('21', 'hex') from 50 for 1) where leaf_index = 4`,
      );
      await database.db.execute(sql`alter table audit_entries enable trigger user`);
    });
    const r = await jingwu('audit', 'verify', '--checkpoint', join(dir, 'cp.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^FAILED: the audit log does not verify/);
    expect(r.stderr).toMatch(/\[LEAF_HASH_MISMATCH\] entry 4/);
    expect(r.stderr).toMatch(/\[ENTRY_MAC_INVALID\] entry 4/);
  });

  it('has --help for every subcommand', async () => {
    for (const sub of ['checkpoint', 'verify', 'proof']) {
      const r = await jingwu('audit', sub, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: jingwu audit ${sub}`));
    }
  });
});
