/**
 * `npm run bench -- core`:
 *  (a) throughput of an authenticated, policy-checked read endpoint (GET /api/users/{id}: session lookup,
 *      policy decision, masking presenter) as a ratio of a bare Fastify hello-world, same run (target ≥ 0.25);
 *  (b) audit appends per second with 8 concurrent writers on PostgreSQL (target ≥ 5,000/s) and on PGlite;
 *  (c) inclusion-proof generation and verification at 1,000,000 entries (target < 1 ms each).
 *
 * Options: --seconds N (load duration, default 8), --connections N (default 10), --pg postgres://… (admin URL
 * of a server for (b); default JW_TEST_PG_URL), --skip a,b,c.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnApp } from '../test/helpers/spawn-app.ts';
import { createServerDatabase, dropServerDatabase } from '../test/helpers/pg-server.ts';
import { DEMO_PASSWORD } from '../src/demo/demo-accounts.ts';
import { load, startScript } from './http.ts';

/** Throughput of the authenticated read on one database, against the same run's hello-world. */
async function authenticatedRead(
  env: Record<string, string>,
  seconds: number,
  connections: number,
  baselineRps: number,
): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jingwu-bench-'));
  const app = await spawnApp({ DATA_DIR: dataDir, DEMO_SEED: 'true', LOG_LEVEL: 'warn', ...env });
  try {
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password: DEMO_PASSWORD }),
    });
    if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const session = (await login.json()) as { accessToken: string; user: { id: string } };
    const headers = { authorization: `Bearer ${session.accessToken}` };
    const target = `${app.url}/api/users/${session.user.id}`;
    const probe = await fetch(target, { headers });
    if (!probe.ok) throw new Error(`probe of ${target} failed: ${probe.status} ${await probe.text()}`);
    const endpoint = await load(target, { seconds, connections, headers });
    return { ...endpoint, ratio: Math.round((endpoint.requestsPerSec / baselineRps) * 1000) / 1000 };
  } finally {
    await app.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function throughputRatio(
  seconds: number,
  connections: number,
  pgUrl: string | undefined,
): Promise<Record<string, unknown>> {
  const hello = await startScript(fileURLToPath(new URL('./fixtures/hello.ts', import.meta.url)));
  const baseline = await load(`${hello.url}/hello`, { seconds, connections });
  hello.stop();
  const out: Record<string, unknown> = {
    path: 'GET /api/users/{id}',
    ratioTarget: 0.25,
    helloWorld: baseline,
    pglite: await authenticatedRead({}, seconds, connections, baseline.requestsPerSec),
  };
  if (pgUrl) {
    const db = await createServerDatabase(pgUrl);
    try {
      out.postgres = await authenticatedRead({ DATABASE_URL: db.url }, seconds, connections, baseline.requestsPerSec);
    } finally {
      await dropServerDatabase(pgUrl, db.name);
    }
  } else out.postgres = 'skipped: no PostgreSQL URL (--pg)';
  return out;
}

export async function runCoreBench(args: Record<string, string>): Promise<Record<string, unknown>> {
  const seconds = Number(args.seconds ?? 8);
  const connections = Number(args.connections ?? 10);
  const skip = new Set((args.skip ?? '').split(',').filter(Boolean));
  const pgUrl = args.pg ?? process.env.JW_TEST_PG_URL;
  const out: Record<string, unknown> = {};
  if (!skip.has('a')) out.a = await throughputRatio(seconds, connections, pgUrl);
  if (!skip.has('b') || !skip.has('c')) {
    const { benchAudit } = await import('./audit.bench.ts');
    Object.assign(out, await benchAudit({ pgUrl, skipAppends: skip.has('b'), skipProofs: skip.has('c') }));
  }
  return out;
}
