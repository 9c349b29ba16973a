/**
 * Live-update fan-out (`npm run bench -- fanout [--clients 200] [--rate 20] [--seconds 15] [--pg URL]`):
 * how long an incident takes to reach every open console.
 *
 * Real servers (`jingwu start` in child processes, demo city seeded at `small` scale) and `clients` console
 * streams (`GET /api/stream?topics=incidents`, Server-Sent Events — the console's transport, see
 * docs/adr/0005-console-stream-sse.md) opened by the dispatcher (50 sessions, 4 streams each: the per-session
 * limit). Incidents are created through `POST /api/incidents` open-loop at a steady `rate` (request i at
 * start + i/rate, never waiting for earlier ones). Each delivery's latency runs from the start of the request
 * that created the incident to the moment the client parsed its `incident.created` frame, so it includes the
 * intake transaction (reported apart as `intake`) and, across instances, the NOTIFY round trip;
 * `spreadAfterFirstDelivery` is each delivery's delay after the same incident's first delivery to any client
 * (the fan-out's own share).
 *
 *  - `pglite`: one instance on the embedded database, every client on it.
 *  - `postgres` (with `--pg` admin URL or JW_TEST_PG_URL): two instances on one fresh database, clients split
 *    evenly, incidents created alternately through each; latencies are also split into same-instance and
 *    cross-instance deliveries.
 * Target: p99 < 500 ms with every expected delivery made (expected = incidents × clients).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_PASSWORD } from '../src/demo/demo-accounts.ts';
import { generateGeography } from '../src/demo/geography/geography.generator.ts';
import { GeoRng } from '../src/demo/geography/geography.prng.ts';
import { createServerDatabase, dropServerDatabase } from '../test/helpers/pg-server.ts';
import { spawnApp, type SpawnedApp } from '../test/helpers/spawn-app.ts';

/** Options of benchFanout. */
export interface BenchFanoutOptions {
  clients?: number;
  /** Incidents created per second. */
  rate?: number;
  seconds?: number;
  pgUrl?: string;
}

const STREAMS_PER_SESSION = 4;
const TARGET_P99_MS = 500;
/** After the last incident, how long to wait for stragglers before counting what arrived. */
const DRAIN_MS = 5_000;

function pct(ms: number[]) {
  const s = Float64Array.from(ms).sort();
  const at = (q: number) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10 : 0);
  return { n: s.length, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: at(1) };
}

async function post(base: string, path: string, body: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(path === '/api/incidents' ? { 'idempotency-key': randomUUID() } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown };
}

async function login(base: string): Promise<string> {
  const r = await post(base, '/api/auth/login', { username: 'dispatcher', password: DEMO_PASSWORD });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { accessToken: string }).accessToken;
}

interface Client {
  instance: number;
  /** Incident id → receipt time (performance.now()). */
  received: Map<string, number>;
  close(): void;
}

/** Opens one SSE stream with node:http (lighter than fetch for hundreds of streams) and records arrivals. */
function openStream(base: string, token: string, instance: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const received = new Map<string, number>();
    const req = http.get(
      `${base}/api/stream?topics=incidents`,
      { headers: { authorization: `Bearer ${token}` }, agent: false },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream answered ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          const now = performance.now();
          buf += chunk;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            if (block.includes('event: hello')) resolve(client);
            if (!block.includes('event: incident.created')) continue;
            const data = block.slice(block.indexOf('data: ') + 6);
            const id = (JSON.parse(data) as { id: string }).id;
            if (!received.has(id)) received.set(id, now);
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', reject);
    const client: Client = { instance, received, close: () => req.destroy() };
  });
}

