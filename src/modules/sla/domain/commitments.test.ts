import { describe, expect, it } from 'vitest';
import {
  branchOf,
  commitmentStatus,
  lateMs,
  limitOf,
  periodProblem,
  tallies,
  type ClockFacts,
} from './commitments.ts';

const T = (iso: string) => new Date(iso);
const now = T('2026-12-08T10:00:00+08:00');
const HOUR = 3_600_000;

const clock = (over: Partial<ClockFacts>): ClockFacts => ({
  target: 'restoration',
  state: 'running',
  deadline: T('2026-12-08T12:00:00+08:00'),
  metAt: null,
  ...over,
});

describe('a limit in the customer’s words', () => {
  it('reads working days, calendar days, and hours round the clock or in working time', () => {
    expect(limitOf('1wd', 'cn-workdays')).toEqual({ amount: 1, unit: 'working_days' });
    expect(limitOf('15d', 'cn-workdays')).toEqual({ amount: 15, unit: 'calendar_days' });
    expect(limitOf('48h', '24x7')).toEqual({ amount: 48, unit: 'hours' });
    expect(limitOf('4h', 'cn-office')).toEqual({ amount: 4, unit: 'working_hours' });
    expect(limitOf('90m', 'zj-office')).toEqual({ amount: 90, unit: 'working_minutes' });
    expect(limitOf('30m', '24x7')).toEqual({ amount: 30, unit: 'minutes' });
    expect(limitOf('soon', '24x7')).toBeUndefined();
  });
});

describe('where a commitment stands', () => {
  it('follows the clock, and a running clock past its promised time is missed before the scheduler acts', () => {
    expect(commitmentStatus(clock({}), now)).toBe('running');
    expect(commitmentStatus(clock({ deadline: T('2026-12-08T09:59:59+08:00') }), now)).toBe('missed');
    // At the promised time exactly it is not late (a milestone then is met).
    expect(commitmentStatus(clock({ deadline: now }), now)).toBe('running');
    expect(commitmentStatus(clock({ state: 'paused', deadline: null }), now)).toBe('paused');
    expect(commitmentStatus(clock({ state: 'met', metAt: now }), now)).toBe('met');
    expect(commitmentStatus(clock({ state: 'missed' }), now)).toBe('missed');
    expect(commitmentStatus(clock({ state: 'stopped' }), now)).toBe('ended');
  });

  it('measures how late: until done, until now while the request is open, unknown once closed without it', () => {
    const deadline = T('2026-12-08T07:00:00+08:00');
    expect(
      lateMs(clock({ state: 'missed', deadline, metAt: T('2026-12-08T08:30:00+08:00') }), now, false),
    ).toBe(1.5 * HOUR);
    expect(lateMs(clock({ state: 'missed', deadline }), now, true)).toBe(3 * HOUR);
    expect(lateMs(clock({ state: 'running', deadline }), now, true)).toBe(3 * HOUR);
    expect(lateMs(clock({ state: 'missed', deadline }), now, false)).toBeUndefined();
    expect(lateMs(clock({ state: 'met', metAt: deadline }), now, false)).toBeUndefined();
    expect(lateMs(clock({}), now, true)).toBeUndefined();
  });
});

describe('met and missed per target', () => {
  it('counts each reported target, leaves the progress interval out, and gives met / decided', () => {
    const { byTarget, overall } = tallies(
      [
        clock({ target: 'response', state: 'met', metAt: now }),
        clock({ target: 'response', state: 'met', metAt: now }),
        clock({ target: 'response', state: 'missed', metAt: now }),
        clock({ target: 'restoration', state: 'paused', deadline: null }),
        clock({ target: 'restoration', state: 'stopped' }),
        clock({ target: 'restoration', deadline: T('2026-12-08T09:00:00+08:00') }),
        clock({ target: 'progress', state: 'missed' }),
      ],
      now,
    );
    expect(byTarget).toEqual([
      { target: 'response', total: 3, met: 2, missed: 1, open: 0, ended: 0, metPercent: 66.7 },
      { target: 'restoration', total: 3, met: 0, missed: 1, open: 1, ended: 1, metPercent: 0 },
    ]);
    expect(overall).toEqual({ total: 6, met: 2, missed: 2, open: 1, ended: 1, metPercent: 50 });
  });

  it('has no percentage while nothing is decided', () => {
    expect(tallies([clock({})], now).overall.metPercent).toBeNull();
    expect(tallies([], now)).toEqual({
      byTarget: [],
      overall: { total: 0, met: 0, missed: 0, open: 0, ended: 0, metPercent: null },
    });
  });
});

describe('branches and the period', () => {
  it('puts a request under the nearest branch at or above its site, else the head office', () => {
    const branches = [
      { id: 'zj', unitPath: '/ct/zj/' },
      { id: 'hz', unitPath: '/ct/zj/hz/' },
    ];
    expect(branchOf('/ct/zj/hz/field1/', branches)?.id).toBe('hz');
    expect(branchOf('/ct/zj/nb/', branches)?.id).toBe('zj');
    expect(branchOf('/ct/js/nj/', branches)).toBeUndefined();
    expect(branchOf(undefined, branches)).toBeUndefined();
  });

  it('refuses a missing date, an end before the start and a period over the limit', () => {
    const d = (s: string) => T(`${s}T00:00:00+08:00`);
    expect(periodProblem(undefined, d('2026-12-31'), 366)).toMatchObject({ field: 'from' });
    expect(periodProblem(d('2026-12-01'), undefined, 366)).toMatchObject({ field: 'to' });
    expect(periodProblem(d('2026-12-02'), d('2026-12-01'), 366)).toMatchObject({ field: 'to' });
    expect(periodProblem(d('2026-12-01'), d('2026-12-01'), 366)).toBeUndefined();
    expect(periodProblem(d('2024-01-01'), d('2024-12-31'), 366)).toBeUndefined();
    expect(periodProblem(d('2024-01-01'), d('2025-01-01'), 366)).toMatchObject({ field: 'to' });
  });
});
