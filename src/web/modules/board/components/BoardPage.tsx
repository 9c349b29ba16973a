/** The live command board (指挥调度): queue, map, incident detail, recommendation, timeline. */
import { useTranslation } from 'react-i18next';

export default function BoardPage() {
  const { t } = useTranslation();
  return (
    <main className="placeholder" data-testid="board">
      <h1>{t('board.title')}</h1>
    </main>
  );
}
