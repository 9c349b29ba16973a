/** The paper's six deployment KPIs and the region-to-region balance, for the user's jurisdiction (30 days). */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchKpis, type Kpis } from '../api/deployment.api.ts';
import { roman } from '../utils/deployment.utils.ts';
import { deploymentError } from '../utils/errors.ts';

const pct = (r: number | null) => (r === null ? null : `${Math.round(r * 100)}%`);

export function KpiPanel({
  jurisdictionId,
  regionName,
  refreshKey,
}: {
  jurisdictionId: string;
  regionName(id: string): string;
  refreshKey: number;
}) {
  const { t, i18n } = useTranslation();
  const [kpis, setKpis] = useState<Kpis | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetchKpis(jurisdictionId, abort.signal).then(setKpis, (err) => {
      if (!abort.signal.aborted) setFailure(deploymentError(t, err, i18n.language));
    });
    return () => abort.abort();
  }, [jurisdictionId, refreshKey]);

  const na = t('deployment.kpi.na');
  const row = (label: string, value: string | null, detail?: string, key?: string) => (
    <div className="dep-kpi" key={key}>
      <span className="dep-kpi-label">{label}</span>
      <strong>{value ?? na}</strong>
      {detail && <span className="muted small">{detail}</span>}
    </div>
  );
  return (
    <section className="dep-kpis" aria-labelledby="dep-kpi-title" data-testid="kpis">
      <div className="dep-panel-head">
        <h2 id="dep-kpi-title">{t('deployment.kpi.title')}</h2>
      </div>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      {kpis && (
        <div className="dep-kpi-grid">
          {kpis.responseTime.map((r) =>
            row(
              t('deployment.kpi.response', { level: roman(r.level) }),
              r.meanMin === null
                ? null
                : t('deployment.kpi.minutes', { value: r.meanMin.toFixed(0), standard: r.standardMin }),
              r.meanMin === null
                ? undefined
                : t('deployment.kpi.responseRow', {
                    mean: r.meanMin?.toFixed(0) ?? na,
                    share: pct(r.withinStandardShare) ?? na,
                  }),
              `response-${r.level}`,
            ),
          )}
          {row(
            t('deployment.kpi.utilisation'),
            pct(kpis.utilisation.rate),
            `${kpis.utilisation.deployedOfficers} / ${kpis.utilisation.deployableOfficers}`,
          )}
          {row(
            t('deployment.kpi.clearance'),
            pct(kpis.caseClearance.rate),
            `${kpis.caseClearance.closed} / ${kpis.caseClearance.incidents}`,
          )}
          {row(
            t('deployment.kpi.compatibility'),
            pct(kpis.equipmentCompatibility.rate),
            `${kpis.equipmentCompatibility.compatible} / ${kpis.equipmentCompatibility.items}`,
          )}
          {row(
            t('deployment.kpi.satisfaction'),
            kpis.satisfaction.meanRating === null ? null : `${kpis.satisfaction.meanRating.toFixed(1)} / 5`,
            pct(kpis.satisfaction.responseRate) ?? undefined,
          )}
          {row(
            t('deployment.kpi.logistics'),
            pct(kpis.logisticsCoverage.rate),
            `${kpis.logisticsCoverage.covered} / ${kpis.logisticsCoverage.demands}`,
          )}
          <div className="dep-kpi wide">
            <span className="dep-kpi-label">{t('deployment.kpi.balance')}</span>
            {kpis.balance.regions.length === 0 && <strong>{na}</strong>}
            <ul className="dep-balance">
              {kpis.balance.regions.slice(0, 8).map((r) => (
                <li key={r.regionId}>
                  {regionName(r.regionId)}{' '}
                  <strong className={r.netHours < 0 ? 'dep-late' : 'dep-ok'}>{r.netHours.toFixed(1)}</strong>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
