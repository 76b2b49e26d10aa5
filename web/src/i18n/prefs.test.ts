import { describe, expect, it } from 'vitest';
import { STORAGE_KEYS, store, storedLanguage, storedTimeZone } from './prefs.ts';

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('remembered preferences', () => {
  it('defaults to Chinese and Shanghai time', () => {
    expect(storedLanguage(memory())).toBe('zh-CN');
    expect(storedTimeZone(memory())).toBe('Asia/Shanghai');
    expect(storedLanguage(undefined)).toBe('zh-CN');
  });

  it('keeps a chosen language and time zone', () => {
    const s = memory();
    store(s, STORAGE_KEYS.language, 'en');
    store(s, STORAGE_KEYS.timeZone, 'Europe/Berlin');
    expect(storedLanguage(s)).toBe('en');
    expect(storedTimeZone(s)).toBe('Europe/Berlin');
  });

  it('ignores values it does not know, and storage that throws', () => {
    expect(storedLanguage(memory({ [STORAGE_KEYS.language]: 'fr' }))).toBe('zh-CN');
    expect(storedTimeZone(memory({ [STORAGE_KEYS.timeZone]: 'Mars/Olympus' }))).toBe('Asia/Shanghai');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(storedLanguage(broken)).toBe('zh-CN');
    expect(() => store(broken, STORAGE_KEYS.language, 'en')).not.toThrow();
  });
});
