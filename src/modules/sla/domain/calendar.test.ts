import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageYears } from '../chinese-days.ts';
import { builtinCalendar } from './builtins.ts';
import {
  formatInZone,
  parseDuration,
  WorkCalendar,
  type Duration,
  type NationalSchedule,
  type Overrides,
} from './calendar.ts';

// The national schedule as the platform stores it, from the package's data (2004–2026).
const years = packageYears();
const schedule: NationalSchedule = {
  years: new Set(years.map((y) => y.year)),
  days: new Map(years.flatMap((y) => y.days.map((d) => [d.date, d.kind] as const))),
};
const cal = (code: string, overrides?: Overrides) =>
  new WorkCalendar(builtinCalendar(code)!, schedule, overrides);
const dur = (text: string) => parseDuration(text) as Duration;
const at = (text: string) => new Date(text);
/** add → the local result as ISO with offset. */
const add = (code: string, from: string, d: string, overrides?: Overrides) =>
  formatInZone(cal(code, overrides).add(at(from), dur(d)).at, 'Asia/Shanghai');
const hours = (code: string, a: string, b: string) => cal(code).between(at(a), at(b)).ms / 3_600_000;

describe('the national schedule from chinese-days', () => {
  it('covers 2004–2026 and has 2025 National Day with its 调休 Sunday and Saturday', () => {
    expect([...schedule.years].sort()).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    for (const d of ['2025-10-01', '2025-10-06', '2025-10-08']) expect(schedule.days.get(d)).toBe('holiday');
    expect(schedule.days.get('2025-09-28')).toBe('workday');
    expect(schedule.days.get('2025-10-11')).toBe('workday');
    expect(schedule.days.get('2026-02-14')).toBe('workday');
    expect(schedule.days.get('2026-02-23')).toBe('holiday');
  });
});

describe('working days across 2025 National Day / Mid-Autumn (10-01..10-08; 09-28 and 10-11 worked)', () => {
  it('1wd from the day before the holiday lands at the same clock time on 10-09', () => {
    expect(add('cn-office', '2025-09-30T10:00:00+08:00', '1wd')).toBe('2025-10-09T10:00:00+08:00');
    expect(add('cn-workdays', '2025-09-30T18:00:00+08:00', '1wd')).toBe('2025-10-09T18:00:00+08:00');
  });
  it('counts the 调休 Sunday 09-28 and Saturday 10-11 as working days', () => {
    // Friday 09-26 10:00 + 1wd → Sunday 09-28 10:00 (Saturday 09-27 is not worked).
    expect(add('cn-office', '2025-09-26T10:00:00+08:00', '1wd')).toBe('2025-09-28T10:00:00+08:00');
    expect(add('cn-office', '2025-10-09T10:00:00+08:00', '2wd')).toBe('2025-10-11T10:00:00+08:00');
    // Friday 10-10 15:00 + 4h: 2.5 h on Friday, 1.5 h on Saturday 10-11 from 08:30.
    expect(add('cn-office', '2025-10-10T15:00:00+08:00', '4h')).toBe('2025-10-11T10:00:00+08:00');
  });
  it('a start outside working time counts from the next working time, ending at close of business', () => {
    // Saturday 09-27 (not worked): counted from Sunday 09-28 08:30; one working day is that day.
    const r = cal('cn-office').add(at('2025-09-27T10:00:00+08:00'), dur('1wd'));
    expect(formatInZone(r.countedFrom, 'Asia/Shanghai')).toBe('2025-09-28T08:30:00+08:00');
    expect(formatInZone(r.at, 'Asia/Shanghai')).toBe('2025-09-28T17:30:00+08:00');
    // During the holiday: counted from 10-09 08:30.
    expect(add('cn-office', '2025-10-03T09:00:00+08:00', '2h')).toBe('2025-10-09T10:30:00+08:00');
    expect(add('cn-workdays', '2025-10-03T09:00:00+08:00', '1wd')).toBe('2025-10-10T00:00:00+08:00');
  });
  it('measures the working time between two instants', () => {
    expect(hours('cn-office', '2025-09-30T08:30:00+08:00', '2025-10-09T08:30:00+08:00')).toBe(8);
    // 09-26 Fri, 09-28 Sun, 09-29, 09-30, 10-09, 10-10, 10-11 Sat: 7 whole days.
    expect(hours('cn-workdays', '2025-09-26T00:00:00+08:00', '2025-10-13T00:00:00+08:00')).toBe(7 * 24);
    expect(hours('24x7', '2025-09-26T00:00:00+08:00', '2025-10-13T00:00:00+08:00')).toBe(17 * 24);
    expect(hours('cn-office', '2025-10-09T08:30:00+08:00', '2025-09-30T08:30:00+08:00')).toBe(-8);
  });
});

describe('2026 Spring Festival (02-15..02-23; Saturdays 02-14 and 02-28 worked)', () => {
  it('adds working days and hours over the holiday', () => {
    expect(add('cn-workdays', '2026-02-13T09:00:00+08:00', '1wd')).toBe('2026-02-14T09:00:00+08:00');
    expect(add('cn-workdays', '2026-02-13T09:00:00+08:00', '2wd')).toBe('2026-02-24T09:00:00+08:00');
    expect(add('cn-office', '2026-02-13T17:00:00+08:00', '1h')).toBe('2026-02-14T09:00:00+08:00');
    expect(add('cn-office', '2026-02-14T17:00:00+08:00', '90m')).toBe('2026-02-24T09:30:00+08:00');
    // 02-24..02-27 and Saturday 02-28: the 5th working day after 02-23's holiday-eve start.
    expect(add('cn-office', '2026-02-14T10:00:00+08:00', '5wd')).toBe('2026-02-28T10:00:00+08:00');
  });
});

