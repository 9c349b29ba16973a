/**
 * Display preferences (theme, large text, language), persisted in localStorage and applied to <html> as
 * `data-theme`, `data-text` and `lang` so plain CSS can follow them.
 */
import { useSyncExternalStore } from 'react';
import { DEFAULT_PREFERENCES, parsePreferences, type Preferences } from '../utils/preferences.parse.ts';

export type { Preferences };

const KEY = 'jingwu.prefs';

function load(): Preferences {
  try {
    return parsePreferences(localStorage.getItem(KEY));
  } catch {
    return DEFAULT_PREFERENCES;
  }
}

let prefs: Preferences = load();
const listeners = new Set<() => void>();

function apply(p: Preferences): void {
  const html = document.documentElement;
  html.dataset.theme = p.theme;
  html.dataset.text = p.largeText ? 'large' : 'normal';
  html.lang = p.language;
}

apply(prefs);

/** Current preferences, for code outside React. */
export function getPreferences(): Preferences {
  return prefs;
}

/** Changes and persists some preferences. */
export function updatePreferences(change: Partial<Preferences>): void {
  prefs = { ...prefs, ...change };
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Not persisted when storage is unavailable; still applied for this page.
  }
  apply(prefs);
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** React hook: the current preferences. */
export function usePreferences(): Preferences {
  return useSyncExternalStore(subscribe, getPreferences);
}
