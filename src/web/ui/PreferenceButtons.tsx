/** Language, theme and text-size switches, shown on the login page and in the console header. */
import { useTranslation } from 'react-i18next';
import { usePreferences } from '../modules/preferences/state/preferences.store.ts';
import { toggleLanguage, toggleLargeText, toggleTheme } from '../modules/preferences/state/preferences.actions.ts';

export function PreferenceButtons() {
  const { t } = useTranslation();
  const prefs = usePreferences();
  return (
    <div className="pref-buttons">
      <button
        type="button"
        data-testid="toggle-language"
        aria-label={t('header.language')}
        lang={prefs.language === 'zh-CN' ? 'en' : 'zh-CN'}
        onClick={toggleLanguage}
      >
        {prefs.language === 'zh-CN' ? t('header.switchToEnglish') : t('header.switchToChinese')}
      </button>
      <button type="button" data-testid="toggle-theme" aria-pressed={prefs.theme === 'dark'} onClick={toggleTheme}>
        {prefs.theme === 'dark' ? t('header.lightMode') : t('header.darkMode')}
      </button>
      <button type="button" data-testid="toggle-text" aria-pressed={prefs.largeText} onClick={toggleLargeText}>
        {prefs.largeText ? t('header.normalText') : t('header.largeText')}
      </button>
    </div>
  );
}
