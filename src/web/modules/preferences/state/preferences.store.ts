/**
 * Display preferences (theme, large text, language), persisted in localStorage and applied to <html> as
 * `data-theme`, `data-text` and `lang` so plain CSS can follow them.
 */
import { useSyncExternalStore } from 'react';
import { LANGUAGES, type Language } from '../../../i18n/index.ts';

export interface Preferences {
  theme: 'light' | 'dark';
  largeText: boolean;
  language: Language;
}

const KEY = 'jingwu.prefs';
export const DEFAULT_PREFERENCES: Preferences = { theme: 'light', largeText: false, language: 'zh-CN' };

/** Reads stored preferences, ignoring anything malformed field by field. */
export function parsePreferences(raw: string | null): Preferences {
  let value: unknown;
  try {
    value = raw ? JSON.parse(raw) : {};
  } catch {
    value = {};
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    theme: v.theme === 'dark' || v.theme === 'light' ? v.theme : DEFAULT_PREFERENCES.theme,
    largeText: typeof v.largeText === 'boolean' ? v.largeText : DEFAULT_PREFERENCES.largeText,
    language: LANGUAGES.includes(v.language as Language) ? (v.language as Language) : DEFAULT_PREFERENCES.language,
  };
}

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
