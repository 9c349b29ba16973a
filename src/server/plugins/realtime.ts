/**
 * Live updates to the web console over Server-Sent Events: `GET /api/stream?topics=a,b`.
 *
 * - **Authentication.** The stream is an ordinary authenticated request (`Authorization: Bearer`): the client
 *   reads it with `fetch()` (EventSource cannot send headers), so no token ever appears in a URL or a log line,
 *   and any instance can serve any client (no per-instance tickets). The access token is re-checked on every
 *   heartbeat (`tick`): a revoked session, a disabled account, a forced password change or the access token's
 *   expiry ends the stream with `event: end` (`data.reason`), and the client reconnects with a fresh token.
 * - **Who receives what.** Modules publish with `app.realtime.publish(topic, { type, data, audience })`. The
 *   audience is the policy question "may this user `action` this `resource`?" (`can()` from the policy module,
 *   deny by default), asked per connection with the actor as of its latest heartbeat; or `'authenticated'`
 *   for notices every signed-in user may see. Clients subscribe to topics; an event reaches a connection only
 *   when both the topic and the policy match.
 * - **Reconnects.** Event ids are `<instance>-<sequence>`. A client that reconnects with `Last-Event-ID` gets the
 *   events it missed from a bounded in-memory buffer; when they are gone (or it was another instance), it gets
 *   `event: resync` and must reload what it shows.
 * - **Heartbeat.** A comment line every `heartbeatMs` keeps proxies from closing idle streams and lets the client
 *   detect a dead connection (no bytes for 2.5 heartbeats ⇒ reconnect).
 *
 * **Several instances** (PostgreSQL only; `realtime.cluster.ts`). `publish` delivers to this instance's own
 * connections at once, then queues the event for the others (fire-and-forget, in order): `pg_notify(
 * 'jingwu_realtime', {origin, seq, topic, type, data, audience})`, or — above 7,500 bytes, NOTIFY's limit being
 * 8,000 — a `realtime_outbox` row whose id the notification carries. Every instance `LISTEN`s on one dedicated
 * connection, ignores its own echo, and hands foreign events to the same buffer-and-deliver path as local ones, so
 * the audience check runs on the receiving instance against its own connections' actors. Foreign events get a
 * local id (`<this instance>-<seq>`): `Last-Event-ID` replays on the instance that served the stream; a client
 * that reconnects to another instance gets `resync`, and so does every client of an instance whose LISTEN
 * connection dropped and came back (events may have been missed). On PGlite (one process) there is no bus.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../contracts/common.schemas.ts';
import { systemContext, type Actor } from '../context.ts';
import { AppError } from '../errors.ts';
import { authenticate } from '../modules/auth/auth.service.ts';
import { authSettings } from '../modules/auth/auth.settings.ts';
import { can, type Resource } from '../modules/policy/policy.ts';
import { startPostgresBus, type ClusterBus, type ClusterMessage } from './realtime.cluster.ts';

/** Who may receive an event: everyone signed in, or whoever the policy allows `action` on `resource`. */
export type RealtimeAudience = 'authenticated' | { action: string; resource: Resource };

export interface RealtimeEvent {
  /** Event name on the wire (`event:` field), e.g. `incident.created`. */
  type: string;
  /** JSON-serialisable payload; already shaped by the publishing module's presenter (masking applied). */
  data: unknown;
  audience: RealtimeAudience;
}

export interface Realtime {
  /** Delivers an event to every subscribed connection the audience allows; returns its id and delivery count. */
  publish(topic: string, event: RealtimeEvent): { id: string; delivered: number };
  /** Runs one heartbeat round now: heartbeat comment to all, then re-checks every connection's session. */
  tick(): Promise<void>;
  /** Open streams on this instance. */
  readonly connectionCount: number;
  /** Random id of this app instance (prefix of its event ids). */
  readonly instanceId: string;
  /** `single` on PGlite; on PostgreSQL whether the LISTEN connection for other instances' events is up. */
  readonly clusterState: 'single' | 'listening' | 'disconnected' | 'closed';
  /** Resolves when the events published so far have been handed to the other instances (tests, shutdown). */
  flush(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
  }
}

const NAME = '^[a-z][a-z0-9_.-]{0,63}$';
const NAME_RE = new RegExp(NAME);
const TOPICS_RE = /^[a-z][a-z0-9_.-]{0,63}(,[a-z][a-z0-9_.-]{0,63}){0,19}$/;
const HEARTBEAT_MS = 15_000;
const REPLAY_BUFFER = 1_000;
const MAX_STREAMS_PER_SESSION = 4;
/** Session re-checks in flight at once during a heartbeat. */
const RECHECK_CONCURRENCY = 4;
/** A client this far behind (bytes queued in the socket) is dropped rather than buffered without end. */
const MAX_BACKLOG_BYTES = 1 << 20;

const StreamQuery = Type.Object(
  {
    topics: Type.Optional(
      Type.String({
        pattern: TOPICS_RE.source,
        description: 'Comma-separated topic names (at most 20); default: system',
      }),
    ),
  },
  { additionalProperties: false },
);

