/** Parsing of stored display preferences (pure, so it can be tested without a browser). */
import { LANGUAGES, type Language } from '../../../i18n/index.ts';

export interface Preferences {
  theme: 'light' | 'dark';
  largeText: boolean;
  language: Language;
}

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
