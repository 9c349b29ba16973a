/**
 * Cross-instance fan-out: two app instances on one PostgreSQL database (as behind a load balancer). An event
 * published on instance A reaches the streams open on instance B within a second, B applies the policy to its
 * own connections, large payloads travel through the outbox, A's own echo is not delivered twice, and B's
 * listener comes back (telling its clients to resync) after its connection is killed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { buildApp } from '../app.ts';
import { openDatabase, query, type Database } from '../db/client.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { testConfig } from '../../../test/helpers/config.ts';
import { skipWithoutPostgres } from '../../../test/helpers/env.ts';
import { insertJurisdictions, insertUser } from '../../../test/helpers/factories.ts';
import type { RoleCode } from '../../contracts/roles.ts';

const skip = skipWithoutPostgres();

interface Instance {
  app: FastifyInstance;
  base: string;
}

let database: TestDatabase;
let secondDb: Database;
let a: Instance;
let b: Instance;
const token: Record<string, string> = {};

async function start(db: Database): Promise<Instance> {
  const app = await buildApp({ config: testConfig(), database: db, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return { app, base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

async function as(name: string, role: RoleCode, jurisdictionId: string): Promise<void> {
  const u = await insertUser(database.db, { username: name.toLowerCase(), roles: [{ role, jurisdictionId }] });
  const res = await a.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: u.username, password: u.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  token[name] = res.json<{ accessToken: string }>().accessToken;
}

interface Frame {
  event?: string;
  id?: string;
  data?: Record<string, unknown>;
  at: number;
}

/** Opens `/api/stream` on an instance and collects parsed frames with their arrival time. */
async function openStream(on: Instance, who: string, topics: string) {
  const abort = new AbortController();
  const res = await fetch(`${on.base}/api/stream?topics=${topics}`, {
    headers: { authorization: `Bearer ${token[who]}` },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const frames: Frame[] = [];
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const f: Frame = { at: Date.now() };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) f.event = line.slice(7);
            else if (line.startsWith('id: ')) f.id = line.slice(4);
            else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6)) as Frame['data'];
          }
          if (f.event) frames.push(f);
        }
      }
    } catch {
      // aborted
    }
  })();
  const until = async (pred: () => boolean, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const events = (name: string) => frames.filter((f) => f.event === name);
  await until(() => events('hello').length === 1);
  return { frames, events, until, close: () => abort.abort() };
}

const EAST = '/44/4401/440103/440103001/';
const incidentAt = (path: string, id: string) => ({
  action: 'incident.read',
  resource: { type: 'incident', id, jurisdictionPath: path },
});

