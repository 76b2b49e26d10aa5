/**
 * The SLA scheduler: acts on due steps (warnings, breach) exactly once. Each round, in ONE
 * transaction: claim up to `batchSize` clocks whose `next_step_at` has come (`FOR UPDATE SKIP
 * LOCKED`: schedulers in other processes take other clocks), record each step in
 * `sla_clock_steps` (primary key: a step is recorded once), run its actions on the requests
 * through the port (timeline, priority, support line — service requests' part, same transaction),
 * record the outbox events `SlaWarningEvent` / `SlaBreachEvent` and move each clock to its next
 * step. A crash before the commit leaves nothing done: the step is claimed again. Idle, it sleeps
 * until the next due time (one index seek on `sla_clocks_due`), at most `maxIdleMs` (a clock
 * written by another process), and is woken at once by clocks written in this process (and by a
 * jump of a test clock).
 */
import type { Clock } from '../../platform/clock.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Logger } from '../../platform/logger.ts';
import { withEvents, type NewEvent } from '../events/index.ts';
import { currentStepPercents, onDueChange } from './clocks.service.ts';
import {
  breachClock,
  pendingStep,
  stepActions,
  stepKind,
  type ClockState,
  type StepAction,
} from './domain/clocks.ts';
import { TARGET_NAMES, type TargetType } from './domain/policy.ts';
import type { Executor, StoredStep } from './sla.tables.ts';
import { sql } from 'kysely';

/** A step to act on, as the port sees it. */
export interface DueStep {
  requestId: string;
  target: TargetType;
  targetName: string;
  period: number;
  percent: number;
  kind: 'warning' | 'breach';
  dueAt: Date;
  deadline: Date | null;
  policyCode: string;
  actions: StepAction[];
}

/** What the port did for a request's step (for the event). */
export interface StepOutcome {
  number: string | null;
  notified: { role: 'owner' | 'assignee' | 'supervisor' | 'account_manager'; userId: string }[];
  priority?: { from: string; to: string };
  supportLine?: { from: number; to: number };
}

/**
 * Service requests' side of a step (the registry wires it: this module never imports service
 * requests). It runs in the scheduler's transaction; what it writes commits with the step.
 */
export interface SlaRequestPort {
  applySteps(trx: AnyExecutor, steps: readonly DueStep[], now: Date): Promise<Map<string, StepOutcome>>;
  /** What a policy row may name of requests (checked on policy writes): their kinds, priorities… */
  readonly kinds: readonly string[];
  readonly priorities: readonly string[];
  /** …and active categories, as `{ kind, code }`. */
  activeCategories(db: AnyExecutor): Promise<ReadonlyArray<{ kind: string; code: string }>>;
}

export const SLA_EVENT_TYPES = ['SlaWarningEvent', 'SlaBreachEvent'] as const;

export interface SchedulerOptions {
  db: AnyExecutor;
  clock: Clock;
  logger: Logger;
  port?: SlaRequestPort | undefined;
  batchSize?: number;
  /** The longest sleep when nothing is due soon (a clock another process wrote is seen by then). */
  maxIdleMs?: number;
}

type Claimed = {
  request_id: string;
  target: TargetType;
  period: number;
  policy_code: string;
  state: ClockState;
  deadline: Date | null;
  steps: StoredStep[];
  next_step: number | null;
  next_step_at: Date;
};

/** The last step from `from` on whose time has come (at least `from` itself: it was claimed as due). */
export function latestDue(steps: readonly StoredStep[], from: number, now: Date): number {
  let i = from;
  while (i + 1 < steps.length && steps[i + 1]!.at !== null && Date.parse(steps[i + 1]!.at!) <= now.getTime())
    i += 1;
  return i;
}

export class SlaScheduler {
  private readonly db: Executor;
  private readonly batchSize: number;
  private readonly maxIdleMs: number;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private unlisten: (() => void) | undefined;

  constructor(private readonly opts: SchedulerOptions) {
    this.db = opts.db as Executor;
    this.batchSize = opts.batchSize ?? 500;
    this.maxIdleMs = opts.maxIdleMs ?? 5000;
  }

