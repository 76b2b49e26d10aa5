import { describe, expect, it } from 'vitest';
import { builtinCalendar } from './builtins.ts';
import { WorkCalendar, type NationalSchedule } from './calendar.ts';
import {
  breachClock,
  pauseClock,
  pendingStep,
  MILESTONE_TARGETS,
  raisedPriority,
  reopenClock,
  REOPENED_TARGETS,
  resumeClock,
  settleClock,
  stepActions,
  stepPercents,
  stopClock,
  type ClockSnapshot,
} from './clocks.ts';
import { deadlineOf, fractionTimes } from './deadlines.ts';
import type { ResolvedTarget } from './policy.ts';

const t = (s: string) => new Date(s);
const running = (deadline: string): ClockSnapshot => ({
  state: 'running',
  deadline: t(deadline),
  pauses: [],
  metAt: null,
});

// 2025: 10-01..10-08 National Day holidays, 09-28 and 10-11 adjusted working days.
const schedule: NationalSchedule = {
  years: new Set([2025]),
  days: new Map([
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => [`2025-10-${d}`, 'holiday'] as const),
    ['2025-09-28', 'workday'],
    ['2025-10-11', 'workday'],
  ]),
};
const cal = (code: '24x7' | 'cn-workdays' | 'cn-office') =>
  new WorkCalendar(builtinCalendar(code)!, schedule, new Map());
const target = (duration: string, calendar: string, counting?: 'civil-code'): ResolvedTarget => ({
  type: 'restoration',
  row: 'r',
  level: 'kind',
  duration,
  calendar,
  ...(counting ? { counting } : {}),
});

describe('clock state machine', () => {
  it('arriving on site (到场) meets arrival, and response if still open; resolution meets arrival too', () => {
    expect(MILESTONE_TARGETS.arrived).toEqual(['response', 'arrival']);
    expect(MILESTONE_TARGETS.resolved).toContain('arrival');
    expect(MILESTONE_TARGETS.taken).not.toContain('arrival');
  });

  it('a reopen (重开) sets a met restoration or resolution running again; a missed one stays missed', () => {
    expect(REOPENED_TARGETS).toEqual(['restoration', 'resolution']);
    const met = settleClock(running('2025-09-30T12:00:00Z'), t('2025-09-30T10:00:00Z'));
    expect(met.state).toBe('met');
    const again = reopenClock(met);
    expect(again).toMatchObject({ state: 'running', metAt: null });
    // The deadline stands: the time counts from the original start.
    expect(again.deadline).toEqual(t('2025-09-30T12:00:00Z'));
    const late = settleClock(breachClock(running('2025-09-30T12:00:00Z')), t('2025-09-30T13:00:00Z'));
    expect(late).toMatchObject({ state: 'missed', metAt: t('2025-09-30T13:00:00Z') });
    expect(reopenClock(late)).toMatchObject({ state: 'missed', metAt: null });
    // Settled again later: the new time is recorded.
    expect(settleClock(reopenClock(late), t('2025-10-01T09:00:00Z')).metAt).toEqual(
      t('2025-10-01T09:00:00Z'),
    );
    for (const c of [running('2025-09-30T12:00:00Z'), stopClock(running('2025-09-30T12:00:00Z'))])
      expect(reopenClock(c)).toEqual(c);
  });

  it('a customer-caused pause stops a running clock; resume closes the pause', () => {
    const paused = pauseClock(running('2025-09-30T12:00:00Z'), t('2025-09-30T08:00:00Z'));
    expect(paused.state).toBe('paused');
    expect(paused.deadline).toBeNull();
    expect(paused.pauses).toEqual([{ from: t('2025-09-30T08:00:00Z') }]);
    const resumed = resumeClock(paused, t('2025-09-30T09:00:00Z'));
    expect(resumed.state).toBe('running');
    expect(resumed.pauses).toEqual([{ from: t('2025-09-30T08:00:00Z'), to: t('2025-09-30T09:00:00Z') }]);
    // Only running clocks pause; only paused ones resume.
    expect(
      pauseClock({ ...running('2025-09-30T12:00:00Z'), state: 'met' }, t('2025-09-30T08:00:00Z')).state,
    ).toBe('met');
    expect(resumeClock(running('2025-09-30T12:00:00Z'), t('2025-09-30T09:00:00Z')).pauses).toEqual([]);
  });

  it('a milestone meets the clock by its deadline and misses it after; final states stay', () => {
    expect(settleClock(running('2025-09-30T12:00:00Z'), t('2025-09-30T12:00:00Z')).state).toBe('met');
    const late = settleClock(running('2025-09-30T12:00:00Z'), t('2025-09-30T12:00:01Z'));
    expect(late).toMatchObject({ state: 'missed', metAt: t('2025-09-30T12:00:01Z') });
    // A breached clock records when the milestone came, once.
    const breached = breachClock(running('2025-09-30T12:00:00Z'));
    expect(breached.state).toBe('missed');
    const came = settleClock(breached, t('2025-09-30T13:00:00Z'));
    expect(came).toMatchObject({ state: 'missed', metAt: t('2025-09-30T13:00:00Z') });
    expect(settleClock(came, t('2025-09-30T14:00:00Z')).metAt).toEqual(t('2025-09-30T13:00:00Z'));
    expect(stopClock(running('2025-09-30T12:00:00Z')).state).toBe('stopped');
    expect(stopClock(came).state).toBe('missed');
    expect(breachClock({ ...running('2025-09-30T12:00:00Z'), state: 'met' }).state).toBe('met');
  });
});

