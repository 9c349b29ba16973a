/** The public progress page (no login): `/#/progress/<query code>` shows stage names and times only. */
import { useTranslation } from 'react-i18next';

export default function ProgressPage() {
  const { t } = useTranslation();
  return (
    <main className="placeholder" data-testid="progress">
      <h1>{t('progress.title')}</h1>
    </main>
  );
}
