/** Preference toggles shared by the header buttons and the keyboard shortcuts. */
import { i18next } from '../../../i18n/index.ts';
import { getPreferences, updatePreferences } from '../state/preferences.store.ts';

/** Switches light ↔ dark. */
export function toggleTheme(): void {
  updatePreferences({ theme: getPreferences().theme === 'dark' ? 'light' : 'dark' });
}

/** Switches large text on/off. */
export function toggleLargeText(): void {
  updatePreferences({ largeText: !getPreferences().largeText });
}

/** Switches zh-CN ↔ en, for i18next and the persisted preference alike. */
export function toggleLanguage(): void {
  const language = getPreferences().language === 'zh-CN' ? 'en' : 'zh-CN';
  updatePreferences({ language });
  void i18next.changeLanguage(language);
}