describe('steps', () => {
  it('warnings at the configured percentages, then the breach at 100', () => {
    expect(stepPercents()).toEqual([50, 80, 100]);
    expect(stepPercents([80, 50, 50, 0, 100, 150, 33.5])).toEqual([50, 80, 100]);
    expect(stepPercents([])).toEqual([100]);
    const p = stepPercents();
    expect(stepActions(50, p, 'restoration')).toEqual(['notify_owner', 'timeline']);
    expect(stepActions(80, p, 'restoration')).toContain('notify_supervisor');
    expect(stepActions(100, p, 'restoration')).toEqual([
      'notify_owner',
      'notify_supervisor',
      'notify_account_manager',
      'timeline',
      'raise_priority',
      'escalate',
    ]);
    // A late progress update does not raise or escalate the request.
    expect(stepActions(100, p, 'progress')).not.toContain('escalate');
    expect(raisedPriority('normal')).toBe('high');
    expect(raisedPriority('urgent')).toBe('urgent');
  });

  it('due times on 7×24: fractions of wall time, moved by a pause before them only', () => {
    const start = t('2025-09-30T00:00:00Z');
    const tg = target('10h', '24x7');
    const times = fractionTimes(tg, start, cal('24x7'), [], [0.5, 0.8, 1]);
    expect(times).toEqual([t('2025-09-30T05:00:00Z'), t('2025-09-30T08:00:00Z'), t('2025-09-30T10:00:00Z')]);
    // A one-hour customer pause at 06:00: the 50 % step is before it, the others move by one hour.
    const pauses = [
      { from: t('2025-09-30T06:00:00Z'), to: t('2025-09-30T07:00:00Z'), cause: 'customer' as const },
    ];
    expect(fractionTimes(tg, start, cal('24x7'), pauses, [0.5, 0.8, 1])).toEqual([
      t('2025-09-30T05:00:00Z'),
      t('2025-09-30T09:00:00Z'),
      t('2025-09-30T11:00:00Z'),
    ]);
    // An operator-caused wait moves nothing; an open customer pause leaves the later steps unknown.
    expect(fractionTimes(tg, start, cal('24x7'), [{ ...pauses[0]!, cause: 'operator' }], [1])).toEqual([
      t('2025-09-30T10:00:00Z'),
    ]);
    expect(
      fractionTimes(
        tg,
        start,
        cal('24x7'),
        [{ from: t('2025-09-30T06:00:00Z'), cause: 'customer' }],
        [0.5, 0.8, 1],
      ),
    ).toEqual([t('2025-09-30T05:00:00Z'), undefined, undefined]);
  });

  it('due times on working days count working time across National Day', () => {
    // 2025-09-30 10:00 China time + 1wd on cn-workdays → 2025-10-09 10:00; half of it is 10-09 00:00.
    const start = t('2025-09-30T02:00:00Z');
    const tg = target('1wd', 'cn-workdays');
    const d = deadlineOf(tg, start, cal('cn-workdays'));
    expect(d.at).toEqual(t('2025-10-09T02:00:00Z'));
    const [half, full] = fractionTimes(tg, start, cal('cn-workdays'), [], [0.5, 1], d);
    expect(full).toEqual(d.at);
    expect(half).toEqual(t('2025-09-30T14:00:00Z')); // 12 working hours after 10:00 on 09-30: 22:00
  });

  it('the next step: past warnings skipped, a past breach acted on, a pause waits', () => {
    const steps = [
      { percent: 50, at: '2025-09-30T05:00:00.000Z' },
      { percent: 80, at: '2025-09-30T08:00:00.000Z' },
      { percent: 100, at: '2025-09-30T10:00:00.000Z' },
    ];
    expect(pendingStep(steps, 0, t('2025-09-30T04:00:00Z'))).toEqual({ index: 0, at: t(steps[0]!.at) });
    expect(pendingStep(steps, 0, t('2025-09-30T09:00:00Z'))).toEqual({ index: 2, at: t(steps[2]!.at) });
    expect(pendingStep(steps, 0, t('2025-10-01T00:00:00Z'))).toEqual({ index: 2, at: t(steps[2]!.at) });
    expect(pendingStep(steps, 3, t('2025-09-30T04:00:00Z'))).toEqual({ index: 3, at: null });
    expect(pendingStep([{ percent: 50, at: null }], 0, t('2025-09-30T04:00:00Z'))).toEqual({
      index: 0,
      at: null,
    });
  });
});
