import { describe, expect, it } from 'vitest';
import { clockTone, countdown, durationParts, firstWarningAt, type ClockFacts } from './sla-clock.ts';

const T = Date.parse('2026-12-07T10:00:00+08:00');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
// A 1 h response clock started at T: warnings at 50 % (30 min), 80 %, breach at 60 min.
const running: ClockFacts = {
  state: 'running',
  deadline: iso(T + 60 * MIN),
  warningAt: iso(T + 30 * MIN),
  metAt: null,
};

describe('clockTone', () => {
  it('is on track before the first warning, warned from it, breached from the deadline on', () => {
    expect(clockTone(running, T + 29 * MIN)).toBe('onTrack');
    expect(clockTone(running, T + 30 * MIN)).toBe('warned');
    expect(clockTone(running, T + 59 * MIN)).toBe('warned');
    // Past the deadline, before the scheduler has marked the clock missed.
    expect(clockTone(running, T + 60 * MIN)).toBe('breached');
  });
  it('follows the final and paused states whatever the time', () => {
    expect(clockTone({ ...running, state: 'paused', deadline: null, warningAt: null }, T)).toBe('paused');
    expect(clockTone({ ...running, state: 'met', metAt: iso(T + 10 * MIN) }, T + 99 * MIN)).toBe('met');
    expect(clockTone({ ...running, state: 'missed' }, T)).toBe('breached');
    expect(clockTone({ ...running, state: 'stopped' }, T + 99 * MIN)).toBe('stopped');
  });
  it('has no warned phase without a warning step', () => {
    expect(clockTone({ ...running, warningAt: null }, T + 45 * MIN)).toBe('onTrack');
  });
});

describe('countdown', () => {
  it('counts down to the deadline, then up from it', () => {
    expect(countdown(running, T + 15 * MIN)).toEqual({ kind: 'left', seconds: 45 * 60 });
    expect(countdown(running, T + 75 * MIN)).toEqual({ kind: 'over', seconds: 15 * 60 });
    expect(countdown({ ...running, state: 'missed' }, T + 61 * MIN)).toEqual({ kind: 'over', seconds: 60 });
  });
  it('says when a clock was met, and how late a missed one came', () => {
    expect(countdown({ ...running, state: 'met', metAt: iso(T + 20 * MIN) }, T + 99 * MIN)).toEqual({
      kind: 'met',
      at: iso(T + 20 * MIN),
    });
    expect(countdown({ ...running, state: 'missed', metAt: iso(T + 90 * MIN) }, T + 99 * MIN)).toEqual({
      kind: 'metLate',
      at: iso(T + 90 * MIN),
      lateSeconds: 30 * 60,
    });
  });
  it('does not call a missed clock late when its milestone is recorded before the deadline', () => {
    expect(countdown({ ...running, state: 'missed', metAt: iso(T + 40 * MIN) }, T + 99 * MIN)).toEqual({
      kind: 'met',
      at: iso(T + 40 * MIN),
    });
  });
  it('has no time for a paused or stopped clock', () => {
    expect(countdown({ ...running, state: 'paused', deadline: null }, T)).toEqual({ kind: 'paused' });
    expect(countdown({ ...running, state: 'stopped' }, T)).toEqual({ kind: 'stopped' });
  });
});

describe('firstWarningAt and durationParts', () => {
  it('finds the first warning with a time (a pause may leave it open)', () => {
    expect(
      firstWarningAt([
        { kind: 'warning', at: null },
        { kind: 'warning', at: '2026-12-07T10:48:00+08:00' },
        { kind: 'breach', at: '2026-12-07T11:00:00+08:00' },
      ]),
    ).toBe('2026-12-07T10:48:00+08:00');
    expect(firstWarningAt([{ kind: 'breach', at: '2026-12-07T11:00:00+08:00' }])).toBeNull();
  });
  it('reads the policy duration syntax, and nothing else', () => {
    expect(durationParts('3wd')).toEqual({ count: 3, unit: 'wd' });
    expect(durationParts('15d')).toEqual({ count: 15, unit: 'd' });
    expect(durationParts('90m')).toEqual({ count: 90, unit: 'm' });
    expect(durationParts('4 h')).toBeUndefined();
  });
});
