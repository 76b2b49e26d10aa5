/**
 * Business-calendar arithmetic, pure (no I/O): which local days are working days, which hours of
 * them are working time, and adding or measuring working time on that basis. The national
 * schedule, the overrides and the calendar's definition are passed in; every local date and
 * clock time is turned into an instant by dayjs's time-zone plugin (no offsets computed here).
 *
 * Semantics (also in the module's README):
 * - A calendar's working time is, on each of its working days, its periods (the same every working
 *   day); a calendar without periods works the whole day (00:00–24:00).
 * - `Nh` / `Nm`: the earliest instant at which N hours / minutes of working time have elapsed since
 *   the start (a start outside working time elapses nothing until the next working time; a result
 *   that falls at the end of a period stays there rather than at the start of the next one).
 * - `Nwd`: the start is moved to the next working time if it is outside it (`countedFrom`), and the
 *   result is that clock time on the Nth working day after that day — expressed, like `Nh`, as the
 *   earliest instant with that much working time elapsed (08:30 on the next day of an 08:30–17:30
 *   office is 17:30 the day before: nothing is worked in between).
 * - `Nd`: the same local clock time N calendar days later, whatever the days are.
 * - `between(a, b)`: the working time in [a, b) (negative when b is before a).
 * A computation that classified a day of a year the national schedule does not cover is
 * `provisional` (that year counts Monday–Friday as working days) and names the years.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Working time within a day, in minutes since local midnight: 0 ≤ from < to ≤ 1440. */
export interface Period {
  from: number;
  to: number;
}

export const DAY_RULES = ['national', 'every_day'] as const;
/** `national`: the national working days (weekends, holidays, 调休); `every_day`: every day. */
export type DayRule = (typeof DAY_RULES)[number];

export interface CalendarSpec {
  code: string;
  /** IANA time zone, e.g. Asia/Shanghai. */
  zone: string;
  days: DayRule;
  /** Sorted, not overlapping; empty means the whole day. */
  periods: readonly Period[];
  /** Whether the org unit's overrides (closures, extra working days) apply (not to built-in 24x7). */
  honoursOverrides: boolean;
}

/** The national schedule: the years it covers, and per date a holiday or an adjusted working day. */
export interface NationalSchedule {
  years: ReadonlySet<number>;
  days: ReadonlyMap<string, 'holiday' | 'workday'>;
}

/** An org unit's overrides by local date (YYYY-MM-DD). */
export type Overrides = ReadonlyMap<string, 'closed' | 'working'>;

export const DURATION_UNITS = ['wd', 'd', 'h', 'm'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

/** Largest amount per unit: keeps every computation within the scan limit. */
export const DURATION_MAX: Record<DurationUnit, number> = { wd: 1000, d: 3660, h: 10_000, m: 600_000 };

/** `3wd`, `2d`, `4h`, `90m` → a duration, or a message saying what is wrong. */
export function parseDuration(text: string): Duration | { error: string } {
  const m = /^(\d{1,7})(wd|d|h|m)$/.exec(text.trim());
  if (!m) return { error: 'must be a whole number and a unit: wd (working days), d (calendar days), h, m' };
  const amount = Number(m[1]);
  const unit = m[2] as DurationUnit;
  if (amount < 1 || amount > DURATION_MAX[unit])
    return { error: `must be from 1 to ${DURATION_MAX[unit]} ${unit}` };
  return { amount, unit };
}

/** `08:30` → 510; `24:00` → 1440. */
export function parseClock(text: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : undefined;
}

export const formatClock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A problem with a list of periods (unsorted, overlapping, empty), or undefined. */
export function periodsProblem(periods: readonly Period[]): string | undefined {
  for (const [i, p] of periods.entries()) {
    if (!(p.from >= 0 && p.from < p.to && p.to <= 1440)) return `period ${i + 1} must start before it ends`;
    const prev = periods[i - 1];
    if (prev && p.from < prev.to) return `period ${i + 1} must start after period ${i} ends`;
  }
  return undefined;
}

/** Whether the runtime knows the IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Working time in words: `1h30m`, `45m`, `2h`, `0m` (whole minutes; seconds are dropped). */
export function formatWorkingTime(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.floor(Math.abs(ms) / 60_000);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return sign + (h ? `${h}h` : '') + (m || !h ? `${m}m` : '');
}

/** How many days are scanned at most, from one computation's start (30 years). */
const SCAN_DAYS = 366 * 30;

export class CalendarScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarScanError';
  }
}

