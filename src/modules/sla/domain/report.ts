/**
 * SLA reports, pure (no I/O): what a clock counts as in a report, the met percentage and its base,
 * the periods of a range, and a request's SLA state on the monitoring board. The service groups
 * clocks in SQL by the inputs of these rules and applies them to the groups, so the rules are
 * stated once, here.
 */
import type { ClockState } from './clocks.ts';
import type { TargetType } from './policy.ts';

/** The targets a report measures (进展通报 is an interval that restarts: not a met/missed target). */
export const REPORT_TARGETS = [
  'response',
  'feedback',
  'arrival',
  'restoration',
  'resolution',
] as const satisfies readonly TargetType[];
export type ReportTarget = (typeof REPORT_TARGETS)[number];

/** What a report groups by: who and what (org unit, agent, product, tier, kind) or a period. */
export const GROUP_BYS = ['orgUnit', 'agent', 'product', 'tier', 'kind', 'day', 'week', 'month'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
export const isInterval = (g: GroupBy): g is Interval => (INTERVALS as readonly string[]).includes(g);

export const OUTCOMES = ['met', 'missed', 'openOnTrack', 'openBreached'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The facts of a clock a report needs (booleans: the SQL groups by them). */
export interface ClockFacts {
  state: ClockState;
  /** The milestone came (`met_at` set). */
  settled: boolean;
  /** The deadline is before now (false while paused: no deadline). */
  pastDeadline: boolean;
  /** The request is still open for the SLA (not resolved or closed). */
  requestOpen: boolean;
}

/**
 * What a clock counts as:
 * - `met`: the milestone came by the deadline;
 * - `missed`: it came late, or the breach fired and the request was then closed without it;
 * - `openBreached`: still open and past its deadline (breach acted on or not yet): already a miss;
 * - `openOnTrack`: still open (or paused by the customer) within its deadline;
 * - undefined: stopped (closed without the milestone before its deadline): the target no longer
 *   applies and is not counted.
 */
export function clockOutcome(c: ClockFacts): Outcome | undefined {
  switch (c.state) {
    case 'met':
      return 'met';
    case 'missed':
      return c.settled || !c.requestOpen ? 'missed' : 'openBreached';
    case 'running':
      return c.pastDeadline ? 'openBreached' : 'openOnTrack';
    case 'paused':
      return 'openOnTrack';
    case 'stopped':
      return undefined;
  }
}

export type Counts = Record<Outcome, number>;
export const noCounts = (): Counts => ({ met: 0, missed: 0, openOnTrack: 0, openBreached: 0 });
export function addCounts(into: Counts, add: Partial<Counts>): Counts {
  for (const o of OUTCOMES) into[o] += add[o] ?? 0;
  return into;
}

/**
 * The met rate and its base. The base is every clock whose outcome is known — met, missed, and
 * open ones already past their deadline (they cannot be met any more); open clocks within their
 * deadline are not decided yet and are left out. No base, no percentage (null, never 0).
 */
export function metRate(c: Counts): { decided: number; metPercent: number | null } {
  const decided = c.met + c.missed + c.openBreached;
  return { decided, metPercent: decided ? Math.round((1000 * c.met) / decided) / 10 : null };
}

// ---------------------------------------------------------------- local dates and periods

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date `YYYY-MM-DD` as days since 1970-01-01, or undefined (2026-02-30 is not one). */
export function dayNumber(date: string): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return t / 86_400_000;
}
export const dateOfDay = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** The longest range a report covers, in days (a year and a day: a leap year's whole year). */
export const MAX_RANGE_DAYS = 367;

/** The key of the period a local date falls in: the day, the Monday of its ISO week, its month. */
export function periodKey(date: string, interval: Interval): string {
  if (interval === 'month') return date.slice(0, 7);
  if (interval === 'day') return date;
  const n = dayNumber(date)!;
  // 1970-01-01 was a Thursday: Monday-based weekday 3.
  const weekday = (((n + 3) % 7) + 7) % 7;
  return dateOfDay(n - weekday);
}

/** Every period key from the one `from` falls in to the one `to` falls in, in order. */
export function periodKeys(from: string, to: string, interval: Interval): string[] {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a === undefined || b === undefined || b < a) return [];
  const keys: string[] = [];
  for (let n = a; n <= b; n++) {
    const k = periodKey(dateOfDay(n), interval);
    if (keys.at(-1) !== k) keys.push(k);
  }
  return keys;
}

// ---------------------------------------------------------------- the monitoring board

export const REQUEST_SLA_STATES = ['onTrack', 'warned', 'breached', 'paused'] as const;
export type RequestSlaState = (typeof REQUEST_SLA_STATES)[number];

/** What an open request's clocks say (the SQL computes these over its clocks). */
export interface RequestClockFlags {
  /** A clock is breached and its milestone has not come (missed, or running past its deadline). */
  breached: boolean;
  /** A clock is paused by a customer-caused suspension. */
  paused: boolean;
  /** A running clock has passed its first warning. */
  warned: boolean;
}

/**
 * An open request's SLA state: breached whatever else (a pause does not undo a breach), else
 * paused (the customer holds it: its clocks stand still), else warned, else on track.
 */
export function requestSlaState(f: RequestClockFlags): RequestSlaState {
  if (f.breached) return 'breached';
  if (f.paused) return 'paused';
  if (f.warned) return 'warned';
  return 'onTrack';
}

/** Whole minutes from `deadline` to `at` (positive: late), rounded down. */
export const minutesLate = (deadline: Date, at: Date): number =>
  Math.floor((at.getTime() - deadline.getTime()) / 60_000);
