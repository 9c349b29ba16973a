/**
 * Command-dispatch benchmarks (`npm run bench -- cad [--units N] [--searches N] [--positions N] [--pg URL]`):
 *  - recommendation: `recommendUnits` (policy-filtered unit query with live positions, one reverse road search,
 *    ranking) with N live units (default 1,000) scattered over the generated `province` graph; latency p50/p99
 *    over random scenes (target p99 < 50 ms), also with a required skill (adds the crew-capability query) and
 *    with the run card of an armed robbery (adds the HiGHS assignment; every 10th unit is a special unit);
 *  - AVL ingest: `ingestPositionBatch` in batches of one fix per unit (history append + latest upsert + audit
 *    entry per batch), positions/s (target ≥ 5,000/s), then the latest positions read back through `listUnits`.
 *  - quality (bench/cad-quality.ts): road-ETA choice against straight-line nearest unit on simulated days,
 *    mean and 90th-percentile road travel time (`--days N`, `--calls N` per day);
 *  - e2e (bench/cad-e2e.ts): intake → recommendation → dispatch through the HTTP API of a real server at a fixed
 *    arrival rate (`--rate N` calls/s, default 100; `--seconds N`, default 30; `--sweep 10,25,50` adds short runs
 *    at other rates on the same server), target p99 < 200 ms.
 * `--only recommend,avl,quality,e2e` runs some parts (recommend and avl share one setup and run together).
 * Runs on an in-memory PGlite, and on PostgreSQL when `--pg` (an admin URL) or JW_TEST_PG_URL is given.
 * The audit sink only counts entries here (the audit log has its own bench).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/server/db/client.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { systemContext, type Actor, type RequestContext } from '../src/server/context.ts';
import { serializeGraph } from '../src/server/modules/geo/index.ts';
import { recommendUnits } from '../src/server/modules/dispatch/recommend.service.ts';
import { ingestPositionBatch, listUnits } from '../src/server/modules/dispatch/unit.service.ts';
import type { PositionItemDto } from '../src/server/modules/dispatch/dispatch.schemas.ts';
import { generateGeography } from '../src/demo/geography/geography.generator.ts';
import { buildRoadGraph } from '../src/demo/geography/geography.graph.ts';
import { GeoRng } from '../src/demo/geography/geography.prng.ts';
import { createServerDatabase, dropServerDatabase } from '../test/helpers/pg-server.ts';
import { benchCadQuality } from './cad-quality.ts';
import { benchCadE2e } from './cad-e2e.ts';

/** Options of benchCad. */
export interface BenchCadOptions {
  units?: number;
  searches?: number;
  positions?: number;
  pgUrl?: string;
  seed?: number;
  /** Comma-separated parts to run: recommend, avl, quality, e2e (default all). */
  only?: string;
  /** Quality: simulated days and calls per day. */
  days?: number;
  callsPerDay?: number;
  /** End-to-end: calls per second and measured seconds. */
  rate?: number;
  seconds?: number;
  /** End-to-end: extra rates to run briefly after the main one (`--sweep 10,25,50`). */
  sweep?: number[];
}

const PARTS = ['recommend', 'avl', 'quality', 'e2e'] as const;

type Province = ReturnType<typeof generateGeography>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

function actor(role: 'city_dispatcher' | 'station_chief', id: string, path: string): Actor {
  return {
    userId: '00000000-0000-0000-0000-000000000001',
    username: `bench-${role}`,
    sessionId: 'bench',
    assignments: [{ role, jurisdictionId: id, jurisdictionPath: path }],
    grants: [],
  };
}

