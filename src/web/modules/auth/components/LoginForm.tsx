/** The sign-in form: username, password, and the authenticator code once the server asks for it. */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/http.ts';
import { signIn } from '../state/session.store.ts';
import { errorMessage } from '../utils/error.message.ts';

export function LoginForm() {
  const { t, i18n } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const totpRef = useRef<HTMLInputElement>(null);

  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn({ username: username.trim(), password, totp: needsTotp ? totp : undefined });
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && (err.code === 'TOTP_REQUIRED' || err.code === 'TOTP_INVALID')) {
        setNeedsTotp(true);
        setTotp('');
        setTimeout(() => totpRef.current?.focus(), 0);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="login-form" onSubmit={handleSubmit} noValidate>
      <label className="field">
        <span>{t('login.username')}</span>
        <input
          name="username"
          autoComplete="username"
          autoFocus
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('login.password')}</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {needsTotp && (
        <label className="field">
          <span>{t('login.totp')}</span>
          <input
            ref={totpRef}
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            aria-describedby="totp-hint"
            value={totp}
            onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))}
          />
          <small id="totp-hint">{t('login.totpHint')}</small>
        </label>
      )}
      {error !== null && (
        <p className="form-error" role="alert" data-testid="login-error">
          {errorMessage(t, error, i18n.language)}
        </p>
      )}
      <button
        className="primary"
        type="submit"
        disabled={busy || !username.trim() || !password || (needsTotp && totp.length !== 6)}
      >
        {busy ? t('login.submitting') : t('login.submit')}
      </button>
    </form>
  );
}
