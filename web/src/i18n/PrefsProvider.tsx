import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime, formatDuration } from '../lib/time.ts';
import { changeLanguage } from './index.ts';
import { isLanguage, type Language } from './languages.ts';
import { STORAGE_KEYS, store, storedTimeZone } from './prefs.ts';

interface Prefs {
  language: Language;
  setLanguage(lang: Language): void;
  timeZone: string;
  setTimeZone(tz: string): void;
  /** Formatting in the user's language and time zone. */
  fmt: {
    dateTime(iso: string | null | undefined): string;
    date(iso: string | null | undefined): string;
    duration(seconds: number): string;
  };
}

const PrefsContext = createContext<Prefs | undefined>(undefined);

export function PrefsProvider({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const language: Language = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'zh-CN';
  const [timeZone, setTz] = useState(() => storedTimeZone(window.localStorage));
  const setTimeZone = useCallback((tz: string) => {
    store(window.localStorage, STORAGE_KEYS.timeZone, tz);
    setTz(tz);
  }, []);
  const setLanguage = useCallback((lang: Language) => void changeLanguage(lang), []);
  const value = useMemo<Prefs>(
    () => ({
      language,
      setLanguage,
      timeZone,
      setTimeZone,
      fmt: {
        dateTime: (iso) => formatDateTime(iso, timeZone, language),
        date: (iso) => formatDate(iso, timeZone, language),
        duration: (seconds) =>
          formatDuration(
            seconds,
            {
              day: (count) => t('time.day', { count }),
              hour: (count) => t('time.hour', { count }),
              minute: (count) => t('time.minute', { count }),
              second: (count) => t('time.second', { count }),
            },
            language === 'zh-CN' ? '' : ' ',
          ),
      },
    }),
    [language, setLanguage, timeZone, setTimeZone, t],
  );
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePrefs(): Prefs {
  const ctx = useContext(PrefsContext);
  if (!ctx) throw new Error('usePrefs outside PrefsProvider');
  return ctx;
}
