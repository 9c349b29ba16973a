/**
 * Audit log benchmarks, called by `npm run bench -- core` (bench/core.bench.ts):
 *  (b) audit appends per second with 8 concurrent writers, each append in its own transaction (one commit per
 *      append), on PostgreSQL (when an admin URL is given; a scratch database is created and dropped) and on
 *      embedded PGlite; the sequencer runs meanwhile and must end with every append in the tree exactly once.
 *      For context it also measures the same writers committing empty transactions (the server's commit-rate
 *      ceiling, bound by fsync latency) and 64 writers (group commit).
 *  (c) inclusion-proof generation and verification at 1,000,000 entries (p50/p99, ms).
 *
 * Run alone: `npx tsx bench/audit.bench.ts [--pg postgres://…] [--seconds N]`.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/server/config.ts';
import { openDatabase, query, type Database } from '../src/server/db/client.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { recordAudit, systemContext, transaction } from '../src/server/context.ts';
import { auditKeysFrom } from '../src/server/modules/audit/audit.keys.ts';
import { openAuditLog } from '../src/server/modules/audit/audit.log.ts';
import { MerkleTree, leafHash, verifyInclusion } from '../src/server/modules/audit/audit.merkle.ts';
import { storedTreeSize } from '../src/server/modules/audit/audit.repository.ts';

export interface BenchAuditOptions {
  /** Admin URL of a PostgreSQL server (a scratch database is created on it); absent: PGlite only. */
  pgUrl?: string;
  skipAppends?: boolean;
  skipProofs?: boolean;
  /** Seconds per append measurement (default 5). */
  seconds?: number;
  /** Entries for (c) (default 1,000,000). */
  proofEntries?: number;
}

const keys = auditKeysFrom(
  randomBytes(32),
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
);

const pct = (sorted: number[], p: number): number =>
  Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(4));

async function runWriters(
  writers: number,
  seconds: number,
  op: (w: number, i: number) => Promise<void>,
): Promise<{ ops: number; perSecond: number }> {
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let n = 0;
      while (performance.now() < until) await op(w, n++);
      return n;
    }),
  );
  const ops = counts.reduce((a, b) => a + b, 0);
  return { ops, perSecond: Math.round(ops / ((performance.now() - started) / 1000)) };
}

async function appendsOn(database: Database, seconds: number): Promise<Record<string, unknown>> {
  const config = loadConfig({ NODE_ENV: 'test', DEMO_SEED: 'false' });
  const log = openAuditLog(database, config, { keys, intervalMs: 100 });
  const before = await storedTreeSize(database.db);
  log.sequencer.start();
  const append = (w: number, i: number): Promise<void> =>
    transaction(systemContext(database.db, log.sink, { requestId: `bench-${w}-${i}` }), (tx) =>
      recordAudit(tx, {
        action: 'bench.append',
        resourceType: 'bench',
        resourceId: `${w}-${i}`,
        outcome: 'success',
        payload: { w, i },
      }),
    );
  const eight = await runWriters(8, seconds, append);
  const result: Record<string, unknown> = { writers: 8, appends: eight.ops, appendsPerSecond: eight.perSecond };
  if (database.kind === 'postgres') {
    // The server's own ceiling for this access pattern: 8 writers, one durable commit each, a one-row insert.
    await database.db.execute(sql`create table if not exists bench_commit (id bigserial primary key, w int)`);
    const plain = await runWriters(8, Math.min(seconds, 3), (w) =>
      transaction(systemContext(database.db, log.sink), async (tx) => {
        await tx.db.execute(sql`insert into bench_commit (w) values (${w})`);
      }),
    );
    const many = await runWriters(64, Math.min(seconds, 3), (w, i) => append(w + 100, i));
    result.plainInsertCommitsPerSecond8Writers = plain.perSecond;
    result.appendsPerSecond64Writers = many.perSecond;
    result.totalAppends = eight.ops + many.ops;
  } else {
    result.totalAppends = eight.ops;
  }
  const drainStart = performance.now();
  await log.sequencer.stop();
  await log.sequencer.sequenceNow();
  result.drainAfterStopMs = Math.round(performance.now() - drainStart);
  const after = await storedTreeSize(database.db);
  const [q] = await query<{ n: string | number }>(database.db, sql`select count(*) as n from audit_queue`);
  result.sequencedExactlyOnce = after - before === result.totalAppends && Number(q!.n) === 0;
  return result;
}

