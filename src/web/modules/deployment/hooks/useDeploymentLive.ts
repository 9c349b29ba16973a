/**
 * Live data of the deployment board: demands and approvals, reloaded (coalesced) on every `deployment.*` event of
 * the realtime stream and every 15 s as a safety net; the tracking of one demand, reloaded on assignment events
 * and every 10 s (remaining ETAs move with the officers).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import {
  fetchApprovals,
  fetchDemands,
  fetchTracking,
  type Approval,
  type Demand,
  type Tracking,
} from '../api/deployment.api.ts';

/** Calls `fn` at most once per `ms` after bursts of calls. */
function useCoalesced(fn: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => ref.current(), ms);
  }, [ms]);
}

export interface BoardData {
  demands: Demand[];
  approvals: Approval[];
  loaded: boolean;
  error: unknown;
  reload(): void;
}

export function useBoardData(): BoardData {
  const [demands, setDemands] = useState<Demand[]>([]);
  const [approvals, setApprovals] = useState<Approval[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const [d, a] = await Promise.all([fetchDemands(), fetchApprovals().catch(() => ({ items: [] as Approval[] }))]);
      if (mine !== seq.current) return;
      setDemands(d.items);
      setApprovals(a.items);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoaded(true);
    }
  }, []);
  const reload = useCoalesced(() => void load(), 150);

  useEffect(() => {
    void load();
    const stop = onRealtimeMessage((m) => {
      if (m.event.startsWith('deployment.') || m.event === 'resync') reload();
    });
    const every = setInterval(() => void load(), 15_000);
    return () => {
      stop();
      clearInterval(every);
    };
  }, [load, reload]);

  return { demands, approvals, loaded, error, reload };
}

/** Tracking of `demandId` (null: none), live. */
export function useTracking(demandId: string | null): { tracking: Tracking | null; error: unknown; reload(): void } {
  const [tracking, setTracking] = useState<Tracking | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    if (!demandId) {
      setTracking(null);
      return;
    }
    try {
      const t = await fetchTracking(demandId);
      if (mine === seq.current) {
        setTracking(t);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(err);
    }
  }, [demandId]);
  const reload = useCoalesced(() => void load(), 150);

  useEffect(() => {
    setTracking(null);
    void load();
    if (!demandId) return;
    const stop = onRealtimeMessage((m) => {
      if (m.event === 'deployment.assignment' || m.event === 'deployment.demand' || m.event === 'resync') reload();
    });
    const every = setInterval(() => void load(), 10_000);
    return () => {
      stop();
      clearInterval(every);
    };
  }, [demandId, load, reload]);

  return { tracking, error, reload };
}

/** The current time, updated every `ms` (for ticking countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