describe('breaks, period ends and 24x7', () => {
  it('skips the lunch break and stays at the end of a period', () => {
    expect(add('cn-office', '2025-10-10T11:00:00+08:00', '2h')).toBe('2025-10-10T14:00:00+08:00');
    expect(add('cn-office', '2025-10-10T12:30:00+08:00', '30m')).toBe('2025-10-10T13:30:00+08:00');
    expect(add('cn-office', '2025-10-10T13:00:00+08:00', '270m')).toBe('2025-10-10T17:30:00+08:00');
    // Monday 08:30 + 1wd is the end of Monday, the same working time as Tuesday 08:30.
    expect(add('cn-office', '2025-12-08T08:30:00+08:00', '1wd')).toBe('2025-12-08T17:30:00+08:00');
    expect(hours('cn-office', '2025-12-08T11:00:00+08:00', '2025-12-08T14:00:00+08:00')).toBe(2);
  });
  it('runs 24x7 through holidays and nights; Nd keeps the clock time', () => {
    expect(add('24x7', '2026-02-16T22:00:00+08:00', '4h')).toBe('2026-02-17T02:00:00+08:00');
    expect(add('24x7', '2026-02-16T22:00:00+08:00', '1wd')).toBe('2026-02-17T22:00:00+08:00');
    expect(add('cn-office', '2025-09-30T18:00:00+08:00', '2d')).toBe('2025-10-02T18:00:00+08:00');
  });
});

describe("an org unit's overrides", () => {
  const typhoon: Overrides = new Map([['2025-10-10', 'closed']]);
  it('a closure (typhoon day) is not worked; an extra working day is', () => {
    expect(add('cn-office', '2025-10-09T10:00:00+08:00', '1wd', typhoon)).toBe('2025-10-11T10:00:00+08:00');
    const extra: Overrides = new Map([['2025-10-04', 'working']]);
    expect(add('cn-workdays', '2025-09-30T10:00:00+08:00', '1wd', extra)).toBe('2025-10-04T10:00:00+08:00');
  });
  it('do not apply to 24x7', () => {
    expect(add('24x7', '2025-10-09T10:00:00+08:00', '1wd', typhoon)).toBe('2025-10-10T10:00:00+08:00');
  });
});

describe('a year without a national schedule', () => {
  it('is counted Monday–Friday and the result is marked provisional with the year', () => {
    const r = cal('cn-office').add(at('2026-12-31T10:00:00+08:00'), dur('1wd'));
    expect(formatInZone(r.at, 'Asia/Shanghai')).toBe('2027-01-01T10:00:00+08:00');
    expect(r).toMatchObject({ provisional: true, missingYears: [2027] });
    expect(cal('cn-office').add(at('2026-12-30T10:00:00+08:00'), dur('1wd')).provisional).toBe(false);
    expect(cal('24x7').add(at('2026-12-31T10:00:00+08:00'), dur('3wd')).provisional).toBe(false);
  });
});

describe('durations', () => {
  it('parses wd, d, h and m and refuses the rest', () => {
    expect(parseDuration('3wd')).toEqual({ amount: 3, unit: 'wd' });
    expect(parseDuration('90m')).toEqual({ amount: 90, unit: 'm' });
    for (const bad of ['', '0h', '3', '1.5h', '-2d', '3w', '1001wd'])
      expect(parseDuration(bad)).toHaveProperty('error');
  });
});

describe('properties', () => {
  const start = fc
    .date({
      min: new Date('2025-01-01T00:00:00+08:00'),
      max: new Date('2026-11-30T00:00:00+08:00'),
      noInvalidDate: true,
    })
    .map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000));
  const code = fc.constantFrom('24x7', 'cn-workdays', 'cn-office');
  const duration = fc.oneof(
    fc.integer({ min: 1, max: 60 }).map((n) => ({ amount: n, unit: 'h' as const })),
    fc.integer({ min: 1, max: 3000 }).map((n) => ({ amount: n, unit: 'm' as const })),
    fc.integer({ min: 1, max: 20 }).map((n) => ({ amount: n, unit: 'wd' as const })),
  );
  const workingMs = (c: string, d: Duration) =>
    d.unit === 'wd'
      ? d.amount * (c === 'cn-office' ? 8 : 24) * 3_600_000
      : d.amount * (d.unit === 'h' ? 3_600_000 : 60_000);

  it('the working time between the start and add(start, d) is d', () => {
    fc.assert(
      fc.property(code, start, duration, (c, s, d) => {
        const calendar = cal(c);
        const r = calendar.add(s, d);
        expect(calendar.between(s, r.at).ms).toBe(workingMs(c, d));
      }),
      { numRuns: 150 },
    );
  });

  it('add is monotonic in the start and in the duration', () => {
    fc.assert(
      fc.property(code, start, start, duration, (c, a, b, d) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const calendar = cal(c);
        expect(calendar.add(lo, d).at.getTime()).toBeLessThanOrEqual(calendar.add(hi, d).at.getTime());
        const more = { ...d, amount: d.amount + 1 };
        expect(calendar.add(lo, d).at.getTime()).toBeLessThan(calendar.add(lo, more).at.getTime());
      }),
      { numRuns: 100 },
    );
  });
});
