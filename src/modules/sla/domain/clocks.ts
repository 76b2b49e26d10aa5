/**
 * Clocks per request, pure (no I/O): the state machine of one clock, the milestones that stop
 * clocks, and the steps (warnings at fractions of the target, the breach at 100 %) with what each
 * step does. The service stores clocks and runs these rules; the set-based SQL it uses for the hot
 * paths (pause, milestone) does exactly what `pauseClock` and `settleClock` say.
 *
 *   running ──customer suspension──▶ paused ──resume──▶ running
 *   running ──milestone by the deadline──▶ met      running ──breach step (100 %)──▶ missed
 *   running/paused ──request closed without the milestone──▶ stopped
 *
 * `met`, `missed` and `stopped` are final (a missed clock still records when its milestone came,
 * `met_at`); only running and paused clocks are recomputed.
 */
import type { TargetType } from './policy.ts';

export const CLOCK_STATES = ['running', 'paused', 'met', 'missed', 'stopped'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/** Open clocks: still counting (or paused), recomputed when facts or policies change. */
export const OPEN_STATES: readonly ClockState[] = ['running', 'paused'];

/** What happened to a request that stops clocks. */
export const MILESTONES = ['taken', 'reply', 'arrived', 'resolved', 'closed'] as const;
export type Milestone = (typeof MILESTONES)[number];

/**
 * The targets each milestone meets:
 * - `taken` (an agent takes or starts the request): 响应 response;
 * - `reply` (a customer-visible note by staff, 回复客户): 反馈 feedback — and it restarts the
 *   progress interval (进展通报);
 * - `arrived` (到场: the technician is on site): 到场 arrival — and 响应 if still open (someone
 *   who is on site has responded);
 * - `resolved` (回单): restoration and resolution, and every earlier target not met yet (a resolved
 *   request needs no more response, feedback or arrival);
 * - `closed` without resolution (merged as a duplicate, closed at intake handled as resolved): none
 *   met; open clocks are stopped.
 */
export const MILESTONE_TARGETS: Readonly<Record<Milestone, readonly TargetType[]>> = {
  taken: ['response'],
  reply: ['feedback'],
  arrived: ['response', 'arrival'],
  resolved: ['response', 'feedback', 'arrival', 'restoration', 'resolution'],
  closed: [],
};

export interface ClockSnapshot {
  state: ClockState;
  /** Null while a customer-caused pause is open. */
  deadline: Date | null;
  pauses: { from: Date; to?: Date }[];
  metAt: Date | null;
}

/** A customer-caused suspension (客户原因挂起) pauses a running clock; others are unchanged. */
export function pauseClock(c: ClockSnapshot, now: Date): ClockSnapshot {
  if (c.state !== 'running') return c;
  return { ...c, state: 'paused', deadline: null, pauses: [...c.pauses, { from: now }] };
}

/** Resume closes the open pause (the deadline is computed again with it: the service's part). */
export function resumeClock(c: ClockSnapshot, now: Date): ClockSnapshot {
  if (c.state !== 'paused') return c;
  return {
    ...c,
    state: 'running',
    pauses: c.pauses.map((p) => (p.to ? p : { from: p.from, to: now })),
  };
}

/**
 * The milestone came at `at`: an open clock is met when `at` is not after its deadline (a paused
 * one too: its clock was stopped), missed otherwise; a missed clock records when it came.
 */
export function settleClock(c: ClockSnapshot, at: Date): ClockSnapshot {
  if (c.state === 'missed' && c.metAt === null) return { ...c, metAt: at };
  if (c.state !== 'running' && c.state !== 'paused') return c;
  const late = c.deadline !== null && at.getTime() > c.deadline.getTime();
  return { ...c, state: late ? 'missed' : 'met', metAt: at };
}

/** The request closed without the milestone: open clocks stop. */
export function stopClock(c: ClockSnapshot): ClockSnapshot {
  return c.state === 'running' || c.state === 'paused' ? { ...c, state: 'stopped' } : c;
}

/**
 * 重开 (reopen): the targets the resolution met that count on. The customer says the fault is not
 * fixed, so restoration and resolution were not reached after all (see README, "Reopen").
 */
export const REOPENED_TARGETS: readonly TargetType[] = ['restoration', 'resolution'];

/**
 * A resolved request is reopened: a clock its resolution settled counts on from its original
 * start — a met one runs again (its met time withdrawn), a missed one stays missed and waits for
 * its milestone again; running, paused and stopped clocks are unchanged. The service computes the
 * deadline again (unchanged but for pauses: the time since the resolution is not a pause).
 */
export function reopenClock(c: ClockSnapshot): ClockSnapshot {
  if (c.state === 'met') return { ...c, state: 'running', metAt: null };
  if (c.state === 'missed') return { ...c, metAt: null };
  return c;
}

/** The breach step (100 %) fired: a running clock is missed. */
export function breachClock(c: ClockSnapshot): ClockSnapshot {
  return c.state === 'running' ? { ...c, state: 'missed' } : c;
}

/** Default warnings: at 50 % and 80 % of a target (ONEPOINT_SLA_WARN_AT). */
export const DEFAULT_WARN_AT = [50, 80] as const;

/** The step percentages: the warnings (between 1 and 99, sorted, no duplicates) and the breach, 100. */
export function stepPercents(warnAt: readonly number[] = DEFAULT_WARN_AT): number[] {
  const warnings = [...new Set(warnAt.filter((p) => Number.isInteger(p) && p > 0 && p < 100))].sort(
    (a, b) => a - b,
  );
  return [...warnings, 100];
}

export const STEP_ACTIONS = [
  'notify_owner',
  'notify_supervisor',
  'notify_account_manager',
  'raise_priority',
  'escalate',
  'timeline',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/**
 * What a step does. Every warning tells the request's owner and assignee and goes on the
 * timeline; the last warning also tells the supervisors of the handling unit; the breach tells the
 * owner, the supervisors and the customer's account manager, raises the priority one level and
 * escalates the request one support line (申告升级). The progress interval (进展通报) only warns
 * and notifies: a late progress update does not raise or escalate the request.
 */
export function stepActions(percent: number, percents: readonly number[], target: TargetType): StepAction[] {
  if (percent >= 100) {
    const base: StepAction[] = ['notify_owner', 'notify_supervisor', 'notify_account_manager', 'timeline'];
    return target === 'progress' ? base : [...base, 'raise_priority', 'escalate'];
  }
  const warnings = percents.filter((p) => p < 100);
  return percent === warnings.at(-1) && warnings.length > 1
    ? ['notify_owner', 'notify_supervisor', 'timeline']
    : ['notify_owner', 'timeline'];
}

/** A step as stored: its percentage and due time (ISO; null while a pause stops the clock before it). */
export interface Step {
  percent: number;
  at: string | null;
}

/**
 * The next step to act on, from the first `done` steps on: a warning whose time has passed is
 * skipped (a late warning is noise: after a restart, a recompute), the breach is acted on however
 * late. `at` null: the next step waits for a pause to end; index = steps.length: none left.
 */
export function pendingStep(
  steps: readonly Step[],
  done: number,
  now: Date,
): { index: number; at: Date | null } {
  for (let i = done; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.at === null) return { index: i, at: null };
    if (new Date(s.at).getTime() > now.getTime() || i === steps.length - 1)
      return { index: i, at: new Date(s.at) };
  }
  return { index: steps.length, at: null };
}

/** Priorities, lowest first; a breach raises one level (urgent stays urgent). */
const PRIORITY_ORDER = ['low', 'normal', 'high', 'urgent'] as const;
export function raisedPriority(p: string): string {
  const i = PRIORITY_ORDER.indexOf(p as (typeof PRIORITY_ORDER)[number]);
  return i < 0 ? p : PRIORITY_ORDER[Math.min(PRIORITY_ORDER.length - 1, i + 1)]!;
}

/** The kind of a step: a warning before 100 %, the breach at 100 %. */
export const stepKind = (percent: number): 'warning' | 'breach' => (percent >= 100 ? 'breach' : 'warning');
