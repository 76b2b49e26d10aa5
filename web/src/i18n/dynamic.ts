import type { TFunction } from 'i18next';

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
