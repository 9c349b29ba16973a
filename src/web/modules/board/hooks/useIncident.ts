/** One incident with its timeline and orders, reloaded when an event names it. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../app/http.ts';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import {
  fetchIncident,
  fetchOrders,
  fetchTimeline,
  type IncidentView,
  type Order,
  type TimelineEvent,
} from '../api/board.api.ts';
import { incidentIdOf } from './useBoardLive.ts';

export interface IncidentState {
  incident: IncidentView | null;
  timeline: TimelineEvent[];
  orders: Order[];
  error: unknown;
}

const EMPTY: IncidentState = { incident: null, timeline: [], orders: [], error: null };

/** Loads incident `id` (null: nothing) and keeps it current. */
export function useIncident(id: string | null): IncidentState & { reload(): void } {
  const [state, setState] = useState<IncidentState>(EMPTY);
  const seq = useRef(0);

  const load = useCallback(async (target: string) => {
    const mine = ++seq.current;
    try {
      const [incident, timeline, orders] = await Promise.all([
        fetchIncident(target),
        fetchTimeline(target).catch(() => ({ items: [] as TimelineEvent[] })),
        // Before the orders endpoint exists the list is simply empty.
        fetchOrders(target).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 404 && err.code !== 'INCIDENT_NOT_FOUND')
            return { items: [] as Order[] };
          throw err;
        }),
      ]);
      if (mine === seq.current) setState({ incident, timeline: timeline.items, orders: orders.items, error: null });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, error }));
    }
  }, []);

  useEffect(() => {
    if (!id) {
      seq.current++;
      setState(EMPTY);
      return;
    }
    setState((s) => (s.incident?.id === id ? s : EMPTY));
    void load(id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = onRealtimeMessage((m) => {
      const about = m.event.startsWith('incident.') || m.event.startsWith('order.') ? incidentIdOf(m.data) : null;
      if (about !== id && m.event !== 'resync') return;
      clearTimeout(timer);
      timer = setTimeout(() => void load(id), 100);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [id, load]);

  const reload = useCallback(() => {
    if (id) void load(id);
  }, [id, load]);
  return { ...state, reload };
}
