/**
 * The device line protocol over a real TCP socket and a real WebSocket, against the app on a real database:
 * authentication (required, bad token, revoked session, timeout), positions stored and readable through
 * GET /api/units, units outside the actor's rights refused, malformed lines answered without dropping the
 * connection, status changes, and POS lines batched into few transactions.
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { insertJurisdictions, insertUser } from '../../../../test/helpers/factories.ts';
import type { RoleCode } from '../../../contracts/roles.ts';

/** The parts of a `ws` client socket these tests use (`ws` ships no type declarations). */
interface WsClient {
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'open' | 'close', fn: () => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  send(text: string): void;
  close(): void;
}
const WebSocketClient = createRequire(import.meta.url)('ws') as new (url: string) => WsClient;

let t: TestApp;
let httpBase: string;
const token: Record<string, string> = {};

async function as(name: string, role: RoleCode, jurisdictionId: string): Promise<void> {
  const u = await insertUser(t.database.db, { username: name.toLowerCase(), roles: [{ role, jurisdictionId }] });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: u.username, password: u.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  token[name] = res.json<{ accessToken: string }>().accessToken;
}

/** A device connection: send lines, await reply lines in order, see when the server closed it. */
interface Device {
  send(...lines: string[]): void;
  sendRaw(text: string): void;
  next(waitMs?: number): Promise<string>;
  replies(n: number): Promise<string[]>;
  closed: Promise<void>;
  isClosed(): boolean;
  close(): void;
}

