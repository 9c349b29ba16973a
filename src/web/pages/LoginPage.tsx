/** Sign-in page. */
import { useTranslation } from 'react-i18next';
import { LoginForm } from '../modules/auth/components/LoginForm.tsx';
import { PreferenceButtons } from '../ui/PreferenceButtons.tsx';

export function LoginPage({ expired }: { expired: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="login-page">
      <header className="login-top">
        <PreferenceButtons />
      </header>
      <main className="login-card" aria-labelledby="login-title">
        <div className="brand">
          <span className="emblem" aria-hidden="true">
            警
          </span>
          <div>
            <h1 id="login-title">{t('app.fullName')}</h1>
            <p className="muted">{t('login.subtitle')}</p>
          </div>
        </div>
        {expired && (
          <p className="notice" role="status">
            {t('errors.SESSION_EXPIRED')}
          </p>
        )}
        <h2 className="visually-hidden">{t('login.title')}</h2>
        <LoginForm />
        <p className="muted small">{t('login.demoHint')}</p>
        <p className="muted small">{t('login.securityNote')}</p>
      </main>
    </div>
  );
}
