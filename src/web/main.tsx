/** Entry point: preferences first (theme before first paint), then i18n, then React. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getPreferences } from './modules/preferences/state/preferences.store.ts';
import { initI18n } from './i18n/index.ts';
import { App } from './app/App.tsx';
import './app/styles.css';

await initI18n(getPreferences().language);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
