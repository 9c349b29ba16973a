/**
 * Recommended units for the selected incident: ranked with ETA and reason, the run card's picks, the excluded
 * units with why-not (collapsed). Accept (button or `a`) dispatches the proposal with the recommendation id;
 * choosing other units is an override and needs a reason. One Idempotency-Key per dispatch action.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShortcuts } from '../../shortcuts/hooks/useShortcuts.ts';
import {
  dispatchUnits,
  newIdempotencyKey,
  recommend,
  type IncidentView,
  type Recommendation,
} from '../api/board.api.ts';
import type { LiveUnit } from '../hooks/useBoardLive.ts';
import {
  etaMinutes,
  planDispatch,
  proposedUnits,
  recommendationRows,
  recommendedIds,
  slotKind,
} from '../utils/dispatch.ts';
import { boardError } from '../utils/errors.ts';
import { ActionKeys } from '../utils/idempotency.ts';
import { setHighlightedUnits } from '../state/highlight.store.ts';
import { formatDuration } from '../utils/queue.ts';

export interface RecommendationPanelProps {
  incident: IncidentView;
  /** The incident type's name, for the run card heading. */
  typeLabel: string;
  units: Map<string, LiveUnit>;
  /** Load at once (a fresh call that waits for units); otherwise on request ("add unit"). */
  autoLoad: boolean;
  /** Put the focus on Accept once the recommendation is there (after a new call). */
  focusAccept: boolean;
  onDispatched(callSigns: string[]): void;
}