  /** One round: claims and acts on up to `batchSize` due steps; returns how many. */
  async round(): Promise<number> {
    const now = this.opts.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const claimed = (
        await sql<Claimed>`
        select request_id, target, period, policy_code, state, deadline, steps, next_step, next_step_at
        from sla_clocks
        where next_step_at is not null and next_step_at <= ${now}
        order by next_step_at
        limit ${this.batchSize}
        for update skip locked`.execute(trx)
      ).rows;
      if (!claimed.length) return 0;
      const percents = currentStepPercents();
      const due: DueStep[] = [];
      const moves: {
        request_id: string;
        target: string;
        state: ClockState;
        next: number;
        at: Date | null;
      }[] = [];
      for (const c of claimed) {
        // Several steps due at once (after downtime): only the latest is acted on.
        const index = latestDue(c.steps, c.next_step ?? 0, now);
        const step = c.steps[index];
        if (!step) {
          moves.push({ request_id: c.request_id, target: c.target, state: c.state, next: index, at: null });
          continue;
        }
        const kind = stepKind(step.percent);
        due.push({
          requestId: c.request_id,
          target: c.target,
          targetName: TARGET_NAMES[c.target],
          period: c.period,
          percent: step.percent,
          kind,
          dueAt: new Date(c.next_step_at),
          deadline: c.deadline ? new Date(c.deadline) : null,
          policyCode: c.policy_code,
          actions: stepActions(step.percent, percents.length ? percents : [100], c.target),
        });
        const next = pendingStep(c.steps, index + 1, now);
        const state =
          kind === 'breach'
            ? breachClock({ state: c.state, deadline: null, pauses: [], metAt: null }).state
            : c.state;
        moves.push({ request_id: c.request_id, target: c.target, state, next: next.index, at: next.at });
      }
      const outcomes = this.opts.port ? await this.opts.port.applySteps(trx, due, now) : new Map();
      // When the step was acted on: after its actions, just before the commit (the lag measured).
      const actedAt = this.opts.clock.now();
      if (due.length)
        await trx
          .insertInto('sla_clock_steps')
          .values(
            due.map((d) => ({
              request_id: d.requestId,
              target: d.target,
              period: d.period,
              percent: d.percent,
              due_at: d.dueAt,
              acted_at: actedAt,
              actions: JSON.stringify(d.actions),
            })),
          )
          .execute();
      const events: NewEvent[] = due.map((d) => {
        const o: StepOutcome | undefined = outcomes.get(`${d.requestId}:${d.target}`);
        const type = d.kind === 'breach' ? 'SlaBreachEvent' : 'SlaWarningEvent';
        return {
          subject: d.kind === 'breach' ? 'sla.breached' : 'sla.warning',
          eventType: type,
          aggregateType: 'sla',
          aggregateId: d.requestId,
          event: {
            sla: {
              serviceRequest: { id: d.requestId, number: o?.number ?? null },
              target: d.target,
              targetName: d.targetName,
              period: d.period,
              percent: d.percent,
              kind: d.kind,
              dueAt: d.dueAt.toISOString(),
              deadline: d.deadline ? d.deadline.toISOString() : null,
              policy: d.policyCode,
              actions: d.actions,
              notified: o?.notified ?? [],
              ...(o?.priority ? { priority: o.priority } : {}),
              ...(o?.supportLine ? { supportLine: o.supportLine } : {}),
            },
          },
          at: now,
        } as NewEvent;
      });
      const values = moves.map(
        (m) =>
          sql`(${m.request_id}::uuid, ${m.target}::text, ${m.state}::text, ${m.next}::int, ${m.at}::timestamptz)`,
      );
      await withEvents(trx, events)
        .updateTable('sla_clocks as c')
        .from(
          sql`(values ${sql.join(values)})`.as(
            sql.raw('v(request_id, target, state, next_step, next_step_at)'),
          ),
        )
        .set({
          state: sql`v.state`,
          next_step: sql`v.next_step`,
          next_step_at: sql`v.next_step_at`,
          updated_at: now,
        })
        .where(sql<boolean>`c.request_id = v.request_id and c.target = v.target`)
        .execute();
      return claimed.length;
    });
  }

  /** Rounds until nothing is due (tests, and the loop after a wake). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.round();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  /** The next due time of any clock (one index seek), or null. */
  async nextDue(): Promise<Date | null> {
    const r = await this.db
      .selectFrom('sla_clocks')
      .select((eb) => eb.fn.min('next_step_at').as('at'))
      .where('next_step_at', 'is not', null)
      .executeTakeFirst();
    return r?.at ? new Date(r.at as Date) : null;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const unDue = onDueChange((at) => this.wake(at));
    // A clock that jumped (tests move the platform clock of a running server) may have made
    // steps due: seek again at once.
    const unJump = this.opts.clock.onJump?.(() => this.wake(this.opts.clock.now()));
    this.unlisten = () => {
      unDue();
      unJump?.();
    };
    this.schedule(0);
    this.opts.logger.info('SLA scheduler started');
  }

  /** Wakes the scheduler when `at` comes before its next planned wake. */
  wake(at: Date): void {
    if (this.stopped) return;
    const delay = Math.max(0, at.getTime() - this.opts.clock.now().getTime());
    if (Date.now() + delay < this.wakeAt) this.schedule(delay);
  }

  private schedule(delayMs: number) {
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.min(delayMs, this.maxIdleMs);
    this.wakeAt = Date.now() + delay;
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick() {
    this.timer = undefined;
    this.wakeAt = Infinity;
    if (this.stopped) return;
    if (this.running) {
      // Woken during a round: its next due time was read before what woke us; seek again after it.
      this.again = true;
      return;
    }
    this.again = false;
    let delay = this.maxIdleMs;
    this.running = (async () => {
      try {
        await this.drain();
        const next = await this.nextDue();
        if (next) delay = Math.max(0, next.getTime() - this.opts.clock.now().getTime());
      } catch (err) {
        this.opts.logger.error({ err }, 'SLA scheduler round failed');
        delay = Math.min(this.maxIdleMs, 1000);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.again) delay = 0;
    if (!this.stopped && this.timer === undefined) this.schedule(delay);
    else if (!this.stopped && Date.now() + delay < this.wakeAt) this.schedule(delay);
  }

  /** Lets the round in progress finish (it commits or rolls back whole), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
