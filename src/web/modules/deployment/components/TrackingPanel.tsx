/**
 * Live arrivals of one demand: each officer's state, remaining road ETA ticking down between refreshes against the
 * deadline, arrived ticks; hand-over and release for the receiving side; the record link.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { handOver, release, type Demand, type Tracking } from '../api/deployment.api.ts';
import { countdown, formatCountdown } from '../utils/deployment.utils.ts';
import { deploymentError } from '../utils/errors.ts';

export interface TrackingPanelProps {
  demand: Demand | null;
  tracking: Tracking | null;
  fetchedAt: number;
  now: number;
  error: unknown;
  onChanged(): void;
  onOpenRecord(demandId: string): void;
}

const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });

export function TrackingPanel({
  demand,
  tracking,
  fetchedAt,
  now,
  error,
  onChanged,
  onOpenRecord,
}: TrackingPanelProps) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  if (!demand) {
    return (
      <section className="dep-tracking" data-testid="tracking">
        <div className="dep-panel-head">
          <h2>{t('deployment.tracking.title')}</h2>
        </div>
        <p className="muted">{t('deployment.tracking.pick')}</p>
      </section>
    );
  }
  const items = tracking?.items ?? [];
  const arrived = items.filter((i) => i.arrived).length;
  const deadline = countdown(demand.deadlineAt, now);
  const drift = Math.max(0, (now - fetchedAt) / 1000);
  const canHandOver = items.some((i) => i.status === 'arrived');
  const canRelease = demand.status === 'executing' && items.some((i) => i.arrived);

  const act = async (what: 'handover' | 'release') => {
    if (what === 'release' && !window.confirm(t('deployment.tracking.releaseConfirm'))) return;
    setBusy(true);
    setFailure(null);
    try {
      if (what === 'handover') {
        const r = await handOver(demand.id);
        setNotice(t('deployment.tracking.handedOver', { count: r.handedOver.length, grants: r.grants }));
      } else {
        const r = await release(demand.id);
        setNotice(t('deployment.tracking.released', { count: r.grantsRevoked }));
      }
      onChanged();
    } catch (err) {
      setFailure(deploymentError(t, err, i18n.language));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="dep-tracking" aria-labelledby="dep-tracking-title" data-testid="tracking">
      <div className="dep-panel-head">
        <h2 id="dep-tracking-title">
          {t('deployment.tracking.title')} · {demand.code}
        </h2>
        <span className="dep-arrived" data-testid="arrived-count" data-arrived={arrived} data-total={items.length}>
          {t('deployment.tracking.arrived', { arrived, total: items.length })}
        </span>
      </div>
      <div className={`dep-deadline ${deadline.overdue ? 'dep-late' : deadline.urgent ? 'dep-warn' : ''}`}>
        {t('deployment.tracking.deadline')} {clock(demand.deadlineAt)} ·{' '}
        {deadline.overdue
          ? t('deployment.demands.overdue', { time: deadline.text })
          : t('deployment.demands.left', { time: deadline.text })}
      </div>
      <div className="dep-dtitle">{demand.title}</div>
      {demand.meetingPoint && (
        <div className="small muted">
          {t('deployment.tracking.meetingPoint')}：{demand.meetingPoint}
        </div>
      )}
      {error != null && (
        <p className="form-error" role="alert">
          {deploymentError(t, error, i18n.language)}
        </p>
      )}
      <ol className="dep-track-list">
        {items.map((i) => {
          const remaining = i.remainingEtaSec === null ? null : Math.max(0, i.remainingEtaSec - drift);
          return (
            <li
              key={i.assignmentId}
              className={`dep-track st-${i.status}${i.arrived ? ' arrived' : ''}${i.late ? ' late' : ''}`}
              data-testid="track-item"
              data-status={i.status}
            >
              <span className="dep-tick" aria-hidden="true">
                {i.arrived ? '✔' : '○'}
              </span>
              <span className="dep-officer">
                {i.officer.name}
                <span className="muted small"> {i.officer.homeRegionName}</span>
              </span>
              <span className={`dep-chip as-${i.status}`}>
                {t(`deployment.assignmentStatus.${i.status}` as 'deployment.title')}
              </span>
              <span className="small">
                {i.arrived && i.arrivedAt
                  ? t('deployment.tracking.arrivedAt', { time: clock(i.arrivedAt) })
                  : remaining !== null
                    ? t('deployment.tracking.remaining', { time: formatCountdown(remaining * 1000) })
                    : t('deployment.tracking.noPosition')}
              </span>
              <span className={`small ${i.late ? 'dep-late' : 'dep-slack'}`}>
                {i.late
                  ? i.arrived
                    ? t('deployment.tracking.lateArrived')
                    : t('deployment.tracking.late')
                  : t('deployment.tracking.onTime')}
              </span>
            </li>
          );
        })}
      </ol>
      {notice && (
        <p className="dep-ok" role="status">
          {notice}
        </p>
      )}
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <div className="dep-plan-actions">
        <button
          type="button"
          disabled={busy || !canHandOver}
          onClick={() => void act('handover')}
          data-testid="handover"
        >
          {t('deployment.tracking.handover')}
        </button>
        <button type="button" className="danger" disabled={busy || !canRelease} onClick={() => void act('release')}>
          {t('deployment.tracking.release')}
        </button>
        <button type="button" className="link" onClick={() => onOpenRecord(demand.id)} data-testid="open-record">
          {t('deployment.record.open')}
        </button>
      </div>
    </section>
  );
}
