/** A section that later issues build: says so, in the user's language. */
import { useTranslation } from 'react-i18next';
import type { Section } from '../modules/navigation/utils/nav.items.ts';

export function PlaceholderPage({ section, canOpenMap }: { section: Section; canOpenMap: boolean }) {
  const { t } = useTranslation();
  return (
    <main className="placeholder" data-testid={`placeholder-${section}`}>
      <h1>{t(`nav.${section}`)}</h1>
      <p>{t('placeholder.coming', { name: t(`nav.${section}`) })}</p>
      {canOpenMap && <a href="#/map">{t('placeholder.backToMap')}</a>}
    </main>
  );
}
