/**
 * The caller's active orders, kept fresh: loaded once, reloaded on every `orders`/`incidents` event and on
 * a stream resync, and polled as a fallback (every 15 s while the live stream is down, every 60 s otherwise).
 * Reports which orders arrived after the first load, so the page can flag them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionState } from '../../realtime/api/stream.client.ts';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import { fetchMyOrders, type MyOrder, type Order } from '../api/field.api.ts';

const RELOAD_EVENTS = new Set(['order.created', 'order.updated', 'incident.updated', 'resync', 'hello']);

export interface MyOrdersState {
  items: MyOrder[] | null;
  error: unknown;
  loading: boolean;
  updatedAt: number | null;
  /** Order ids that arrived while the page was open and were not yet seen by the officer. */
  fresh: string[];
  reload(): void;
  markSeen(): void;
  /** Applies an order the server just returned (before the reload that follows). */
  applyOrder(order: Order): void;
}

export function useMyOrders(connection: ConnectionState): MyOrdersState {
  const [items, setItems] = useState<MyOrder[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [fresh, setFresh] = useState<string[]>([]);
  const known = useRef<Set<string> | null>(null);
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const next = await fetchMyOrders();
      if (mine !== generation.current) return;
      const ids = next.map((i) => i.order.id);
      if (known.current) {
        const seen = known.current;
        const arrived = ids.filter((id) => !seen.has(id));
        if (arrived.length) setFresh((f) => [...new Set([...f, ...arrived])]);
      }
      known.current = new Set([...(known.current ?? []), ...ids]);
      setItems(next);
      setError(null);
      setUpdatedAt(Date.now());
    } catch (err) {
      if (mine === generation.current) setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  // Several events often come together (order + incident + unit): reload once.
  const reload = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), 150);
  }, [load]);

  useEffect(() => {
    void load();
    const stop = onRealtimeMessage((m) => {
      if (RELOAD_EVENTS.has(m.event)) reload();
    });
    return () => {
      stop();
      clearTimeout(timer.current);
    };
  }, [load, reload]);

  const live = connection.status === 'open';
  useEffect(() => {
    const every = setInterval(() => void load(), live ? 60_000 : 15_000);
    return () => clearInterval(every);
  }, [live, load]);

  const applyOrder = useCallback((order: Order) => {
    setItems((list) => list?.map((i) => (i.order.id === order.id ? { ...i, order } : i)) ?? list);
  }, []);

  return {
    items,
    error,
    loading,
    updatedAt,
    fresh,
    reload,
    markSeen: useCallback(() => setFresh([]), []),
    applyOrder,
  };
}

/** A clock that ticks every `ms` while mounted (for the time since dispatch). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
