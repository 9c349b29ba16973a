/**
 * Navigation to the scene: the road route from the unit's position (or its station) with distance and ETA.
 * Planned again when the officer asks, and quietly (keeping the old route on screen) when the unit's live
 * position moves: at once when the plan started from the station, then at most every 30 s.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/http.ts';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import { fetchRoute, fetchUnit, type MyOrder, type RouteFeature } from '../api/field.api.ts';
import { fieldErrorMessage } from '../utils/field.errors.ts';
import { etaMinutes, formatDistance } from '../utils/order.actions.ts';
import { RouteMap } from './RouteMap.tsx';

type Phase =
  | { kind: 'loading' }
  | { kind: 'noScene' }
  | { kind: 'noStart' }
  | { kind: 'error'; error: unknown; start: LonLat | null }
  | { kind: 'ready'; route: RouteFeature; start: LonLat; fromHome: boolean };

interface LonLat {
  lon: number;
  lat: number;
}

export function RouteCard({ item }: { item: MyOrder }) {
  const { t, i18n } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [attempt, setAttempt] = useState({ n: 0, quiet: false });
  const plannedAt = useRef(0);
  const plannedFromHome = useRef(false);
  const { lon, lat } = item.incident;
  const scene = lon !== null && lat !== null ? { lon, lat } : null;
  const unitId = item.order.unitId;

  useEffect(() => {
    if (!scene) {
      setPhase({ kind: 'noScene' });
      return;
    }
    const abort = new AbortController();
    if (!attempt.quiet) setPhase({ kind: 'loading' });
    plannedAt.current = Date.now();
    let start: LonLat | null = null;
    (async () => {
      const unit = await fetchUnit(unitId, abort.signal);
      const fromHome = !unit?.position;
      start = unit?.position ?? unit?.home ?? null;
      if (!start) {
        setPhase({ kind: 'noStart' });
        return;
      }
      const route = await fetchRoute(start, scene, abort.signal);
      plannedFromHome.current = fromHome;
      setPhase({ kind: 'ready', route, start, fromHome });
    })().catch((error: unknown) => {
      // A quiet re-plan that fails keeps the route on screen; the officer can still re-plan by hand.
      if (!abort.signal.aborted)
        setPhase((p) => (attempt.quiet && p.kind === 'ready' ? p : { kind: 'error', error, start }));
    });
    return () => abort.abort();
    // `scene` is rebuilt from lon/lat on every render: depend on the numbers, not on the object.
  }, [unitId, lon, lat, attempt]);

  const replan = useCallback(() => setAttempt((a) => ({ n: a.n + 1, quiet: false })), []);

  useEffect(
    () =>
      onRealtimeMessage((m) => {
        // The first live fix replaces a plan from the station at once; later fixes at most every 30 s.
        if (m.event !== 'unit.position') return;
        if (!plannedFromHome.current && Date.now() - plannedAt.current < 30_000) return;
        try {
          if ((JSON.parse(m.data) as { id?: unknown }).id !== unitId) return;
        } catch {
          return;
        }
        plannedAt.current = Date.now();
        setAttempt((a) => ({ n: a.n + 1, quiet: true }));
      }),
    [unitId],
  );

  const noRoute = phase.kind === 'error' && phase.error instanceof ApiError && phase.error.code === 'NO_ROUTE';

  return (
    <section className="field-card route-card" aria-labelledby="field-route-title" data-testid="field-route">
      <div className="card-head">
        <h2 id="field-route-title">{t('field.route.title')}</h2>
        {phase.kind !== 'noScene' && (
          <button type="button" onClick={replan} disabled={phase.kind === 'loading'} data-testid="field-replan">
            {t('field.route.replan')}
          </button>
        )}
      </div>
      {phase.kind === 'ready' && (
        <p className="route-summary" data-testid="field-route-summary">
          <strong>{t('field.route.eta', { minutes: etaMinutes(phase.route.properties.durationSec) })}</strong>
          <span>{t('field.route.distance', { distance: formatDistance(phase.route.properties.distanceM) })}</span>
        </p>
      )}
      {phase.kind === 'ready' && (
        <p className="muted small">{phase.fromHome ? t('field.route.fromHome') : t('field.route.fromUnit')}</p>
      )}
      {phase.kind === 'loading' && <p className="muted">{t('field.route.loading')}</p>}
      {phase.kind === 'noScene' && <p className="muted">{t('field.route.noScene')}</p>}
      {phase.kind === 'noStart' && <p className="muted">{t('field.route.noStart')}</p>}
      {phase.kind === 'error' && (
        <div className="field-banner error" role="alert" data-testid="field-route-error">
          <span>
            {noRoute
              ? t('field.route.noRoute')
              : t('field.route.failed', { reason: fieldErrorMessage(t, phase.error, i18n.language) })}
          </span>
          <button type="button" onClick={replan}>
            {t('field.retry')}
          </button>
        </div>
      )}
      {scene && (phase.kind === 'ready' || (phase.kind === 'error' && phase.start)) && (
        <RouteMap
          route={phase.kind === 'ready' ? phase.route : null}
          start={phase.kind === 'ready' ? phase.start : phase.start!}
          scene={scene}
        />
      )}
    </section>
  );
}
