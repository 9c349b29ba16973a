/**
 * End-to-end intake → recommendation → dispatch through the HTTP API at a fixed arrival rate (part of
 * `npm run bench -- cad`; `--only e2e` runs it alone; `--rate N` calls/s, default 100; `--seconds N`, default 30).
 *
 * A real server (`jingwu start` in a child process, like the core bench) on a fresh database — embedded PGlite,
 * and PostgreSQL when `--pg` (admin URL) or JW_TEST_PG_URL is given — with the demo city seeded at `small`
 * scale. The station chief reports fresh AVL positions for its units in the background (the other units
 * recommend from their home bases); a dispatcher session runs the calls. Each call:
 *   POST /api/incidents (Idempotency-Key) → POST /api/incidents/{id}/recommendation →
 *   POST /api/incidents/{id}/dispatch (Idempotency-Key) with the run card's picks (sub-types with a multi-unit
 *   card) or else the first recommended unit, skipping units the bench still holds.
 * Calls are launched open-loop on a fixed schedule (call i at start + i/rate, never waiting for earlier calls),
 * and a call's latency runs from its scheduled start, so a slow server cannot hide latency by slowing the
 * load down (no coordinated omission). Dispatched units are released in the background
 * (POST /api/dispatch/orders/{id}/cancel) so dispatch keeps finding available units; units still held by the
 * bench are skipped client-side, and 409s (a unit taken meanwhile) are counted apart from other errors.
 *
 * Until the dispatch endpoints exist the bench runs intake → POST /api/dispatch/recommend and says so.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_PASSWORD } from '../src/demo/demo-accounts.ts';
import { generateGeography } from '../src/demo/geography/geography.generator.ts';
import { GeoRng } from '../src/demo/geography/geography.prng.ts';
import { SUB_TYPES } from '../src/server/modules/incidents/incident.codes.ts';
import { createServerDatabase, dropServerDatabase } from '../test/helpers/pg-server.ts';
import { spawnApp } from '../test/helpers/spawn-app.ts';

/** Options of benchCadE2e. */
export interface BenchCadE2eOptions {
  /** Calls per second (default 100). */
  rate?: number;
  /** Measured seconds (default 30). */
  seconds?: number;
  pgUrl?: string;
  seed?: number;
  /** Extra rates (calls/s) to run for 10 s each on the same server after the main run, e.g. [10, 25, 50]. */
  sweep?: number[];
}

const REQUEST_TIMEOUT_MS = 15_000;
const STALE_AFTER_SEC = 900;

interface Reply {
  status: number;
  body: unknown;
  ms: number;
}

/** One JSON request; network failures come back as status 0. */
async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { token?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  const t = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text for the error report
    }
    return { status: res.status, body, ms: performance.now() - t };
  } catch (err) {
    return { status: 0, body: String(err), ms: performance.now() - t };
  }
}

const ok = (r: Reply) => r.status >= 200 && r.status < 300;

function pct(ms: number[]): { n: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10 : 0);
  return { n: s.length, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: s.length ? at(1) : 0 };
}

async function login(base: string, username: string): Promise<string> {
  const r = await call(base, 'POST', '/api/auth/login', { body: { username, password: DEMO_PASSWORD } });
  if (!ok(r)) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { accessToken: string }).accessToken;
}

interface UnitItem {
  id: string;
  status: string;
  callSign: string;
  home: { lon: number; lat: number };
}

interface Recommended {
  recommendationId?: string;
  recommended: { unitId: string }[];
  runCard?: { picks: { unitId: string }[] };
}

/** Which of the new dispatch endpoints the server has (from its OpenAPI document). */
async function probeDispatchApi(base: string): Promise<boolean> {
  const r = await call(base, 'GET', '/api/openapi.json');
  const paths = Object.keys((r.body as { paths?: Record<string, unknown> } | null)?.paths ?? {});
  const has = (p: string) => paths.includes(p);
  return (
    has('/api/incidents/{id}/recommendation') &&
    has('/api/incidents/{id}/dispatch') &&
    has('/api/dispatch/orders/{id}/cancel')
  );
}

