/**
 * The national schedule as the `chinese-days` package knows it. The package treats a year it has
 * no data for as plain Monday–Friday, so it is never asked about a day: its data file is read and
 * only the years it actually covers are taken — a year counts as covered when its New Year's Day
 * (every official schedule's first holiday) is listed.
 */
import { createRequire } from 'node:module';

export interface PackageYear {
  year: number;
  days: Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>;
}

interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);

export const PACKAGE_SOURCE = `chinese-days@${(require('chinese-days/package.json') as { version: string }).version}`;

/** `"National Day,国庆节,3"` → `国庆节`. */
const chineseName = (text: string) => text.split(',')[1] ?? text;

let cached: PackageYear[] | undefined;

/** The years the package covers, each with its holidays and adjusted working days. */
export function packageYears(): PackageYear[] {
  if (cached) return cached;
  const data = require('chinese-days/dist/chinese-days.json') as PackageData;
  const years = new Map<number, PackageYear>();
  for (const date of Object.keys(data.holidays)) {
    const year = Number(date.slice(0, 4));
    if (date.endsWith('-01-01')) years.set(year, { year, days: [] });
  }
  for (const [list, kind] of [
    [data.holidays, 'holiday'],
    [data.workdays, 'workday'],
  ] as const) {
    for (const [date, text] of Object.entries(list)) {
      years.get(Number(date.slice(0, 4)))?.days.push({ date, kind, name: chineseName(text) });
    }
  }
  cached = [...years.values()].sort((a, b) => a.year - b.year);
  for (const y of cached) y.days.sort((a, b) => (a.date < b.date ? -1 : 1));
  return cached;
}
