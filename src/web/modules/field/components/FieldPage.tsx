/** The officer field view (mobile width): my current task, route, status buttons, notes, acknowledge. */
import { useTranslation } from 'react-i18next';

export default function FieldPage() {
  const { t } = useTranslation();
  return (
    <main className="placeholder" data-testid="field">
      <h1>{t('field.title')}</h1>
    </main>
  );
}