/** Runs the load against started instances (clients split evenly, incidents created round-robin). */
async function runAgainst(bases: string[], o: Required<Omit<BenchFanoutOptions, 'pgUrl'>>) {
  const sessions = Math.ceil(o.clients / STREAMS_PER_SESSION);
  const tokens: string[] = [];
  for (let i = 0; i < sessions; i++) tokens.push(await login(bases[i % bases.length]!));
  const clients: Client[] = [];
  for (let i = 0; i < o.clients; i += 20) {
    const batch = Array.from({ length: Math.min(20, o.clients - i) }, (_, k) => {
      const c = i + k;
      const instance = c % bases.length;
      return openStream(bases[instance]!, tokens[Math.floor(c / STREAMS_PER_SESSION)]!, instance);
    });
    clients.push(...(await Promise.all(batch)));
  }
  const perInstance = bases.map((_, i) => clients.filter((c) => c.instance === i).length);

  const geography = generateGeography({ seed: 110, scale: 'small' });
  const rng = new GeoRng(7, 'fanout');
  const creator = tokens[0]!;
  const created = new Map<string, { at: number; instance: number }>();
  const intakeMs: number[] = [];
  let intakeErrors = 0;
  const errorSamples: string[] = [];
  const createOne = async (i: number, due: number) => {
    const instance = i % bases.length;
    const a = geography.addresses[Math.floor(rng.next() * geography.addresses.length)]!;
    try {
      const r = await post(
        bases[instance]!,
        '/api/incidents',
        {
          category: 'public_order',
          subType: 'public_order.noise',
          description: 'fan-out bench',
          channel: 'phone',
          lon: a.location[0],
          lat: a.location[1],
        },
        creator,
      );
      intakeMs.push(performance.now() - due);
      if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      created.set((r.body as { incident: { id: string } }).incident.id, { at: due, instance });
    } catch (err) {
      intakeErrors++;
      if (errorSamples.length < 3) errorSamples.push(String(err));
    }
  };

  // Warm-up (not measured): a few incidents, one after another.
  for (let i = 0; i < 5; i++) await createOne(i, performance.now());
  created.clear();
  intakeMs.length = 0;
  for (const c of clients) c.received.clear();

  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const start = performance.now() + 50;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(createOne(i, due));
  }
  await Promise.all(pending);
  const expected = created.size * clients.length;
  const countDelivered = () =>
    clients.reduce((n, c) => n + [...created.keys()].filter((id) => c.received.has(id)).length, 0);
  const drainUntil = performance.now() + DRAIN_MS;
  while (countDelivered() < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));

  const all: number[] = [];
  const same: number[] = [];
  const cross: number[] = [];
  // Spread: how long after the incident's first delivery (to any client) each delivery came — the fan-out's own
  // share of the latency, without the intake request.
  const spread: number[] = [];
  const first = new Map<string, number>();
  for (const c of clients) {
    for (const [id, at] of c.received) first.set(id, Math.min(first.get(id) ?? Infinity, at));
  }
  for (const c of clients) {
    for (const [id, made] of created) {
      const got = c.received.get(id);
      if (got === undefined) continue;
      const ms = got - made.at;
      all.push(ms);
      spread.push(got - first.get(id)!);
      (c.instance === made.instance ? same : cross).push(ms);
    }
  }
  for (const c of clients) c.close();
  const latency = pct(all);
  return {
    instances: bases.length,
    clients: clients.length,
    clientsPerInstance: perInstance,
    sessions,
    rate: o.rate,
    seconds: o.seconds,
    incidents: created.size,
    intakeErrors,
    ...(errorSamples.length ? { errorSamples } : {}),
    expected,
    delivered: all.length,
    latency: {
      ...latency,
      targetP99Ms: TARGET_P99_MS,
      meetsTarget: all.length === expected && latency.p99Ms < TARGET_P99_MS,
    },
    ...(bases.length > 1 ? { sameInstance: pct(same), crossInstance: pct(cross) } : {}),
    spreadAfterFirstDelivery: pct(spread),
    /** Share of expected deliveries that arrived within a second of the request start (the promise). */
    withinOneSecond: expected ? Math.round((all.filter((ms) => ms <= 1_000).length / expected) * 1e4) / 1e4 : 0,
    intake: pct(intakeMs),
  };
}

/** Starts `instances` servers on one database (the first seeds it), runs the load, stops them. */
async function onServers(
  env: Record<string, string>,
  instances: number,
  o: Required<Omit<BenchFanoutOptions, 'pgUrl'>>,
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'jingwu-bench-fanout-'));
  const apps: SpawnedApp[] = [];
  try {
    // One after another: the first migrates and seeds, the others find the city there.
    for (let i = 0; i < instances; i++) {
      apps.push(
        await spawnApp({ DATA_DIR: dataDir, DEMO_SEED: 'true', DEMO_SCALE: 'small', LOG_LEVEL: 'warn', ...env }),
      );
    }
    return await runAgainst(
      apps.map((a) => a.url),
      o,
    );
  } finally {
    for (const a of apps) await a.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the fan-out benchmark on PGlite (one instance) and, with a URL, on PostgreSQL (two instances). */
export async function benchFanout(opts: BenchFanoutOptions = {}): Promise<Record<string, unknown>> {
  const o = { clients: opts.clients ?? 200, rate: opts.rate ?? 20, seconds: opts.seconds ?? 15 };
  const out: Record<string, unknown> = { pglite: await onServers({}, 1, o) };
  const adminUrl = opts.pgUrl ?? process.env.JW_TEST_PG_URL;
  if (adminUrl) {
    const { url, name } = await createServerDatabase(adminUrl);
    try {
      out.postgres = await onServers({ DATABASE_URL: url }, 2, o);
    } finally {
      await dropServerDatabase(adminUrl, name);
    }
  } else out.postgres = 'skipped: no PostgreSQL URL (--pg)';
  return out;
}
