/** Live-connection indicator in the header. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../api/stream.client.ts';

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (state.status !== 'reconnecting') return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [state]);
  const text =
    state.status === 'reconnecting'
      ? t('realtime.reconnecting', { seconds: Math.max(0, Math.ceil((state.retryAt - now) / 1000)) })
      : t(`realtime.${state.status}`);
  return (
    <span className={`conn conn-${state.status}`} role="status" data-testid="connection" data-status={state.status}>
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}
