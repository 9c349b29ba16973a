/**
 * Scene photos: the phone's camera (or gallery) → checked → downscaled to ≤ 1600 px JPEG in the browser →
 * POST /api/incidents/{id}/attachments as base64. A failed upload keeps the prepared photo and its key, so
 * "upload again" cannot store it twice.
 */
import { useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addAttachment } from '../api/field.api.ts';
import { ActionKeys } from '../utils/action.keys.ts';
import { fieldErrorMessage } from '../utils/field.errors.ts';
import { PhotoError, preparePhoto, type PreparedPhoto } from '../utils/image.downscale.ts';
import { checkPhotoFile } from '../utils/image.size.ts';

type State =
  | { kind: 'idle' }
  | { kind: 'preparing' }
  | { kind: 'uploading'; photo: PreparedPhoto; action: string }
  | { kind: 'uploaded'; bytes: number }
  | { kind: 'invalid'; reason: string }
  | { kind: 'failed'; photo: PreparedPhoto; action: string; error: unknown };

const kb = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;

export function PhotoCard({ incidentId }: { incidentId: string }) {
  const { t, i18n } = useTranslation();
  const keys = useRef(new ActionKeys());
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<State>({ kind: 'idle' });

  const upload = async (photo: PreparedPhoto, action: string) => {
    setState({ kind: 'uploading', photo, action });
    try {
      const { fileName, contentType, dataBase64 } = photo;
      const saved = await addAttachment(incidentId, { fileName, contentType, dataBase64 }, keys.current.keyFor(action));
      keys.current.succeeded(action);
      setState({ kind: 'uploaded', bytes: saved.size });
    } catch (error) {
      setState({ kind: 'failed', photo, action, error });
    }
  };

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ''; // the same photo may be chosen again
    if (!file) return;
    const problem = checkPhotoFile(file);
    if (problem) {
      setState({
        kind: 'invalid',
        reason: t(`field.photos.${problem === 'not_image' ? 'notImage' : problem === 'empty' ? 'empty' : 'tooLarge'}`),
      });
      return;
    }
    setState({ kind: 'preparing' });
    let photo: PreparedPhoto;
    try {
      photo = await preparePhoto(file);
    } catch (err) {
      setState({
        kind: 'invalid',
        reason: t(
          err instanceof PhotoError && err.reason === 'stillTooLarge'
            ? 'field.photos.stillTooLarge'
            : 'field.photos.unreadable',
        ),
      });
      return;
    }
    await upload(photo, `photo:${incidentId}:${file.name}:${file.size}:${file.lastModified}`);
  };

  const busy = state.kind === 'preparing' || state.kind === 'uploading';
  return (
    <section className="field-card" aria-labelledby="field-photos-title">
      <h2 id="field-photos-title">{t('field.photos.title')}</h2>
      <input
        ref={input}
        id="field-photo"
        className="visually-hidden"
        type="file"
        accept="image/*"
        capture="environment"
        onChange={(e) => void choose(e)}
        disabled={busy}
        data-testid="field-photo-input"
      />
      <button type="button" className="photo-button" onClick={() => input.current?.click()} disabled={busy}>
        📷 {t('field.photos.take')}
      </button>
      <div aria-live="polite" data-testid="field-photo-status" data-state={state.kind}>
        {state.kind === 'preparing' && <p className="muted">{t('field.photos.preparing')}</p>}
        {state.kind === 'uploading' && <p className="muted">{t('field.photos.uploading')}</p>}
        {state.kind === 'uploaded' && (
          <p className="field-banner ok">{t('field.photos.uploaded', { size: kb(state.bytes) })}</p>
        )}
        {state.kind === 'invalid' && (
          <p className="field-banner error" role="alert">
            {state.reason}
          </p>
        )}
        {state.kind === 'failed' && (
          <div className="field-banner error" role="alert">
            <span>{t('field.photos.failed', { reason: fieldErrorMessage(t, state.error, i18n.language) })}</span>
            <button type="button" onClick={() => void upload(state.photo, state.action)}>
              {t('field.photos.retry')}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