/** Runs the open-loop load against one started server. */
async function runAgainst(base: string, o: Required<Omit<BenchCadE2eOptions, 'pgUrl' | 'sweep'>>) {
  const dispatcher = await login(base, 'dispatcher');
  const chief = await login(base, 'chief');
  const full = await probeDispatchApi(base);

  const unitsReply = await call(base, 'GET', '/api/units', { token: dispatcher });
  if (!ok(unitsReply))
    throw new Error(`GET /api/units failed: ${unitsReply.status} ${JSON.stringify(unitsReply.body)}`);
  const units = (unitsReply.body as { items: UnitItem[] }).items;
  // The demo seeds every unit off duty: the dispatcher puts them all on duty first.
  let onDuty = 0;
  for (const u of units) {
    if (u.status === 'available') onDuty++;
    else if (u.status === 'off_duty') {
      const r = await call(base, 'POST', `/api/units/${u.id}/status`, {
        token: dispatcher,
        body: { status: 'available', reason: 'bench: shift start' },
      });
      if (ok(r)) onDuty++;
    }
  }
  const chiefUnits = ((await call(base, 'GET', '/api/units', { token: chief })).body as { items: UnitItem[] }).items;

  // Scenes: the same demo city the server seeded (small scale, seed 110), at its standard addresses.
  const geography = generateGeography({ seed: 110, scale: 'small' });
  const rng = new GeoRng(o.seed, 'cad-e2e');
  const subTypes = Object.keys(SUB_TYPES);

  // Fresh AVL fixes for the chief's units, every 2 s in the background (near their home base).
  const avlMs: number[] = [];
  let avlErrors = 0;
  const jitter = new GeoRng(o.seed, 'cad-e2e-avl');
  const postAvl = async () => {
    const positions = chiefUnits.map((u) => ({
      unitId: u.id,
      lon: u.home.lon + (jitter.next() - 0.5) * 0.001,
      lat: u.home.lat + (jitter.next() - 0.5) * 0.001,
      recordedAt: new Date().toISOString(),
      speedKmh: 20,
      heading: 90,
    }));
    if (positions.length === 0) return;
    const r = await call(base, 'POST', '/api/avl/positions', { token: chief, body: { positions } });
    avlMs.push(r.ms);
    if (!ok(r)) avlErrors++;
  };
  await postAvl();
  const avlTimer = setInterval(() => void postAvl(), 2_000);

  const held = new Set<string>();
  const steps: Record<'intake' | 'recommend' | 'dispatch' | 'cancel', number[]> = {
    intake: [],
    recommend: [],
    dispatch: [],
    cancel: [],
  };
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  const counters = { ok: 0, failed: 0, conflicts409: 0, noFreeUnit: 0, cancelErrors: 0 };
  const releases: Promise<void>[] = [];
  let unitsDispatched = 0;
  const fail = (step: string, r: Reply) => {
    const key = `${step}:${r.status}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (errorSamples.length < 5) errorSamples.push(`${key} ${JSON.stringify(r.body).slice(0, 200)}`);
  };

  /** One call; returns false when it did not complete. */
  const oneCall = async (measure: boolean): Promise<boolean> => {
    const a = geography.addresses[Math.floor(rng.next() * geography.addresses.length)]!;
    const subType = subTypes[Math.floor(rng.next() * subTypes.length)]!;
    const [lon, lat] = a.location;
    const intake = await call(base, 'POST', '/api/incidents', {
      token: dispatcher,
      idempotencyKey: randomUUID(),
      body: {
        category: subType.split('.')[0],
        subType,
        description: 'bench call',
        channel: 'phone',
        lon,
        lat,
        callerPhone: '13800000000',
      },
    });
    if (measure) steps.intake.push(intake.ms);
    if (!ok(intake)) return (fail('intake', intake), false);
    const incidentId = (intake.body as { incident: { id: string } }).incident.id;
    const rec = full
      ? await call(base, 'POST', `/api/incidents/${incidentId}/recommendation`, {
          token: dispatcher,
          body: { count: 5, staleAfterSec: STALE_AFTER_SEC },
        })
      : await call(base, 'POST', '/api/dispatch/recommend', {
          token: dispatcher,
          body: { lon, lat, count: 5, incidentType: subType, staleAfterSec: STALE_AFTER_SEC },
        });
    if (measure) steps.recommend.push(rec.ms);
    if (!ok(rec)) return (fail('recommend', rec), false);
    if (!full) return true;
    // The run card's picks when the sub-type has one (e.g. robbery: 2 patrol + 1 special), else the first
    // recommended unit; units the bench still holds from an earlier call are skipped.
    const r = rec.body as Recommended;
    const picks = (r.runCard?.picks ?? []).map((p) => p.unitId).filter((id) => !held.has(id));
    const first = r.recommended.find((u) => !held.has(u.unitId));
    const unitIds = picks.length > 0 ? [...new Set(picks)] : first ? [first.unitId] : [];
    if (unitIds.length === 0) {
      counters.noFreeUnit++;
      return false;
    }
    for (const id of unitIds) held.add(id);
    const dispatch = await call(base, 'POST', `/api/incidents/${incidentId}/dispatch`, {
      token: dispatcher,
      idempotencyKey: randomUUID(),
      body: { unitIds, ...(r.recommendationId ? { recommendationId: r.recommendationId } : {}) },
    });
    if (measure) steps.dispatch.push(dispatch.ms);
    if (!ok(dispatch)) {
      for (const id of unitIds) held.delete(id);
      if (dispatch.status === 409) counters.conflicts409++;
      return (fail('dispatch', dispatch), false);
    }
    unitsDispatched += unitIds.length;
    const orders = (dispatch.body as { orders: { id: string }[] }).orders;
    // Release the unit in the background (not part of the call's latency).
    releases.push(
      (async () => {
        for (const order of orders) {
          const c = await call(base, 'POST', `/api/dispatch/orders/${order.id}/cancel`, {
            token: dispatcher,
            body: { reason: 'bench: release the unit' },
          });
          if (measure) steps.cancel.push(c.ms);
          if (!ok(c)) {
            counters.cancelErrors++;
            fail('cancel', c);
          }
        }
        for (const id of unitIds) held.delete(id);
      })(),
    );
    return true;
  };

  // Warm-up (not in the figures below): calls one after another; their latency bounds the rate one server
  // process can sustain (about 1000 / p50 calls/s when the server, not the database, is the limit).
  const sequential: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    if (await oneCall(false)) sequential.push(performance.now() - t);
  }
  await Promise.all(releases.splice(0));
  unitsDispatched = 0;

  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const e2e: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now() + 50;
  let lastEnd = start;
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      oneCall(true).then((done) => {
        const end = performance.now();
        lastEnd = Math.max(lastEnd, end);
        if (done) {
          counters.ok++;
          e2e.push(end - due);
        } else counters.failed++;
      }),
    );
  }
  const launchedSec = (performance.now() - start) / 1000;
  await Promise.all(pending);
  await Promise.all(releases);
  clearInterval(avlTimer);

  const e = pct(e2e);
  return {
    flow: full
      ? 'POST /api/incidents → POST /api/incidents/{id}/recommendation → POST /api/incidents/{id}/dispatch'
      : 'intake + POST /api/dispatch/recommend only: the incident recommendation/dispatch endpoints are not in this build',
    units: { total: units.length, availableAtStart: onDuty, withLiveAvl: chiefUnits.length },
    targetRate: o.rate,
    seconds: o.seconds,
    calls: total,
    offeredPerSec: Math.round((total / launchedSec) * 10) / 10,
    completedPerSec: Math.round((counters.ok / ((lastEnd - start) / 1000)) * 10) / 10,
    completed: counters.ok,
    ...(full ? { unitsDispatched } : {}),
    failed: counters.failed,
    conflicts409: counters.conflicts409,
    noFreeUnit: counters.noFreeUnit,
    cancelErrors: counters.cancelErrors,
    errorsByStep: statuses,
    ...(errorSamples.length ? { errorSamples } : {}),
    endToEnd: { ...e, targetP99Ms: 200, meetsTarget: e.n > 0 && e.p99Ms < 200 },
    sequentialWarmup: {
      ...pct(sequential.slice(10)),
      impliedMaxRatePerSec: sequential.length > 10 ? Math.round(1000 / pct(sequential.slice(10)).p50Ms) : null,
    },
    steps: {
      intake: pct(steps.intake),
      recommend: pct(steps.recommend),
      ...(full ? { dispatch: pct(steps.dispatch), cancelBackground: pct(steps.cancel) } : {}),
    },
    avlBackground: { posts: avlMs.length, errors: avlErrors, ...pct(avlMs) },
  };
}

/** Waits (up to 2 min) until the server answers its readiness check (a database round trip) within 100 ms three times in a row. */
async function waitIdle(base: string): Promise<number> {
  const t0 = performance.now();
  let fast = 0;
  while (fast < 3 && performance.now() - t0 < 120_000) {
    const r = await call(base, 'GET', '/api/ready');
    fast = r.status === 200 && r.ms < 100 ? fast + 1 : 0;
    await new Promise((res) => setTimeout(res, 200));
  }
  return Math.round(performance.now() - t0);
}

/** Starts a server on one database, seeds the small demo city, runs the load, stops the server. */
async function onServer(env: Record<string, string>, o: Required<Omit<BenchCadE2eOptions, 'pgUrl'>>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'jingwu-bench-e2e-'));
  const t0 = performance.now();
  const app = await spawnApp({ DATA_DIR: dataDir, DEMO_SEED: 'true', DEMO_SCALE: 'small', LOG_LEVEL: 'warn', ...env });
  const startMs = Math.round(performance.now() - t0);
  try {
    // Lower rates first (each 10 s), stopping at the first the server cannot keep up with; then the main rate.
    // After an overloaded run the server still works off requests the client gave up on: wait for it to idle.
    const sweep: Record<string, unknown>[] = [];
    for (const rate of [...o.sweep].sort((a, b) => a - b)) {
      const r = await runAgainst(app.url, { ...o, rate, seconds: Math.min(10, o.seconds) });
      const keptUp = r.failed <= r.calls * 0.01 && r.endToEnd.p99Ms < 2_000;
      sweep.push({
        rate,
        completedPerSec: r.completedPerSec,
        failed: r.failed,
        conflicts409: r.conflicts409,
        p50Ms: r.endToEnd.p50Ms,
        p99Ms: r.endToEnd.p99Ms,
        keptUp,
      });
      if (!keptUp) {
        sweep.push({ skipped: 'higher sweep rates: the server did not keep up', drainMs: await waitIdle(app.url) });
        break;
      }
    }
    const main = await runAgainst(app.url, o);
    return { serverStartMs: startMs, ...main, ...(sweep.length ? { sweep } : {}) };
  } finally {
    await app.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the end-to-end benchmark on PGlite and (with a URL) on PostgreSQL. */
export async function benchCadE2e(opts: BenchCadE2eOptions = {}): Promise<Record<string, unknown>> {
  const o = { rate: opts.rate ?? 100, seconds: opts.seconds ?? 30, seed: opts.seed ?? 110, sweep: opts.sweep ?? [] };
  const out: Record<string, unknown> = { pglite: await onServer({}, o) };
  const adminUrl = opts.pgUrl ?? process.env.JW_TEST_PG_URL;
  if (adminUrl) {
    const { url, name } = await createServerDatabase(adminUrl);
    try {
      out.postgres = await onServer({ DATABASE_URL: url }, o);
    } finally {
      await dropServerDatabase(adminUrl, name);
    }
  } else out.postgres = 'skipped: no PostgreSQL URL (--pg)';
  return out;
}
