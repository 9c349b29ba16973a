import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../db/client.ts';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../test/helpers/factories.ts';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  await insertJurisdictions(t.database.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await t?.close();
});

async function login(roles: { role: 'patrol_officer' | 'station_chief' | 'auditor'; jurisdictionId: string }[]) {
  const user = await insertUser(t.database.db, { roles });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user.username, password: user.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { user, token: res.json<{ accessToken: string }>().accessToken };
}

interface Message {
  event?: string;
  id?: string;
  data?: unknown;
  comment?: string;
}

/** Opens the stream with fetch and parses messages as they arrive. */
async function openStream(token: string | null, query = '', headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/stream${query}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    signal: abort.signal,
  });
  const messages: Message[] = [];
  let ended = false;
  let waiters: (() => void)[] = [];
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const m: Message = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) m.comment = line.slice(1).trim();
              else if (line.startsWith('event: ')) m.event = line.slice(7);
              else if (line.startsWith('id: ')) m.id = line.slice(4);
              else if (line.startsWith('data: ')) m.data = JSON.parse(line.slice(6));
            }
            messages.push(m);
          }
          waiters.forEach((w) => w());
          waiters = [];
        }
      } catch {
        // aborted
      }
      ended = true;
      waiters.forEach((w) => w());
    })();
  }
  const until = async (pred: () => boolean, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(messages)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return {
    res,
    messages,
    until,
    get ended() {
      return ended;
    },
    events: (name: string) => messages.filter((m) => m.event === name),
    close: () => abort.abort(),
  };
}

const incidentAt = (path: string) => ({
  action: 'incident.read',
  resource: { type: 'incident', jurisdictionPath: path },
});

