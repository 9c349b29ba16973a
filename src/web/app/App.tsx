/** Top-level switch: restoring the session, the login page, a forced password change, or the console. */
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordChangeForm } from '../modules/auth/components/PasswordChangeForm.tsx';
import { restoreSession, useSession } from '../modules/auth/state/session.store.ts';
import { ConsolePage } from '../pages/ConsolePage.tsx';
import { LoginPage } from '../pages/LoginPage.tsx';

const ProgressPage = lazy(() => import('../modules/progress/components/ProgressPage.tsx'));

/** The public progress page (`#/progress/<code>`) needs no login. */
const isPublicProgress = () => /^#\/progress(\/|$)/.test(window.location.hash);

export function App() {
  if (isPublicProgress()) {
    return (
      <Suspense fallback={<div className="splash" aria-busy="true" />}>
        <ProgressPage />
      </Suspense>
    );
  }
  return <SignedInApp />;
}

function SignedInApp() {
  const { t } = useTranslation();
  const session = useSession();
  useEffect(() => {
    void restoreSession();
  }, []);
  useEffect(() => {
    document.title = `${t('app.name')} · ${t('app.fullName')}`;
  }, [t]);

  if (session.status === 'loading') return <div className="splash" aria-busy="true" />;
  if (session.status === 'anonymous') return <LoginPage expired={session.reason === 'expired'} />;
  if (session.me.mustChangePassword || session.me.passwordExpired) {
    return (
      <div className="login-page">
        <main className="login-card">
          <PasswordChangeForm />
        </main>
      </div>
    );
  }
  return <ConsolePage me={session.me} />;
}
