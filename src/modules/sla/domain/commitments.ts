/**
 * Commitments as a customer reads them, and a customer's SLA report, pure (no I/O): a clock's
 * limit in plain words ("1 个工作日", "48 小时", "4 个工作小时"), whether the commitment was met,
 * missed, is running or is paused at the customer's request, how late a missed one was, and the
 * met/missed tallies per target. No policy row, calendar code or staff detail: the portal shows
 * these; the account manager's report adds the rows beside them.
 */
import { parseDuration } from './calendar.ts';
import type { ClockState } from './clocks.ts';
import { TARGET_TYPES, type TargetType } from './policy.ts';

/** How a limit is counted, in the customer's words (the console translates each). */
export const LIMIT_UNITS = [
  'working_days',
  'calendar_days',
  'hours',
  'working_hours',
  'minutes',
  'working_minutes',
] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

export interface Limit {
  amount: number;
  unit: LimitUnit;
}

/**
 * A target's limit: working days, calendar days, or hours/minutes — round the clock on `24x7`,
 * working time on any other calendar (office hours, a unit's hours).
 */
export function limitOf(duration: string, calendarUsed: string): Limit | undefined {
  const d = parseDuration(duration);
  if ('error' in d) return undefined;
  const roundTheClock = calendarUsed === '24x7';
  switch (d.unit) {
    case 'wd':
      return { amount: d.amount, unit: 'working_days' };
    case 'd':
      return { amount: d.amount, unit: 'calendar_days' };
    case 'h':
      return { amount: d.amount, unit: roundTheClock ? 'hours' : 'working_hours' };
    case 'm':
      return { amount: d.amount, unit: roundTheClock ? 'minutes' : 'working_minutes' };
  }
}

/**
 * Where a commitment stands: `met` (done by the promised time), `missed` (done late, or the
 * promised time has passed and it is not done yet), `running` (not due yet), `paused` (the clock
 * stopped at the customer's request, 客户原因挂起: no promised time while paused), `ended` (the
 * request was closed, merged or withdrawn before this step was needed).
 */
export const COMMITMENT_STATUSES = ['met', 'missed', 'running', 'paused', 'ended'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export interface ClockFacts {
  target: TargetType;
  state: ClockState;
  /** Null while a customer-caused pause is open. */
  deadline: Date | null;
  metAt: Date | null;
}

/**
 * A running clock past its deadline is missed now, whether or not the scheduler has acted on the
 * breach yet (a milestone after the deadline is late: `deadline < at`, as the clocks settle).
 */
export function commitmentStatus(c: ClockFacts, now: Date): CommitmentStatus {
  switch (c.state) {
    case 'met':
      return 'met';
    case 'missed':
      return 'missed';
    case 'paused':
      return 'paused';
    case 'stopped':
      return 'ended';
    case 'running':
      return c.deadline !== null && c.deadline.getTime() < now.getTime() ? 'missed' : 'running';
  }
}

/**
 * How late a missed commitment is, in milliseconds: until it was done, or — still open — until
 * now. Undefined when it is not missed, or when it was never done and the request is no longer
 * open (closed without this step: no end to measure to).
 */
export function lateMs(c: ClockFacts, now: Date, requestOpen: boolean): number | undefined {
  if (commitmentStatus(c, now) !== 'missed' || c.deadline === null) return undefined;
  if (c.metAt === null && !requestOpen) return undefined;
  const end = c.metAt ?? now;
  return Math.max(0, end.getTime() - c.deadline.getTime());
}

export interface Tally {
  /** Clocks counted (every status). */
  total: number;
  met: number;
  missed: number;
  /** Not decided yet: running or paused. */
  open: number;
  ended: number;
  /** met / (met + missed) in percent, one decimal; null when nothing is decided yet. */
  metPercent: number | null;
}

const emptyTally = (): Tally => ({ total: 0, met: 0, missed: 0, open: 0, ended: 0, metPercent: null });

export function addToTally(t: Tally, status: CommitmentStatus): void {
  t.total += 1;
  if (status === 'met') t.met += 1;
  else if (status === 'missed') t.missed += 1;
  else if (status === 'ended') t.ended += 1;
  else t.open += 1;
  const decided = t.met + t.missed;
  t.metPercent = decided === 0 ? null : Math.round((t.met / decided) * 1000) / 10;
}

/**
 * The targets a report tallies: every one but the progress interval (进展通报), whose clock restarts
 * with each update — one row per request says nothing about how many updates came on time.
 */
export const REPORTED_TARGETS: readonly TargetType[] = TARGET_TYPES.filter((t) => t !== 'progress');

/** Met/missed per reported target (in target order, only targets with clocks) and over all of them. */
export function tallies(
  clocks: readonly ClockFacts[],
  now: Date,
): { byTarget: Array<{ target: TargetType } & Tally>; overall: Tally } {
  const byTarget = new Map<TargetType, Tally>();
  const overall = emptyTally();
  for (const c of clocks) {
    if (!REPORTED_TARGETS.includes(c.target)) continue;
    const status = commitmentStatus(c, now);
    let t = byTarget.get(c.target);
    if (!t) byTarget.set(c.target, (t = emptyTally()));
    addToTally(t, status);
    addToTally(overall, status);
  }
  return {
    byTarget: REPORTED_TARGETS.flatMap((target) => {
      const t = byTarget.get(target);
      return t ? [{ target, ...t }] : [];
    }),
    overall,
  };
}

/**
 * The branch (分支机构) a request belongs to: the one whose unit is nearest at or above the
 * request's site unit; none (the customer's head office) when no branch covers it.
 */
export function branchOf<B extends { unitPath: string }>(
  siteUnitPath: string | undefined,
  branches: readonly B[],
): B | undefined {
  if (!siteUnitPath) return undefined;
  let best: B | undefined;
  for (const b of branches)
    if (siteUnitPath.startsWith(b.unitPath) && (!best || b.unitPath.length > best.unitPath.length)) best = b;
  return best;
}

/**
 * A report period: local dates `from` … `to` (inclusive) in the zone, at most `maxDays` days.
 * Returns the problem (field and message) or the instants [start, end).
 */
export function periodProblem(
  from: Date | undefined,
  to: Date | undefined,
  maxDays: number,
): { field: 'from' | 'to'; message: string } | undefined {
  if (!from) return { field: 'from', message: 'must be a date YYYY-MM-DD' };
  if (!to) return { field: 'to', message: 'must be a date YYYY-MM-DD' };
  if (to.getTime() < from.getTime()) return { field: 'to', message: 'must not be before from' };
  // Days between the two local midnights (23–25 h apart across a DST change: round).
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;
  if (days > maxDays) return { field: 'to', message: `the period may span at most ${maxDays} days` };
  return undefined;
}