/** Seeds the graph, one station and `units` available units with crews (every 5th has a negotiator). */
async function seed(database: Database, province: Province, graphBytes: Uint8Array, units: number, rng: GeoRng) {
  const db = database.db;
  await db.execute(
    sql`insert into road_graphs (name, graph, vertex_count, edge_count) values ('demo', decode(${Buffer.from(graphBytes).toString('hex')}, 'hex'), 0, 0)`,
  );
  await db.execute(sql`insert into jurisdictions (id, parent_id, level, name, path) values
    ('44', null, 'province', '省', '/44/'), ('4401', '44', 'city', '市', '/44/4401/'),
    ('440101', '4401', 'county', '区', '/44/4401/440101/'),
    ('440101001', '440101', 'station', '所', '/44/4401/440101/440101001/')`);
  const rows = Array.from({ length: units }, (_, i) => {
    const a = province.addresses[Math.floor(rng.next() * province.addresses.length)]!;
    return { id: `u${i}`, call_sign: `B${String(i).padStart(4, '0')}`, lon: a.location[0], lat: a.location[1] };
  });
  await db.execute(sql`insert into units (id, call_sign, type, jurisdiction_id, home_lon, home_lat, status, shift_started_at)
    select id, call_sign, case when right(id, 1) = '0' then 'special' else 'patrol_car' end, '440101001', lon, lat,
           'available', now() - interval '2 hours'
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id text, call_sign text, lon float8, lat float8)`);
  await db.execute(sql`insert into officers (id, police_number, name, sex, birth_date, id_number, rank, post, jurisdiction_id, unit_id)
    select 'o' || g, lpad(g::text, 6, '0'), '警员', 'M', '1990-01-01', 'ID' || g, '警员', 'patrol', '440101001', 'u' || g
      from generate_series(0, ${units - 1}) g`);
  await db.execute(sql`insert into officer_skills (officer_id, skill, level, jurisdiction_id)
    select 'o' || g, 'negotiation', 2, '440101001' from generate_series(0, ${units - 1}, 5) g`);
  // Planner statistics, as autovacuum would gather them after a bulk load (without them PostgreSQL picks
  // nested loops over 1,000 × 1,000 rows for the crew-capability query).
  await db.execute(sql`analyze units, officers, officer_skills, equipment`);
  return rows;
}

async function runOn(
  database: Database,
  province: Province,
  graphBytes: Uint8Array,
  opts: Required<Pick<BenchCadOptions, 'units' | 'searches' | 'positions' | 'seed'>>,
): Promise<Record<string, unknown>> {
  const rng = new GeoRng(opts.seed, 'cad-bench');
  const units = await seed(database, province, graphBytes, opts.units, rng);
  let audits = 0;
  const sink = { append: async () => void audits++ };
  const dispatcher: RequestContext = systemContext(database.db, sink, {
    actor: actor('city_dispatcher', '4401', '/44/4401/'),
  });
  const chief: RequestContext = systemContext(database.db, sink, {
    actor: actor('station_chief', '440101001', '/44/4401/440101/440101001/'),
  });

  // AVL ingest: one fix per unit per batch, each batch a few seconds later, jittered around the home base.
  const batches = Math.max(1, Math.ceil(opts.positions / units.length));
  const base = Date.now() - (batches + 5) * 5_000;
  let accepted = 0;
  const i0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const at = new Date(base + b * 5_000).toISOString();
    const positions: PositionItemDto[] = units.map((u) => ({
      unitId: u.id,
      lon: u.lon + (rng.next() - 0.5) * 0.002,
      lat: u.lat + (rng.next() - 0.5) * 0.002,
      recordedAt: at,
      speedKmh: 30,
      heading: 90,
    }));
    accepted += (await ingestPositionBatch(chief, positions)).accepted;
  }
  const ingestSec = (performance.now() - i0) / 1000;
  const q0 = performance.now();
  const listed = await listUnits(dispatcher, { staleAfterSec: 3_600 });
  const listMs = performance.now() - q0;
  const live = listed.filter((u) => u.position && !u.position.stale).length;

  // Recommendation over random scenes.
  const measure = async (requiredSkills?: string[], incidentType?: string) => {
    const ms: number[] = [];
    const searchMs: number[] = [];
    const solveMs: number[] = [];
    let recommended = 0;
    for (let k = 0; k < opts.searches + 10; k++) {
      const a = province.addresses[Math.floor(rng.next() * province.addresses.length)]!;
      const t = performance.now();
      const r = await recommendUnits(dispatcher, {
        lon: a.location[0],
        lat: a.location[1],
        count: 3,
        staleAfterSec: 3_600,
        requiredSkills,
        incidentType,
      });
      const dt = performance.now() - t;
      if (k >= 10) {
        ms.push(dt);
        searchMs.push(r.searchMs);
        if (r.runCard) solveMs.push(r.runCard.solveMs);
        recommended += r.recommended.length;
      }
    }
    ms.sort((x, y) => x - y);
    searchMs.sort((x, y) => x - y);
    solveMs.sort((x, y) => x - y);
    return {
      ...(solveMs.length
        ? { runCardSolveP50Ms: round(percentile(solveMs, 50)), runCardSolveP99Ms: round(percentile(solveMs, 99)) }
        : {}),
      p50Ms: round(percentile(ms, 50)),
      p99Ms: round(percentile(ms, 99)),
      roadSearchP50Ms: round(percentile(searchMs, 50)),
      roadSearchP99Ms: round(percentile(searchMs, 99)),
      meanRecommended: round(recommended / opts.searches),
    };
  };
  const plain = await measure();
  const withSkill = await measure(['negotiation']);
  // Run card of an armed robbery (2 patrol + 1 special; every 10th unit is special), filled with HiGHS.
  const withRunCard = await measure(undefined, 'criminal.robbery');
  return {
    avl: {
      positions: accepted,
      batches,
      batchSize: units.length,
      positionsPerSec: Math.round(accepted / ingestSec),
      auditEntries: audits,
      latestListMs: round(listMs),
      liveUnitsListed: live,
    },
    recommend: { liveUnits: opts.units, searches: opts.searches, ...plain, withRequiredSkill: withSkill, withRunCard },
  };
}

