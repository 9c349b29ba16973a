/** Field notes on the incident's timeline (POST /api/incidents/{id}/notes), retry-safe with one key per note. */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addNote } from '../api/field.api.ts';
import { ActionKeys } from '../utils/action.keys.ts';
import { fieldErrorMessage } from '../utils/field.errors.ts';

export function NotesCard({ incidentId }: { incidentId: string }) {
  const { t, i18n } = useTranslation();
  const keys = useRef(new ActionKeys());
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const action = `note:${incidentId}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const note = text.trim();
    if (!note) {
      setMessage({ kind: 'error', text: t('field.notes.empty') });
      return;
    }
    setSaving(true);
    setMessage(null);
    try {
      await addNote(incidentId, note, keys.current.keyFor(action));
      keys.current.succeeded(action);
      setText('');
      setMessage({ kind: 'ok', text: t('field.notes.saved') });
    } catch (err) {
      setMessage({
        kind: 'error',
        text: t('field.notes.failed', { reason: fieldErrorMessage(t, err, i18n.language) }),
      });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="field-card" aria-labelledby="field-notes-title">
      <h2 id="field-notes-title">{t('field.notes.title')}</h2>
      <form className="notes-form" onSubmit={(e) => void submit(e)}>
        <label className="visually-hidden" htmlFor="field-note">
          {t('field.notes.label')}
        </label>
        <textarea
          id="field-note"
          rows={3}
          maxLength={2000}
          value={text}
          placeholder={t('field.notes.placeholder')}
          onChange={(e) => {
            setText(e.target.value);
            // Different text is a different note: a retry of the old text must not reuse its key.
            keys.current.forget(action);
            setMessage(null);
          }}
          data-testid="field-note-input"
        />
        <button type="submit" className="primary" disabled={saving} data-testid="field-note-save">
          {saving
            ? t('field.notes.saving')
            : message?.kind === 'error' && text.trim()
              ? t('field.retry')
              : t('field.notes.save')}
        </button>
      </form>
      {message && (
        <p
          className={message.kind === 'ok' ? 'field-banner ok' : 'field-banner error'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="field-note-message"
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
