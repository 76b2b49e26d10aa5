import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import { dayjsLocale } from '../lib/time.ts';
import { LANGUAGES, type Language } from './languages.ts';
import en from './locales/en.ts';
import zhCN from './locales/zh-CN.ts';
import type customersZhCN from './locales/customers.zh-CN.ts';
import type securityZhCN from './locales/security.zh-CN.ts';
import type requestsZhCN from './locales/requests.zh-CN.ts';
import type slaZhCN from './locales/sla.zh-CN.ts';
import { STORAGE_KEYS, store, storedLanguage } from './prefs.ts';

export const resources = { 'zh-CN': { translation: zhCN }, en: { translation: en } } as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    // The customer, security and request screens' texts (`customers.*`, `security.*`, `requests.*`) arrive with those
    // screens: see addScreenTexts.
    resources: {
      translation: typeof zhCN & {
        customers: typeof customersZhCN;
        security: typeof securityZhCN;
        requests: typeof requestsZhCN;
        sla: typeof slaZhCN;
      };
    };
  }
}

const storage = typeof window === 'undefined' ? undefined : window.localStorage;

function applyLanguage(lang: Language): void {
  dayjs.locale(dayjsLocale(lang));
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources,
  lng: storedLanguage(storage),
  fallbackLng: 'zh-CN',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});
applyLanguage(i18n.language as Language);

export async function changeLanguage(lang: Language): Promise<void> {
  store(storage, STORAGE_KEYS.language, lang);
  await i18n.changeLanguage(lang);
  applyLanguage(lang);
}

export function currentLanguage(): Language {
  return (i18n.resolvedLanguage ?? i18n.language) === 'en' ? 'en' : 'zh-CN';
}

/**
 * Adds the texts of screens loaded on demand under their own top-level key, so that they are not
 * part of what the browser loads before the login page (called by the screens' chunk).
 */
export function addScreenTexts(key: string, texts: { 'zh-CN': object; en: object }): void {
  for (const lang of LANGUAGES)
    i18n.addResourceBundle(lang, 'translation', { [key]: texts[lang] }, true, true);
}
