/**
 * Client of GET /api/stream: fetch-based SSE (so the access token travels in the Authorization header, never
 * in the URL), automatic reconnect with exponential backoff and jitter, `Last-Event-ID` resume, and a watchdog
 * that reconnects when nothing — not even a heartbeat — arrived for 2.5 heartbeat periods.
 */
import { SseParser, type SseMessage } from '../utils/sse.parser.ts';

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'open' }
  | { status: 'reconnecting'; retryAt: number; attempt: number }
  | { status: 'closed' };

export interface StreamOptions {
  topics: string[];
  /** A valid access token (refreshing it when needed). */
  getToken(): Promise<string>;
  /** Called after a 401: refresh the token; reject to stop (the session is over). */
  onUnauthorized(): Promise<unknown>;
  onMessage(message: SseMessage): void;
  onState(state: ConnectionState): void;
}

/** Backoff before reconnect attempt `attempt` (1-based): 0.5 s doubling to 30 s, ±20% jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Opens the stream and keeps it open until `close()`. */
export function openStream(opts: StreamOptions): { close(): void } {
  let closed = false;
  let attempt = 0;
  let lastEventId: string | undefined;
  let abort: AbortController | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const once = async (): Promise<'retry' | 'now' | 'stop'> => {
    opts.onState({ status: 'connecting' });
    abort = new AbortController();
    const token = await opts.getToken();
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const res = await fetch(`/api/stream?topics=${opts.topics.join(',')}`, { headers, signal: abort.signal });
    if (res.status === 401) {
      await opts.onUnauthorized();
      return 'now';
    }
    if (!res.ok || !res.body) return 'retry';
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let heartbeatMs = 15_000;
    let lastByte = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - lastByte > heartbeatMs * 2.5) abort?.abort();
    }, 1_000);
    let ended: string | null = null;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        lastByte = Date.now();
        for (const m of parser.push(decoder.decode(value, { stream: true }))) {
          if (m.id) lastEventId = m.id;
          if (m.event === 'hello') {
            attempt = 0;
            opts.onState({ status: 'open' });
            const hb = (JSON.parse(m.data) as { heartbeatMs?: number }).heartbeatMs;
            if (typeof hb === 'number' && hb > 0) heartbeatMs = hb;
          } else if (m.event === 'end') {
            ended = (JSON.parse(m.data) as { reason?: string }).reason ?? 'end';
          }
          opts.onMessage(m);
        }
      }
    } finally {
      clearInterval(watchdog);
    }
    // The server ends streams whose access token expired: reconnect at once with a fresh one.
    if (ended === 'access_expired') return 'now';
    return ended && ended !== 'server_shutdown' && ended !== 'too_slow' ? 'stop' : 'retry';
  };

  void (async () => {
    while (!closed) {
      let next: 'retry' | 'now' | 'stop';
      try {
        next = await once();
      } catch {
        next = closed ? 'stop' : 'retry';
      }
      if (closed || next === 'stop') break;
      if (next === 'now') continue;
      attempt++;
      const wait = backoffMs(attempt);
      opts.onState({ status: 'reconnecting', retryAt: Date.now() + wait, attempt });
      await sleep(wait);
    }
    opts.onState({ status: 'closed' });
  })();

  return {
    close() {
      closed = true;
      abort?.abort();
      wake?.();
    },
  };
}
