/**
 * The selected incident: classification, grading, location, caller (as masked by the server), duplicates,
 * orders, actions (grade, close, cancel), the recommendation panel and the timeline.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  cancelOrder,
  merge,
  regrade,
  transition,
  type Codes,
  type DuplicateCandidate,
  type IncidentView,
  type Order,
  type TimelineEvent,
} from '../api/board.api.ts';
import type { LiveUnit } from '../hooks/useBoardLive.ts';
import { boardError } from '../utils/errors.ts';
import { activeOrders, formatDuration, isOpen, waitingSecAt } from '../utils/queue.ts';
import { RecommendationPanel } from './RecommendationPanel.tsx';

export interface IncidentDetailProps {
  incident: IncidentView;
  orders: Order[];
  timeline: TimelineEvent[];
  codes: Codes | null;
  units: Map<string, LiveUnit>;
  now: number;
  duplicates: DuplicateCandidate[];
  /** Just taken: load the recommendation and focus Accept. */
  fresh: boolean;
  onChanged(): void;
  onSelect(id: string): void;
}

const timeOf = (iso: string, lang: string) =>
  new Date(iso).toLocaleTimeString(lang, { timeZone: 'Asia/Shanghai', hour12: false });

export function IncidentDetail(props: IncidentDetailProps) {
  const { incident: i, orders, timeline, codes, units, now, duplicates, fresh, onChanged, onSelect } = props;
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [severity, setSeverity] = useState(String(i.severity));
  const [priority, setPriority] = useState(String(i.priority ?? ''));
  const [gradeReason, setGradeReason] = useState('');
  const [disposition, setDisposition] = useState('');
  const [result, setResult] = useState('');
  const [closeNote, setCloseNote] = useState('');
  const [cancelNote, setCancelNote] = useState('');
  const [orderReason, setOrderReason] = useState<Record<string, string>>({});
  const [merged, setMerged] = useState<string | null>(null);

  const subLabel = (code: string) => codes?.subTypes.find((s) => s.code === code)?.label ?? code;
  const catLabel = (code: string) => codes?.categories.find((c) => c.code === code)?.label ?? code;

  const run = async (action: () => Promise<unknown>, after?: () => void) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await action();
      after?.();
      onChanged();
    } catch (err) {
      setProblem(boardError(t, err, lang));
    } finally {
      setBusy(false);
    }
  };

  const onGrade = (e: FormEvent) => {
    e.preventDefault();
    const body: { severity: number; priority?: number; reason: string } = {
      severity: Number(severity),
      reason: gradeReason.trim(),
    };
    if (priority) body.priority = Number(priority);
    void run(
      () => regrade(i.id, body),
      () => setGradeReason(''),
    );
  };
  const onClose = (e: FormEvent) => {
    e.preventDefault();
    const body: { transition: string; disposition: string; resultCode: string; note?: string } = {
      transition: 'close',
      disposition,
      resultCode: result,
    };
    if (closeNote.trim()) body.note = closeNote.trim();
    void run(() => transition(i.id, body));
  };
  const onCancel = (e: FormEvent) => {
    e.preventDefault();
    const body: { transition: string; note?: string } = { transition: 'cancel' };
    if (cancelNote.trim()) body.note = cancelNote.trim();
    void run(() => transition(i.id, body));
  };

  const open = isOpen(i.status);
  const live = activeOrders(orders);
  const needsUnits = open && live.length === 0 && (i.status === 'received' || i.status === 'graded');

  return (
    <article className="board-detail" aria-labelledby="board-detail-title" data-testid="incident-detail">
      <header className="board-detail-head">
        <span className={`board-sev sev-${i.severity}`}>{t(`board.severity.${i.severity}` as 'board.title')}</span>
        <h2 id="board-detail-title">
          {catLabel(i.category)} · {subLabel(i.subType)}
        </h2>
        <span className={`board-status st-${i.status}`} data-testid="detail-status">
          {t(`board.status.${i.status}`)}
        </span>
      </header>
      <p className="board-meta">
        <span>
          {t('board.detail.priority')} <b>{i.priority === null ? t('board.queue.ungraded') : `P${i.priority}`}</b>
        </span>
        <span>
          {t('board.detail.waiting')} <b className="board-mono">{formatDuration(waitingSecAt(i.receivedAt, now))}</b>
        </span>
        <span>
          {t('board.detail.received')} <span className="board-mono">{timeOf(i.receivedAt, lang)}</span>
        </span>
        {i.queryCode && (
          <span>
            {t('board.detail.queryCode')} <span className="board-mono">{i.queryCode}</span>
          </span>
        )}
      </p>
      <dl className="board-facts">
        <dt>{t('board.detail.rules')}</dt>
        <dd>
          {i.gradingRules.length
            ? i.gradingRules.map((r) => t(`board.rule.${r}`, { defaultValue: r })).join('、')
            : t('board.detail.noRules')}
        </dd>
        <dt>{t('board.detail.address')}</dt>
        <dd>{i.address ?? (i.lon !== null && i.lat !== null ? `${i.lon.toFixed(5)}, ${i.lat.toFixed(5)}` : '—')}</dd>
        <dt>{t('board.detail.caller')}</dt>
        <dd>
          {i.callers.length === 0
            ? t('board.detail.noCaller')
            : i.callers.map((c, n) => (
                <div key={n}>
                  {[c.name, c.phone].filter(Boolean).join(' · ') || '—'} ·{' '}
                  {t(`board.channel.${c.channel}`, { defaultValue: c.channel })}
                </div>
              ))}
          {i.masked.length > 0 && <span className="muted small"> （{t('board.detail.masked')}）</span>}
        </dd>
        <dt>{t('board.detail.description')}</dt>
        <dd>{i.description ?? '—'}</dd>
      </dl>

      {duplicates.length > 0 && (
        <section className="board-dups" data-testid="duplicates">
          <h3>{t('board.detail.duplicates')}</h3>
          <ul>
            {duplicates.map((d) => (
              <li key={d.id}>
                <button type="button" className="link" onClick={() => onSelect(d.id)}>
                  {t('board.detail.duplicateItem', {
                    type: subLabel(d.subType),
                    distance: Math.round(d.distanceM),
                    time: timeOf(d.receivedAt, lang),
                  })}
                </button>
                {merged === d.id ? (
                  <span className="board-ok">{t('board.detail.merged')}</span>
                ) : (
                  <button
                    type="button"
                    disabled={busy || !open}
                    onClick={() =>
                      void run(
                        () => merge(d.id, i.id),
                        () => {
                          setMerged(d.id);
                          onSelect(d.id);
                        },
                      )
                    }
                  >
                    {t('board.detail.merge')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {problem && (
        <p className="form-error" role="alert" data-testid="detail-error">
          {problem}
        </p>
      )}

      {orders.length > 0 && (
        <section className="board-orders" data-testid="orders">
          <h3>{t('board.detail.orders')}</h3>
          <ul>
            {orders.map((o) => {
              const unit = units.get(o.unitId);
              const active = o.status !== 'released' && o.status !== 'cancelled';
              return (
                <li key={o.id} data-testid={`order-${o.callSign}`}>
                  <b>{o.callSign}</b>{' '}
                  <span className={`board-ostatus os-${o.status}`}>{t(`board.orderStatus.${o.status}`)}</span>
                  {unit && (
                    <span className="muted small">
                      {' '}
                      · {t(`board.unitStatus.${unit.status}`, { defaultValue: unit.status })}
                    </span>
                  )}
                  {!o.recommended && o.overrideReason && <span className="muted small"> · {o.overrideReason}</span>}
                  <span className="muted small"> · {timeOf(o.sentAt, lang)}</span>
                  {active && (
                    <span className="board-inline-form">
                      <input
                        aria-label={t('board.detail.cancelReason')}
                        placeholder={t('board.detail.cancelReason')}
                        value={orderReason[o.id] ?? ''}
                        onChange={(e) => setOrderReason((r) => ({ ...r, [o.id]: e.target.value }))}
                      />
                      <button
                        type="button"
                        disabled={busy || (orderReason[o.id] ?? '').trim().length < 2}
                        onClick={() => void run(() => cancelOrder(o.id, (orderReason[o.id] ?? '').trim()))}
                      >
                        {t('board.detail.cancelOrder')}
                      </button>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {open && (
        <RecommendationPanel
          incident={i}
          typeLabel={subLabel(i.subType)}
          units={units}
          autoLoad={needsUnits}
          focusAccept={fresh}
          onDispatched={onChanged}
        />
      )}

      {open && (
        <details className="board-actions" open={!needsUnits && i.status === 'handled'}>
          <summary>{t('board.actions.title')}</summary>
          <form className="board-action" onSubmit={onGrade}>
            <h4>{t('board.actions.grade')}</h4>
            <div className="board-grid-3">
              <label className="board-field">
                <span>{t('board.detail.severity')}</span>
                <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
                  {[1, 2, 3, 4].map((s) => (
                    <option key={s} value={s}>
                      {t(`board.severity.${s}` as 'board.title')}
                    </option>
                  ))}
                </select>
              </label>
              <label className="board-field">
                <span>{t('board.detail.priority')}</span>
                <select value={priority} onChange={(e) => setPriority(e.target.value)}>
                  <option value="">—</option>
                  {[1, 2, 3, 4, 5].map((p) => (
                    <option key={p} value={p}>{`P${p}`}</option>
                  ))}
                </select>
              </label>
              <label className="board-field">
                <span>{t('board.actions.reason')}</span>
                <input value={gradeReason} onChange={(e) => setGradeReason(e.target.value)} required minLength={2} />
              </label>
            </div>
            <button type="submit" disabled={busy || gradeReason.trim().length < 2}>
              {t('board.actions.gradeSubmit')}
            </button>
          </form>
          <form className="board-action" onSubmit={onClose}>
            <h4>{t('board.actions.close')}</h4>
            <div className="board-grid-3">
              <label className="board-field">
                <span>{t('board.actions.disposition')}</span>
                <select value={disposition} onChange={(e) => setDisposition(e.target.value)}>
                  <option value="">{t('board.actions.choose')}</option>
                  {(codes?.dispositions ?? []).map((d) => (
                    <option key={d.code} value={d.code}>
                      {d.label}
                    </option>
                  ))}
                </select>
              </label>
              <label className="board-field">
                <span>{t('board.actions.result')}</span>
                <select value={result} onChange={(e) => setResult(e.target.value)}>
                  <option value="">{t('board.actions.choose')}</option>
                  {(codes?.results ?? []).map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.label}
                    </option>
                  ))}
                </select>
              </label>
              <label className="board-field">
                <span>{t('board.actions.note')}</span>
                <input value={closeNote} onChange={(e) => setCloseNote(e.target.value)} />
              </label>
            </div>
            <button type="submit" disabled={busy || !disposition || !result}>
              {t('board.actions.closeSubmit')}
            </button>
          </form>
          <form className="board-action" onSubmit={onCancel}>
            <h4>{t('board.actions.cancel')}</h4>
            <div className="row">
              <input
                aria-label={t('board.actions.reason')}
                placeholder={t('board.actions.reason')}
                value={cancelNote}
                onChange={(e) => setCancelNote(e.target.value)}
              />
              <button type="submit" className="danger" disabled={busy || cancelNote.trim().length < 2}>
                {t('board.actions.cancelSubmit')}
              </button>
            </div>
          </form>
        </details>
      )}

      <section className="board-timeline" data-testid="timeline">
        <h3>{t('board.detail.timeline')}</h3>
        {timeline.length === 0 && <p className="muted">{t('board.detail.noTimeline')}</p>}
        <ol>
          {timeline.map((e, n) => (
            <li key={n}>
              <span className="board-mono muted">{timeOf(e.at, lang)}</span>{' '}
              <b>{t(`board.kind.${e.kind}`, { defaultValue: e.kind })}</b>
              {e.toStatus && <> → {t(`board.status.${e.toStatus}`, { defaultValue: e.toStatus })}</>}
              {e.note && <span className="muted small"> · {e.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
