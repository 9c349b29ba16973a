/**
 * The officer field view (移动警务), made for a phone held in one hand: my current task with its incident,
 * one big button for the next step (acknowledge → en route → on scene → released), the route to the scene,
 * notes and photos. Live: a new order appears at once (orders/incidents topics), with a visual alert only.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../realtime/hooks/useRealtime.ts';
import { fetchCodes } from '../api/field.api.ts';
import { useMyOrders } from '../hooks/useMyOrders.ts';
import { fieldErrorMessage } from '../utils/field.errors.ts';
import { NotesCard } from './NotesCard.tsx';
import { PhotoCard } from './PhotoCard.tsx';
import { RouteCard } from './RouteCard.tsx';
import { TaskCard } from './TaskCard.tsx';

export default function FieldPage() {
  const { t, i18n } = useTranslation();
  const connection = useRealtime(['orders', 'incidents']);
  const orders = useMyOrders(connection);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [labels, setLabels] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    const abort = new AbortController();
    fetchCodes(abort.signal)
      .then((codes) => codes && setLabels(new Map(codes.subTypes.map((s) => [s.code, s.label]))))
      .catch(() => undefined); // labels are a nicety: the code is shown without them
    return () => abort.abort();
  }, []);

  const items = orders.items;
  // The newest unacknowledged order first, then the others by dispatch time.
  const sorted = useMemo(
    () =>
      [...(items ?? [])].sort(
        (a, b) =>
          Number(b.order.status === 'sent') - Number(a.order.status === 'sent') ||
          Date.parse(b.order.sentAt) - Date.parse(a.order.sentAt),
      ),
    [items],
  );
  const current = sorted.find((i) => i.order.id === selectedId) ?? sorted[0] ?? null;
  const others = sorted.filter((i) => i !== current);
  const freshCurrent = current !== null && orders.fresh.includes(current.order.id);

  const updated =
    orders.updatedAt === null
      ? null
      : new Date(orders.updatedAt).toLocaleTimeString(i18n.language, {
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          hourCycle: 'h23',
          timeZone: 'Asia/Shanghai',
        });

  return (
    <main className="field-page" data-testid="field" aria-busy={items === null}>
      <header className="field-top">
        <div>
          <h1>{t('field.title')}</h1>
          {current && <p className="field-unit">{t('field.unit', { callSign: current.order.callSign })}</p>}
        </div>
        <button type="button" className="field-refresh" onClick={orders.reload} data-testid="field-refresh">
          {t('field.refresh')}
        </button>
      </header>

      {connection.status !== 'open' && connection.status !== 'connecting' && (
        <p className="field-banner warn" role="status" data-testid="field-offline">
          {t('field.offline')}
        </p>
      )}

      {orders.fresh.length > 0 && (
        <div className="field-banner alert" role="alert" data-testid="field-new-order">
          <strong>{t('field.newOrder')}</strong>
          <button type="button" onClick={orders.markSeen}>
            {t('field.dismiss')}
          </button>
        </div>
      )}

      {orders.error !== null && (
        <div className="field-banner error" role="alert" data-testid="field-load-error">
          <span>{t('field.loadFailed', { reason: fieldErrorMessage(t, orders.error, i18n.language) })}</span>
          <button type="button" onClick={orders.reload}>
            {t('field.retry')}
          </button>
        </div>
      )}

      {items === null && orders.error === null && <p className="field-empty">{t('field.loading')}</p>}

      {items !== null && current === null && (
        <section className="field-empty" data-testid="field-no-task">
          <p className="field-empty-title">{t('field.noTask')}</p>
          <p className="muted">{t('field.noTaskHint')}</p>
        </section>
      )}

      {current && (
        <>
          <TaskCard
            key={current.order.id}
            item={current}
            subTypeLabel={labels.get(current.incident.subType)}
            highlight={freshCurrent}
            onOrder={(o) => {
              orders.applyOrder(o);
              orders.markSeen();
              orders.reload();
            }}
          />
          {others.length > 0 && (
            <div className="field-others" data-testid="field-others">
              <span>{t('field.otherOrders', { count: others.length })}</span>
              {others.map((o) => (
                <button key={o.order.id} type="button" onClick={() => setSelectedId(o.order.id)}>
                  {t('field.switchOrder')} · {labels.get(o.incident.subType) ?? o.incident.subType}
                </button>
              ))}
            </div>
          )}
          <RouteCard key={`route-${current.order.id}`} item={current} />
          <NotesCard key={`notes-${current.incident.id}`} incidentId={current.incident.id} />
          <PhotoCard key={`photo-${current.incident.id}`} incidentId={current.incident.id} />
        </>
      )}

      {updated && (
        <p className="field-updated muted small" data-testid="field-updated">
          {t('field.lastUpdated', { time: updated })}
        </p>
      )}
    </main>
  );
}
