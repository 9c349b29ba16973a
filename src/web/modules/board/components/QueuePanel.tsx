/** The queue of open incidents: priority then waiting time, severity colour, ticking waits and late timers. */
import { useTranslation } from 'react-i18next';
import type { Codes, QueueItem } from '../api/board.api.ts';
import {
  activeOrders,
  formatDuration,
  headlineTimer,
  severityNumeral,
  tickTimer,
  waitingSecAt,
} from '../utils/queue.ts';

export interface QueuePanelProps {
  items: QueueItem[];
  fetchedAt: number;
  now: number;
  codes: Codes | null;
  selectedId: string | null;
  onSelect(id: string): void;
}

export function QueuePanel({ items, fetchedAt, now, codes, selectedId, onSelect }: QueuePanelProps) {
  const { t } = useTranslation();
  const drift = Math.max(0, (now - fetchedAt) / 1000);
  const label = (code: string) => codes?.subTypes.find((s) => s.code === code)?.label ?? code;
  return (
    <section className="board-queue" aria-labelledby="board-queue-title">
      <div className="board-panel-head">
        <h2 id="board-queue-title">{t('board.queue.title')}</h2>
        <span className="board-count" data-testid="queue-count">
          {t('board.queue.count', { count: items.length })}
        </span>
      </div>
      {items.length === 0 && <p className="muted board-empty">{t('board.queue.empty')}</p>}
      <ul className="board-queue-list" role="listbox" aria-label={t('board.queue.title')} data-testid="queue">
        {items.map((q) => {
          const i = q.incident;
          const timer = headlineTimer(q.timers.map((x) => tickTimer(x, drift)));
          const waited = q.timers.length ? q.waitingSec + drift : waitingSecAt(i.receivedAt, now);
          const units = activeOrders(q.orders).map((o) => o.callSign);
          return (
            <li
              key={i.id}
              role="option"
              aria-selected={i.id === selectedId}
              className={`board-queue-item sev-${i.severity}${timer?.late ? ' late' : ''}`}
              data-incident-id={i.id}
            >
              <button type="button" onClick={() => onSelect(i.id)} data-testid="queue-item">
                <span className={`board-sev-badge sev-${i.severity}`}>{severityNumeral(i.severity)}</span>
                <span className="board-q-main">
                  <span className="board-q-title">
                    {label(i.subType)}
                    <span className="board-q-prio">
                      {i.priority === null ? t('board.queue.ungraded') : `P${i.priority}`}
                    </span>
                  </span>
                  <span className="board-q-addr">{i.address ?? '—'}</span>
                  <span className="board-q-meta">
                    <span className={`board-status st-${i.status}`}>{t(`board.status.${i.status}`)}</span>
                    {units.length > 0 && <span className="board-q-units">{units.join('、')}</span>}
                  </span>
                </span>
                <span className="board-q-time">
                  <span className="board-mono">{formatDuration(waited)}</span>
                  {timer && (
                    <span className={timer.late ? 'board-late' : 'muted small'}>
                      {t(`board.stage.${timer.stage}`, { defaultValue: timer.stage })}{' '}
                      {timer.late ? t('board.queue.late') : formatDuration(timer.targetSec - timer.elapsedSec)}
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
