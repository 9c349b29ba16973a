/**
 * Cross-instance fan-out for the live stream over PostgreSQL `LISTEN`/`NOTIFY` (see the header of
 * `realtime.ts`). One bus per app instance:
 *
 * - **Sending.** `send()` queues the serialised event and returns at once; one pump drains the queue in order,
 *   a batch per statement (`select pg_notify(…) from unnest($1)`), so a burst of events costs one round trip and
 *   notifications leave in publish order. It sends on the LISTEN connection (so a pool saturated by requests
 *   does not delay live updates), falling back to the pool while that connection is down. A payload over `NOTIFY_LIMIT_BYTES` (NOTIFY refuses more than 8,000
 *   bytes) is first inserted into `realtime_outbox` and the notification carries only `{origin, outbox: id}`.
 *   Failures are logged and the batch is dropped: live updates are a hint to reload, the database stays the truth.
 * - **Receiving.** One dedicated connection (outside the pool, `application_name = jingwu-realtime-<instance>`)
 *   `LISTEN`s on `jingwu_realtime` (and reads outbox rows). Notifications are handled one after another (an outbox fetch must not let a
 *   later small event overtake it); the instance's own echo is ignored. When the connection drops it is rebuilt
 *   with exponential backoff (0.5 s → 30 s, ±20% jitter) and `onReconnect` runs, so the hub can tell its clients
 *   to `resync` (events sent meanwhile were missed). Nothing here throws into the app: errors are logged.
 * - **Outbox purge.** At start and every minute, rows older than five minutes are deleted (each instance does
 *   it; it is cheap).
 */
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';

/** The NOTIFY channel every instance listens on. */
export const CHANNEL = 'jingwu_realtime';
/** Payloads above this size (bytes, UTF-8) go through the outbox; NOTIFY's hard limit is 8,000. */
export const NOTIFY_LIMIT_BYTES = 7_500;
const MAX_BATCH = 500;
const PURGE_EVERY_MS = 60_000;
const OUTBOX_KEEP = '5 minutes';

/** A message between instances: an event as published, with the publishing instance. */
export interface ClusterMessage {
  origin: string;
  topic: string;
  type: string;
  data: unknown;
  audience: unknown;
}

/** Connection state of the bus, as `app.realtime.clusterState` reports it. */
export type BusState = 'listening' | 'disconnected' | 'closed';

export interface ClusterBus {
  /** Queues a serialised `ClusterMessage` for every other instance; never throws, never waits. */
  send(json: string): void;
  readonly state: BusState;
  /** Resolves when everything queued so far has been sent (or dropped after an error). */
  flush(): Promise<void>;
  /** Stops listening and sending; waits briefly for queued notifications. */
  close(): Promise<void>;
}

export interface PostgresBusOptions {
  pool: pg.Pool;
  instance: string;
  log: FastifyBaseLogger;
  /** A foreign event arrived (already parsed; `origin` is another instance). */
  onMessage(msg: ClusterMessage): void;
  /** The listener came back after a drop: events may have been missed meanwhile. */
  onReconnect(): void;
}

/** One parameterised query on some connection. */
type Run = (text: string, values: unknown[]) => Promise<pg.QueryResult<Record<string, unknown>>>;

/** A delay that does not keep the process alive (only ever raced against real work). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function isMessage(v: unknown): v is ClusterMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    typeof m.origin === 'string' &&
    typeof m.topic === 'string' &&
    typeof m.type === 'string' &&
    (m.audience === 'authenticated' || (typeof m.audience === 'object' && m.audience !== null))
  );
}

/**
 * Starts the bus: the first LISTEN is awaited (so a ready app already receives), but a failure only logs and
 * retries in the background — the instance still serves its own clients.
 */
