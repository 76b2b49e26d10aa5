/**
 * Deadlines from resolved targets, pure: the calendars are passed in. A target's deadline is
 * the instant at which its duration has elapsed since the start, **not counting the paused
 * intervals**: customer-caused suspensions (客户原因挂起) pause the clock, the operator's own waiting
 * does not. Time is measured the way the target counts it — working time on its calendar for
 * `Nh`, `Nm` and `Nwd` (a working day is the calendar's working time of a day), wall-clock time for
 * `Nd` and Civil-Code days — so a pause moves the deadline by the paused working time, and a
 * pause outside working time moves nothing. A pause still open (no end) stops the clock: the
 * deadline is unknown until it ends.
 */
import type { WorkCalendar } from './calendar.ts';
import { durationOf, TARGET_TYPES, type Resolution, type ResolvedTarget, type TargetType } from './policy.ts';

/** Who caused the wait: only the customer's pauses the clock. */
export const PAUSE_CAUSES = ['customer', 'operator'] as const;
export type PauseCause = (typeof PAUSE_CAUSES)[number];

export interface PauseInterval {
  from: Date;
  /** Absent while the request is still suspended. */
  to?: Date;
  cause: PauseCause;
}

export interface Deadline {
  type: TargetType;
  row: string;
  calendar: string;
  duration: string;
  counting?: 'civil-code';
  /** Undefined while a customer-caused pause is open. */
  at?: Date;
  /** The deadline without pauses. */
  unpausedAt: Date;
  /** Time the pauses added, in the target's measure (working time; wall time for days); absent while paused. */
  pausedMs?: number;
  /** The customer-caused pauses, clipped to the clock's running time, that moved it. */
  pauses: { from: Date; to?: Date }[];
  provisional: boolean;
  missingYears: number[];
}

/** How a target measures time: its calendar's working time, or wall time (calendar days). */
interface Meter {
  between(a: number, b: number): number;
  add(t: number, ms: number): number;
}

const wallMeter: Meter = { between: (a, b) => b - a, add: (t, ms) => t + ms };

/** Customer-caused pauses, sorted and merged, from the start on (an open one runs to the end of time). */
export function effectivePauses(
  pauses: readonly PauseInterval[],
  start: Date,
): { from: number; to: number }[] {
  const s = start.getTime();
  const list = pauses
    .filter((p) => p.cause === 'customer')
    .map((p) => ({ from: Math.max(p.from.getTime(), s), to: p.to ? p.to.getTime() : Infinity }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const p of list) {
    const last = merged.at(-1);
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged;
}

/** The unpaused deadline of a target: the calendar's `add`, or Civil-Code day counting. */
function baseDeadline(target: ResolvedTarget, start: Date, cal: WorkCalendar): Date {
  const d = durationOf(target);
  if (target.counting !== 'civil-code') return cal.add(start, d).at;
  // Civil Code Art. 201, 203: day 1 is the day after the start; the limit ends at 24:00 of the last
  // day, or of the first working day after it when the last day is not one.
  let date = cal.localDate(start.getTime());
  const next = (day: string) => cal.localDate(cal.instant(day, 1440));
  for (let i = 0; i < d.amount; i++) date = next(date);
  for (let i = 0; i < 366 && !cal.isWorkingDay(date); i++) date = next(date);
  return new Date(cal.instant(date, 1440));
}

/** How a target measures time: wall time for days, else its calendar's working time. */
function meterOf(target: ResolvedTarget, cal: WorkCalendar): Meter {
  return durationOf(target).unit === 'd'
    ? wallMeter
    : {
        between: (a, b) => cal.between(new Date(a), new Date(b)).ms,
        add: (t, ms) => cal.addWorkingMs(new Date(t), ms).at.getTime(),
      };
}

/**
 * The instant at which `need` (in the meter's measure) has elapsed since `s` outside the pauses,
 * or undefined while an open pause stops the clock first; and the pauses that moved it.
 */
function walk(meter: Meter, s: number, need: number, pauses: { from: number; to: number }[]) {
  let t = s;
  let remaining = need;
  const used: { from: Date; to?: Date }[] = [];
  for (const p of pauses) {
    const avail = meter.between(t, Math.max(t, p.from));
    if (remaining <= avail) break;
    remaining -= avail;
    used.push({ from: new Date(p.from), ...(p.to === Infinity ? {} : { to: new Date(p.to) }) });
    t = Math.max(t, p.to);
    if (t === Infinity) return { at: undefined, used };
  }
  return { at: meter.add(t, remaining), used };
}

/** The deadline of one resolved target from a start, with the customer-caused pauses. */
export function deadlineOf(
  target: ResolvedTarget,
  start: Date,
  cal: WorkCalendar,
  pauses: readonly PauseInterval[] = [],
): Deadline {
  const unpaused = baseDeadline(target, start, cal);
  const meter = meterOf(target, cal);
  const s = start.getTime();
  const need = meter.between(s, unpaused.getTime());
  const walked = walk(meter, s, need, effectivePauses(pauses, start));
  const used = walked.used;
  // The calendar's own `add` for an unpaused target (keeps its semantics exactly, e.g. Civil Code).
  const at = used.length ? walked.at : unpaused.getTime();
  // Years the computation touched that the schedule lacks (one more pass records them).
  const check = cal.between(start, new Date(at ?? unpaused.getTime()));
  return {
    type: target.type,
    row: target.row,
    calendar: target.calendar,
    duration: target.duration,
    ...(target.counting ? { counting: target.counting } : {}),
    ...(at === undefined ? {} : { at: new Date(at) }),
    unpausedAt: unpaused,
    ...(at === undefined ? {} : { pausedMs: used.length ? meter.between(s, at) - need : 0 }),
    pauses: used,
    provisional: check.provisional,
    missingYears: check.missingYears,
  };
}

/**
 * The instants at which fractions of a target have elapsed (warnings at 50 % and 80 %, the breach
 * at 100 % = the deadline), measured as the target counts and not counting the customer-caused
 * pauses; undefined for a fraction an open pause stops before. A fraction of 1 is the deadline.
 */
export function fractionTimes(
  target: ResolvedTarget,
  start: Date,
  cal: WorkCalendar,
  pauses: readonly PauseInterval[],
  fractions: readonly number[],
  deadline: Deadline = deadlineOf(target, start, cal, pauses),
): (Date | undefined)[] {
  const meter = meterOf(target, cal);
  const s = start.getTime();
  const need = meter.between(s, deadline.unpausedAt.getTime());
  const merged = effectivePauses(pauses, start);
  return fractions.map((f) => {
    if (f >= 1) return deadline.at;
    const at = walk(meter, s, Math.round(need * f), merged).at;
    return at === undefined ? undefined : new Date(at);
  });
}

/** Every resolved target's deadline from one start, in target order. */
export function computeDeadlines(
  resolution: Resolution,
  start: Date,
  calendarOf: (code: string) => WorkCalendar,
  pauses: readonly PauseInterval[] = [],
): Deadline[] {
  return TARGET_TYPES.flatMap((type) => {
    const t = resolution.targets[type];
    return t ? [deadlineOf(t, start, calendarOf(t.calendar), pauses)] : [];
  });
}
