/**
 * Live data of the board: the incident queue, the units with their status and position, and a clock. The queue
 * reloads (coalesced) on every `incidents` / `orders` event; units follow `unit.status` / `unit.position`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import { fetchQueue, fetchUnits, type QueueItem, type UnitStatus } from '../api/board.api.ts';
import { applyQueueEvent } from '../utils/queue.ts';

/** A unit as the map draws it. */
export interface LiveUnit {
  id: string;
  callSign: string;
  status: UnitStatus | string;
  lon: number;
  lat: number;
}

export interface QueueState {
  items: QueueItem[];
  /** When the server measured waitingSec and the timers (client clock). */
  fetchedAt: number;
  loaded: boolean;
  error: unknown;
}

/** What a realtime event is about: an incident id (from incident.*, order.* and alert payloads). */
export function incidentIdOf(data: string): string | null {
  try {
    const v = JSON.parse(data) as {
      id?: unknown;
      incidentId?: unknown;
      incident?: { id?: unknown };
      order?: { incidentId?: unknown };
    };
    const id = v.order?.incidentId ?? v.incident?.id ?? v.incidentId ?? v.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** The queue, reloaded on incident and order events; `reload()` forces a fetch. */
export function useQueue(): QueueState & { reload(): void } {
  const [state, setState] = useState<QueueState>({
    items: [],
    fetchedAt: Date.now(),
    loaded: false,
    error: null,
  });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const { items } = await fetchQueue();
      if (mine === seq.current) setState({ items, fetchedAt: Date.now(), loaded: true, error: null });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, loaded: true, error }));
    }
  }, []);

  const reload = useCallback(() => {
    // Bursts of events (a dispatch announces the incident, each order and each unit) make one request.
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), 120);
  }, [load]);

  useEffect(() => {
    void load();
    const stop = onRealtimeMessage((m) => {
      if (!(m.event.startsWith('incident.') || m.event.startsWith('order.') || m.event === 'resync')) return;
      // Show the change at once; the reload that follows brings timers and anything the event left out.
      setState((s) => {
        const items = applyQueueEvent(s.items, m.event, m.data);
        return items === s.items ? s : { ...s, items };
      });
      reload();
    });
    // A safety net for missed events (and ticking server timers): refresh every 30 s.
    const every = setInterval(() => void load(), 30_000);
    return () => {
      stop();
      clearInterval(every);
      clearTimeout(timer.current);
    };
  }, [load, reload]);

  return { ...state, reload };
}

function parseUnitEvent(data: string): LiveUnit | null {
  try {
    const v = JSON.parse(data) as Partial<LiveUnit>;
    if (typeof v.id !== 'string' || !Number.isFinite(v.lon) || !Number.isFinite(v.lat)) return null;
    return {
      id: v.id,
      callSign: typeof v.callSign === 'string' ? v.callSign : v.id,
      status: typeof v.status === 'string' ? v.status : 'available',
      lon: v.lon!,
      lat: v.lat!,
    };
  } catch {
    return null;
  }
}

/** Every unit the user may see, kept current from the `units` topic. */
export function useUnits(): Map<string, LiveUnit> {
  const [units, setUnits] = useState<Map<string, LiveUnit>>(new Map());
  useEffect(() => {
    const abort = new AbortController();
    const pending = new Map<string, LiveUnit>();
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = [...pending.values()];
      pending.clear();
      setUnits((prev) => {
        const next = new Map(prev);
        for (const u of batch) next.set(u.id, { ...prev.get(u.id), ...u });
        return next;
      });
    };
    fetchUnits(abort.signal)
      .then(({ items }) => {
        setUnits((prev) => {
          const next = new Map<string, LiveUnit>();
          for (const u of items) {
            const at = u.position ?? u.home;
            next.set(u.id, { id: u.id, callSign: u.callSign, status: u.status, lon: at.lon, lat: at.lat });
          }
          // Events that arrived while loading are newer than the list.
          for (const [id, u] of prev) next.set(id, u);
          return next;
        });
      })
      .catch(() => undefined);
    const stop = onRealtimeMessage((m) => {
      if (m.event !== 'unit.status' && m.event !== 'unit.position') return;
      const u = parseUnitEvent(m.data);
      if (!u) return;
      pending.set(u.id, u);
      // Many positions arrive at once: one state update per frame.
      if (!frame) frame = requestAnimationFrame(flush);
    });
    return () => {
      abort.abort();
      stop();
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
  return units;
}

/** The current time, updated every `ms` (for ticking waiting times). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
