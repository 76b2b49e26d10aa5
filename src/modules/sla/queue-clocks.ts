/**
 * The countdown a queue shows per request (坐席/调度 queues, the request list): its open clock
 * with the nearest deadline, for a whole page of requests in one statement (no call per row).
 * Service requests add it to their list answer through this module's index.
 */
import { z } from 'zod';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { TARGET_TYPES, type TargetType } from './domain/policy.ts';
import type { Executor, StoredStep } from './sla.tables.ts';

/** The states a queue countdown can be in: still counting, paused by the customer, or overdue. */
export const QUEUE_CLOCK_STATES = ['running', 'paused', 'missed'] as const;

export interface QueueClock {
  target: TargetType;
  state: (typeof QUEUE_CLOCK_STATES)[number];
  /** Null while paused (the deadline is computed again on resume). */
  deadline: Date | null;
  /** When the first warning falls due (the countdown turns amber); null without warnings or paused. */
  warningAt: Date | null;
  provisional: boolean;
}

export const queueClockView = z
  .object({
    target: z.enum(TARGET_TYPES),
    state: z
      .enum(QUEUE_CLOCK_STATES)
      .describe('running; paused (客户原因挂起, no deadline); missed (breached, milestone not yet reached)'),
    deadline: z.string().nullable().describe('ISO 8601; null while paused'),
    warningAt: z
      .string()
      .nullable()
      .describe("when the clock's first warning falls due (ISO 8601); null without warnings or while paused"),
    provisional: z.boolean().describe('the deadline falls in a year whose national schedule is missing'),
  })
  .describe(
    "The request's open SLA clock with the nearest deadline (an overdue one first); null when no clock is open",
  );
export type QueueClockView = z.infer<typeof queueClockView>;

const rank = (c: QueueClock) => (c.deadline ? c.deadline.getTime() : Number.POSITIVE_INFINITY);

/**
 * Per request, the open clock with the nearest deadline: running, or missed and its milestone not
 * reached (overdue: its deadline is past, so it comes first); a paused one only when nothing else
 * is counting. Requests without an open clock, and resolved or closed ones, are absent.
 */
export async function nearestClocks(
  callerDb: AnyExecutor,
  requestIds: readonly string[],
): Promise<Map<string, QueueClock>> {
  const out = new Map<string, QueueClock>();
  if (!requestIds.length) return out;
  const db = callerDb as Executor;
  const rows = await db
    .selectFrom('sla_clocks as c')
    .innerJoin('sla_requests as r', 'r.request_id', 'c.request_id')
    .select(['c.request_id', 'c.target', 'c.state', 'c.deadline', 'c.steps', 'c.provisional', 'c.met_at'])
    .where('c.request_id', 'in', [...new Set(requestIds)])
    // A resolved or closed request's clocks are settled (an overdue progress update no longer is).
    .where('r.open', '=', true)
    // The clock's state is filtered here, not in SQL: a state condition matches the partial indexes'
    // predicates, and with stale statistics the planner scanned one of those whole (found by the
    // soak, BENCHMARKS.md) instead of the primary key's few rows per request.
    .execute();
  for (const r of rows) {
    if (!(r.state === 'running' || r.state === 'paused' || (r.state === 'missed' && r.met_at === null)))
      continue;
    const steps: StoredStep[] = typeof r.steps === 'string' ? JSON.parse(r.steps) : r.steps;
    const firstWarning = steps.find((s) => s.percent < 100 && s.at !== null);
    const clock: QueueClock = {
      target: r.target,
      state: r.state as QueueClock['state'],
      deadline: r.state === 'paused' || !r.deadline ? null : new Date(r.deadline),
      warningAt: r.state === 'paused' || !firstWarning?.at ? null : new Date(firstWarning.at),
      provisional: r.provisional,
    };
    const held = out.get(r.request_id);
    if (!held || rank(clock) < rank(held) || (rank(clock) === rank(held) && clock.target < held.target))
      out.set(r.request_id, clock);
  }
  return out;
}

/** A queue clock as the API shows it (ISO 8601, UTC like the list's other times). */
export function queueClockOut(c: QueueClock | undefined): QueueClockView | null {
  if (!c) return null;
  return {
    target: c.target,
    state: c.state,
    deadline: c.deadline ? c.deadline.toISOString() : null,
    warningAt: c.warningAt ? c.warningAt.toISOString() : null,
    provisional: c.provisional,
  };
}