describe.skipIf(skip)('realtime across two app instances on one PostgreSQL database', () => {
  beforeAll(async () => {
    database = await createTestDatabase({ target: 'postgres' });
    secondDb = await openDatabase({ url: database.url! });
    a = await start(database);
    b = await start(secondDb);
    await insertJurisdictions(database.db);
    await database.db.execute(sql`insert into units (id, call_sign, type, jurisdiction_id, home_lon, home_lat, status)
      values ('unit-east', '东01', 'patrol_car', '440103001', 113.3, 23.1, 'available')`);
    await as('chiefEast', 'station_chief', '440103001');
    await as('patrolEast', 'patrol_officer', '440103001');
    await as('patrolWest', 'patrol_officer', '440104001');
  }, 60_000);

  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    await secondDb?.close();
    await database?.close();
  });

  it('runs one listener per instance, each with its own id', () => {
    expect(a.app.realtime.clusterState).toBe('listening');
    expect(b.app.realtime.clusterState).toBe('listening');
    expect(a.app.realtime.instanceId).not.toBe(b.app.realtime.instanceId);
  });

  it('a unit status changed through instance A reaches a console on instance B within a second, per policy', async () => {
    const east = await openStream(b, 'patrolEast', 'units,system');
    const west = await openStream(b, 'patrolWest', 'units,system');
    const onA = await openStream(a, 'patrolEast', 'units');
    try {
      const sentAt = Date.now();
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/units/unit-east/status',
        headers: { authorization: `Bearer ${token.chiefEast}` },
        payload: { status: 'busy', reason: 'cluster test' },
      });
      expect(res.statusCode, res.body).toBe(200);
      await east.until(() => east.events('unit.status').length === 1, 1_000);
      const got = east.events('unit.status')[0]!;
      expect(got.data).toMatchObject({ id: 'unit-east', status: 'busy' });
      expect(got.at - sentAt).toBeLessThan(1_000);
      // B numbers the foreign event as its own, so Last-Event-ID works against B.
      expect(got.id).toMatch(new RegExp(`^${b.app.realtime.instanceId}-\\d+$`));

      // A marker every signed-in user may see, published after: once west has it, the unit event would have come.
      a.app.realtime.publish('system', { type: 'notice', data: { marker: 1 }, audience: 'authenticated' });
      await west.until(() => west.events('notice').length === 1, 1_000);
      expect(west.events('unit.status')).toHaveLength(0);

      // A delivers to its own console once: the echo of its own notification is ignored.
      await a.app.realtime.flush();
      await new Promise((r) => setTimeout(r, 200));
      expect(onA.events('unit.status')).toHaveLength(1);
      expect(east.events('unit.status')).toHaveLength(1);
    } finally {
      east.close();
      west.close();
      onA.close();
    }
  });

  it('keeps publish order and the audience of each event on the receiving instance', async () => {
    const east = await openStream(b, 'patrolEast', 'incidents');
    const west = await openStream(b, 'patrolWest', 'incidents');
    try {
      for (let i = 0; i < 50; i++) {
        a.app.realtime.publish('incidents', {
          type: 'incident.updated',
          data: { id: `i${i}`, n: i },
          audience: incidentAt(i % 2 === 0 ? EAST : '/44/4401/440104/440104001/', `i${i}`),
        });
      }
      await east.until(() => east.events('incident.updated').length === 25);
      await west.until(() => west.events('incident.updated').length === 25);
      expect(east.events('incident.updated').map((f) => f.data!.n)).toEqual(
        Array.from({ length: 25 }, (_, k) => 2 * k),
      );
      expect(west.events('incident.updated').map((f) => f.data!.n)).toEqual(
        Array.from({ length: 25 }, (_, k) => 2 * k + 1),
      );
    } finally {
      east.close();
      west.close();
    }
  });

  it('sends a payload too large for NOTIFY through the outbox, intact', async () => {
    const east = await openStream(b, 'patrolEast', 'incidents');
    try {
      const [before] = await query<{ n: number }>(database.db, sql`select count(*)::int as n from realtime_outbox`);
      const big = '警'.repeat(10_000); // 30,000 bytes in UTF-8
      a.app.realtime.publish('incidents', {
        type: 'incident.updated',
        data: { id: 'big', text: big },
        audience: incidentAt(EAST, 'big'),
      });
      a.app.realtime.publish('incidents', {
        type: 'incident.updated',
        data: { id: 'small-after' },
        audience: incidentAt(EAST, 'small-after'),
      });
      await east.until(() => east.events('incident.updated').length === 2, 1_000);
      const [first, second] = east.events('incident.updated');
      expect(first!.data).toEqual({ id: 'big', text: big });
      expect(second!.data).toEqual({ id: 'small-after' }); // not overtaken by the small one
      const [after] = await query<{ n: number }>(database.db, sql`select count(*)::int as n from realtime_outbox`);
      expect(after!.n).toBe(before!.n + 1);
    } finally {
      east.close();
    }
  });

  it('ignores a malformed notification and keeps delivering', async () => {
    const east = await openStream(b, 'patrolEast', 'incidents');
    try {
      await database.db.execute(sql`select pg_notify('jingwu_realtime', 'not json')`);
      await database.db.execute(
        sql`select pg_notify('jingwu_realtime', ${JSON.stringify({ origin: 'x', topic: 'incidents', type: 'Bad Type!', audience: 'authenticated', data: {} })})`,
      );
      await database.db.execute(
        sql`select pg_notify('jingwu_realtime', ${JSON.stringify({ origin: 'x', outbox: '999999999' })})`,
      );
      a.app.realtime.publish('incidents', {
        type: 'incident.updated',
        data: { id: 'ok' },
        audience: incidentAt(EAST, 'ok'),
      });
      await east.until(() => east.events('incident.updated').length === 1, 1_000);
      expect(east.frames.filter((f) => f.event !== 'hello').map((f) => f.event)).toEqual(['incident.updated']);
      expect(b.app.realtime.clusterState).toBe('listening');
    } finally {
      east.close();
    }
  });

  it('reconnects a killed listener, tells its clients to resync, and delivers again', async () => {
    const east = await openStream(b, 'patrolEast', 'incidents');
    try {
      const [killed] = await query<{ n: number }>(
        database.db,
        sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
             where application_name = ${`jingwu-realtime-${b.app.realtime.instanceId}`}`,
      );
      expect(killed!.n).toBe(1);
      await east.until(() => east.events('resync').length === 1, 5_000);
      expect(east.events('resync')[0]!.data).toEqual({ reason: 'cluster_reconnected' });
      expect(b.app.realtime.clusterState).toBe('listening');
      a.app.realtime.publish('incidents', {
        type: 'incident.updated',
        data: { id: 'after-reconnect' },
        audience: incidentAt(EAST, 'after-reconnect'),
      });
      await east.until(() => east.events('incident.updated').length === 1, 1_000);
    } finally {
      east.close();
    }
  });

  it('keeps sending through the pool while its own LISTEN connection is down', async () => {
    const east = await openStream(b, 'patrolEast', 'incidents');
    try {
      await database.db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity
             where application_name = ${`jingwu-realtime-${a.app.realtime.instanceId}`}`,
      );
      a.app.realtime.publish('incidents', {
        type: 'incident.updated',
        data: { id: 'while-a-deaf' },
        audience: incidentAt(EAST, 'while-a-deaf'),
      });
      await east.until(() => east.events('incident.updated').length === 1, 2_000);
      expect(east.events('incident.updated')[0]!.data).toEqual({ id: 'while-a-deaf' });
      const deadline = Date.now() + 5_000;
      while (a.app.realtime.clusterState !== 'listening' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(a.app.realtime.clusterState).toBe('listening');
    } finally {
      east.close();
    }
  });

  it('purges old outbox rows when an instance starts, and closes its listener when the app closes', async () => {
    await database.db.execute(sql`insert into realtime_outbox (payload, created_at)
      values ('{"old":true}', now() - interval '10 minutes'), ('{"fresh":true}', now())`);
    const c = await start(secondDb);
    const rows = async () =>
      (
        await query<{ payload: string }>(
          database.db,
          sql`select payload from realtime_outbox where payload like '{"old"%' or payload like '{"fresh"%'`,
        )
      ).map((r) => r.payload);
    const until = Date.now() + 2_000;
    while ((await rows()).length > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await rows()).toEqual(['{"fresh":true}']);

    const name = `jingwu-realtime-${c.app.realtime.instanceId}`;
    const count = async () =>
      (
        await query<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from pg_stat_activity where application_name = ${name}`,
        )
      )[0]!.n;
    expect(await count()).toBe(1);
    await c.app.close();
    expect(c.app.realtime.clusterState).toBe('closed');
    const deadline = Date.now() + 2_000;
    while ((await count()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(0);
  });
});