describe('GET /api/stream (Server-Sent Events)', () => {
  it('refuses a request without a session, with a bad token, and with unknown query fields', async () => {
    const anonymous = await fetch(`${base}/api/stream`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');

    const forged = await fetch(`${base}/api/stream`, { headers: { authorization: 'Bearer jwa_forged' } });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe('SESSION_EXPIRED');

    const { token } = await login([{ role: 'patrol_officer', jurisdictionId: '440103001' }]);
    const unknown = await fetch(`${base}/api/stream?topics=incidents&token=${token}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unknown.status).toBe(400);
    const badTopic = await fetch(`${base}/api/stream?topics=Incidents;drop`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(badTopic.status).toBe(400);
  });

  it('says hello, then delivers published events of subscribed topics only to users the policy allows', async () => {
    const east = await login([{ role: 'patrol_officer', jurisdictionId: '440103001' }]);
    const west = await login([{ role: 'patrol_officer', jurisdictionId: '440104001' }]);
    const a = await openStream(east.token, '?topics=incidents,system');
    const b = await openStream(west.token, '?topics=incidents');
    try {
      expect(a.res.status).toBe(200);
      expect(a.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await a.until(() => a.events('hello').length === 1);
      await b.until(() => b.events('hello').length === 1);
      expect(a.events('hello')[0]!.data).toMatchObject({ topics: ['incidents', 'system'], heartbeatMs: 15000 });

      const r1 = t.app.realtime.publish('incidents', {
        type: 'incident.created',
        data: { id: 'i1' },
        audience: incidentAt('/44/4401/440103/440103001/'),
      });
      expect(r1.delivered).toBe(1);
      const r2 = t.app.realtime.publish('system', { type: 'notice', data: { text: 'hi' }, audience: 'authenticated' });
      expect(r2.delivered).toBe(1); // b did not subscribe to system
      const r3 = t.app.realtime.publish('incidents', {
        type: 'incident.created',
        data: { id: 'i2' },
        audience: incidentAt('/44/4401/440104/440104001/'),
      });
      expect(r3.delivered).toBe(1);
      // An action nobody holds reaches nobody (deny by default).
      const r4 = t.app.realtime.publish('incidents', {
        type: 'incident.created',
        data: { id: 'i3' },
        audience: { action: 'no.such_action', resource: { type: 'x', jurisdictionPath: '/44/' } },
      });
      expect(r4.delivered).toBe(0);

      await a.until(() => a.events('notice').length === 1);
      await b.until(() => b.events('incident.created').length === 1);
      expect(a.events('incident.created').map((m) => m.data)).toEqual([{ id: 'i1' }]);
      expect(a.events('incident.created')[0]!.id).toBe(r1.id);
      expect(b.events('incident.created').map((m) => m.data)).toEqual([{ id: 'i2' }]);
      expect(b.events('notice')).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('runs without a cluster bus on the embedded database (one process), or joins one on PostgreSQL', async () => {
    expect(t.app.realtime.clusterState).toBe(t.database.kind === 'pglite' ? 'single' : 'listening');
    expect(t.app.realtime.instanceId).toMatch(/^[0-9a-f]{12}$/);
    await t.app.realtime.flush(); // resolves at once without a bus
  });

  it('rejects malformed topics and event names at publish time', () => {
    expect(() => t.app.realtime.publish('Bad Topic', { type: 'x', data: 1, audience: 'authenticated' })).toThrow(
      /topic/,
    );
    expect(() =>
      t.app.realtime.publish('system', { type: 'x\ndata: injected', data: 1, audience: 'authenticated' }),
    ).toThrow(/event type/);
  });

  it('replays missed events after Last-Event-ID, and asks for a resync when it cannot', async () => {
    const { token } = await login([{ role: 'station_chief', jurisdictionId: '440103001' }]);
    const first = t.app.realtime.publish('incidents', {
      type: 'incident.updated',
      data: { n: 1 },
      audience: incidentAt('/44/4401/440103/440103001/'),
    });
    t.app.realtime.publish('incidents', {
      type: 'incident.updated',
      data: { n: 2 },
      audience: incidentAt('/44/4401/440103/440103001/'),
    });
    t.app.realtime.publish('incidents', {
      type: 'incident.updated',
      data: { n: 3, elsewhere: true },
      audience: incidentAt('/44/4402/'),
    });
    const s = await openStream(token, '?topics=incidents', { 'last-event-id': first.id });
    try {
      await s.until(() => s.events('incident.updated').length >= 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(s.events('incident.updated').map((m) => m.data)).toEqual([{ n: 2 }]);
    } finally {
      s.close();
    }
    for (const stale of ['000000000000-1', 'garbage', `${first.id.split('-')[0]}-999999999`]) {
      const r = await openStream(token, '?topics=incidents', { 'last-event-id': stale });
      try {
        await r.until(() => r.events('resync').length === 1);
      } finally {
        r.close();
      }
    }
  });

  it('sends heartbeats and ends the stream once the session is revoked', async () => {
    const { user, token } = await login([{ role: 'patrol_officer', jurisdictionId: '440103001' }]);
    const s = await openStream(token, '?topics=incidents');
    try {
      await s.until(() => s.events('hello').length === 1);
      await t.app.realtime.tick();
      await s.until(() => s.messages.some((m) => m.comment?.startsWith('heartbeat')));
      expect(s.ended).toBe(false);

      await t.database.db.execute(sql`update sessions set revoked_at = now() where user_id = ${user.id}`);
      await t.app.realtime.tick();
      await s.until(() => s.ended);
      expect(s.events('end')[0]!.data).toMatchObject({ reason: expect.any(String) });
      // Events published afterwards go nowhere.
      const after = t.app.realtime.publish('incidents', {
        type: 'incident.created',
        data: {},
        audience: incidentAt('/44/4401/440103/440103001/'),
      });
      expect(after.delivered).toBe(0);
    } finally {
      s.close();
    }
  });

  it('re-checks streams sharing a session once, and ends all of them, leaving other sessions alone', async () => {
    const revoked = await login([{ role: 'patrol_officer', jurisdictionId: '440103001' }]);
    const kept = await login([{ role: 'patrol_officer', jurisdictionId: '440103001' }]);
    const streams = [
      await openStream(revoked.token, '?topics=incidents'),
      await openStream(revoked.token, '?topics=incidents'),
      await openStream(revoked.token, '?topics=system'),
      await openStream(kept.token, '?topics=incidents'),
    ];
    try {
      for (const s of streams) await s.until(() => s.events('hello').length === 1);
      await t.database.db.execute(sql`update sessions set revoked_at = now() where user_id = ${revoked.user.id}`);
      await t.app.realtime.tick();
      for (const s of streams.slice(0, 3)) {
        await s.until(() => s.ended);
        expect(s.events('end')[0]!.data).toEqual({ reason: 'revoked' });
      }
      const r = t.app.realtime.publish('incidents', {
        type: 'incident.created',
        data: { id: 'still-here' },
        audience: incidentAt('/44/4401/440103/440103001/'),
      });
      expect(r.delivered).toBe(1);
      await streams[3]!.until(() => streams[3]!.events('incident.created').length === 1);
      expect(streams[3]!.ended).toBe(false);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('does not keep an idle session alive: heartbeat re-checks are not activity', async () => {
    const { user, token } = await login([{ role: 'patrol_officer', jurisdictionId: '440103001' }]);
    const s = await openStream(token, '?topics=incidents');
    try {
      await s.until(() => s.events('hello').length === 1);
      const lastSeen = async () =>
        (
          await query<{ t: string }>(
            t.database.db,
            sql`select last_seen_at::text as t from sessions where user_id = ${user.id}`,
          )
        )[0]!.t;
      // Pretend the user has been away for 10 minutes (the stream stays open all the while).
      await t.database.db.execute(
        sql`update sessions set last_seen_at = now() - interval '10 minutes' where user_id = ${user.id}`,
      );
      const before = await lastSeen();
      await t.app.realtime.tick();
      await t.app.realtime.tick();
      expect(s.ended).toBe(false);
      expect(await lastSeen()).toBe(before);
    } finally {
      s.close();
    }
  });

  it('limits streams per session and frees the slot when a client disconnects', async () => {
    const { token } = await login([{ role: 'patrol_officer', jurisdictionId: '440103001' }]);
    const streams = [];
    for (let i = 0; i < 4; i++) {
      const s = await openStream(token);
      await s.until(() => s.events('hello').length === 1);
      streams.push(s);
    }
    const fifth = await fetch(`${base}/api/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect(fifth.status).toBe(429);
    expect((await fifth.json()).error.code).toBe('RATE_LIMITED');
    const before = t.app.realtime.connectionCount;
    streams.pop()!.close();
    const deadline = Date.now() + 5_000;
    while (t.app.realtime.connectionCount >= before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const again = await openStream(token);
    try {
      expect(again.res.status).toBe(200);
    } finally {
      again.close();
      streams.forEach((s) => s.close());
    }
  });

  it('ends open streams when the app closes, so shutdown does not hang', async () => {
    const other = await createTestApp();
    try {
      await insertJurisdictions(other.database.db);
      const user = await insertUser(other.database.db, {
        roles: [{ role: 'patrol_officer', jurisdictionId: '440103001' }],
      });
      const login = await other.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: user.username, password: user.password },
      });
      await other.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = other.app.server.address();
      const res = await fetch(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/stream`, {
        headers: { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` },
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      const started = Date.now();
      await other.app.close();
      expect(Date.now() - started).toBeLessThan(3_000);
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain('"reason":"server_shutdown"');
    } finally {
      await other.database.close();
    }
  });
});
