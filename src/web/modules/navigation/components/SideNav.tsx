/** The role-aware section menu. */
import { useTranslation } from 'react-i18next';
import type { Section } from '../utils/nav.items.ts';

interface SideNavProps {
  sections: Section[];
  current: Section | null;
}

export function SideNav({ sections, current }: SideNavProps) {
  const { t } = useTranslation();
  return (
    <nav className="side-nav" aria-label={t('nav.label')}>
      <ul>
        {sections.map((s) => (
          <li key={s}>
            <a href={`#/${s}`} aria-current={s === current ? 'page' : undefined} data-section={s}>
              {t(`nav.${s}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
