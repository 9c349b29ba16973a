/** The signed-in console: header, role-aware menu, and the current section (the map, or a placeholder). */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../modules/auth/api/auth.api.ts';
import { signOut } from '../modules/auth/state/session.store.ts';
import { SideNav } from '../modules/navigation/components/SideNav.tsx';
import { sectionFromHash, sectionsFor, type Section } from '../modules/navigation/utils/nav.items.ts';
import { toggleLanguage, toggleLargeText, toggleTheme } from '../modules/preferences/state/preferences.actions.ts';
import { ConnectionBadge } from '../modules/realtime/components/ConnectionBadge.tsx';
import { useRealtime } from '../modules/realtime/hooks/useRealtime.ts';
import { HelpPanel } from '../modules/shortcuts/components/HelpPanel.tsx';
import { useShortcuts } from '../modules/shortcuts/hooks/useShortcuts.ts';
import { PreferenceButtons } from '../ui/PreferenceButtons.tsx';
import { PlaceholderPage } from './PlaceholderPage.tsx';

const MapWorkspace = lazy(() => import('../modules/map/components/MapWorkspace.tsx'));
const BoardPage = lazy(() => import('../modules/board/components/BoardPage.tsx'));
const FieldPage = lazy(() => import('../modules/field/components/FieldPage.tsx'));
const DeploymentPage = lazy(() => import('../modules/deployment/components/DeploymentPage.tsx'));
// `h` (home) needs the map module; import it only when asked, so the login bundle stays small.
const flyHome = () => void import('../modules/map/state/map.instance.ts').then((m) => m.flyHome());

function useHashSection(allowed: Section[]): Section | null {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onHash = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return sectionFromHash(hash, allowed);
}

export function ConsolePage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const roles = useMemo(() => [...new Set(me.assignments.map((a) => a.role))], [me]);
  const sections = useMemo(() => sectionsFor(roles), [roles]);
  const section = useHashSection(sections);
  const connection = useRealtime(['system', 'units']);
  const [helpOpen, setHelpOpen] = useState(false);
  const [layersOpen, setLayersOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement | null>(null);

  useShortcuts({
    help: () => setHelpOpen((o) => !o),
    search: () => searchRef.current?.focus(),
    layers: () => setLayersOpen((o) => !o),
    dark: toggleTheme,
    largeText: toggleLargeText,
    language: toggleLanguage,
    home: flyHome,
    escape: () => {
      if (helpOpen) setHelpOpen(false);
      else if (layersOpen) setLayersOpen(false);
      else (document.activeElement as HTMLElement | null)?.blur();
    },
  });

  return (
    <div className="console">
      <a className="skip-link" href="#main">
        {t('app.skipToMap')}
      </a>
      <header className="console-header">
        <div className="brand compact">
          <span className="emblem" aria-hidden="true">
            警
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <ConnectionBadge state={connection} />
        <div className="header-tools">
          <PreferenceButtons />
          <button type="button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?" data-testid="open-help">
            {t('header.help')}
          </button>
          <span className="user" aria-label={t('header.userMenu')} data-testid="current-user">
            <span className="user-name">{me.displayName}</span>
            <span className="user-role">{roles.map((r) => t(`roles.${r}`, { defaultValue: r })).join('、')}</span>
          </span>
          <button type="button" onClick={() => void signOut()} data-testid="logout">
            {t('header.logout')}
          </button>
        </div>
      </header>
      <div className="console-body">
        <SideNav sections={sections} current={section} />
        <div id="main" className="console-main" tabIndex={-1}>
          {section === 'map' ? (
            <Suspense fallback={<div className="map-status">{t('map.loading')}</div>}>
              <MapWorkspace
                searchRef={searchRef}
                layersOpen={layersOpen}
                onToggleLayers={() => setLayersOpen((o) => !o)}
              />
            </Suspense>
          ) : section === 'dispatch' ? (
            <Suspense fallback={<div className="map-status">{t('map.loading')}</div>}>
              <BoardPage />
            </Suspense>
          ) : section === 'deployment' ? (
            <Suspense fallback={<div className="map-status">{t('map.loading')}</div>}>
              <DeploymentPage />
            </Suspense>
          ) : section === 'field' ? (
            <Suspense fallback={<div className="map-status">{t('map.loading')}</div>}>
              <FieldPage />
            </Suspense>
          ) : section ? (
            <PlaceholderPage section={section} canOpenMap={sections.includes('map')} />
          ) : null}
        </div>
      </div>
      {helpOpen && <HelpPanel onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