/** Runs the dispatch benchmarks and returns one result object. */
export async function benchCad(opts: BenchCadOptions = {}): Promise<Record<string, unknown>> {
  const parts = new Set(opts.only ? opts.only.split(',').map((p) => p.trim()) : PARTS);
  const unknown = [...parts].filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; use ${PARTS.join(', ')}`);
  const out: Record<string, unknown> = {};
  if (parts.has('recommend') || parts.has('avl')) Object.assign(out, await benchRecommendAndAvl(opts));
  if (parts.has('quality')) {
    out.quality = await benchCadQuality({ days: opts.days, callsPerDay: opts.callsPerDay, seed: opts.seed });
  }
  if (parts.has('e2e')) {
    out.e2e = await benchCadE2e({
      rate: opts.rate,
      seconds: opts.seconds,
      pgUrl: opts.pgUrl,
      seed: opts.seed,
      sweep: opts.sweep,
    });
  }
  return out;
}

/** Recommendation latency and AVL ingest on the province graph (PGlite, and PostgreSQL with a URL). */
async function benchRecommendAndAvl(opts: BenchCadOptions): Promise<Record<string, unknown>> {
  const o = {
    units: opts.units ?? 1_000,
    searches: opts.searches ?? 200,
    positions: opts.positions ?? 20_000,
    seed: opts.seed ?? 110,
  };
  const g0 = performance.now();
  const province = generateGeography({ seed: o.seed, scale: 'province' });
  const graph = buildRoadGraph(province.roads);
  const graphBytes = serializeGraph(graph);
  const out: Record<string, unknown> = {
    graph: { vertices: graph.vertexCount, edges: graph.edgeCount, buildMs: Math.round(performance.now() - g0) },
  };

  const pglite = await openDatabase({});
  try {
    await migrate(pglite);
    out.pglite = await runOn(pglite, province, graphBytes, o);
  } finally {
    await pglite.close();
  }

  const adminUrl = opts.pgUrl ?? process.env.JW_TEST_PG_URL;
  if (adminUrl) {
    const { url, name } = await createServerDatabase(adminUrl);
    const pgdb = await openDatabase({ url });
    try {
      await migrate(pgdb);
      out.postgres = await runOn(pgdb, province, graphBytes, o);
    } finally {
      await pgdb.close();
      await dropServerDatabase(adminUrl, name);
    }
  } else out.postgres = 'skipped: no PostgreSQL URL (--pg)';
  return out;
}
