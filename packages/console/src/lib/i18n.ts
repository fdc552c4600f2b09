import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from '../locales/en';
import { zhCN } from '../locales/zh-CN';

export type UiLocale = 'zh-CN' | 'en';
const STORAGE_KEY = 'huiliu.locale';

/** Before login: the last language used on this browser, else English for an English browser, else 简体中文. */
export function initialLocale(): UiLocale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

export function rememberLocale(locale: UiLocale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
}

declare global {
  interface Window {
    /** With the i18n check on: every key the UI asked for that the language lacks, as "<language>:<key>". */
    __huiliuMissingKeys?: string[];
  }
}

/**
 * The translation check (localStorage['huiliu.i18nCheck'] = '1'): every key a page asks for that
 * its language does not have is collected in window.__huiliuMissingKeys, so a browser test can
 * fail on it — including keys that would silently show a fallback text.
 */
function missingKeyCheck() {
  if (localStorage.getItem('huiliu.i18nCheck') !== '1') return {};
  const missing: string[] = (window.__huiliuMissingKeys = []);
  return {
    saveMissing: true,
    missingKeyHandler: (_languages: readonly string[], _namespace: string, key: string) => {
      const entry = `${i18n.language}:${key}`;
      if (!missing.includes(entry)) missing.push(entry);
    },
  };
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLocale(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
  ...missingKeyCheck(),
});
document.documentElement.lang = i18n.language;

export default i18n;
