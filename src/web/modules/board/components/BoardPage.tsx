/**
 * The live command board (指挥调度): the queue on the left, the map in the middle, the selected incident (or the
 * new-call form) on the right. Keyboard: `n` new call, `j`/`k` next/previous incident, `a` accept the
 * recommendation. Live: the `incidents` and `orders` topics (this component's stream) and `units` (the console's).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../realtime/hooks/useRealtime.ts';
import { useShortcuts } from '../../shortcuts/hooks/useShortcuts.ts';
import type { CreateIncidentResponse, DuplicateCandidate } from '../api/board.api.ts';
import { useNow, useQueue, useUnits } from '../hooks/useBoardLive.ts';
import { useCodes } from '../hooks/useCodes.ts';
import { useIncident } from '../hooks/useIncident.ts';
import { stepSelection } from '../utils/queue.ts';
import { AlertBanner } from './AlertBanner.tsx';
import { IncidentDetail } from './IncidentDetail.tsx';
import { IntakeForm } from './IntakeForm.tsx';
import { QueuePanel } from './QueuePanel.tsx';
import './board.css';

const BoardMap = lazy(() => import('./BoardMap.tsx'));

export default function BoardPage() {
  const { t } = useTranslation();
  useRealtime(['incidents', 'orders']);
  const queue = useQueue();
  const units = useUnits();
  const codes = useCodes();
  const now = useNow(1000);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [intakeOpen, setIntakeOpen] = useState(false);
  const [created, setCreated] = useState<{ id: string; duplicates: DuplicateCandidate[] } | null>(null);
  const detail = useIncident(selectedId);
  const detailRef = useRef<HTMLDivElement>(null);

  const describe = (id: string) => {
    const i = queue.items.find((q) => q.incident.id === id)?.incident;
    if (!i) return '';
    const label = codes?.subTypes.find((s) => s.code === i.subType)?.label ?? i.subType;
    return [label, i.address].filter(Boolean).join(' · ');
  };

  const ids = useMemo(() => queue.items.map((q) => q.incident.id), [queue.items]);

  const select = useCallback((id: string) => {
    setIntakeOpen(false);
    setSelectedId(id);
    setCreated((c) => (c?.id === id ? c : null));
  }, []);

  useShortcuts({
    newCall: () => setIntakeOpen(true),
    nextIncident: () => {
      const id = stepSelection(ids, selectedId, 1);
      if (id) select(id);
    },
    prevIncident: () => {
      const id = stepSelection(ids, selectedId, -1);
      if (id) select(id);
    },
  });

  const onCreated = (r: CreateIncidentResponse) => {
    setIntakeOpen(false);
    setCreated({ id: r.incident.id, duplicates: r.duplicateCandidates });
    setSelectedId(r.incident.id);
    queue.reload();
  };

  // Keep the selected row in view when stepping with j/k.
  useEffect(() => {
    if (!selectedId) return;
    document.querySelector(`[data-incident-id="${CSS.escape(selectedId)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  return (
    <main className="board" data-testid="board" aria-label={t('board.title')}>
      <AlertBanner describe={describe} onOpen={select} />
      <div className="board-body">
        <QueuePanel
          items={queue.items}
          fetchedAt={queue.fetchedAt}
          now={now}
          codes={codes}
          selectedId={selectedId}
          onSelect={select}
        />
        <div className="board-center">
          <Suspense fallback={<div className="map-status">{t('map.loading')}</div>}>
            <BoardMap units={units} queue={queue.items} selectedId={selectedId} onSelect={select} />
          </Suspense>
        </div>
        <div className="board-side" ref={detailRef}>
          {intakeOpen && codes ? (
            <IntakeForm codes={codes} onCreated={onCreated} onClose={() => setIntakeOpen(false)} />
          ) : detail.incident && detail.incident.id === selectedId ? (
            <IncidentDetail
              key={detail.incident.id}
              incident={detail.incident}
              orders={detail.orders}
              timeline={detail.timeline}
              codes={codes}
              units={units}
              now={now}
              duplicates={created?.id === selectedId ? created.duplicates : []}
              fresh={created?.id === selectedId}
              onChanged={() => {
                detail.reload();
                queue.reload();
              }}
              onSelect={select}
            />
          ) : (
            <div className="board-none">
              <p className="muted">{selectedId ? t('board.loading') : t('board.detail.none')}</p>
              <button type="button" className="primary" onClick={() => setIntakeOpen(true)} aria-keyshortcuts="n">
                {t('board.intake.title')}（N）
              </button>
            </div>
          )}
        </div>
      </div>
    </main>
  );
}
