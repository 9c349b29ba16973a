/** Duty-leader alerts (`incident.alert` on the incidents topic): a banner per alert until acknowledged. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onRealtimeMessage } from '../../realtime/hooks/useRealtime.ts';
import { ackAlert } from '../api/board.api.ts';
import { boardError } from '../utils/errors.ts';
import { severityNumeral } from '../utils/queue.ts';

interface Alert {
  id: string;
  alertId: string;
  severity: number;
}

function parseAlert(data: string): Alert | null {
  try {
    const v = JSON.parse(data) as Partial<Alert>;
    return typeof v.id === 'string' && typeof v.alertId === 'string'
      ? { id: v.id, alertId: v.alertId, severity: Number(v.severity) || 0 }
      : null;
  } catch {
    return null;
  }
}

export interface AlertBannerProps {
  /** What the incident is, for the banner text (its type and address, when the queue has it). */
  describe(id: string): string;
  onOpen(id: string): void;
}

export function AlertBanner({ describe, onOpen }: AlertBannerProps) {
  const { t, i18n } = useTranslation();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(
    () =>
      onRealtimeMessage((m) => {
        if (m.event !== 'incident.alert') return;
        const a = parseAlert(m.data);
        if (a) setAlerts((list) => (list.some((x) => x.alertId === a.alertId) ? list : [...list, a]));
      }),
    [],
  );
  if (alerts.length === 0) return null;
  const ack = async (a: Alert) => {
    try {
      await ackAlert(a.id, a.alertId);
      setProblem(null);
      setAlerts((list) => list.filter((x) => x.alertId !== a.alertId));
    } catch (err) {
      setProblem(boardError(t, err, i18n.language));
    }
  };
  return (
    <div className="board-alerts" role="alert" data-testid="alerts">
      {alerts.map((a) => (
        <div key={a.alertId} className="board-alert">
          <strong>{t('board.alert.title')}</strong>
          <span>{t('board.alert.text', { severity: severityNumeral(a.severity), type: describe(a.id) })}</span>
          <button type="button" onClick={() => onOpen(a.id)}>
            {t('board.alert.open')}
          </button>
          <button type="button" className="primary" onClick={() => void ack(a)} data-testid="ack-alert">
            {t('board.alert.ack')}
          </button>
        </div>
      ))}
      {problem && <span className="form-error">{problem}</span>}
    </div>
  );
}