export function RecommendationPanel({
  incident,
  typeLabel,
  units,
  autoLoad,
  focusAccept,
  onDispatched,
}: RecommendationPanelProps) {
  const { t, i18n } = useTranslation();
  const [rec, setRec] = useState<Recommendation | null>(null);
  const [loading, setLoading] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [other, setOther] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const keys = useRef(new ActionKeys(newIdempotencyKey));
  const acceptRef = useRef<HTMLButtonElement>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    setProblem(null);
    try {
      const r = await recommend(incident.id, { count: 5 });
      if (mine !== seq.current) return;
      setRec(r);
      setChosen(new Set(proposedUnits(r)));
      setOther('');
      setReason('');
    } catch (err) {
      if (mine === seq.current) setProblem(boardError(t, err, i18n.language));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [incident.id, t, i18n.language]);

  // Another incident: start afresh.
  useEffect(() => {
    setRec(null);
    setDone(null);
    setProblem(null);
    keys.current.settle();
  }, [incident.id]);

  // A call waiting for units gets its recommendation at once; once units are sent, only on request.
  useEffect(() => {
    if (autoLoad) void load();
  }, [autoLoad, load]);

  useEffect(() => {
    if (!rec || !focusAccept) return;
    acceptRef.current?.focus({ preventScroll: true });
    acceptRef.current?.scrollIntoView({ block: 'nearest' });
  }, [rec, focusAccept]);

  const send = async (unitIds: string[], why: string) => {
    if (busy) return;
    const plan = planDispatch(rec, unitIds, why);
    if (!plan.ok) {
      setProblem(t(`board.rec.errors.${plan.error}`));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const r = await dispatchUnits(incident.id, plan.body, keys.current.keyFor(plan.body));
      keys.current.settle();
      const signs = r.orders.map((o) => o.callSign);
      setDone(t('board.rec.dispatched', { units: signs.join('、') }));
      setRec(null);
      onDispatched(signs);
    } catch (err) {
      // Same units again = a retry with the same key.
      setProblem(boardError(t, err, i18n.language));
    } finally {
      setBusy(false);
    }
  };

  // The map rings the units that would be sent.
  const chosenKey = [...chosen].sort().join(',');
  useEffect(() => {
    setHighlightedUnits(rec && chosenKey ? chosenKey.split(',') : []);
  }, [rec, chosenKey]);
  useEffect(() => () => setHighlightedUnits([]), []);

  const accept = () => {
    if (rec) void send(proposedUnits(rec), '');
  };
  useShortcuts({ accept });

  const named = rec ? recommendedIds(rec) : new Set<string>();
  const extra = other ? [other] : [];
  const selection = [...chosen, ...extra];
  const isOverride = selection.some((id) => !named.has(id));
  const available = [...units.values()]
    .filter((u) => u.status === 'available' && !named.has(u.id))
    .sort((a, b) => a.callSign.localeCompare(b.callSign));
  const toggle = (id: string) =>
    setChosen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <section className="board-rec" aria-labelledby="board-rec-title" data-testid="recommendation">
      <div className="board-panel-head">
        <h3 id="board-rec-title">{t('board.rec.title')}</h3>
        <button type="button" onClick={() => void load()} disabled={loading} data-testid="load-recommendation">
          {autoLoad ? t('board.rec.load') : t('board.rec.addUnit')}
        </button>
      </div>
      {done && (
        <p className="board-ok" role="status" data-testid="dispatch-done">
          {done}
        </p>
      )}
      {loading && <p className="muted">{t('board.rec.loading')}</p>}
      {problem && (
        <p className="form-error" role="alert" data-testid="dispatch-error">
          {problem}
        </p>
      )}
      {rec && (
        <>
          {rec.runCard && (
            <div className="board-runcard">
              <strong>{t('board.rec.runCard', { type: typeLabel })}</strong>
              <ul>
                {rec.runCard.unfilled.map((u) => (
                  <li key={u.slotId} className="board-warn">
                    {t('board.rec.unfilled', {
                      label: t(`board.slot.${slotKind(u.slotId)}`, { defaultValue: u.label }),
                      detail: u.detail,
                    })}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {rec.recommended.length === 0 && <p className="muted">{t('board.rec.none')}</p>}
          <ol className="board-rec-list">
            {recommendationRows(rec).map((r) => (
              <li key={r.unitId}>
                <label className="board-check">
                  <input
                    type="checkbox"
                    checked={chosen.has(r.unitId)}
                    onChange={() => toggle(r.unitId)}
                    data-testid={`rec-unit-${r.callSign}`}
                  />
                  <span className="board-rank">{r.rank ?? '·'}</span>
                  <b>{r.callSign}</b>
                  {r.slot && (
                    <span className="board-slot">{t(`board.slot.${r.slotKind}`, { defaultValue: r.slot })}</span>
                  )}
                  <span className="board-eta">{t('board.rec.eta', { min: etaMinutes(r.etaSec) })}</span>
                  {r.live !== null && (
                    <span className="muted small">{r.live ? t('board.rec.live') : t('board.rec.home')}</span>
                  )}
                </label>
                <div className="muted small board-reason" title={r.reason}>
                  {[
                    t('board.rec.byRoad', { time: formatDuration(r.etaSec) }),
                    r.dutyHours !== null ? t('board.rec.duty', { hours: r.dutyHours.toFixed(1) }) : null,
                    r.coverLeft !== null ? t('board.rec.cover', { count: r.coverLeft }) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              </li>
            ))}
          </ol>
          <div className="row board-actions-row">
            <button
              ref={acceptRef}
              type="button"
              className="primary"
              onClick={accept}
              disabled={busy || proposedUnits(rec).length === 0}
              aria-keyshortcuts="a"
              data-testid="accept-recommendation"
            >
              {t('board.rec.accept')}
            </button>
            <button
              type="button"
              onClick={() => void send(selection, reason)}
              disabled={busy}
              data-testid="dispatch-chosen"
            >
              {t('board.rec.dispatchChosen')}
            </button>
          </div>
          <details className="board-override" open={other !== '' || reason !== ''}>
            <summary>{t('board.rec.other')}</summary>
            <div className="board-grid-2">
              <label className="board-field">
                <span>{t('board.rec.otherUnit')}</span>
                <select value={other} onChange={(e) => setOther(e.target.value)} data-testid="other-unit">
                  <option value="">{t('board.rec.otherPlaceholder')}</option>
                  {available.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.callSign}
                    </option>
                  ))}
                </select>
              </label>
              <label className="board-field">
                <span>{t('board.rec.overrideReason')}</span>
                <input
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  aria-required={isOverride}
                  data-testid="override-reason"
                />
              </label>
            </div>
          </details>
          {rec.excluded.length > 0 && (
            <details className="board-excluded">
              <summary>{t('board.rec.excluded', { count: rec.excluded.length })}</summary>
              <ul>
                {rec.excluded.map((x) => (
                  <li key={x.unitId}>
                    <b>{x.callSign}</b> · {t(`board.rec.why.${x.why}`, { defaultValue: x.why })}
                    <span className="muted small"> {x.detail}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </section>
  );
}
