/** A demand's audit record: every entry with its inclusion proof, checked against the signed checkpoint (✓). */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchRecord, type DemandRecord } from '../api/deployment.api.ts';
import { deploymentError } from '../utils/errors.ts';

const time = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }).replace(/\//g, '-');

export function RecordDialog({ demandId, onClose }: { demandId: string; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const [record, setRecord] = useState<DemandRecord | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    fetchRecord(demandId).then(setRecord, (err) => setFailure(deploymentError(t, err, i18n.language)));
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [demandId]);

  return (
    <div className="dep-dialog-backdrop" role="presentation" onClick={onClose}>
      <div
        className="dep-dialog wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dep-record-title"
        data-testid="record-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="dep-panel-head">
          <h2 id="dep-record-title">
            {t('deployment.record.title')} {record?.code ?? ''}
          </h2>
          <button type="button" onClick={onClose}>
            {t('deployment.close')}
          </button>
        </div>
        {failure && (
          <p className="form-error" role="alert">
            {failure}
          </p>
        )}
        {!record && !failure && <p className="muted">{t('deployment.loading')}</p>}
        {record && (
          <>
            <p className="small">
              {t('deployment.record.counts', record.counts)} · {t('deployment.record.checkpoint')}{' '}
              {record.checkpointValid
                ? t('deployment.record.verified')
                : record.checkpointValid === false
                  ? t('deployment.record.failed')
                  : '—'}
            </p>
            <table className="dep-record">
              <tbody>
                {record.entries.map((e, i) => (
                  <tr key={`${e.index ?? 'p'}-${i}`} data-testid="record-entry" data-status={e.status}>
                    <td className="small">{time(e.at)}</td>
                    <td>{e.action}</td>
                    <td className="small muted">{e.outcome}</td>
                    <td className="small muted">
                      {e.proof
                        ? t('deployment.record.proof', { n: e.proof.hashes.length, size: e.proof.treeSize })
                        : ''}
                    </td>
                    <td className={e.status === 'verified' ? 'dep-ok' : e.status === 'failed' ? 'dep-late' : 'muted'}>
                      {t(`deployment.record.${e.status}` as 'deployment.title')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </div>
  );
}