// Plain date arithmetic on YYYY-MM-DD (no time zone involved): the day after, the weekday.
const utcDay = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const nextDate = (date: string, n = 1): string =>
  new Date(utcDay(date) + n * 86_400_000).toISOString().slice(0, 10);
const weekday = (date: string): number => new Date(utcDay(date)).getUTCDay();

/**
 * The local date and clock time of an instant in a zone, from the runtime's time-zone data
 * (Intl, as dayjs's plugin uses it), with one formatter per zone: dayjs's `tz()` builds a new
 * one on every call, which made it most of the cost of a computation.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
let lastParts: { t: number; zone: string; parts: { date: string; clock: string } } | undefined;
function localParts(t: number, zone: string): { date: string; clock: string } {
  // One computation asks about its start several times.
  if (lastParts && lastParts.t === t && lastParts.zone === zone) return lastParts.parts;
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const { type, value } of f.formatToParts(t)) p[type] = value;
  const ms = String(((t % 1000) + 1000) % 1000).padStart(3, '0');
  const parts = { date: `${p.year}-${p.month}-${p.day}`, clock: `${p.hour}:${p.minute}:${p.second}.${ms}` };
  lastParts = { t, zone, parts };
  return parts;
}

export interface AddResult {
  at: Date;
  /** Where counting started: the start, or the next working time after it (not for `Nd`). */
  countedFrom: Date;
  provisional: boolean;
  /** Years without a national schedule that the computation touched. */
  missingYears: number[];
}

export interface BetweenResult {
  ms: number;
  provisional: boolean;
  missingYears: number[];
}

/** One calendar with its data, ready to compute; `add` and `between` each report their own years. */
export class WorkCalendar {
  private readonly periods: readonly Period[];
  private readonly instants = new Map<string, number>();
  private missing = new Set<number>();

  constructor(
    readonly spec: CalendarSpec,
    private readonly schedule: NationalSchedule,
    private readonly overrides: Overrides = new Map(),
  ) {
    this.periods = spec.periods.length ? spec.periods : [{ from: 0, to: 1440 }];
    const problem = periodsProblem(this.periods);
    if (problem) throw new Error(`calendar ${spec.code}: ${problem}`);
  }

  /** Whether a local date is a working day (records a year the schedule lacks). */
  isWorkingDay(date: string): boolean {
    if (this.spec.honoursOverrides) {
      const o = this.overrides.get(date);
      if (o) return o === 'working';
    }
    if (this.spec.days === 'every_day') return true;
    const year = Number(date.slice(0, 4));
    const wd = weekday(date);
    const monToFri = wd !== 0 && wd !== 6;
    if (!this.schedule.years.has(year)) {
      this.missing.add(year);
      return monToFri;
    }
    const kind = this.schedule.days.get(date);
    if (kind) return kind === 'workday';
    return monToFri;
  }

  /** The local date of an instant in the calendar's zone. */
  localDate(t: number): string {
    return localParts(t, this.spec.zone).date;
  }

  /** The instant of a local date and clock time (`HH:mm:ss.SSS`, or minutes; 1440 is the next day's 00:00). */
  instant(date: string, clock: number | string): number {
    if (clock === 1440) return this.instant(nextDate(date), 0);
    const text = typeof clock === 'number' ? `${formatClock(clock)}:00.000` : clock;
    const key = `${date}T${text}`;
    let t = this.instants.get(key);
    if (t === undefined) {
      t = this.resolveLocal(date, text);
      if (this.instants.size > 50_000) this.instants.clear();
      this.instants.set(key, t);
    }
    return t;
  }

  /**
   * A local date and clock time as an instant: the day's midnight (dayjs) plus the clock time,
   * kept when the zone data reads it back as that date and clock time (no offset change within the
   * day), else dayjs's own answer (a DST day).
   */
  private resolveLocal(date: string, clock: string): number {
    const key = `${date}T00:00:00.000`;
    let midnight = this.instants.get(key);
    if (midnight === undefined) {
      midnight = dayjs.tz(key, this.spec.zone).valueOf();
      this.instants.set(key, midnight);
    }
    if (clock === '00:00:00.000') return midnight;
    const [h, m, sec] = clock.split(':');
    const guess = midnight + (Number(h) * 3600 + Number(m) * 60) * 1000 + Math.round(Number(sec) * 1000);
    const back = localParts(guess, this.spec.zone);
    return back.date === date && back.clock === clock
      ? guess
      : dayjs.tz(`${date}T${clock}`, this.spec.zone).valueOf();
  }

