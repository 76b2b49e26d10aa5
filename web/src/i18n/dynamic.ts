import type { TFunction } from 'i18next';
import { intlZoneName, utcOffset } from '../lib/time.ts';

/**
 * Text for a key built at run time (a role code, an error code, a permission): the translation
 * if the locale has it, else the fallback the server gave (e.g. a custom role's own name).
 */
export function tDynamic(t: TFunction, key: string, fallback: string): string {
  return t(key as 'common.none', { defaultValue: fallback });
}

/** A role's name in the current language: the locale's for built-in roles, else the given names. */
export function roleLabel(
  t: TFunction,
  language: string,
  code: string,
  names?: { name?: string | null; nameEn?: string | null },
): string {
  const given = language === 'en' ? (names?.nameEn ?? names?.name) : (names?.name ?? names?.nameEn);
  return tDynamic(t, `roles.${code}`, given ?? code);
}

/** A skill of a skill group: its name if the console knows the skill, else the code as typed. */
export function skillLabel(t: TFunction, code: string): string {
  return tDynamic(t, `skills.${code}`, code);
}

/** Skills the console has names for, offered when editing a skill group (others may be typed). */
export const KNOWN_SKILLS = [
  'fault',
  'broadband',
  'billing',
  'enterprise',
  'consultation',
  'complaint',
  'mobile',
  'iptv',
  'voice',
  'installation',
] as const;

/** A time zone as people say it, with its offset: "北京时间（+08:00）" rather than "Asia/Shanghai". */
export function timeZoneLabel(t: TFunction, language: string, tz: string): string {
  const name = tDynamic(t, `timeZones.${tz}`, intlZoneName(tz, language));
  return t('prefs.zoneLabel', { name, offset: utcOffset(tz) });
}
