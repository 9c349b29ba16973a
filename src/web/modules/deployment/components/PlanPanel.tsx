/**
 * The proposed plan: per demand the assigned officers with reason and ETA against the deadline, shortfalls in plain
 * words, equipment, cover left per region; what-if controls (remove or pin an officer, change a head-count,
 * tighten a region's cover) collected and re-solved in place with the difference shown; submit for approval, or
 * act now for level I (flagged).
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Adjustments, Demand, Plan } from '../api/deployment.api.ts';
import {
  countAdjustments,
  coverAtRisk,
  groupShortfalls,
  mergeAdjustments,
  minutesOf,
  planDiff,
  reasonZh,
  shortfallHeadline,
  shortfallWhyZh,
  signed,
  slackMinutes,
} from '../utils/deployment.utils.ts';

export interface PlanPanelProps {
  plan: Plan | null;
  previous: Plan | null;
  demands: Demand[];
  colorOf(demandId: string): string;
  regionName(id: string): string;
  busy: 'plan' | 'whatif' | 'submit' | null;
  failure: string | null;
  notice: string | null;
  openCount: number;
  onPlanAll(): void;
  onWhatIf(adjustments: Adjustments): void;
  onSubmit(emergency: boolean): void;
}

export function PlanPanel(props: PlanPanelProps) {
  const { plan, previous, demands, colorOf, regionName, busy, failure, notice } = props;
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const [pending, setPending] = useState<Adjustments>({});
  const skillName = (c: string) => t(`deployment.skill.${c}` as 'deployment.title', { defaultValue: c });
  const byId = useMemo(() => new Map(demands.map((d) => [d.id, d])), [demands]);
  const diff = plan && previous ? planDiff(previous, plan) : null;
  const proposed = plan?.status === 'proposed';
  const levelI = !!plan && plan.demandIds.some((id) => byId.get(id)?.level === 1);
  const atRisk = plan ? new Set(coverAtRisk(plan.cover)) : new Set<string>();
  const pendingCount = countAdjustments(pending);
  const removed = new Set(pending.remove ?? []);
  const pinned = new Set([
    ...((plan?.adjustments as Adjustments | null)?.pins ?? []).map((p) => p.officerId),
    ...(pending.pins ?? []).map((p) => p.officerId),
  ]);

  const resolve = () => {
    if (!plan) return;
    props.onWhatIf(mergeAdjustments(plan.adjustments, pending));
    setPending({});
  };

  return (
    <section className="dep-plan" aria-labelledby="dep-plan-title" data-testid="plan-panel">
      <div className="dep-panel-head">
        <h2 id="dep-plan-title">{t('deployment.plan.title')}</h2>
        <button
          type="button"
          className={plan ? '' : 'primary'}
          onClick={props.onPlanAll}
          disabled={busy !== null || props.openCount === 0}
          data-testid="plan-all"
        >
          {busy === 'plan' ? t('deployment.plan.planning') : `${t('deployment.plan.planAll')}（${props.openCount}）`}
        </button>
      </div>
      {failure && (
        <p className="form-error" role="alert" data-testid="plan-error">
          {failure}
        </p>
      )}
      {notice && (
        <p className="dep-ok" role="status" data-testid="plan-notice">
          {notice}
        </p>
      )}
      {!plan && <p className="muted">{t('deployment.plan.none')}</p>}
      {plan && (
        <>
          <div className="dep-plan-summary" data-testid="plan-summary" data-plan-id={plan.id} data-status={plan.status}>
            <span className={`dep-chip plan-${plan.status}`}>
              {t(`deployment.planStatus.${plan.status}` as 'deployment.title')}
            </span>
            {plan.emergency && <span className="dep-chip emergency">{t('deployment.plan.emergencyFlag')}</span>}
            <span>{t('deployment.plan.assignments', { count: plan.assignments.length })}</span>
            <span>
              {t('deployment.plan.objective')} {plan.objective === null ? '—' : plan.objective.toFixed(1)}
            </span>
            <span className="muted">
              {t('deployment.plan.method')} {(plan.method ?? '').toUpperCase()}{' '}
              {t('deployment.plan.solveMs', { ms: Math.round(plan.timings.totalMs) })}
            </span>
            <span className="muted">
              {t('deployment.plan.requiredApproval')}：
              {t(`deployment.tier.${plan.requiredApproval}` as 'deployment.title', {
                defaultValue: plan.requiredApproval,
              })}
            </span>
          </div>
          {diff && (
            <div className="dep-diff" data-testid="plan-diff">
              <strong>{t('deployment.plan.diffTitle')}：</strong>
              {diff.objectiveDelta !== null && (
                <span>{t('deployment.plan.diffObjective', { delta: signed(diff.objectiveDelta) })}</span>
              )}
              {diff.meanEtaDeltaMin !== null && (
                <span>{t('deployment.plan.diffArrival', { delta: signed(diff.meanEtaDeltaMin) })}</span>
              )}
              {diff.maxEtaDeltaMin !== null && (
                <span>{t('deployment.plan.diffMax', { delta: signed(diff.maxEtaDeltaMin) })}</span>
              )}
              <span>{t('deployment.plan.diffUnmet', { delta: signed(diff.unmetDelta) })}</span>
              <span>
                {t('deployment.plan.diffChanged', {
                  added: diff.added.length,
                  removed: diff.removed.length,
                  moved: diff.moved.length,
                })}
              </span>
              {diff.cover.map((c) => (
                <span key={c.regionId}>
                  {t('deployment.plan.diffCover', {
                    region: regionName(c.regionId),
                    delta: signed(c.after - c.before),
                  })}
                </span>
              ))}
            </div>
          )}
          <div className="dep-plan-demands">
            {plan.demandIds.map((id) => {
              const d = byId.get(id);
              const list = plan.assignments.filter((a) => a.demandId === id);
              const shorts = groupShortfalls(plan.shortfalls, id);
              const eqShort = plan.equipmentShortfalls.filter((e) => e.demandId === id);
              const eq = plan.equipment.filter((e) => e.demandId === id);
              const hc = pending.headcount?.[id] ?? d?.headcount ?? list.length;
              return (
                <div
                  key={id}
                  className="dep-plan-demand"
                  style={{ borderLeftColor: colorOf(id) }}
                  data-testid="plan-demand"
                >
                  <div className="dep-plan-dhead">
                    <strong>
                      {d?.code ?? id.slice(0, 8)} {d?.title ?? ''}
                    </strong>
                    {proposed && (
                      <label className="dep-inline">
                        {t('deployment.plan.headcount')}
                        <input
                          type="number"
                          min={0}
                          max={500}
                          value={hc}
                          onChange={(e) =>
                            setPending((p) => ({ ...p, headcount: { ...p.headcount, [id]: Number(e.target.value) } }))
                          }
                          data-testid="whatif-headcount"
                        />
                      </label>
                    )}
                  </div>
                  {shorts.length === 0 && eqShort.length === 0 ? (
                    <p className="dep-ok small">{t('deployment.plan.noShortfall')}</p>
                  ) : (
                    <ul className="dep-shortfalls" data-testid="shortfalls">
                      {shorts.map((s, k) => (
                        <li key={`slot-${s.slot}-${k}`}>
                          <strong>{shortfallHeadline(s, skillName, zh)}</strong>
                          <span className="muted small">：{zh ? shortfallWhyZh(s.why, skillName) : s.why}</span>
                        </li>
                      ))}
                      {eqShort.map((s, k) => (
                        <li key={`equipment-${s.kind}-${k}`}>
                          <strong>
                            {t('deployment.plan.equipmentShort', {
                              kind: t(`deployment.equipment.${s.kind}` as 'deployment.title', { defaultValue: s.kind }),
                              count: s.missing,
                            })}
                          </strong>
                        </li>
                      ))}
                    </ul>
                  )}
                  {eq.length > 0 && (
                    <p className="small muted">
                      {t('deployment.plan.equipment')}：
                      {eq
                        .map((e) => t(`deployment.equipment.${e.kind}` as 'deployment.title', { defaultValue: e.kind }))
                        .join('、')}
                    </p>
                  )}
                  <ol className="dep-assignments">
                    {list.map((a) => {
                      const slack = d ? slackMinutes(a.etaSec, d.deadlineAt, plan.createdAt) : null;
                      return (
                        <li key={a.id} className={removed.has(a.officerId) ? 'removed' : ''} data-testid="assignment">
                          <div className="dep-asg-main">
                            <div className="dep-arow">
                              <span className="dep-officer">
                                {a.officerName}
                                <span className="muted small"> {a.policeNumber}</span>
                              </span>
                              <span className="dep-slot">{skillName(a.slot)}</span>
                              {d && a.regionId !== d.jurisdictionId && (
                                <span className="dep-lent small">{regionName(a.regionId)}</span>
                              )}
                              <span className="dep-eta">{t('deployment.plan.eta', { min: minutesOf(a.etaSec) })}</span>
                              {slack !== null && (
                                <span className={slack < 0 ? 'dep-late small' : 'dep-slack small'}>
                                  {slack < 0
                                    ? t('deployment.plan.late', { min: -slack })
                                    : t('deployment.plan.slack', { min: slack })}
                                </span>
                              )}
                            </div>
                            <div className="muted dep-reason" title={a.reason}>
                              {zh ? reasonZh(a.reason, skillName, regionName) : a.reason}
                            </div>
                          </div>
                          {proposed && (
                            <span className="dep-actions">
                              <button
                                type="button"
                                className={pinned.has(a.officerId) ? 'on' : ''}
                                onClick={() =>
                                  setPending((p) => ({
                                    ...p,
                                    pins: [
                                      ...(p.pins ?? []).filter((x) => x.officerId !== a.officerId),
                                      { officerId: a.officerId, demandId: id },
                                    ],
                                  }))
                                }
                              >
                                {pinned.has(a.officerId) ? t('deployment.plan.pinned') : t('deployment.plan.pin')}
                              </button>
                              <button
                                type="button"
                                className="danger"
                                onClick={() =>
                                  setPending((p) => ({
                                    ...p,
                                    remove: [...new Set([...(p.remove ?? []), a.officerId])],
                                  }))
                                }
                                data-testid="whatif-remove"
                              >
                                {t('deployment.plan.removeOfficer')}
                              </button>
                            </span>
                          )}
                        </li>
                      );
                    })}
                  </ol>
                </div>
              );
            })}
          </div>
          <div className="dep-cover" data-testid="cover">
            <h3>{t('deployment.plan.cover')}</h3>
            <ul>
              {Object.entries(plan.cover)
                .sort(([ra, a], [rb, b]) => b.lent - a.lent || ra.localeCompare(rb))
                .slice(0, 12)
                .map(([rid, c]) => (
                  <li key={rid} className={atRisk.has(rid) ? 'dep-late' : ''}>
                    <span className="dep-region">{regionName(rid)}</span>
                    <span className="small">
                      {t('deployment.plan.coverRow', {
                        available: c.available,
                        lent: c.lent,
                        left: c.left,
                        min: pending.cover?.[rid] ?? c.minCover,
                      })}
                    </span>
                    {proposed && (
                      <button
                        type="button"
                        onClick={() =>
                          setPending((p) => ({
                            ...p,
                            cover: {
                              ...p.cover,
                              [rid]: Math.min(
                                c.available,
                                (p.cover?.[rid] ?? c.minCover) + Math.max(1, Math.ceil(c.lent / 2)),
                              ),
                            },
                          }))
                        }
                      >
                        {t('deployment.plan.tighten')}
                      </button>
                    )}
                  </li>
                ))}
            </ul>
          </div>
          {proposed && (
            <div className="dep-plan-actions">
              <button
                type="button"
                onClick={resolve}
                disabled={busy !== null || pendingCount === 0}
                data-testid="whatif-resolve"
              >
                {busy === 'whatif'
                  ? t('deployment.plan.resolving')
                  : `${t('deployment.plan.resolve')}${pendingCount ? `（${t('deployment.plan.pending', { count: pendingCount })}）` : ''}`}
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => props.onSubmit(false)}
                disabled={busy !== null}
                data-testid="plan-submit"
              >
                {busy === 'submit' ? t('deployment.plan.submitting') : t('deployment.plan.submit')}
              </button>
              {levelI && (
                <button
                  type="button"
                  className="danger"
                  title={t('deployment.plan.emergencyHint')}
                  onClick={() => {
                    if (window.confirm(t('deployment.plan.emergencyConfirm'))) props.onSubmit(true);
                  }}
                  disabled={busy !== null}
                  data-testid="plan-emergency"
                >
                  ⚠ {t('deployment.plan.emergency')}
                </button>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
