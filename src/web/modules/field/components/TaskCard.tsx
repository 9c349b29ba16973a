/** The current task: incident summary, time since dispatch, the big next-step button and the order's stages. */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { acknowledgeOrder, setOrderStatus, type MyOrder, type Order } from '../api/field.api.ts';
import { useNow } from '../hooks/useMyOrders.ts';
import { ActionKeys } from '../utils/action.keys.ts';
import { fieldErrorMessage } from '../utils/field.errors.ts';
import { actionsFor, formatElapsed, orderSteps, severityNumeral, type OrderAction } from '../utils/order.actions.ts';

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface TaskCardProps {
  item: MyOrder;
  subTypeLabel?: string;
  highlight: boolean;
  onOrder(order: Order): void;
}

export function TaskCard({ item, subTypeLabel, highlight, onOrder }: TaskCardProps) {
  const { t, i18n } = useTranslation();
  const now = useNow(1000);
  const keys = useRef(new ActionKeys());
  const [busy, setBusy] = useState<OrderAction | null>(null);
  const [failure, setFailure] = useState<{ action: OrderAction; error: unknown } | null>(null);
  const [done, setDone] = useState<OrderAction | null>(null);
  const { order, incident } = item;
  const { primary, secondary } = actionsFor(order.status);

  const run = async (action: OrderAction) => {
    const keyName = `${action}:${order.id}`;
    setBusy(action);
    setFailure(null);
    setDone(null);
    try {
      const key = keys.current.keyFor(keyName);
      const next =
        action === 'ack' ? await acknowledgeOrder(order.id, key) : await setOrderStatus(order.id, action, key);
      keys.current.succeeded(keyName);
      setDone(action);
      onOrder(next);
    } catch (error) {
      setFailure({ action, error });
    } finally {
      setBusy(null);
    }
  };

  const category = t(`field.categories.${incident.category}`, { defaultValue: incident.category });
  const typeLabel =
    i18n.language.startsWith('zh') && subTypeLabel
      ? subTypeLabel
      : capitalise((incident.subType.split('.')[1] ?? incident.subType).replace(/_/g, ' '));
  // 24-hour China time in both languages: what the command centre's clocks show.
  const timeOpts = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Shanghai' } as const;

  return (
    <section
      className={`field-card task-card sev-${incident.severity}${highlight ? ' fresh' : ''}`}
      data-testid="field-task"
      data-order-id={order.id}
      data-order-status={order.status}
      aria-labelledby="field-task-title"
    >
      <div className="task-head">
        <span
          className="task-severity"
          title={t('field.incident.severity', { level: severityNumeral(incident.severity) })}
        >
          {t('field.incident.severity', { level: severityNumeral(incident.severity) })}
        </span>
        <span className="task-status" data-testid="field-order-status">
          {t(`field.orderStatus.${order.status}`)}
        </span>
      </div>
      <h2 id="field-task-title" className="task-type">
        <span className="task-category">{category}</span> {typeLabel}
      </h2>
      <p className="task-clock" data-testid="field-elapsed">
        {t('field.incident.dispatchedAgo', { elapsed: formatElapsed(order.sentAt, now) })}
        <span className="muted small">
          {' · '}
          {t('field.incident.received', {
            time: new Date(incident.receivedAt).toLocaleTimeString(i18n.language, timeOpts),
          })}
        </span>
      </p>
      <dl className="task-facts">
        <dt>{t('field.incident.address')}</dt>
        <dd className="task-address" data-testid="field-address">
          {incident.address ?? t('field.incident.noAddress')}
        </dd>
        {incident.description && (
          <>
            <dt>{t('field.incident.description')}</dt>
            <dd className="task-description">{incident.description}</dd>
          </>
        )}
      </dl>

      {order.status === 'cancelled' && <p className="field-banner warn">{t('field.cancelledNotice')}</p>}
      {order.status === 'released' && <p className="field-banner ok">{t('field.releasedNotice')}</p>}

      {primary && (
        <div className="task-actions">
          <button
            type="button"
            className={`action-primary action-${primary}`}
            disabled={busy !== null}
            aria-busy={busy === primary}
            onClick={() => void run(primary)}
            data-testid={`field-action-${primary}`}
          >
            {busy === primary ? t('field.actions.working') : t(`field.actions.${primary}`)}
          </button>
          {secondary.map((a) => (
            <button
              key={a}
              type="button"
              className="action-secondary"
              disabled={busy !== null}
              onClick={() => void run(a)}
              data-testid={`field-action-${a}`}
            >
              {busy === a ? t('field.actions.working') : t(`field.actions.${a}`)}
            </button>
          ))}
        </div>
      )}
      <div aria-live="polite">
        {failure && (
          <div className="field-banner error" role="alert" data-testid="field-action-error">
            <span>
              {t('field.actions.failed', {
                action: t(`field.actions.${failure.action}`),
                reason: fieldErrorMessage(t, failure.error, i18n.language),
              })}
            </span>
            <button type="button" onClick={() => void run(failure.action)} disabled={busy !== null}>
              {t('field.retry')}
            </button>
          </div>
        )}
        {done && !failure && (
          <p className="visually-hidden">{t('field.actions.done', { action: t(`field.actions.${done}`) })}</p>
        )}
      </div>

      <ol className="order-steps" aria-label={t('field.title')}>
        {orderSteps(order).map((s) => (
          <li key={s.stage} className={`step-${s.state}`}>
            <span className="step-dot" aria-hidden="true" />
            <span className="step-name">{t(`field.steps.${s.stage}`)}</span>
            {s.at && (
              <time dateTime={s.at} className="step-time">
                {new Date(s.at).toLocaleTimeString(i18n.language, timeOpts)}
              </time>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
