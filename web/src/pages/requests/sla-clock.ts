// What a clock's countdown shows at a moment: its tone (the colour) and the time left or over,
// from what the API sent (state, deadline, first warning, when met). Pure: the screens pass "now".

/** The colours of a clock: on track, warned (past its first warning), breached, paused, met, stopped. */
export const CLOCK_TONES = ['onTrack', 'warned', 'breached', 'paused', 'met', 'stopped'] as const;
export type ClockTone = (typeof CLOCK_TONES)[number];

/** A clock as both the request's /sla and a list row's nearest clock describe it. */
export interface ClockFacts {
  state: 'running' | 'paused' | 'met' | 'missed' | 'stopped';
  /** ISO 8601; null while paused. */
  deadline: string | null;
  /** When the first warning falls due (ISO 8601), if the clock has one. */
  warningAt: string | null;
  /** When its milestone came (a missed clock records it too). */
  metAt?: string | null;
}

export type Countdown =
  | { kind: 'left'; seconds: number }
  | { kind: 'over'; seconds: number }
  | { kind: 'paused' }
  | { kind: 'met'; at: string }
  | { kind: 'metLate'; at: string; lateSeconds: number }
  | { kind: 'stopped' };

const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

/**
 * The tone at `now` (ms): a running clock is breached once its deadline passed (before the
 * scheduler marks it missed) and warned once its first warning is due.
 */
export function clockTone(c: ClockFacts, now: number): ClockTone {
  switch (c.state) {
    case 'paused':
      return 'paused';
    case 'stopped':
      return 'stopped';
    case 'met':
      return 'met';
    case 'missed':
      return 'breached';
    case 'running':
      if (now >= at(c.deadline)) return 'breached';
      if (now >= at(c.warningAt)) return 'warned';
      return 'onTrack';
  }
}

/** The time left (or over) at `now`, or how the clock ended. */
export function countdown(c: ClockFacts, now: number): Countdown {
  const deadline = at(c.deadline);
  if (c.state === 'paused') return { kind: 'paused' };
  if (c.state === 'stopped') return { kind: 'stopped' };
  if (c.state === 'met' && c.metAt) return { kind: 'met', at: c.metAt };
  if (c.state === 'missed' && c.metAt) {
    const late = (at(c.metAt) - deadline) / 1000;
    // A milestone recorded as of an earlier time than the breach (back-dated) is not "0 s late".
    return late > 0 ? { kind: 'metLate', at: c.metAt, lateSeconds: late } : { kind: 'met', at: c.metAt };
  }
  if (Number.isNaN(deadline)) return { kind: 'stopped' };
  const seconds = Math.floor((deadline - now) / 1000);
  return seconds > 0 ? { kind: 'left', seconds } : { kind: 'over', seconds: -seconds };
}

/** The first warning's time of a clock's steps (the request's /sla lists them). */
export function firstWarningAt(
  steps: ReadonlyArray<{ kind: 'warning' | 'breach'; at: string | null }>,
): string | null {
  return steps.find((s) => s.kind === 'warning' && s.at)?.at ?? null;
}

/** A duration in the policy syntax ("3wd", "15d", "4h", "90m") as its number and unit. */
export function durationParts(duration: string): { count: number; unit: 'wd' | 'd' | 'h' | 'm' } | undefined {
  const m = /^(\d+)(wd|d|h|m)$/.exec(duration);
  return m ? { count: Number(m[1]), unit: m[2] as 'wd' | 'd' | 'h' | 'm' } : undefined;
}
