/**
 * Approvals for the signed-in approver: deadline countdown, escalation and emergency flags; the dialog shows the
 * plan summary and decides with an e-signature made in this browser (see keys/signer.ts), then re-verifies it.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/http.ts';
import {
  decideApproval,
  fetchPayload,
  fetchPlan,
  verifyApproval,
  type Approval,
  type Demand,
  type Plan,
  type VerifyResult,
} from '../api/deployment.api.ts';
import { ensureKey, forgetKey, signText, signingSupported, storedKey } from '../keys/signer.ts';
import { countdown, groupShortfalls, shortfallHeadline } from '../utils/deployment.utils.ts';
import { roman } from '../utils/deployment.utils.ts';
import { deploymentError } from '../utils/errors.ts';

const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });

export interface ApprovalPanelProps {
  approvals: Approval[];
  demands: Demand[];
  now: number;
  userId: string;
  onDecided(): void;
  onOpenRecord(demandId: string): void;
}

export function ApprovalPanel({ approvals, demands, now, userId, onDecided, onOpenRecord }: ApprovalPanelProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Approval | null>(null);
  const byId = new Map(demands.map((d) => [d.id, d]));
  const sorted = [...approvals].sort(
    (a, b) => Number(b.status === 'pending') - Number(a.status === 'pending') || a.dueAt.localeCompare(b.dueAt),
  );
  return (
    <section className="dep-approvals" aria-labelledby="dep-approvals-title" data-testid="approvals">
      <div className="dep-panel-head">
        <h2 id="dep-approvals-title">{t('deployment.approval.title')}</h2>
      </div>
      {sorted.length === 0 && <p className="muted">{t('deployment.approval.empty')}</p>}
      <ul className="dep-approval-list">
        {sorted.map((a) => {
          const due = countdown(a.dueAt, now);
          return (
            <li key={a.id} className={`dep-approval st-${a.status}`} data-testid="approval" data-status={a.status}>
              <div className="dep-arow">
                <span className={`dep-level lv-${a.level}`}>{roman(a.level)}</span>
                <span className={`dep-chip ap-${a.status}`}>
                  {t(`deployment.approvalStatus.${a.status}` as 'deployment.title')}
                </span>
                <span className="small">{t(`deployment.tier.${a.tier}` as 'deployment.title')}</span>
                {a.emergency && <span className="dep-chip emergency">{t('deployment.plan.emergencyFlag')}</span>}
                {a.escalatedFrom && (
                  <span className="dep-chip escalated">{t('deployment.approval.escalatedFrom')}</span>
                )}
                {a.signed && <span className="dep-ok small">🔏 {t('deployment.approval.signed')}</span>}
              </div>
              <div className="small">
                {a.demandIds.map((id) => byId.get(id)?.code ?? id.slice(0, 8)).join('、')}{' '}
                {a.demandIds
                  .map((id) => byId.get(id)?.title)
                  .filter(Boolean)
                  .join('、')}
              </div>
              {a.status === 'pending' && (
                <div
                  className={`small ${due.overdue ? 'dep-late' : due.urgent ? 'dep-warn' : ''}`}
                  data-testid="approval-due"
                >
                  {t('deployment.approval.due')}：
                  {due.overdue
                    ? t('deployment.approval.overdue', { time: due.text })
                    : t('deployment.approval.dueLeft', { time: due.text })}
                </div>
              )}
              <div className="dep-arow">
                {a.status === 'pending' && a.canDecide && (
                  <button type="button" className="primary" onClick={() => setOpen(a)} data-testid="approval-open">
                    {t('deployment.approval.open')}
                  </button>
                )}
                {a.status === 'pending' && !a.canDecide && (
                  <span className="muted small">{t('deployment.approval.canNotDecide')}</span>
                )}
                {a.demandIds[0] && (
                  <button type="button" className="link" onClick={() => onOpenRecord(a.demandIds[0]!)}>
                    {t('deployment.record.open')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {open && (
        <ApprovalDialog
          approval={open}
          demands={demands}
          userId={userId}
          onClose={() => setOpen(null)}
          onDecided={() => {
            onDecided();
          }}
        />
      )}
    </section>
  );
}

function ApprovalDialog({
  approval,
  demands,
  userId,
  onClose,
  onDecided,
}: {
  approval: Approval;
  demands: Demand[];
  userId: string;
  onClose(): void;
  onDecided(): void;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [hasKey, setHasKey] = useState<boolean | null>(null);
  const [done, setDone] = useState<{ decision: string; verify: VerifyResult | null } | null>(null);
  const [payload, setPayload] = useState<string | null>(null);
  const byId = new Map(demands.map((d) => [d.id, d]));
  const skillName = (c: string) => t(`deployment.skill.${c}` as 'deployment.title', { defaultValue: c });

  useEffect(() => {
    void fetchPlan(approval.planId).then(setPlan, () => undefined);
    if (signingSupported())
      void storedKey(userId).then(
        (k) => setHasKey(!!k),
        () => setHasKey(false),
      );
  }, [approval.planId, userId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onClose]);

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setFailure(null);
    try {
      const key = await ensureKey(userId);
      setHasKey(true);
      const { payload: text } = await fetchPayload(approval.id, decision);
      setPayload(text);
      const signature = await signText(key.privateKey, text);
      const body: Parameters<typeof decideApproval>[1] = { decision, keyId: key.keyId, signature };
      if (comment.trim()) body.comment = comment.trim();
      await decideApproval(approval.id, body);
      const verify = await verifyApproval(approval.id).catch(() => null);
      setDone({ decision, verify });
      onDecided();
    } catch (err) {
      if (err instanceof ApiError && err.code.startsWith('APPROVER_KEY')) {
        await forgetKey(userId).catch(() => undefined);
        setHasKey(false);
        setFailure(t('deployment.errors.KEY'));
      } else setFailure(deploymentError(t, err, i18n.language));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dep-dialog-backdrop" role="presentation">
      <div
        className="dep-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dep-dialog-title"
        data-testid="approval-dialog"
      >
        <div className="dep-panel-head">
          <h2 id="dep-dialog-title">
            {t('deployment.approval.dialogTitle')} · {t(`deployment.tier.${approval.tier}` as 'deployment.title')}
          </h2>
          <button type="button" onClick={onClose} disabled={busy}>
            {t('deployment.close')}
          </button>
        </div>
        {approval.emergency && <p className="dep-chip emergency">{t('deployment.plan.emergencyFlag')}</p>}
        <h3>{t('deployment.approval.summary')}</h3>
        <ul className="dep-dialog-demands">
          {approval.demandIds.map((id) => {
            const d = byId.get(id);
            const n = plan?.assignments.filter((a) => a.demandId === id).length ?? 0;
            const shorts = plan ? groupShortfalls(plan.shortfalls, id) : [];
            return (
              <li key={id}>
                <span className={`dep-level lv-${d?.level ?? approval.level}`}>
                  {roman(d?.level ?? approval.level)}
                </span>{' '}
                <strong>
                  {d?.code} {d?.title}
                </strong>
                <div className="small">
                  {t(`deployment.type.${d?.type ?? ''}` as 'deployment.title', { defaultValue: d?.type ?? '' })} ·{' '}
                  {t('deployment.approval.needs', { count: d?.headcount ?? 0 })}
                  {d &&
                    d.requiredSkills.length > 0 &&
                    `（${d.requiredSkills.map((s) => `${skillName(s.skill)} ${s.count}`).join('、')}）`}
                  {d && <> · {t('deployment.approval.deadline', { time: clock(d.deadlineAt) })}</>}
                </div>
                <div className="small">
                  {t('deployment.approval.officers', { count: n })}
                  {shorts.length > 0 && (
                    <span className="dep-late">
                      {' · '}
                      {shorts.map((s) => shortfallHeadline(s, skillName, zh)).join('，')}
                    </span>
                  )}
                </div>
                {plan && n > 0 && (
                  <div className="small muted">
                    {t('deployment.approval.assigned', {
                      names: plan.assignments
                        .filter((a) => a.demandId === id)
                        .map((a) => a.officerName)
                        .join('、'),
                    })}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        {plan && (
          <p className="small muted">
            {t('deployment.plan.objective')} {plan.objective?.toFixed(1) ?? '—'} · {t('deployment.plan.method')}{' '}
            {(plan.method ?? '').toUpperCase()}
          </p>
        )}
        <p className={`small ${hasKey ? 'dep-ok' : 'muted'}`} data-testid="key-state">
          {!signingSupported()
            ? t('deployment.approval.keyUnsupported')
            : hasKey
              ? t('deployment.approval.keyReady')
              : t('deployment.approval.keyNew')}
        </p>
        {!done && (
          <>
            <label className="dep-field">
              {t('deployment.approval.comment')}
              <textarea
                name="comment"
                rows={2}
                maxLength={1000}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
            </label>
            {failure && (
              <p className="form-error" role="alert">
                {failure}
              </p>
            )}
            <div className="dep-plan-actions">
              <button
                type="button"
                className="primary"
                disabled={busy || !signingSupported()}
                onClick={() => void decide('approve')}
                data-testid="approve-sign"
              >
                {busy ? t('deployment.approval.signing') : t('deployment.approval.approve')}
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy || !signingSupported()}
                onClick={() => void decide('reject')}
                data-testid="reject-sign"
              >
                {t('deployment.approval.reject')}
              </button>
            </div>
          </>
        )}
        {done && (
          <div role="status" data-testid="approval-done">
            <p className="dep-ok">
              {t('deployment.approval.decided', {
                decision: t(`deployment.approvalStatus.${done.decision === 'approve' ? 'approved' : 'rejected'}`),
              })}
            </p>
            <p className={done.verify?.valid ? 'dep-ok' : 'dep-late'} data-testid="signature-verified">
              {done.verify?.valid ? t('deployment.approval.verified') : t('deployment.approval.notVerified')}
            </p>
          </div>
        )}
        {payload && (
          <details className="dep-payload">
            <summary>{t('deployment.approval.payload')}</summary>
            <pre>{payload}</pre>
          </details>
        )}
      </div>
    </div>
  );
}