export async function startPostgresBus(opts: PostgresBusOptions): Promise<ClusterBus> {
  const { pool, instance, log } = opts;
  let state: BusState = 'disconnected';
  let client: pg.Client | null = null;
  let attempt = 0;
  let everListened = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const queue: string[] = [];
  let pumping: Promise<void> | null = null;
  let incoming: Promise<void> = Promise.resolve();

  /** Runs a query on the LISTEN connection when it is up (never queued behind a busy pool), else on the pool. */
  const direct = (): Run | null => {
    const c = state === 'listening' ? client : null;
    return c ? (text, values) => c.query(text, values) : null;
  };
  const viaPool: Run = (text, values) => pool.query(text, values);

  const sendBatch = async (run: Run, batch: string[]) => {
    const payloads = [...batch];
    const bigAt = batch.flatMap((p, i) => (Buffer.byteLength(p) > NOTIFY_LIMIT_BYTES ? [i] : []));
    if (bigAt.length) {
      const large = bigAt.map((i) => batch[i]!);
      const res = await run(
        `insert into realtime_outbox (payload) select p from unnest($1::text[]) with ordinality as t(p, n) order by n
         returning id`,
        [large],
      );
      // Ids come from a sequence in insertion order, which is the order above.
      const ids = res.rows.map((r) => BigInt(String(r.id))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      bigAt.forEach((at, k) => (payloads[at] = JSON.stringify({ origin: instance, outbox: ids[k]!.toString() })));
    }
    await run(`select pg_notify('${CHANNEL}', p) from unnest($1::text[]) as t(p)`, [payloads]);
  };

  const pump = async () => {
    while (queue.length > 0 && state !== 'closed') {
      const batch = queue.splice(0, MAX_BATCH);
      const run = direct();
      try {
        await sendBatch(run ?? viaPool, batch);
      } catch (err) {
        // The LISTEN connection may have died under us: the pool is the fallback (a rare duplicate beats a loss).
        const retried = run
          ? await sendBatch(viaPool, batch).then(
              () => true,
              () => false,
            )
          : false;
        if (!retried)
          log.warn({ err, events: batch.length }, 'realtime: NOTIFY to other instances failed; events dropped');
      }
    }
  };

  const handle = async (payload: string) => {
    let msg: unknown;
    try {
      msg = JSON.parse(payload);
      const ref = msg as { origin?: unknown; outbox?: unknown };
      if (ref.origin === instance) return;
      if (typeof ref.outbox === 'string' && /^\d{1,19}$/.test(ref.outbox)) {
        const res = await (direct() ?? viaPool)('select payload from realtime_outbox where id = $1', [ref.outbox]);
        const row = res.rows[0] as { payload: string } | undefined;
        if (!row) {
          log.warn({ outbox: ref.outbox }, 'realtime: outbox row already purged; event dropped');
          return;
        }
        msg = JSON.parse(row.payload);
      }
    } catch (err) {
      log.warn({ err }, 'realtime: unreadable notification ignored');
      return;
    }
    if (!isMessage(msg)) {
      log.warn('realtime: notification of unknown shape ignored');
      return;
    }
    if (msg.origin === instance) return;
    try {
      opts.onMessage(msg);
    } catch (err) {
      log.warn({ err, type: msg.type }, 'realtime: delivering a foreign event failed');
    }
  };

  const scheduleReconnect = () => {
    if (state === 'closed' || reconnectTimer) return;
    const base = Math.min(30_000, 500 * 2 ** attempt++);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delay);
    reconnectTimer.unref();
  };

  const drop = (c: pg.Client, err?: unknown) => {
    if (client !== c) return;
    client = null;
    if (state === 'closed') return;
    state = 'disconnected';
    log.warn({ err, attempt }, 'realtime: no LISTEN connection for other instances’ events; reconnecting');
    c.end().catch(() => undefined);
    scheduleReconnect();
  };

  const connect = async () => {
    if (state === 'closed') return;
    const c = new pg.Client({ ...pool.options, keepAlive: true, application_name: `jingwu-realtime-${instance}` });
    client = c;
    c.on('error', (err) => drop(c, err));
    c.on('end', () => drop(c));
    c.on('notification', (n) => {
      if (n.channel !== CHANNEL || n.payload === undefined) return;
      const payload = n.payload;
      incoming = incoming.then(() => handle(payload));
    });
    try {
      await c.connect();
      await c.query(`listen ${CHANNEL}`);
    } catch (err) {
      drop(c, err);
      return;
    }
    if ((state as BusState) === 'closed' || client !== c) {
      await c.end().catch(() => undefined);
      return;
    }
    state = 'listening';
    attempt = 0;
    if (everListened) {
      log.info('realtime: LISTEN connection restored');
      opts.onReconnect();
    }
    everListened = true;
  };

  const purgeOutbox = () =>
    void pool
      .query(`delete from realtime_outbox where created_at < now() - interval '${OUTBOX_KEEP}'`)
      .catch((err: unknown) => log.warn({ err }, 'realtime: outbox purge failed'));
  const purge = setInterval(purgeOutbox, PURGE_EVERY_MS);
  purge.unref();

  await connect();
  // Also at start: rows left behind while no instance ran are not waited for.
  purgeOutbox();

  const flush = async () => {
    while (pumping) await pumping;
  };

  return {
    send(json) {
      if (state === 'closed') return;
      queue.push(json);
      if (!pumping) {
        pumping = pump().finally(() => {
          pumping = null;
        });
      }
    },
    get state() {
      return state;
    },
    flush,
    async close() {
      // Let queued notifications leave (bounded), then stop.
      await Promise.race([flush(), sleep(2_000)]);
      state = 'closed';
      clearInterval(purge);
      clearTimeout(reconnectTimer);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
      await Promise.race([incoming, sleep(1_000)]);
    },
  };
}
