import { DEFAULT_TIME_ZONE, isTimeZone } from '../lib/time.ts';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from './languages.ts';

/** Where the console keeps a person's choices (per browser; nothing personal). */
export const STORAGE_KEYS = { language: 'onepoint.language', timeZone: 'onepoint.timeZone' } as const;

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

function safeGet(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null; // storage disabled (private mode, policy)
  }
}

export function storedLanguage(storage: Storage | undefined): Language {
  const v = safeGet(storage, STORAGE_KEYS.language);
  return isLanguage(v) ? v : DEFAULT_LANGUAGE;
}

export function storedTimeZone(storage: Storage | undefined): string {
  const v = safeGet(storage, STORAGE_KEYS.timeZone);
  return v && isTimeZone(v) ? v : DEFAULT_TIME_ZONE;
}

export function store(storage: Storage | undefined, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // not persisted; the choice still holds for this page
  }
}