async function appendsOnPostgres(adminUrl: string, seconds: number): Promise<Record<string, unknown>> {
  const name = `jw_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const [settings] = (await admin.query(`select current_setting('synchronous_commit') as sc`)).rows as {
      sc: string;
    }[];
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), poolSize: 70 });
    try {
      await migrate(database);
      const durable = await appendsOn(database, seconds);
      // Diagnostic only (never a deployment setting): the same 8 writers when commits do not wait for the WAL
      // flush, i.e. the CPU ceiling of this machine for the append path.
      url.searchParams.set('options', '-c synchronous_commit=off');
      const nowait = await openDatabase({ url: url.toString(), poolSize: 10 });
      let cpuCeiling: Record<string, unknown>;
      try {
        const r = await appendsOn(nowait, Math.min(seconds, 3));
        cpuCeiling = { appendsPerSecond: r.appendsPerSecond, sequencedExactlyOnce: r.sequencedExactlyOnce };
      } finally {
        await nowait.close();
      }
      return { synchronousCommit: settings?.sc, ...durable, diagnosticWithoutFsyncWait8Writers: cpuCeiling };
    } finally {
      await database.close();
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function appendsOnPglite(seconds: number): Promise<Record<string, unknown>> {
  const database = await openDatabase({});
  try {
    await migrate(database);
    return await appendsOn(database, seconds);
  } finally {
    await database.close();
  }
}

/** (c): proof generation and verification over an in-memory tree of `n` entries (as the server holds it). */
export function benchProofs(n = 1_000_000, samples = 5000): Record<string, unknown> {
  const t0 = performance.now();
  const tree = new MerkleTree();
  for (let i = 0; i < n; i++) {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(i);
    tree.append(leafHash(b));
  }
  const buildMs = Math.round(performance.now() - t0);
  const root = tree.root();
  const gen: number[] = [];
  const ver: number[] = [];
  let ok = 0;
  for (let s = 0; s < samples; s++) {
    const index = Math.floor(Math.random() * n);
    const a = performance.now();
    const proof = tree.inclusionProof(index, n);
    const b = performance.now();
    if (verifyInclusion(tree.leaf(index), index, n, proof, root)) ok++;
    const c = performance.now();
    gen.push(b - a);
    ver.push(c - b);
  }
  gen.sort((x, y) => x - y);
  ver.sort((x, y) => x - y);
  return {
    entries: n,
    treeBuildFromLeafHashesMs: buildMs,
    samples,
    allVerified: ok === samples,
    generateMs: { p50: pct(gen, 50), p99: pct(gen, 99) },
    verifyMs: { p50: pct(ver, 50), p99: pct(ver, 99) },
  };
}

/** Runs (b) and (c); returns `{ b, c }` for the bench JSON line. */
export async function benchAudit(opts: BenchAuditOptions = {}): Promise<Record<string, unknown>> {
  const seconds = opts.seconds ?? 5;
  const out: Record<string, unknown> = {};
  if (!opts.skipAppends) {
    const b: Record<string, unknown> = { target: 5000 };
    b.pglite = await appendsOnPglite(seconds);
    b.postgres = opts.pgUrl ? await appendsOnPostgres(opts.pgUrl, seconds) : 'skipped: no PostgreSQL URL (--pg)';
    out.b = b;
  }
  if (!opts.skipProofs) out.c = { targetMs: 1, ...benchProofs(opts.proofEntries ?? 1_000_000) };
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const result = await benchAudit({
    pgUrl: arg('pg') ?? process.env.JW_TEST_PG_URL,
    seconds: arg('seconds') ? Number(arg('seconds')) : undefined,
  });
  process.stdout.write(`${JSON.stringify({ bench: 'audit', ...result })}\n`);
}
