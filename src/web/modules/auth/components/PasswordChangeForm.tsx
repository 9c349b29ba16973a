/** Shown instead of the console while the server requires a new password (reset by an admin, or expired). */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { changePassword } from '../api/auth.api.ts';
import { accessToken, reloadMe, signOut } from '../state/session.store.ts';
import { errorMessage } from '../utils/error.message.ts';

export function PasswordChangeForm() {
  const { t, i18n } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== confirm) {
      setError(t('password.mismatch'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await changePassword(await accessToken(), current, next);
      await reloadMe();
    } catch (err) {
      setError(errorMessage(t, err, i18n.language));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="login-form" onSubmit={handleSubmit} noValidate>
      <h2>{t('password.title')}</h2>
      <p>{t('password.explain')}</p>
      <label className="field">
        <span>{t('password.current')}</span>
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('password.next')}</span>
        <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('password.confirm')}</span>
        <input
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button className="primary" type="submit" disabled={busy || !current || !next}>
          {t('password.submit')}
        </button>
        <button type="button" onClick={() => void signOut()}>
          {t('header.logout')}
        </button>
      </div>
    </form>
  );
}
