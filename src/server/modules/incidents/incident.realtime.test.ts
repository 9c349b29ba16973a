/**
 * Live updates: a new or changed incident reaches, over the real SSE stream, the consoles whose user may read
 * it — and only them — carrying no caller data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { systemContext } from '../../context.ts';
import { seedDemo } from '../../../demo/demo.seed.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertUser } from '../../../../test/helpers/factories.ts';
import type { RoleCode } from '../../../contracts/roles.ts';

let t: TestApp;
let base: string;
const token: Record<string, string> = {};
const place: Record<'a' | 'b', { lon: number; lat: number; stationId: string }> = {} as never;

async function as(name: string, role: RoleCode, jurisdictionId: string): Promise<void> {
  const u = await insertUser(t.database.db, { username: name, roles: [{ role, jurisdictionId }] });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: u.username, password: u.password },
  });
  token[name] = res.json<{ accessToken: string }>().accessToken;
}

interface Frame {
  event?: string;
  data?: { id?: string } & Record<string, unknown>;
}

/** Opens `/api/stream?topics=incidents` and collects parsed frames. */
async function openStream(who: string) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/stream?topics=incidents`, {
    headers: { authorization: `Bearer ${token[who]}` },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const frames: Frame[] = [];
  const raw: string[] = [];
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
          raw.push(block);
          const f: Frame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) f.event = line.slice(7);
            else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6)) as Frame['data'];
          }
          frames.push(f);
        }
      }
    } catch {
      // aborted
    }
  })();
  const until = async (pred: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { frames, raw, until, close: () => abort.abort() };
}

async function intake(at: { lon: number; lat: number }, description: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/incidents',
    headers: { authorization: `Bearer ${token.rtdispatcher}` },
    payload: {
      callerName: '钱多多',
      callerPhone: '13711112222',
      lon: at.lon,
      lat: at.lat,
      category: 'dispute',
      subType: 'dispute.neighbour',
      description,
      channel: 'phone',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ incident: { id: string } }>().incident.id;
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink), { scale: 'small', seed: 3 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const rows = await query<{ path: string; lon: number; lat: number }>(
    t.database.db,
    sql`select j.path, a.lon, a.lat from addresses a join jurisdictions j on j.id = a.grid_id order by a.id`,
  );
  const seg = (p: string) => p.split('/').filter(Boolean);
  const first = rows[0]!;
  const other = rows.find((r) => seg(r.path)[2] !== seg(first.path)[2])!;
  place.a = { lon: Number(first.lon), lat: Number(first.lat), stationId: seg(first.path)[3]! };
  place.b = { lon: Number(other.lon), lat: Number(other.lat), stationId: seg(other.path)[3]! };
  await as('rtdispatcher', 'city_dispatcher', seg(first.path)[0]!);
  await as('chiefa', 'station_chief', place.a.stationId);
  await as('chiefb', 'station_chief', place.b.stationId);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('incidents topic', () => {
  it('reaches consoles that may read the incident, not another county’s, without caller data', async () => {
    const a = await openStream('chiefa');
    const b = await openStream('chiefb');
    try {
      const idA = await intake(place.a, 'realtime A');
      const idB = await intake(place.b, 'realtime B');
      await a.until(() => a.frames.some((f) => f.event === 'incident.created' && f.data?.id === idA));
      await b.until(() => b.frames.some((f) => f.event === 'incident.created' && f.data?.id === idB));
      expect(a.frames.some((f) => f.data?.id === idB)).toBe(false);
      expect(b.frames.some((f) => f.data?.id === idA)).toBe(false);
      const all = [...a.raw, ...b.raw].join('\n');
      for (const secret of ['钱多多', '13711112222', 'realtime A', 'realtime B']) expect(all).not.toContain(secret);
      // A transition is announced too.
      const moved = await t.app.inject({
        method: 'POST',
        url: `/api/incidents/${idA}/transitions`,
        headers: { authorization: `Bearer ${token.rtdispatcher}` },
        payload: { transition: 'grade' },
      });
      expect(moved.statusCode).toBe(200);
      await a.until(() =>
        a.frames.some((f) => f.event === 'incident.updated' && f.data?.id === idA && f.data.status === 'graded'),
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