  /** Working intervals [start, end) from t on, the first one clipped to start at t. */
  *intervalsFrom(t: number): Generator<[number, number]> {
    let date = this.localDate(t);
    // The day before too when its last period reaches past t (a zone's day shifted by DST); it
    // is only classified then, so that it marks no year it does not use.
    const before = nextDate(date, -1);
    if (this.instant(before, this.periods.at(-1)!.to) > t) date = before;
    for (let i = 0; i < SCAN_DAYS; i++, date = nextDate(date)) {
      if (!this.isWorkingDay(date)) continue;
      for (const p of this.periods) {
        const end = this.instant(date, p.to);
        if (end <= t) continue;
        yield [Math.max(this.instant(date, p.from), t), end];
      }
    }
    throw new CalendarScanError(`calendar ${this.spec.code}: no working time found within 30 years`);
  }

  /** The start if it is working time, else the start of the next working time. */
  nextWorkingTime(t: number): number {
    return this.intervalsFrom(t).next().value![0];
  }

  private result<T extends object>(value: T): T & { provisional: boolean; missingYears: number[] } {
    const missingYears = [...this.missing].sort((a, b) => a - b);
    this.missing = new Set();
    return { ...value, provisional: missingYears.length > 0, missingYears };
  }

  /** The earliest instant at which `ms` (> 0) of working time has elapsed since t. */
  private addWorkingTime(t: number, ms: number): number {
    let remaining = ms;
    for (const [s, e] of this.intervalsFrom(t)) {
      if (remaining <= e - s) return s + remaining;
      remaining -= e - s;
    }
    /* c8 ignore next */ throw new CalendarScanError('unreachable');
  }

  private workingTimeBetween(a: number, b: number): number {
    if (b < a) return -this.workingTimeBetween(b, a);
    let sum = 0;
    for (const [s, e] of this.intervalsFrom(a)) {
      if (s >= b) break;
      sum += Math.min(e, b) - s;
    }
    return sum;
  }

  add(start: Date, d: Duration): AddResult {
    const t = start.getTime();
    if (d.unit === 'd') {
      const local = localParts(t, this.spec.zone);
      const at = this.instant(nextDate(local.date, d.amount), local.clock);
      return this.result({ at: new Date(at), countedFrom: start });
    }
    if (d.unit === 'h' || d.unit === 'm') {
      const ms = d.amount * (d.unit === 'h' ? 3_600_000 : 60_000);
      const countedFrom = this.nextWorkingTime(t);
      return this.result({ at: new Date(this.addWorkingTime(t, ms)), countedFrom: new Date(countedFrom) });
    }
    // Working days: the clock time of the next working time, on the Nth working day after its day.
    const t0 = this.nextWorkingTime(t);
    const local = localParts(t0, this.spec.zone);
    let date = local.date;
    for (let n = 0, i = 0; n < d.amount; i++) {
      if (i > SCAN_DAYS) throw new CalendarScanError(`calendar ${this.spec.code}: no working day found`);
      date = nextDate(date);
      if (this.isWorkingDay(date)) n++;
    }
    const target = this.instant(date, local.clock);
    // The same working time, at its earliest instant (the end of the day before, not the next morning).
    const at = this.addWorkingTime(t0, this.workingTimeBetween(t0, target));
    return this.result({ at: new Date(at), countedFrom: new Date(t0) });
  }

  /** The earliest instant at which `ms` (≥ 0) of working time has elapsed since start (any ms, not whole minutes). */
  addWorkingMs(start: Date, ms: number): AddResult {
    const t = start.getTime();
    const countedFrom = this.nextWorkingTime(t);
    const at = ms > 0 ? this.addWorkingTime(t, ms) : t;
    return this.result({ at: new Date(at), countedFrom: new Date(countedFrom) });
  }

  between(a: Date, b: Date): BetweenResult {
    return this.result({ ms: this.workingTimeBetween(a.getTime(), b.getTime()) });
  }
}

/** An instant as ISO 8601 with the calendar zone's offset, to the second (`2025-10-09T08:30:00+08:00`). */
export function formatInZone(t: Date, zone: string): string {
  return dayjs(t).tz(zone).format('YYYY-MM-DDTHH:mm:ssZ');
}

/** A local date-time without an offset (`2025-10-09T08:30`), read in the zone; undefined if malformed. */
export function parseLocal(text: string, zone: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text)) return undefined;
  const d = dayjs.tz(text, zone);
  return d.isValid() ? d.toDate() : undefined;
}
