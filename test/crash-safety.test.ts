/**
 * Crash safety, end to end with real processes:
 *  1. embedded database: clients write with idempotency keys, the app is killed (SIGKILL) mid-way, restarted on
 *     the same data folder; every acknowledged write is there exactly once, retries of the unacknowledged ones
 *     land exactly once, and the audit log verifies against a checkpoint exported before the crash;
 *  2. PostgreSQL: two app instances write concurrently, one is killed mid-way; the survivor takes over audit
 *     sequencing, nothing acknowledged is lost, and the whole log is one verifying tree.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-accounts.ts';
import { spawnApp, type SpawnedApp } from './helpers/spawn-app.ts';
import { createServerDatabase, dropServerDatabase } from './helpers/db.ts';
import { pgAdminUrl, skipWithoutPostgres } from './helpers/env.ts';
import pg from 'pg';
import { SEQUENCER_LOCK_KEY } from '../src/server/modules/audit/audit.sequencer.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PASSWORD = 'Jingwu#2026pass';

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

interface Attempt {
  key: string;
  body: { username: string; displayName: string; homeJurisdictionId: string; password: string };
  ackedId?: string;
}

function attempt(i: number, tag: string): Attempt {
  return {
    key: `crash-${tag}-${i}-key`,
    body: { username: `crash${tag}${i}`, displayName: `测试${i}`, homeJurisdictionId: '9101', password: PASSWORD },
  };
}

async function createUser(url: string, token: string, a: Attempt): Promise<Response> {
  return fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': a.key },
    body: JSON.stringify(a.body),
  });
}

/** Keeps creating users until `stop()` says so or the server goes away; records what was acknowledged. */
async function writer(url: string, token: string, queue: Attempt[], stop: () => boolean): Promise<void> {
  for (let a = queue.shift(); a && !stop(); a = queue.shift()) {
    try {
      const res = await createUser(url, token, a);
      if (res.status === 201) a.ackedId = ((await res.json()) as { user: { id: string } }).user.id;
      else throw new Error(`unexpected ${res.status}: ${await res.text()}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('unexpected')) throw err;
      return; // connection refused/reset: the server died
    }
  }
}

async function usernames(url: string, token: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams({ q: prefix, limit: '200', ...(cursor ? { cursor } : {}) });
    const res = await fetch(`${url}/api/users?${q}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { username: string }[]; nextCursor: string | null };
    names.push(...page.items.map((u) => u.username));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return names.filter((n) => n.startsWith(prefix));
}

async function auditedCreates(url: string, token: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let from: number | null = 0;
  while (from !== null) {
    const res = await fetch(`${url}/api/audit/entries?from=${from}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      entries: { action: string; resourceId: string | null }[];
      nextFrom: number | null;
    };
    for (const e of page.entries) {
      if (e.action === 'user.create' && e.resourceId) counts.set(e.resourceId, (counts.get(e.resourceId) ?? 0) + 1);
    }
    from = page.nextFrom;
  }
  return counts;
}

async function exportCheckpoint(url: string, token: string, file: string): Promise<number> {
  const res = await fetch(`${url}/api/audit/checkpoints/latest`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const cp = (await res.json()) as { treeSize: number };
  writeFileSync(file, JSON.stringify(cp));
  return cp.treeSize;
}

function auditVerify(env: Record<string, string>, checkpointFile: string): { status: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'audit', 'verify', '--checkpoint', checkpointFile],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** When the connection holding the audit sequencer lock was opened, or null when nobody holds it. */
async function sequencerHolderSince(url: string): Promise<Date | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ backend_start: Date }>(
      `select a.backend_start from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid = 0 and l.objid = $1 and l.granted and a.datname = current_database()`,
      [SEQUENCER_LOCK_KEY],
    );
    expect(r.rows.length).toBeLessThanOrEqual(1);
    return r.rows[0]?.backend_start ?? null;
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the audit log has sequenced a user.create entry for each id (the sequencer runs on an interval,
 * and after an instance dies the survivor must first take over the sequencer lock), then returns the counts.
 */
async function waitForAuditedCreates(url: string, token: string, ids: string[]): Promise<Map<string, number>> {
  let creates = new Map<string, number>();
  for (let i = 0; i < 150; i++) {
    creates = await auditedCreates(url, token);
    if (ids.every((id) => creates.has(id))) return creates;
    await sleep(200);
  }
  return creates;
}

describe('crash safety on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jingwu-crash-'));
  const env = { DATA_DIR: dir, DEMO_SEED: 'true', DEMO_SCALE: 'small' };
  let app: SpawnedApp | undefined;
  afterAll(async () => {
    await app?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write exactly once across a SIGKILL, and the audit log verifies', async () => {
    app = await spawnApp(env);
    const admin = await login(app.url, 'sysadmin');
    const auditor = await login(app.url, 'auditor');
    const checkpointFile = join(dir, 'checkpoint-before.json');
    expect(await exportCheckpoint(app.url, auditor, checkpointFile)).toBeGreaterThan(0);

    const attempts = Array.from({ length: 400 }, (_, i) => attempt(i, 'a'));
    const queue = [...attempts];
    let stopped = false;
    const writers = Array.from({ length: 4 }, () => writer(app!.url, admin, queue, () => stopped));
    // Kill the server once a good number of writes were acknowledged, while the others are in flight.
    while (attempts.filter((a) => a.ackedId).length < 25) await sleep(20);
    await app.kill('SIGKILL');
    stopped = true;
    await Promise.all(writers);
    const acked = attempts.filter((a) => a.ackedId);
    const tried = attempts.slice(0, attempts.length - queue.length);
    expect(acked.length).toBeGreaterThanOrEqual(25);

    app = await spawnApp(env);
    const admin2 = await login(app.url, 'sysadmin');
    // Retry everything that was sent (acknowledged or not) with the same keys.
    for (const a of tried) {
      const res = await createUser(app.url, admin2, a);
      expect(res.status, await res.clone().text()).toBe(201);
      const id = ((await res.json()) as { user: { id: string } }).user.id;
      if (a.ackedId) expect(id).toBe(a.ackedId);
      a.ackedId = id;
    }
    const names = await usernames(app.url, admin2, 'crasha');
    expect(names.sort()).toEqual(tried.map((a) => a.body.username).sort());

    const auditor2 = await login(app.url, 'auditor');
    const creates = await waitForAuditedCreates(
      app.url,
      auditor2,
      tried.map((a) => a.ackedId!),
    );
    for (const a of tried) expect(creates.get(a.ackedId!), a.body.username).toBe(1);

    await app.kill('SIGTERM');
    app = undefined;

    const verify = auditVerify(env, checkpointFile);
    expect(verify.out).toMatch(/OK: the audit log verifies/);
    expect(verify.status).toBe(0);
  });
});

describe.skipIf(skipWithoutPostgres())('crash safety with two instances on PostgreSQL', () => {
  let db: { url: string; name: string } | undefined;
  const apps: SpawnedApp[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'jingwu-crash-pg-'));
  afterAll(async () => {
    for (const a of apps) await a.kill();
    if (db) await dropServerDatabase(pgAdminUrl!, db.name);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing when one of two instances dies mid-way, and the log stays one verifying tree', async () => {
    db = await createServerDatabase(pgAdminUrl!);
    // Both instances must share the audit keys: in production they come from config.
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const env = {
      DATABASE_URL: db.url,
      DEMO_SEED: 'true',
      DEMO_SCALE: 'small',
      AUDIT_HMAC_KEY: 'cd'.repeat(32),
      AUDIT_SIGNING_KEY: pem,
      DATA_DIR: dir,
    };
    const first = await spawnApp(env);
    apps.push(first);
    while ((await sequencerHolderSince(db.url)) === null) await sleep(50);
    const secondStartedAt = new Date();
    const second = await spawnApp(env);
    apps.push(second);
    const [tokA, tokB] = [await login(first.url, 'sysadmin'), await login(second.url, 'sysadmin')];
    const auditor = await login(second.url, 'auditor');
    const checkpointFile = join(dir, 'checkpoint-before.json');
    expect(await exportCheckpoint(second.url, auditor, checkpointFile)).toBeGreaterThan(0);

    const forA = Array.from({ length: 300 }, (_, i) => attempt(i, 'pa'));
    const forB = Array.from({ length: 60 }, (_, i) => attempt(i, 'pb'));
    const queueA = [...forA];
    const queueB = [...forB];
    let stopA = false;
    const writersA = Array.from({ length: 3 }, () => writer(first.url, tokA, queueA, () => stopA));
    const writersB = Array.from({ length: 3 }, () => writer(second.url, tokB, queueB, () => false));
    while (forA.filter((a) => a.ackedId).length < 20) await sleep(20);
    // The first instance holds the sequencer: killing it exercises the fail-over.
    expect((await sequencerHolderSince(db.url))!.getTime()).toBeLessThan(secondStartedAt.getTime());
    await first.kill('SIGKILL');
    stopA = true;
    await Promise.all([...writersA, ...writersB]);
    expect(forB.every((a) => a.ackedId)).toBe(true);

    // The client of the dead instance retries everything it sent against the survivor.
    const triedA = forA.slice(0, forA.length - queueA.length);
    for (const a of triedA) {
      const res = await createUser(second.url, tokA, a);
      expect(res.status, await res.clone().text()).toBe(201);
      const id = ((await res.json()) as { user: { id: string } }).user.id;
      if (a.ackedId) expect(id).toBe(a.ackedId);
      a.ackedId = id;
    }
    const names = await usernames(second.url, tokB, 'crashp');
    expect(names.sort()).toEqual([...triedA, ...forB].map((a) => a.body.username).sort());

    const creates = await waitForAuditedCreates(
      second.url,
      auditor,
      [...triedA, ...forB].map((a) => a.ackedId!),
    );
    for (const a of [...triedA, ...forB]) expect(creates.get(a.ackedId!), a.body.username).toBe(1);

    expect((await sequencerHolderSince(db.url))!.getTime()).toBeGreaterThan(secondStartedAt.getTime());

    const verify = auditVerify(env, checkpointFile);
    expect(verify.out).toMatch(/OK: the audit log verifies/);
    expect(verify.status).toBe(0);
  });
});
