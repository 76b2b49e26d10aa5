import { describe, expect, it } from 'vitest';
import {
  clockOutcome,
  dayNumber,
  metRate,
  minutesLate,
  periodKey,
  periodKeys,
  requestSlaState,
  type ClockFacts,
} from './report.ts';

const clock = (c: Partial<ClockFacts>): ClockFacts => ({
  state: 'running',
  settled: false,
  pastDeadline: false,
  requestOpen: true,
  ...c,
});

describe('what a clock counts as in a report', () => {
  it('met by the deadline is met; late is missed', () => {
    expect(clockOutcome(clock({ state: 'met', settled: true, requestOpen: false }))).toBe('met');
    expect(clockOutcome(clock({ state: 'missed', settled: true, pastDeadline: true }))).toBe('missed');
  });
  it('a breach without its milestone is open-breached while the request is open, missed once closed', () => {
    expect(clockOutcome(clock({ state: 'missed', pastDeadline: true }))).toBe('openBreached');
    expect(clockOutcome(clock({ state: 'missed', pastDeadline: true, requestOpen: false }))).toBe('missed');
  });
  it('a running clock past its deadline is breached before the scheduler acts on it', () => {
    expect(clockOutcome(clock({ pastDeadline: true }))).toBe('openBreached');
    expect(clockOutcome(clock({}))).toBe('openOnTrack');
  });
  it('a paused clock is on track (the customer holds it); a stopped one is not counted', () => {
    expect(clockOutcome(clock({ state: 'paused' }))).toBe('openOnTrack');
    expect(clockOutcome(clock({ state: 'stopped', requestOpen: false }))).toBeUndefined();
  });
});

describe('the met rate and its base', () => {
  it('counts met, missed and open-breached clocks; open ones on track are not decided', () => {
    expect(metRate({ met: 3, missed: 1, openBreached: 0, openOnTrack: 7 })).toEqual({
      decided: 4,
      metPercent: 75,
    });
    expect(metRate({ met: 2, missed: 0, openBreached: 1, openOnTrack: 0 })).toEqual({
      decided: 3,
      metPercent: 66.7,
    });
  });
  it('has no percentage without a base (never a 0 % for nothing)', () => {
    expect(metRate({ met: 0, missed: 0, openBreached: 0, openOnTrack: 5 })).toEqual({
      decided: 0,
      metPercent: null,
    });
  });
});

describe('local dates and periods', () => {
  it('knows real dates only', () => {
    expect(dayNumber('2026-02-28')).toBeDefined();
    expect(dayNumber('2026-02-29')).toBeUndefined();
    expect(dayNumber('2028-02-29')).toBeDefined();
    expect(dayNumber('2026-13-01')).toBeUndefined();
    expect(dayNumber('2026-1-01')).toBeUndefined();
  });
  it('weeks start on Monday (ISO), months are YYYY-MM', () => {
    expect(periodKey('2026-12-07', 'week')).toBe('2026-12-07'); // a Monday
    expect(periodKey('2026-12-13', 'week')).toBe('2026-12-07'); // its Sunday
    expect(periodKey('2027-01-01', 'week')).toBe('2026-12-28'); // across the year
    expect(periodKey('2026-12-13', 'month')).toBe('2026-12');
    expect(periodKey('2026-12-13', 'day')).toBe('2026-12-13');
  });
  it('lists every period of a range, partial ones at the ends included', () => {
    expect(periodKeys('2026-12-30', '2027-01-02', 'day')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(periodKeys('2026-12-09', '2026-12-21', 'week')).toEqual([
      '2026-12-07',
      '2026-12-14',
      '2026-12-21',
    ]);
    expect(periodKeys('2026-11-30', '2027-01-01', 'month')).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(periodKeys('2026-12-02', '2026-12-01', 'day')).toEqual([]);
  });
});

describe("a request's state on the monitoring board", () => {
  it('breached beats paused beats warned beats on track', () => {
    expect(requestSlaState({ breached: true, paused: true, warned: true })).toBe('breached');
    expect(requestSlaState({ breached: false, paused: true, warned: true })).toBe('paused');
    expect(requestSlaState({ breached: false, paused: false, warned: true })).toBe('warned');
    expect(requestSlaState({ breached: false, paused: false, warned: false })).toBe('onTrack');
  });
  it('says how late in whole minutes', () => {
    const d = new Date('2026-12-07T10:00:00+08:00');
    expect(minutesLate(d, new Date('2026-12-07T11:30:59+08:00'))).toBe(90);
    expect(minutesLate(d, new Date('2026-12-07T09:30:00+08:00'))).toBe(-30);
  });
});
