import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Language } from '../i18n/languages.ts';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(localizedFormat);

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Time zones offered in the preferences (China first; the browser's own is added if different). */
export const COMMON_TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Urumqi',
  'Asia/Hong_Kong',
  'Asia/Macau',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
];

/** A zone's offset from UTC at a moment, as "+08:00" (no letters, so it reads the same in any language). */
export function utcOffset(tz: string, at: Date = new Date()): string {
  const name = new Intl.DateTimeFormat('en', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const offset = name?.replace(/^GMT/, '') ?? '';
  return offset === '' ? '+00:00' : offset;
}

/** The zone's own name in a language from the browser (for zones the console has no name for). */
export function intlZoneName(tz: string, lang: string): string {
  try {
    return (
      new Intl.DateTimeFormat(lang, { timeZone: tz, timeZoneName: 'longGeneric' })
        .formatToParts(new Date())
        .find((p) => p.type === 'timeZoneName')?.value ?? tz
    );
  } catch {
    return tz;
  }
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const dayjsLocale = (lang: Language) => (lang === 'zh-CN' ? 'zh-cn' : 'en');

/** A date and time in the user's time zone and language, e.g. "2026年11月25日 16:38" / "Nov 25, 2026 4:38 PM". */
export function formatDateTime(iso: string | null | undefined, tz: string, lang: Language): string {
  if (!iso) return '';
  const d = dayjs(iso);
  if (!d.isValid()) return '';
  return d.tz(tz).locale(dayjsLocale(lang)).format('ll LT');
}

/** A calendar date in the user's time zone. */
export function formatDate(iso: string | null | undefined, tz: string, lang: Language): string {
  if (!iso) return '';
  const d = dayjs(iso);
  return d.isValid() ? d.tz(tz).locale(dayjsLocale(lang)).format('ll') : '';
}

export interface DurationLabels {
  day: (n: number) => string;
  hour: (n: number) => string;
  minute: (n: number) => string;
  second: (n: number) => string;
}

/** A duration in seconds as its two largest units ("1天2小时", "3 min 5 s"); never negative. */
export function formatDuration(totalSeconds: number, labels: DurationLabels, join = ' '): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const parts: Array<[number, (n: number) => string]> = [
    [Math.floor(s / 86400), labels.day],
    [Math.floor((s % 86400) / 3600), labels.hour],
    [Math.floor((s % 3600) / 60), labels.minute],
    [s % 60, labels.second],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return labels.second(0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, label]) => label(n))
    .join(join);
}