function lineQueue() {
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  let closed = false;
  let onClose: () => void = () => undefined;
  const closedP = new Promise<void>((r) => (onClose = r));
  return {
    push(l: string) {
      const w = waiters.shift();
      if (w) w(l);
      else lines.push(l);
    },
    end() {
      closed = true;
      onClose();
    },
    next(waitMs = 5_000): Promise<string> {
      const l = lines.shift();
      if (l !== undefined) return Promise.resolve(l);
      if (closed) return Promise.reject(new Error('connection closed'));
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply within ${waitMs} ms`)), waitMs);
        waiters.push((x) => {
          clearTimeout(timer);
          resolve(x);
        });
      });
    },
    closed: closedP,
    isClosed: () => closed,
  };
}

async function connectTcp(): Promise<Device> {
  const socket = net.connect(t.app.devices.tcpPort!, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const q = lineQueue();
  let buf = '';
  socket.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      q.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  socket.on('close', () => q.end());
  socket.on('error', () => undefined);
  const device: Device = {
    send: (...lines) => socket.write(lines.map((l) => `${l}\r\n`).join('')),
    sendRaw: (text) => socket.write(text),
    next: q.next,
    replies: async (n) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(await q.next());
      return out;
    },
    closed: q.closed,
    isClosed: q.isClosed,
    close: () => socket.destroy(),
  };
  return device;
}

async function connectWs(): Promise<Device> {
  const ws = new WebSocketClient(`${httpBase.replace('http', 'ws')}/api/devices/ws`);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const q = lineQueue();
  ws.on('message', (data) => q.push(data.toString('utf8')));
  ws.on('close', () => q.end());
  ws.on('error', () => undefined);
  return {
    send: (...lines) => ws.send(lines.join('\n')),
    sendRaw: (text) => ws.send(text),
    next: q.next,
    replies: async (n) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(await q.next());
      return out;
    },
    closed: q.closed,
    isClosed: q.isClosed,
    close: () => ws.close(),
  };
}

async function unit(id: string): Promise<{ status: string; position: { lon: number; lat: number } | null }> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/units',
    headers: { authorization: `Bearer ${token.chiefEast}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  const found = res
    .json<{ items: { id: string; status: string; position: { lon: number; lat: number } | null }[] }>()
    .items.find((u) => u.id === id);
  expect(found, `unit ${id} listed`).toBeDefined();
  return found!;
}

async function auditCount(action: string): Promise<number> {
  const pattern = `%"action":"${action}"%`;
  const [r] = await query<{ n: number }>(
    t.database.db,
    sql`select ((select count(*) from audit_queue where convert_from(entry, 'UTF8') like ${pattern})
              + (select count(*) from audit_entries where convert_from(entry, 'UTF8') like ${pattern}))::int as n`,
  );
  return r!.n;
}

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

beforeAll(async () => {
  t = await createTestApp({ DEVICE_TCP_PORT: '0' });
  await insertJurisdictions(t.database.db);
  await t.database.db.execute(sql`insert into units (id, call_sign, type, jurisdiction_id, home_lon, home_lat, status)
    values ('tcp-east', '东T1', 'patrol_car', '440103001', 113.30, 23.10, 'available'),
           ('ws-east', '东W1', 'patrol_car', '440103001', 113.30, 23.10, 'available'),
           ('west-1', '西01', 'patrol_car', '440104001', 113.20, 23.00, 'available')`);
  await as('chiefEast', 'station_chief', '440103001');
  await as('patrolEast', 'patrol_officer', '440103001');
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  httpBase = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('device TCP port', () => {
  it('is off without DEVICE_TCP_PORT and listening with it', async () => {
    expect(t.app.devices.tcpPort).toBeGreaterThan(0);
    const other = await createTestApp();
    try {
      expect(other.app.devices.tcpPort).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe.each([
  { transport: 'tcp', connect: connectTcp, unitId: 'tcp-east' },
  { transport: 'ws', connect: connectWs, unitId: 'ws-east' },
])('device line protocol over $transport', ({ connect, unitId }) => {
  it('answers PING, but refuses POS and STATUS before AUTH', async () => {
    const d = await connect();
    try {
      d.send('PING', `POS ${unitId} 113.31 23.11 ${iso(1000)}`, `STATUS ${unitId} busy`);
      expect(await d.replies(3)).toEqual([
        'OK PONG',
        expect.stringMatching(/^ERR UNAUTHENTICATED /),
        expect.stringMatching(/^ERR UNAUTHENTICATED /),
      ]);
    } finally {
      d.close();
    }
  });

  it('refuses a bad token, and closes the connection after three failed AUTHs', async () => {
    const d = await connect();
    d.send('AUTH jwa_not-a-real-token', 'AUTH', 'AUTH x y', 'AUTH jwa_still-wrong');
    expect(await d.next()).toMatch(/^ERR SESSION_EXPIRED /);
    expect(await d.next()).toMatch(/^ERR UNAUTHENTICATED Usage: AUTH/); // malformed: no attempt counted
    expect(await d.next()).toMatch(/^ERR UNAUTHENTICATED Usage: AUTH/);
    expect(await d.next()).toMatch(/^ERR SESSION_EXPIRED /);
    d.send('AUTH jwa_third', 'PING');
    expect(await d.next()).toMatch(/^ERR SESSION_EXPIRED /);
    expect(await d.next()).toMatch(/^ERR UNAUTHENTICATED 3 failed AUTH attempts/);
    await d.closed;
  });

  it('stores a POS, readable through GET /api/units, and refuses units outside the actor’s rights', async () => {
    const d = await connect();
    try {
      d.send(`AUTH ${token.chiefEast}`);
      expect(await d.next()).toBe('OK AUTH chiefeast');
      d.send(`POS ${unitId} 113.3123 23.1234 ${iso(2000)} 42.5 90`, `POS west-1 113.2 23.0 ${iso(2000)}`);
      expect(await d.replies(2)).toEqual([`OK POS ${unitId}`, 'ERR UNIT_NOT_FOUND No unit west-1 in your scope.']);
      expect((await unit(unitId)).position).toMatchObject({ lon: 113.3123, lat: 23.1234 });

      // Inside China only, and not from the future: refused per line, the rest of the batch is stored.
      d.send(
        `POS ${unitId} 2.35 48.85 ${iso(1500)}`,
        `POS ${unitId} 113.3 23.1 ${new Date(Date.now() + 3_600_000).toISOString()}`,
        `POS ${unitId} 113.3200 23.1300 ${iso(1000)}`,
      );
      expect(await d.replies(3)).toEqual([
        expect.stringMatching(/^ERR COORDINATES_INVALID /),
        expect.stringMatching(/^ERR VALIDATION_FAILED The device time is more than 60 s ahead/),
        `OK POS ${unitId}`,
      ]);
      expect((await unit(unitId)).position).toMatchObject({ lon: 113.32, lat: 23.13 });
    } finally {
      d.close();
    }
    // A patrol officer may see the unit but not report for it (not on its crew).
    const p = await connect();
    try {
      p.send(`AUTH ${token.patrolEast}`, `POS ${unitId} 113.33 23.14 ${iso(500)}`);
      expect(await p.replies(2)).toEqual([
        'OK AUTH patroleast',
        `ERR FORBIDDEN You may not report positions for unit ${unitId}.`,
      ]);
      expect((await unit(unitId)).position).toMatchObject({ lon: 113.32, lat: 23.13 });
    } finally {
      p.close();
    }
  });

  it('answers malformed lines with ERR and keeps the connection working', async () => {
    const d = await connect();
    try {
      d.send(`AUTH ${token.chiefEast}`);
      expect(await d.next()).toBe('OK AUTH chiefeast');
      d.send(
        'HELLO there',
        `POS ${unitId} east 23.1 ${iso(0)}`,
        `POS ${unitId} 113.3 91 ${iso(0)}`,
        `POS ${unitId} 113.3 23.1 yesterday`,
        `POS ${unitId} 113.3 23.1 2026-11-23T08:00:00`,
        `POS ${unitId} 113.3 23.1 ${iso(0)} 42 360`,
        `POS ${unitId} 113.3`,
        `STATUS ${unitId} flying`,
        'PING extra',
        `POS ${'x'.repeat(2000)} 113.3 23.1 ${iso(0)}`,
        '',
        'PING',
      );
      const replies = await d.replies(11);
      expect(replies.map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual([
        'ERR DEVICE_COMMAND_UNKNOWN',
        'ERR VALIDATION_FAILED',
        'ERR VALIDATION_FAILED',
        'ERR VALIDATION_FAILED',
        'ERR VALIDATION_FAILED',
        'ERR VALIDATION_FAILED',
        'ERR VALIDATION_FAILED',
        'ERR VALIDATION_FAILED',
        'ERR VALIDATION_FAILED',
        'ERR DEVICE_LINE_TOO_LONG',
        'OK PONG',
      ]);
      expect(replies[7]).toContain('status must be one of: available');
      expect(d.isClosed()).toBe(false);
    } finally {
      d.close();
    }
  });

  it('changes a unit’s status (legal transitions only) as the HTTP route does', async () => {
    const d = await connect();
    try {
      d.send(`AUTH ${token.chiefEast}`, `STATUS ${unitId} busy 处理其他警务`, `STATUS ${unitId} on_scene`);
      expect(await d.replies(3)).toEqual([
        'OK AUTH chiefeast',
        `OK STATUS ${unitId} busy`,
        expect.stringMatching(/^ERR UNIT_STATUS_TRANSITION /),
      ]);
      expect((await unit(unitId)).status).toBe('busy');
      d.send(`STATUS west-1 busy`, `STATUS ${unitId} available`);
      expect(await d.replies(2)).toEqual([
        expect.stringMatching(/^ERR UNIT_NOT_FOUND /),
        `OK STATUS ${unitId} available`,
      ]);
      expect((await unit(unitId)).status).toBe('available');
    } finally {
      d.close();
    }
  });

  it('batches a burst of POS lines into few transactions and answers each line in order', async () => {
    const d = await connect();
    try {
      d.send(`AUTH ${token.chiefEast}`);
      expect(await d.next()).toBe('OK AUTH chiefeast');
      const before = await auditCount('avl.ingest');
      // Newer than the fixes of the tests before (the latest position only moves forward), within the 60 s
      // a device clock may be ahead.
      const start = Date.now();
      const lines = Array.from(
        { length: 300 },
        (_, i) => `POS ${unitId} ${(113.3 + i * 1e-4).toFixed(4)} 23.1 ${new Date(start + i * 100).toISOString()}`,
      );
      d.send(...lines);
      const replies = await d.replies(300);
      expect(replies.every((r) => r === `OK POS ${unitId}`)).toBe(true);
      const batches = (await auditCount('avl.ingest')) - before;
      expect(batches).toBeGreaterThanOrEqual(1);
      expect(batches).toBeLessThanOrEqual(10);
      expect((await unit(unitId)).position).toMatchObject({ lon: 113.3299, lat: 23.1 });
    } finally {
      d.close();
    }
  });

  it('announces stored positions on the units topic, as the HTTP route does', async () => {
    const abort = new AbortController();
    const res = await fetch(`${httpBase}/api/stream?topics=units`, {
      headers: { authorization: `Bearer ${token.patrolEast}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const d = await connect();
    try {
      // Newer than the burst above (up to 30 s ahead): only a fix that moves the latest position is announced.
      d.send(`AUTH ${token.chiefEast}`, `POS ${unitId} 113.3456 23.1456 ${iso(-45_000)}`);
      expect(await d.replies(2)).toEqual(['OK AUTH chiefeast', `OK POS ${unitId}`]);
      const deadline = Date.now() + 2_000;
      while (!text.includes('event: unit.position') && Date.now() < deadline) {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
      }
      const frame = text.slice(text.indexOf('event: unit.position'));
      expect(frame).toContain(`"id":"${unitId}"`);
      expect(frame).toContain('"lon":113.3456');
    } finally {
      d.close();
      abort.abort();
    }
  });

  it('stops a device whose session was revoked at its next line', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'chiefeast', password: 'Jingwu#2026pass' },
    });
    const own = login.json<{ accessToken: string }>().accessToken;
    const d = await connect();
    try {
      d.send(`AUTH ${own}`);
      expect(await d.next()).toBe('OK AUTH chiefeast');
      const out = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { authorization: `Bearer ${own}` },
      });
      expect(out.statusCode).toBeLessThan(300);
      d.send(`POS ${unitId} 113.3 23.1 ${iso(0)}`, `STATUS ${unitId} busy`);
      expect(await d.replies(2)).toEqual([
        expect.stringMatching(/^ERR SESSION_EXPIRED .*\(revoked\)$/),
        expect.stringMatching(/^ERR UNAUTHENTICATED /),
      ]);
    } finally {
      d.close();
    }
  });

  it('closes a connection that does not authenticate within 5 seconds', async () => {
    const d = await connect();
    const t0 = Date.now();
    expect(await d.next(8_000)).toMatch(/^ERR UNAUTHENTICATED No AUTH within 5 s/);
    await d.closed;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4_500);
  }, 10_000);
});
