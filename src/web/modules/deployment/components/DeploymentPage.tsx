/**
 * The deployment board (警力投送): demands by urgency on the left (or the request form), the map in the middle
 * (demands, the proposed plan's routes coloured by demand, live officer positions), and on the right the plan with
 * what-if, the approvals with e-signature, live arrivals, and the KPIs. Live through the `deployment` topic.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/state/session.store.ts';
import { useRealtime } from '../../realtime/hooks/useRealtime.ts';
import {
  confirmDemand,
  fetchOfficers,
  fetchPlan,
  fetchTree,
  flattenTree,
  proposePlan,
  submitPlan,
  whatIf,
  type Adjustments,
  type Demand,
  type Plan,
  type PoolOfficer,
  type TreeNode,
} from '../api/deployment.api.ts';
import { useBoardData, useNow, useTracking } from '../hooks/useDeploymentLive.ts';
import { ACTIVE_STATUSES, byUrgency, countdown, demandColor } from '../utils/deployment.utils.ts';
import { roman } from '../utils/deployment.utils.ts';
import { deploymentError } from '../utils/errors.ts';
import { ApprovalPanel } from './ApprovalPanel.tsx';
import { DemandForm } from './DemandForm.tsx';
import type { MapLine, MapOfficer } from './DeploymentMap.tsx';
import { KpiPanel } from './KpiPanel.tsx';
import { PlanPanel } from './PlanPanel.tsx';
import { RecordDialog } from './RecordDialog.tsx';
import { TrackingPanel } from './TrackingPanel.tsx';
import './deployment.css';

const DeploymentMap = lazy(() => import('./DeploymentMap.tsx'));

type Tab = 'plan' | 'approval' | 'tracking' | 'kpi';

export default function DeploymentPage() {
  const { t, i18n } = useTranslation();
  useRealtime(['deployment']);
  const session = useSession();
  const me = session.status === 'authenticated' ? session.me : null;
  const home = me?.assignments[0]?.jurisdictionId ?? '';
  const data = useBoardData();
  const now = useNow(1000);
  const [tab, setTab] = useState<Tab | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [raising, setRaising] = useState(false);
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState<[number, number] | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [previous, setPrevious] = useState<Plan | null>(null);
  const [busy, setBusy] = useState<'plan' | 'whatif' | 'submit' | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [recordOf, setRecordOf] = useState<string | null>(null);
  const [showClosed, setShowClosed] = useState(false);
  const [nodes, setNodes] = useState<TreeNode[]>([]);
  const [origins, setOrigins] = useState<Map<string, PoolOfficer>>(new Map());
  const [kpiKey, setKpiKey] = useState(0);
  const [approvalPlan, setApprovalPlan] = useState<Plan | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetchTree(abort.signal).then(
      (r) => setNodes(flattenTree(r.roots)),
      () => undefined,
    );
    return () => abort.abort();
  }, []);
  const names = useMemo(() => new Map(nodes.map((n) => [n.id, n.name])), [nodes]);
  const regionName = useCallback((id: string) => names.get(id) ?? id, [names]);
  const regions = useMemo(() => {
    const counties = nodes.filter((n) => n.level === 'county').map((n) => ({ id: n.id, label: n.name }));
    if (counties.length) return counties;
    return (me?.assignments ?? []).map((a) => ({ id: a.jurisdictionId, label: regionName(a.jurisdictionId) }));
  }, [nodes, me, regionName]);

  const sorted = useMemo(() => [...data.demands].sort(byUrgency), [data.demands]);
  const shown = showClosed ? sorted : sorted.filter((d) => ACTIVE_STATUSES.has(d.status));
  const colorIndex = useMemo(() => new Map(sorted.map((d, i) => [d.id, i])), [sorted]);
  const colorOf = useCallback((id: string) => demandColor(colorIndex.get(id) ?? 0), [colorIndex]);
  const selected = sorted.find((d) => d.id === selectedId) ?? null;
  const openCount = data.demands.filter((d) => d.status === 'open').length;
  const toDecide = data.approvals.filter((a) => a.status === 'pending' && a.canDecide).length;
  const tracked =
    selected && ['approved', 'executing', 'closed'].includes(selected.status)
      ? selected
      : (sorted.find((d) => d.status === 'executing') ?? null);
  const tracking = useTracking(tracked?.id ?? null);
  // The approver sees the plan waiting for them on the map.
  const waitingPlanId = data.approvals.find((a) => a.status === 'pending' && a.canDecide)?.planId ?? null;
  useEffect(() => {
    if (!waitingPlanId) {
      setApprovalPlan(null);
      return;
    }
    const abort = new AbortController();
    fetchPlan(waitingPlanId, abort.signal).then(setApprovalPlan, () => undefined);
    return () => abort.abort();
  }, [waitingPlanId]);
  const trackedAt = useMemo(() => Date.now(), [tracking.tracking]);

  // First tab: approvals when something waits for me, arrivals when something is executing, else the plan.
  useEffect(() => {
    if (tab || !data.loaded) return;
    setTab(toDecide ? 'approval' : sorted.some((d) => d.status === 'executing') ? 'tracking' : 'plan');
  }, [tab, data.loaded, toDecide, sorted]);
  const current: Tab = tab ?? 'plan';
  const shownPlan = current === 'approval' ? approvalPlan : plan;

  // Where the plan's officers start: the pool's positions (station or live AVL).
  useEffect(() => {
    if (!shownPlan || !home) return;
    if (shownPlan.assignments.every((a) => origins.has(a.officerId))) return;
    const abort = new AbortController();
    const ids = new Set(shownPlan.assignments.map((a) => a.regionId));
    const scopes = [home, ...ids].filter((v, i, a) => a.indexOf(v) === i);
    void Promise.all(
      scopes.map((s) => fetchOfficers(s, abort.signal).catch(() => ({ items: [] as PoolOfficer[] }))),
    ).then((lists) => {
      if (abort.signal.aborted) return;
      setOrigins((prev) => {
        const next = new Map(prev);
        for (const l of lists) for (const o of l.items) next.set(o.id, o);
        return next;
      });
    });
    return () => abort.abort();
  }, [shownPlan, home]);

  const mapDemands = useMemo(
    () =>
      sorted
        .filter((d) => ACTIVE_STATUSES.has(d.status) || d.id === selectedId)
        .map((d) => ({ id: d.id, lon: d.lon, lat: d.lat, level: d.level, color: colorOf(d.id), label: d.code })),
    [sorted, selectedId, colorOf],
  );
  const byId = useMemo(() => new Map(data.demands.map((d) => [d.id, d])), [data.demands]);

  const { lines, officers, fitKey } = useMemo(() => {
    const lines: MapLine[] = [];
    const officers: MapOfficer[] = [];
    if (current === 'tracking' && tracking.tracking) {
      const tr = tracking.tracking;
      tr.items.forEach((i, n) => {
        if (i.arrived) {
          // Arrived officers stand at the scene: a small ring around the demand, so each tick is visible.
          const angle = (2 * Math.PI * n) / Math.max(1, tr.items.length);
          officers.push({
            id: i.officer.id,
            lon: tr.lon + 0.0022 * Math.cos(angle),
            lat: tr.lat + 0.0017 * Math.sin(angle),
            color: colorOf(tr.demandId),
            arrived: true,
          });
          return;
        }
        if (!i.position) return;
        const from: [number, number] = [i.position.lon, i.position.lat];
        officers.push({ id: i.officer.id, lon: from[0], lat: from[1], color: colorOf(tr.demandId), arrived: false });
        lines.push({ demandId: tr.demandId, from, to: [tr.lon, tr.lat], color: colorOf(tr.demandId) });
      });
      return { lines, officers, fitKey: `t-${tr.demandId}` };
    }
    if (shownPlan && current !== 'kpi') {
      for (const a of shownPlan.assignments) {
        const o = origins.get(a.officerId);
        const d = byId.get(a.demandId);
        if (!o?.position || !d) continue;
        officers.push({
          id: a.officerId,
          lon: o.position.lon,
          lat: o.position.lat,
          color: colorOf(a.demandId),
          arrived: false,
        });
        lines.push({
          demandId: a.demandId,
          from: [o.position.lon, o.position.lat],
          to: [d.lon, d.lat],
          color: colorOf(a.demandId),
        });
      }
      return { lines, officers, fitKey: lines.length ? `p-${shownPlan.id}` : '' };
    }
    return { lines, officers, fitKey: '' };
  }, [current, tracking.tracking, shownPlan, origins, byId, colorOf]);

  const run = async (kind: 'plan' | 'whatif' | 'submit', fn: () => Promise<Plan>, after?: (p: Plan) => void) => {
    setBusy(kind);
    setFailure(null);
    setNotice(null);
    try {
      const next = await fn();
      after?.(next);
      data.reload();
    } catch (err) {
      setFailure(deploymentError(t, err, i18n.language));
    } finally {
      setBusy(null);
    }
  };

  const planAll = () =>
    void run(
      'plan',
      () => proposePlan({}),
      (p) => {
        setPrevious(null);
        setPlan(p);
        setTab('plan');
      },
    );
  const onWhatIf = (adjustments: Adjustments) =>
    void run(
      'whatif',
      () => whatIf(plan!.id, adjustments),
      (p) => {
        setPrevious(plan);
        setPlan(p);
      },
    );
  const onSubmit = (emergency: boolean) =>
    void run(
      'submit',
      () => submitPlan(plan!.id, emergency),
      (p) => {
        setPlan(p);
        setNotice(
          p.emergency || p.status === 'issued'
            ? t('deployment.plan.issued')
            : t('deployment.plan.submitted', {
                tier: t(`deployment.tier.${p.requiredApproval}` as 'deployment.title', {
                  defaultValue: p.requiredApproval,
                }),
              }),
        );
      },
    );

  const onCreated = (d: Demand) => {
    setRaising(false);
    setPicking(false);
    setPicked(null);
    setSelectedId(d.id);
    setNotice(t('deployment.form.created', { code: d.code }));
    data.reload();
  };

  const select = (d: Demand) => {
    setSelectedId(d.id);
    if (['approved', 'executing'].includes(d.status)) setTab('tracking');
  };

  return (
    <main className="dep" data-testid="deployment" aria-label={t('deployment.title')}>
      <div className="dep-body">
        <aside className="dep-left">
          {raising ? (
            <DemandForm
              regions={regions}
              picked={picked}
              picking={picking}
              onPickStart={() => setPicking(true)}
              onPicked={(p) => {
                setPicked(p);
                setPicking(false);
              }}
              onCreated={onCreated}
              onClose={() => {
                setRaising(false);
                setPicking(false);
              }}
            />
          ) : (
            <section className="dep-demands" aria-labelledby="dep-demands-title">
              <div className="dep-panel-head">
                <h2 id="dep-demands-title">{t('deployment.demands.title')}</h2>
                <span className="dep-count" data-testid="demand-count">
                  {t('deployment.demands.count', { count: shown.length })}
                </span>
                <button type="button" className="primary" onClick={() => setRaising(true)} data-testid="raise-demand">
                  {t('deployment.demands.raise')}
                </button>
              </div>
              <label className="dep-inline small">
                <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} />
                {t('deployment.demands.showClosed')}
              </label>
              {data.loaded && shown.length === 0 && <p className="muted">{t('deployment.demands.empty')}</p>}
              <ul className="dep-demand-list" data-testid="demands">
                {shown.map((d) => {
                  const cd = countdown(d.deadlineAt, now);
                  const live = ACTIVE_STATUSES.has(d.status);
                  return (
                    <li
                      key={d.id}
                      className={`dep-demand lv-${d.level}${d.id === selectedId ? ' selected' : ''}`}
                      style={{ borderLeftColor: colorOf(d.id) }}
                      data-testid="demand"
                      data-demand-id={d.id}
                      data-status={d.status}
                    >
                      <button type="button" className="dep-demand-main" onClick={() => select(d)}>
                        <span className="dep-dtop">
                          <span className={`dep-level lv-${d.level}`}>{roman(d.level)}</span>
                          <span className="dep-code">{d.code}</span>
                          <span className={`dep-chip ds-${d.status}`}>
                            {t(`deployment.demandStatus.${d.status}` as 'deployment.title', { defaultValue: d.status })}
                          </span>
                          {d.source === 'automatic' && (
                            <span className="dep-chip auto" title={t('deployment.demands.autoHint')}>
                              {t('deployment.source.automatic')}
                            </span>
                          )}
                        </span>
                        <span className="dep-dtitle">{d.title}</span>
                        <span className="dep-dmeta">
                          <span>{regionName(d.jurisdictionId)}</span>
                          <span>{t('deployment.demands.headcount', { count: d.headcount })}</span>
                          {live && (
                            <span
                              className={cd.overdue ? 'dep-late' : cd.urgent ? 'dep-warn' : ''}
                              data-testid="demand-countdown"
                            >
                              {cd.overdue
                                ? t('deployment.demands.overdue', { time: cd.text })
                                : t('deployment.demands.left', { time: cd.text })}
                            </span>
                          )}
                        </span>
                      </button>
                      {d.status === 'draft' && (
                        <button
                          type="button"
                          className="dep-confirm"
                          onClick={() =>
                            void confirmDemand(d.id).then(data.reload, (err) =>
                              setFailure(deploymentError(t, err, i18n.language)),
                            )
                          }
                        >
                          {t('deployment.demands.confirm')}
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
        </aside>
        <div className="dep-center">
          <Suspense fallback={<div className="map-status">{t('map.loading')}</div>}>
            <DeploymentMap
              demands={mapDemands}
              lines={lines}
              officers={officers}
              selectedId={selectedId}
              picking={picking}
              picked={raising ? picked : null}
              fitKey={fitKey}
              onPick={(p) => {
                setPicked(p);
                setPicking(false);
              }}
              onSelect={(id) => {
                const d = byId.get(id);
                if (d) select(d);
              }}
            />
          </Suspense>
        </div>
        <aside className="dep-right">
          <div className="dep-tabs" role="tablist">
            {(['plan', 'approval', 'tracking', 'kpi'] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={current === k}
                className={current === k ? 'on' : ''}
                onClick={() => setTab(k)}
                data-testid={`tab-${k}`}
              >
                {t(`deployment.tabs.${k}`)}
                {k === 'approval' && toDecide > 0 && <span className="dep-badge">{toDecide}</span>}
              </button>
            ))}
          </div>
          <div className="dep-tabpanel">
            {current === 'plan' && (
              <PlanPanel
                plan={plan}
                previous={previous}
                demands={data.demands}
                colorOf={colorOf}
                regionName={regionName}
                busy={busy}
                failure={failure}
                notice={notice}
                openCount={openCount}
                onPlanAll={planAll}
                onWhatIf={onWhatIf}
                onSubmit={onSubmit}
              />
            )}
            {current === 'approval' && me && (
              <ApprovalPanel
                approvals={data.approvals}
                demands={data.demands}
                now={now}
                userId={me.userId}
                onDecided={data.reload}
                onOpenRecord={setRecordOf}
              />
            )}
            {current === 'tracking' && (
              <>
                <TrackingPanel
                  demand={tracked}
                  tracking={tracking.tracking}
                  fetchedAt={trackedAt}
                  now={now}
                  error={tracking.error}
                  onChanged={() => {
                    tracking.reload();
                    data.reload();
                    setKpiKey((k) => k + 1);
                  }}
                  onOpenRecord={setRecordOf}
                />
                {home && (
                  <div className="dep-below">
                    <KpiPanel jurisdictionId={home} regionName={regionName} refreshKey={kpiKey} />
                  </div>
                )}
              </>
            )}
            {current === 'kpi' && home && (
              <KpiPanel jurisdictionId={home} regionName={regionName} refreshKey={kpiKey} />
            )}
          </div>
        </aside>
      </div>
      {recordOf && <RecordDialog demandId={recordOf} onClose={() => setRecordOf(null)} />}
    </main>
  );
}