interface Connection {
  id: string;
  requestId: string;
  raw: ServerResponse;
  token: string;
  actor: Actor;
  topics: Set<string>;
  checking: boolean;
}

interface Buffered {
  seq: number;
  topic: string;
  audience: RealtimeAudience;
  frame: string;
}

function allowed(actor: Actor, audience: RealtimeAudience, now: Date): boolean {
  if (audience === 'authenticated') return true;
  return can(actor, audience.action, audience.resource, { now });
}

function frame(id: string, type: string, dataJson: string): string {
  // JSON.stringify never emits a raw newline, so the payload is always one `data:` line.
  return `id: ${id}\nevent: ${type}\ndata: ${dataJson}\n\n`;
}

function isAudience(v: unknown): v is RealtimeAudience {
  if (v === 'authenticated') return true;
  if (typeof v !== 'object' || v === null) return false;
  const a = v as { action?: unknown; resource?: { type?: unknown; jurisdictionPath?: unknown } | null };
  return (
    typeof a.action === 'string' &&
    typeof a.resource === 'object' &&
    a.resource !== null &&
    typeof a.resource.type === 'string' &&
    typeof a.resource.jurisdictionPath === 'string'
  );
}

function control(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Builds the realtime hub for one app; exported for the plugin below. */
function createHub(app: FastifyInstance, heartbeatMs: number) {
  const instance = randomBytes(6).toString('hex');
  const settings = authSettings(app.config);
  const connections = new Map<string, Connection>();
  const buffer: Buffered[] = [];
  let seq = 0;
  /** Set by the plugin on PostgreSQL. */
  let bus: ClusterBus | null = null;
  let sent = 0;

  const end = (conn: Connection, reason: string) => {
    if (!connections.delete(conn.id)) return;
    if (!conn.raw.writableEnded) conn.raw.end(control('end', { reason }));
  };

  const write = (conn: Connection, text: string) => {
    if (conn.raw.writableEnded || conn.raw.destroyed) {
      connections.delete(conn.id);
      return;
    }
    conn.raw.write(text);
    if (conn.raw.writableLength > MAX_BACKLOG_BYTES) end(conn, 'too_slow');
  };

  const deliver = (b: Buffered) => {
    const now = new Date();
    let delivered = 0;
    for (const conn of connections.values()) {
      if (!conn.topics.has(b.topic) || !allowed(conn.actor, b.audience, now)) continue;
      write(conn, b.frame);
      delivered++;
    }
    return delivered;
  };

  /** Buffers an event under a new local id and delivers it to this instance's connections. */
  const accept = (topic: string, type: string, dataJson: string, audience: RealtimeAudience) => {
    const id = `${instance}-${++seq}`;
    const b: Buffered = { seq, topic, audience, frame: frame(id, type, dataJson) };
    buffer.push(b);
    if (buffer.length > REPLAY_BUFFER) buffer.shift();
    return { id, delivered: deliver(b) };
  };

  const realtime: Realtime = {
    publish(topic, event) {
      if (!NAME_RE.test(topic)) throw new Error(`realtime topic must match ${NAME}: ${JSON.stringify(topic)}`);
      if (!NAME_RE.test(event.type)) throw new Error(`realtime event type must match ${NAME}: ${event.type}`);
      const dataJson = JSON.stringify(event.data) ?? 'null';
      const result = accept(topic, event.type, dataJson, event.audience);
      // `n` keeps two identical events distinct: NOTIFY folds identical payloads sent in one transaction.
      bus?.send(
        `{"origin":${JSON.stringify(instance)},"n":${++sent},"topic":${JSON.stringify(topic)},` +
          `"type":${JSON.stringify(event.type)},"audience":${JSON.stringify(event.audience)},"data":${dataJson}}`,
      );
      return result;
    },
    async tick() {
      for (const conn of connections.values()) write(conn, `: heartbeat ${Date.now()}\n\n`);
      // One check per token (a console may hold several streams), a few at a time: hundreds of consoles must not
      // queue hundreds of queries at once ahead of real requests (PGlite has a single connection).
      const byToken = new Map<string, Connection[]>();
      for (const conn of connections.values()) {
        if (conn.checking) continue;
        conn.checking = true;
        const same = byToken.get(conn.token);
        if (same) same.push(conn);
        else byToken.set(conn.token, [conn]);
      }
      const groups = [...byToken.entries()];
      const check = async ([token, conns]: [string, Connection[]]) => {
        try {
          const ctx = systemContext(app.database.db, app.auditSink, { requestId: conns[0]!.requestId });
          const result = await authenticate(ctx, settings, token, { countsAsActivity: false });
          for (const conn of conns) {
            if (result.passwordChangeRequired) end(conn, 'password_change_required');
            else conn.actor = result.actor;
          }
        } catch (err) {
          if (err instanceof AppError && err.code === 'SESSION_EXPIRED') {
            for (const conn of conns) end(conn, String(err.details.reason ?? 'session_expired'));
          } else {
            // The database hiccuped: keep the streams; the next heartbeat checks again.
            app.log.warn({ err, connections: conns.map((c) => c.id) }, 'realtime session re-check failed');
          }
        } finally {
          for (const conn of conns) conn.checking = false;
        }
      };
      const worker = async () => {
        for (let g = groups.shift(); g; g = groups.shift()) await check(g);
      };
      await Promise.all(Array.from({ length: Math.min(RECHECK_CONCURRENCY, groups.length) }, worker));
    },
    get connectionCount() {
      return connections.size;
    },
    instanceId: instance,
    get clusterState() {
      return bus ? bus.state : 'single';
    },
    async flush() {
      await bus?.flush();
    },
  };

  const timer = setInterval(() => void realtime.tick(), heartbeatMs);
  timer.unref();

  return {
    realtime,
    instance,
    connections,
    /** Events after `lastEventId` still in the buffer, or null when they cannot be replayed. */
    since(lastEventId: string): Buffered[] | null {
      const m = /^([0-9a-f]{12})-([0-9]+)$/.exec(lastEventId);
      if (!m || m[1] !== instance) return null;
      const last = Number(m[2]);
      if (last > seq) return null;
      const oldest = buffer[0]?.seq ?? seq + 1;
      if (last + 1 < oldest) return null;
      return buffer.filter((b) => b.seq > last);
    },
    /** On PostgreSQL: joins the other instances (awaits the first LISTEN; retries in the background). */
    async joinCluster(pool: NonNullable<FastifyInstance['database']['pool']>) {
      bus = await startPostgresBus({
        pool,
        instance,
        log: app.log,
        onMessage(msg: ClusterMessage) {
          if (!NAME_RE.test(msg.topic) || !NAME_RE.test(msg.type) || !isAudience(msg.audience)) {
            app.log.warn({ topic: msg.topic, type: msg.type }, 'realtime: foreign event of bad shape ignored');
            return;
          }
          accept(msg.topic, msg.type, JSON.stringify(msg.data) ?? 'null', msg.audience);
        },
        onReconnect() {
          // Whatever was published while we were deaf is lost for our clients: they reload.
          for (const conn of [...connections.values()])
            write(conn, control('resync', { reason: 'cluster_reconnected' }));
        },
      });
    },
    async close() {
      clearInterval(timer);
      for (const conn of [...connections.values()]) end(conn, 'server_shutdown');
      await bus?.close();
    },
  };
}

/** Registers `app.realtime` and `GET /api/stream`. */
export const realtimePlugin = fp(
  async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const hub = createHub(app, HEARTBEAT_MS);
    app.decorate('realtime', hub.realtime);
    if (app.database.kind === 'postgres' && app.database.pool) await hub.joinCluster(app.database.pool);
    // Open streams would keep `app.close()` waiting for ever: end them first (and stop listening).
    app.addHook('preClose', async () => hub.close());

    app.get(
      '/api/stream',
      {
        schema: {
          tags: ['realtime'],
          summary: 'Live event stream (Server-Sent Events); read it with fetch and the Authorization header',
          description:
            'text/event-stream. First `event: hello` {connectionId, heartbeatMs, topics}; then events of the ' +
            'subscribed topics the policy lets you see, heartbeat comments, `event: resync` when missed events ' +
            'cannot be replayed after Last-Event-ID, and `event: end` {reason} before the server closes the stream.',
          querystring: StreamQuery,
          response: {
            200: {
              description: 'An event stream (text/event-stream) that stays open',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errorResponses(401, 403, 429),
          },
        },
      },
      async (request, reply) => {
        const actor = request.ctx.actor;
        if (!actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
        const open = [...hub.connections.values()].filter((c) => c.actor.sessionId === actor.sessionId).length;
        if (open >= MAX_STREAMS_PER_SESSION) {
          throw new AppError(
            'RATE_LIMITED',
            `At most ${MAX_STREAMS_PER_SESSION} live streams per session; close another tab's stream first.`,
            { limit: MAX_STREAMS_PER_SESSION },
          );
        }
        const token = /^bearer +(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
        if (!token) throw new AppError('UNAUTHENTICATED', 'Send the access token as: Authorization: Bearer <token>.');
        const topics = new Set((request.query.topics ?? 'system').split(','));

        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-store, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        raw.socket?.setNoDelay(true);
        const conn: Connection = {
          id: randomBytes(8).toString('hex'),
          requestId: request.id,
          raw,
          token,
          actor,
          topics,
          checking: false,
        };
        hub.connections.set(conn.id, conn);
        raw.on('close', () => hub.connections.delete(conn.id));
        raw.write(`retry: 3000\n\n`);
        raw.write(control('hello', { connectionId: conn.id, heartbeatMs: HEARTBEAT_MS, topics: [...topics] }));

        const lastEventId = request.headers['last-event-id'];
        if (typeof lastEventId === 'string' && lastEventId) {
          const missed = hub.since(lastEventId);
          if (missed === null) raw.write(control('resync', { reason: 'events_unavailable' }));
          else {
            const now = new Date();
            for (const b of missed) {
              if (topics.has(b.topic) && allowed(conn.actor, b.audience, now)) raw.write(b.frame);
            }
          }
        }
      },
    );
  },
  { name: 'realtime', dependencies: ['auth', 'audit', 'request-context'] },
);
