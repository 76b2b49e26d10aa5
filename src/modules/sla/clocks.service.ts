/**
 * Clocks per request on stored data. Service requests pass the facts in (this module never reads
 * their tables): `planClocks` + `withSlaClocks` at intake (the rows ride in the intake's one
 * statement), `slaOnRequestChange` in a transition's or note's transaction (pause, resume,
 * milestones), `recomputeRequestClocks` when a request's facts change (and, in
 * `policy-recompute.ts`, after a policy write). Policies, the national schedule, product families
 * and resolved calendars are cached per database for a few seconds, so an intake reads nothing of
 * this module's.
 */
import { sql, type QueryCreator } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { listProducts } from '../products/index.ts';
import { loadSchedule, resolveCalendar, type ResolvedCalendar } from './calendar.service.ts';
import { formatInZone, type NationalSchedule } from './domain/calendar.ts';
import {
  DEFAULT_WARN_AT,
  MILESTONE_TARGETS,
  pendingStep,
  reopenClock,
  REOPENED_TARGETS,
  stepPercents,
  type ClockState,
  type Milestone,
} from './domain/clocks.ts';
import { deadlineOf, fractionTimes, type PauseInterval } from './domain/deadlines.ts';
import {
  levelOf,
  POLICY_TIERS,
  resolvePolicy,
  TARGET_NAMES,
  TARGET_TYPES,
  type LocationClass,
  type PolicyFacts,
  type PolicyRow,
  type PolicyTier,
  type ResolvedTarget,
  type TargetType,
} from './domain/policy.ts';
import { parseRecomputeReason, reasonText, type SlaReason } from './domain/reasons.ts';
import { activeRows } from './policy.service.ts';
import type { Executor, SlaClocksTable, SlaTables, StoredPause, StoredStep } from './sla.tables.ts';
import type { Insertable } from 'kysely';

// ---------------------------------------------------------------- settings and the cache

const settings = { percents: stepPercents(DEFAULT_WARN_AT), cacheMs: 5000 };

/** The warning percentages (ONEPOINT_SLA_WARN_AT); the module's start sets them. */
export function configureSla(opts: { warnAt?: readonly number[]; cacheMs?: number }): void {
  if (opts.warnAt) settings.percents = stepPercents(opts.warnAt);
  if (opts.cacheMs !== undefined) settings.cacheMs = opts.cacheMs;
}
export const currentStepPercents = (): readonly number[] => settings.percents;

/** The policies, schedule, product families and resolved calendars a computation uses. */
export interface Snapshot {
  loadedAt: number;
  rows: PolicyRow[];
  schedule: NationalSchedule;
  families: Map<string, string>;
  calendars: Map<string, Promise<ResolvedCalendar | undefined>>;
}

/** Per database (its adapter object: the same for the handle, its transactions and plugins). */
const snapshots = new WeakMap<object, Promise<Snapshot>>();
const keyOf = (db: AnyExecutor): object => db.getExecutor().adapter;

export async function loadSnapshot(db: Executor): Promise<Snapshot> {
  const [rows, schedule, products] = await Promise.all([
    activeRows(db),
    loadSchedule(db),
    listProducts(db as never, true),
  ]);
  return {
    loadedAt: Date.now(),
    rows: rows.map((r) => r.row),
    schedule,
    families: new Map(products.map((p) => [p.code, p.category])),
    calendars: new Map(),
  };
}

/** The cached policies, schedule and product families (read again after `cacheMs`, real time). */
async function snapshot(callerDb: AnyExecutor): Promise<Snapshot> {
  const db = callerDb as Executor;
  const key = keyOf(callerDb);
  const cached = snapshots.get(key);
  if (cached) {
    const s = await cached.catch(() => undefined);
    if (s && Date.now() - s.loadedAt < settings.cacheMs) return s;
  }
  const loading = loadSnapshot(db);
  snapshots.set(key, loading);
  loading.catch(() => snapshots.delete(key));
  return loading;
}

/** Forget the cached policies and calendars (after a policy or calendar change in this process). */
export function invalidateSlaCache(db: AnyExecutor): void {
  snapshots.delete(keyOf(db));
}

async function calendarFor(db: AnyExecutor, snap: Snapshot, code: string, unitId: string | null) {
  const key = `${code}@${unitId ?? ''}`;
  let p = snap.calendars.get(key);
  if (!p) {
    p = resolveCalendar(db as Executor, code, unitId, snap.schedule).then(
      async (r) =>
        r ?? (unitId ? await resolveCalendar(db as Executor, code, null, snap.schedule) : undefined),
    );
    snap.calendars.set(key, p);
    p.catch(() => snap.calendars.delete(key));
  }
  return p;
}

// ---------------------------------------------------------------- facts and computing clocks

/** What service requests tell about a request: its SLA is resolved from these. */
export interface SlaRequestFacts {
  requestId: string;
  kind: string;
  /** The customer's tier (集团级 … 本地C), `public` for a consumer, null when no customer is known. */
  tier: string | null;
  productCode: string | null;
  category: string | null;
  priority: string | null;
  locationClass?: LocationClass | null;
  contractId?: string | null;
  /** The handling unit: whose calendars apply. */
  orgUnitId: string | null;
  /** When the clocks start: the request's creation. */
  createdAt: Date;
  /** Closed at intake (一次解决): every clock is met at once. */
  closedAtIntake?: boolean;
}

export interface StoredFacts {
  kind: string;
  tier: PolicyTier | null;
  product_code: string | null;
  product_family: string | null;
  category: string | null;
  priority: string | null;
  location_class: LocationClass | null;
  contract_id: string | null;
  org_unit_id: string | null;
}

const asTier = (t: string | null): PolicyTier | null =>
  t !== null && (POLICY_TIERS as readonly string[]).includes(t) ? (t as PolicyTier) : null;

export function policyFacts(f: StoredFacts): PolicyFacts {
  const out: Record<string, string> = { kind: f.kind };
  if (f.tier) out.tier = f.tier;
  if (f.product_code) out.productCode = f.product_code;
  if (f.product_family) out.productFamily = f.product_family;
  if (f.category) out.category = f.category;
  if (f.priority) out.priority = f.priority;
  if (f.location_class) out.locationClass = f.location_class;
  if (f.contract_id) out.contractId = f.contract_id;
  return out as unknown as PolicyFacts;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const toPauses = (p: readonly StoredPause[]): PauseInterval[] =>
  p.map((x) => ({ from: new Date(x.from), ...(x.to ? { to: new Date(x.to) } : {}), cause: 'customer' }));

/** A clock's computed part: deadline, steps and the next one to act on. */
export interface Computed {
  calendarUsed: string;
  deadline: Date | null;
  unpausedDeadline: Date;
  provisional: boolean;
  steps: StoredStep[];
  nextStep: number;
  nextStepAt: Date | null;
}

function compute(
  t: ResolvedTarget,
  cal: ResolvedCalendar,
  start: Date,
  pauses: readonly StoredPause[],
  done: number,
  now: Date,
): Computed {
  const ps = toPauses(pauses);
  const d = deadlineOf(t, start, cal.calendar, ps);
  const percents = settings.percents;
  const times = fractionTimes(
    t,
    start,
    cal.calendar,
    ps,
    percents.map((p) => p / 100),
    d,
  );
  const steps = percents.map((percent, i) => ({ percent, at: iso(times[i]) }));
  const next = pendingStep(steps, done, now);
  return {
    calendarUsed: cal.code,
    deadline: d.at ?? null,
    unpausedDeadline: d.unpausedAt,
    provisional: d.provisional,
    steps,
    nextStep: next.index,
    nextStepAt: next.at,
  };
}

export interface ClockPlan {
  request: Insertable<SlaTables['sla_requests']>;
  clocks: Insertable<SlaClocksTable>[];
}

/**
 * The SLA rows of a new request: its facts and one clock per target the policy gives, computed
 * from cached policies and calendars (an intake reads nothing of this module's while the cache
 * is warm). Write them with `withSlaClocks` in the intake's statement.
 */
export async function planClocks(db: AnyExecutor, f: SlaRequestFacts): Promise<ClockPlan> {
  const snap = await snapshot(db);
  const stored: StoredFacts = {
    kind: f.kind,
    tier: asTier(f.tier),
    product_code: f.productCode,
    product_family: f.productCode ? (snap.families.get(f.productCode) ?? null) : null,
    category: f.category,
    priority: f.priority,
    location_class: f.locationClass ?? null,
    contract_id: f.contractId ?? null,
    org_unit_id: f.orgUnitId,
  };
  const resolution = resolvePolicy(snap.rows, policyFacts(stored));
  const now = f.createdAt;
  const clocks: Insertable<SlaClocksTable>[] = [];
  for (const type of TARGET_TYPES) {
    const t = resolution.targets[type];
    if (!t) continue;
    const cal = await calendarFor(db, snap, t.calendar, f.orgUnitId);
    if (!cal) continue; // a policy naming a calendar that no longer exists: no clock (the policy check says so)
    const c = compute(t, cal, now, [], 0, now);
    const closed = f.closedAtIntake === true;
    clocks.push({
      request_id: f.requestId,
      target: type,
      policy_code: t.row,
      calendar: t.calendar,
      calendar_used: c.calendarUsed,
      duration: t.duration,
      counting: t.counting ?? null,
      start_at: now,
      deadline: c.deadline,
      unpaused_deadline: c.unpausedDeadline,
      pauses: '[]',
      state: closed ? (type === 'progress' ? 'stopped' : 'met') : 'running',
      met_at: closed && type !== 'progress' ? now : null,
      provisional: c.provisional,
      steps: JSON.stringify(c.steps),
      next_step: closed ? c.steps.length : c.nextStep,
      next_step_at: closed ? null : c.nextStepAt,
      recompute_reason: null,
      updated_at: now,
    });
  }
  return {
    request: {
      request_id: f.requestId,
      ...stored,
      open: f.closedAtIntake !== true,
      created_at: now,
      updated_at: now,
    },
    clocks,
  };
}

/**
 * Adds the plan's rows to the next statement built from `qc` (in its WITH clause): the intake
 * writes its request and its clocks in one statement, no round trip of their own.
 */
export function withSlaClocks<DB>(qc: QueryCreator<DB>, plan: ClockPlan): QueryCreator<DB> {
  let own = (qc as unknown as QueryCreator<SlaTables>).with('sla_request_started', (d) =>
    d.insertInto('sla_requests').values(plan.request),
  ) as unknown as QueryCreator<SlaTables>;
  if (plan.clocks.length)
    own = own.with('sla_clocks_started', (d) =>
      d.insertInto('sla_clocks').values(plan.clocks),
    ) as unknown as QueryCreator<SlaTables>;
  notifyDue(plan.clocks.map((c) => c.next_step_at as Date | null));
  return own as unknown as QueryCreator<DB>;
}

// ---------------------------------------------------------------- waking schedulers in this process

const listeners = new Set<(at: Date) => void>();
/** A scheduler in this process listens for new due times earlier than its next wake. */
export function onDueChange(fn: (at: Date) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
export function notifyDue(times: readonly (Date | null | undefined)[]) {
  let min: Date | undefined;
  for (const t of times) if (t && (!min || t < min)) min = t;
  if (min) for (const fn of listeners) fn(min);
}

// ---------------------------------------------------------------- changes of a request

export type RequestSlaChange =
  /** 挂起: only a customer-caused suspension (客户原因挂起) pauses the clocks. */
  | { type: 'suspend'; cause: 'customer' | 'operator' }
  /** 解挂 (resume): the open pause ends; deadlines move by the paused time. */
  | { type: 'resume' }
  /**
   * A milestone: taken (响应), a reply to the customer (反馈), arrived on site (到场), resolved
   * (回单), closed without resolution.
   */
  | { type: 'milestone'; milestone: Milestone }
  /**
   * Reopened (重开): restoration and resolution count on from the original start (their met times
   * withdrawn), the progress interval starts again; the outcome lists them for the timeline.
   */
  | { type: 'reopen' };

/** A clock a reopen set counting again: its row, its deadline and whether that has passed. */
export interface ReopenedClock {
  target: TargetType;
  name: string;
  policyCode: string;
  /** ISO; null while a customer pause is open. */
  deadline: string | null;
  /** The deadline passed before the reopen: the breach is acted on at once (or was already). */
  overdue: boolean;
  state: ClockState;
}

/** What a change did that the request's timeline tells (a reopen's clocks); empty otherwise. */
export interface SlaChangeOutcome {
  reopened: ReopenedClock[];
}
const NOTHING: SlaChangeOutcome = { reopened: [] };

type ClockRow = {
  request_id: string;
  target: TargetType;
  period: number;
  policy_code: string;
  calendar: string;
  duration: string;
  counting: 'civil-code' | null;
  start_at: Date;
  deadline: Date | null;
  pauses: StoredPause[];
  state: ClockState;
  steps: StoredStep[];
  next_step: number | null;
};

const CLOCK_COLUMNS = [
  'request_id',
  'target',
  'period',
  'policy_code',
  'calendar',
  'duration',
  'counting',
  'start_at',
  'deadline',
  'pauses',
  'state',
  'steps',
  'next_step',
] as const;

/** Writes recomputed clocks in one statement (a VALUES list joined on the key). */
async function writeComputed(
  db: Executor,
  rows: {
    request_id: string;
    target: string;
    state: ClockState;
    pauses: StoredPause[];
    c: Computed;
    policy?: { code: string; calendar: string; duration: string; counting: string | null };
    period?: number;
    startAt?: Date;
    reason?: string | null;
  }[],
  now: Date,
) {
  if (!rows.length) return;
  const values = rows.map(
    (r) =>
      sql`(${r.request_id}::uuid, ${r.target}, ${r.state}, ${JSON.stringify(r.pauses)}::jsonb, ${r.c.calendarUsed},
      ${r.c.deadline}::timestamptz, ${r.c.unpausedDeadline}::timestamptz, ${r.c.provisional}::boolean,
      ${JSON.stringify(r.c.steps)}::jsonb, ${r.c.nextStep}::int, ${r.c.nextStepAt}::timestamptz,
      ${r.policy?.code ?? null}::text, ${r.policy?.calendar ?? null}::text, ${r.policy?.duration ?? null}::text,
      ${r.policy?.counting ?? null}::text, ${r.period ?? null}::int, ${r.startAt ?? null}::timestamptz,
      ${r.reason ?? null}::text)`,
  );
  await sql`
    update sla_clocks c set state = v.state, pauses = v.pauses, calendar_used = v.calendar_used,
      deadline = v.deadline, unpaused_deadline = v.unpaused_deadline, provisional = v.provisional,
      steps = v.steps, next_step = v.next_step, next_step_at = v.next_step_at,
      policy_code = coalesce(v.policy_code, c.policy_code),
      calendar = coalesce(v.calendar, c.calendar),
      duration = coalesce(v.duration, c.duration),
      counting = case when v.policy_code is null then c.counting else v.counting end,
      period = coalesce(v.period, c.period),
      start_at = coalesce(v.start_at, c.start_at),
      recompute_reason = coalesce(v.reason, c.recompute_reason),
      updated_at = ${now}
    from (values ${sql.join(values)}) as v(request_id, target, state, pauses, calendar_used, deadline,
      unpaused_deadline, provisional, steps, next_step, next_step_at, policy_code, calendar, duration,
      counting, period, start_at, reason)
    where c.request_id = v.request_id and c.target = v.target`.execute(db);
  notifyDue(rows.map((r) => r.c.nextStepAt));
}

const targetOf = (r: ClockRow): ResolvedTarget => ({
  type: r.target,
  row: r.policy_code,
  level: 'global',
  duration: r.duration,
  calendar: r.calendar,
  ...(r.counting ? { counting: r.counting } : {}),
});

/**
 * Moves a request's clocks in the caller's transaction: a customer-caused suspension pauses the
 * running clocks (one UPDATE), resume recomputes the paused ones (a read and an UPDATE),
 * milestones settle their targets (one UPDATE; a reply also restarts the progress interval), a
 * reopen sets the resolution's clocks counting again (a read and a few UPDATEs).
 */
export async function slaOnRequestChange(
  callerDb: AnyExecutor,
  requestId: string,
  change: RequestSlaChange,
  now: Date,
): Promise<SlaChangeOutcome> {
  const db = callerDb as Executor;
  switch (change.type) {
    case 'reopen':
      return { reopened: await reopenClocks(db, requestId, now) };
    case 'suspend': {
      if (change.cause !== 'customer') return NOTHING;
      await sql`
        update sla_clocks set state = 'paused', deadline = null, next_step_at = null,
          pauses = pauses || ${JSON.stringify([{ from: now.toISOString() }])}::jsonb, updated_at = ${now}
        where request_id = ${requestId} and state = 'running'`.execute(db);
      return NOTHING;
    }
    case 'resume': {
      const rows = (await db
        .selectFrom('sla_clocks as c')
        .innerJoin('sla_requests as r', 'r.request_id', 'c.request_id')
        .select(CLOCK_COLUMNS.map((k) => `c.${k}` as const))
        .select('r.org_unit_id')
        .where('c.request_id', '=', requestId)
        .where('c.state', '=', 'paused')
        .execute()) as unknown as (ClockRow & { org_unit_id: string | null })[];
      if (!rows.length) return NOTHING;
      const snap = await snapshot(db);
      const out = [];
      for (const r of rows) {
        const cal = await calendarFor(db, snap, r.calendar, r.org_unit_id);
        if (!cal) continue;
        const pauses = r.pauses.map((p) => (p.to ? p : { from: p.from, to: now.toISOString() }));
        const c = compute(targetOf(r), cal, new Date(r.start_at), pauses, r.next_step ?? 0, now);
        out.push({ request_id: r.request_id, target: r.target, state: 'running' as const, pauses, c });
      }
      await writeComputed(db, out, now);
      return NOTHING;
    }
    case 'milestone': {
      const m = change.milestone;
      const targets = MILESTONE_TARGETS[m];
      if (targets.length)
        await sql`
          update sla_clocks set
            state = case when state = 'missed' then 'missed'
              when deadline is not null and deadline < ${now} then 'missed' else 'met' end,
            met_at = ${now}, next_step_at = null, updated_at = ${now}
          where request_id = ${requestId} and target in (${sql.join([...targets])})
            and (state in ('running', 'paused') or (state = 'missed' and met_at is null))`.execute(db);
      if (m === 'resolved' || m === 'closed') {
        await sql`
          with stopped as (
            update sla_clocks set state = 'stopped', next_step_at = null, updated_at = ${now}
            where request_id = ${requestId} and state in ('running', 'paused'))
          update sla_requests set open = false, updated_at = ${now} where request_id = ${requestId}`.execute(
          db,
        );
      }
      if (m === 'reply') await restartProgress(db, requestId, now);
      return NOTHING;
    }
  }
}

const REOPEN_REASON = reasonText({ code: 'reopened', params: {} });

/**
 * 重开: the customer says the fault is not fixed. Restoration and resolution clocks the resolution
 * settled count on from their original start, pauses kept (the time since the resolution is not a
 * pause: the service was not restored meanwhile) — a met clock runs again, its deadline as before,
 * and if that has passed its breach is due at once; a missed one waits for its milestone again.
 * The request is open again (recomputes reach it; facts or policies that changed while it was
 * resolved apply), and the progress interval starts a new period. Each clock's reopen is a row of
 * `sla_clock_changes`. See README, "Reopen", for why the time is not restarted.
 */
async function reopenClocks(db: Executor, requestId: string, now: Date): Promise<ReopenedClock[]> {
  await db
    .updateTable('sla_requests')
    .set({ open: true, updated_at: now })
    .where('request_id', '=', requestId)
    .execute();
  const rows = (await db
    .selectFrom('sla_clocks as c')
    .innerJoin('sla_requests as r', 'r.request_id', 'c.request_id')
    .select(CLOCK_COLUMNS.map((k) => `c.${k}` as const))
    .select(['r.org_unit_id', 'c.met_at'])
    .where('c.request_id', '=', requestId)
    .where('c.target', 'in', [...REOPENED_TARGETS])
    .where((eb) =>
      eb.or([
        eb('c.state', '=', 'met'),
        eb.and([eb('c.state', '=', 'missed'), eb('c.met_at', 'is not', null)]),
      ]),
    )
    .execute()) as unknown as (ClockRow & { org_unit_id: string | null; met_at: Date | null })[];
  const snap = await snapshot(db);
  const out: Parameters<typeof writeComputed>[1] = [];
  const reopened: ReopenedClock[] = [];
  for (const r of rows) {
    const cal = await calendarFor(db, snap, r.calendar, r.org_unit_id);
    if (!cal) continue;
    // A pause still open when the milestone came (a workflow resolving from 挂起) ends there.
    const end = (r.met_at ? new Date(r.met_at) : now).toISOString();
    const pauses = r.pauses.map((p) => (p.to ? p : { from: p.from, to: end }));
    const c = compute(targetOf(r), cal, new Date(r.start_at), pauses, r.next_step ?? 0, now);
    const { state } = reopenClock({ state: r.state, deadline: r.deadline, pauses: [], metAt: r.met_at });
    out.push({ request_id: requestId, target: r.target, state, pauses, c, reason: REOPEN_REASON });
    reopened.push({
      target: r.target,
      name: TARGET_NAMES[r.target],
      policyCode: r.policy_code,
      deadline: iso(c.deadline),
      overdue: c.deadline !== null && c.deadline.getTime() <= now.getTime(),
      state,
    });
  }
  if (out.length) {
    await writeComputed(db, out, now);
    await sql`
      with cleared as (
        update sla_clocks set met_at = null
        where request_id = ${requestId} and target in (${sql.join(out.map((o) => o.target))}))
      insert into sla_clock_changes (request_id, target, at, reason, policy_from, policy_to, deadline_from, deadline_to)
      values ${sql.join(
        rows
          .filter((r) => out.some((o) => o.target === r.target))
          .map(
            (r) =>
              sql`(${requestId}::uuid, ${r.target}, ${now}, ${REOPEN_REASON}, ${r.policy_code}, ${r.policy_code},
                ${r.deadline}::timestamptz, ${out.find((o) => o.target === r.target)!.c.deadline}::timestamptz)`,
          ),
      )}`.execute(db);
  }
  await restartProgress(db, requestId, now, ['running', 'missed', 'stopped']);
  // Facts or policies that changed while the request was resolved apply now (recomputes skip closed requests).
  await recomputeClocks(
    db,
    snap,
    group(await openClocksOf(db, [requestId])),
    reasonText({ code: 'reopened_recomputed', params: {} }),
    now,
  );
  return reopened;
}

/**
 * A reply to the customer is a progress update: the interval starts again (a new period). A
 * reopen starts it again too (it stopped at the resolution).
 */
async function restartProgress(
  db: Executor,
  requestId: string,
  now: Date,
  states: readonly ClockState[] = ['running', 'missed'],
) {
  const r = (await db
    .selectFrom('sla_clocks as c')
    .innerJoin('sla_requests as r', 'r.request_id', 'c.request_id')
    .select(CLOCK_COLUMNS.map((k) => `c.${k}` as const))
    .select('r.org_unit_id')
    .where('c.request_id', '=', requestId)
    .where('c.target', '=', 'progress')
    .where('c.state', 'in', [...states])
    .where('r.open', '=', true)
    .executeTakeFirst()) as unknown as (ClockRow & { org_unit_id: string | null }) | undefined;
  if (!r) return;
  const snap = await snapshot(db);
  const cal = await calendarFor(db, snap, r.calendar, r.org_unit_id);
  if (!cal) return;
  const c = compute(targetOf(r), cal, now, [], 0, now);
  await writeComputed(
    db,
    [
      {
        request_id: requestId,
        target: 'progress',
        state: 'running',
        pauses: [],
        c,
        period: r.period + 1,
        startAt: now,
      },
    ],
    now,
  );
}

// ---------------------------------------------------------------- recompute

export interface RecomputeResult {
  /** Open clocks whose policy row, duration or calendar changed and were computed again. */
  recomputed: number;
  /** Clocks added (a target the new resolution gives that the request had no clock for). */
  added: number;
  /** Open clocks stopped because no row sets their target any more. */
  removed: number;
}

type OpenClock = ClockRow & StoredFacts & { request_created_at: Date };

/**
 * Recomputes the open clocks of some requests against the current policies: a clock whose
 * resolved row, duration, calendar or counting differs is computed again from its start with its
 * pauses (steps already acted on stay done; a warning whose time has passed is not sent late, a
 * breach is), and the change is recorded with `reason`. Targets the resolution now gives get a
 * clock; targets no row sets any more are stopped.
 */
export async function recomputeClocks(
  db: Executor,
  snap: Snapshot,
  groups: Map<string, { facts: StoredFacts; createdAt: Date; clocks: ClockRow[] }>,
  reason: string,
  now: Date,
): Promise<RecomputeResult> {
  const out: Parameters<typeof writeComputed>[1] = [];
  const inserts: Insertable<SlaClocksTable>[] = [];
  const stops: { request_id: string; target: string }[] = [];
  const changes: {
    request_id: string;
    target: TargetType;
    at: Date;
    reason: string;
    policy_from: string | null;
    policy_to: string | null;
    deadline_from: Date | null;
    deadline_to: Date | null;
  }[] = [];
  const resolutions = new Map<string, ReturnType<typeof resolvePolicy>>();
  for (const [requestId, g] of groups) {
    const key = JSON.stringify(g.facts);
    let resolution = resolutions.get(key);
    if (!resolution) {
      resolution = resolvePolicy(snap.rows, policyFacts(g.facts));
      resolutions.set(key, resolution);
    }
    const have = new Map(g.clocks.map((c) => [c.target, c]));
    for (const type of TARGET_TYPES) {
      const t = resolution.targets[type];
      const clock = have.get(type);
      if (!t) {
        if (clock && (clock.state === 'running' || clock.state === 'paused')) {
          stops.push({ request_id: requestId, target: type });
          changes.push({
            request_id: requestId,
            target: type,
            at: now,
            reason,
            policy_from: clock.policy_code,
            policy_to: null,
            deadline_from: clock.deadline,
            deadline_to: null,
          });
        }
        continue;
      }
      const cal = await calendarFor(db, snap, t.calendar, g.facts.org_unit_id);
      if (!cal) continue;
      if (!clock) {
        const c = compute(t, cal, g.createdAt, [], 0, now);
        inserts.push({
          request_id: requestId,
          target: type,
          policy_code: t.row,
          calendar: t.calendar,
          calendar_used: c.calendarUsed,
          duration: t.duration,
          counting: t.counting ?? null,
          start_at: g.createdAt,
          deadline: c.deadline,
          unpaused_deadline: c.unpausedDeadline,
          pauses: '[]',
          state: 'running',
          met_at: null,
          provisional: c.provisional,
          steps: JSON.stringify(c.steps),
          next_step: c.nextStep,
          next_step_at: c.nextStepAt,
          recompute_reason: reason,
          updated_at: now,
        });
        changes.push({
          request_id: requestId,
          target: type,
          at: now,
          reason,
          policy_from: null,
          policy_to: t.row,
          deadline_from: null,
          deadline_to: c.deadline,
        });
        continue;
      }
      if (clock.state !== 'running' && clock.state !== 'paused') continue;
      const same =
        clock.policy_code === t.row &&
        clock.duration === t.duration &&
        clock.calendar === t.calendar &&
        (clock.counting ?? null) === (t.counting ?? null);
      if (same) continue;
      const c = compute(t, cal, new Date(clock.start_at), clock.pauses, clock.next_step ?? 0, now);
      out.push({
        request_id: requestId,
        target: type,
        state: clock.state,
        pauses: clock.pauses,
        c,
        policy: { code: t.row, calendar: t.calendar, duration: t.duration, counting: t.counting ?? null },
        reason,
      });
      changes.push({
        request_id: requestId,
        target: type,
        at: now,
        reason,
        policy_from: clock.policy_code,
        policy_to: t.row,
        deadline_from: clock.deadline,
        deadline_to: c.deadline,
      });
    }
  }
  for (let i = 0; i < out.length; i += 1000) await writeComputed(db, out.slice(i, i + 1000), now);
  for (let i = 0; i < inserts.length; i += 1000)
    await db
      .insertInto('sla_clocks')
      .values(inserts.slice(i, i + 1000))
      .execute();
  notifyDue(inserts.map((c) => c.next_step_at as Date | null));
  for (let i = 0; i < stops.length; i += 1000) {
    const part = stops.slice(i, i + 1000);
    await sql`update sla_clocks c set state = 'stopped', next_step_at = null, recompute_reason = ${reason},
        updated_at = ${now}
      from (values ${sql.join(part.map((s) => sql`(${s.request_id}::uuid, ${s.target})`))}) as v(request_id, target)
      where c.request_id = v.request_id and c.target = v.target`.execute(db);
  }
  for (let i = 0; i < changes.length; i += 1000)
    await db
      .insertInto('sla_clock_changes')
      .values(changes.slice(i, i + 1000))
      .execute();
  return { recomputed: out.length, added: inserts.length, removed: stops.length };
}

export async function openClocksOf(db: Executor, requestIds: readonly string[]) {
  if (!requestIds.length) return [];
  return (await db
    .selectFrom('sla_requests as r')
    .leftJoin('sla_clocks as c', 'c.request_id', 'r.request_id')
    .select(CLOCK_COLUMNS.map((k) => `c.${k}` as const))
    .select([
      'r.request_id as rid',
      'r.created_at as request_created_at',
      'r.kind',
      'r.tier',
      'r.product_code',
      'r.product_family',
      'r.category',
      'r.priority',
      'r.location_class',
      'r.contract_id',
      'r.org_unit_id',
    ])
    .where('r.request_id', 'in', [...requestIds])
    .where('r.open', '=', true)
    .execute()) as unknown as (Omit<OpenClock, 'request_id'> & {
    rid: string;
    request_id: string | null;
  })[];
}

export function group(rows: Awaited<ReturnType<typeof openClocksOf>>) {
  const groups = new Map<string, { facts: StoredFacts; createdAt: Date; clocks: ClockRow[] }>();
  for (const r of rows) {
    let g = groups.get(r.rid);
    if (!g) {
      g = {
        facts: {
          kind: r.kind,
          tier: r.tier,
          product_code: r.product_code,
          product_family: r.product_family,
          category: r.category,
          priority: r.priority,
          location_class: r.location_class,
          contract_id: r.contract_id,
          org_unit_id: r.org_unit_id,
        },
        createdAt: new Date(r.request_created_at),
        clocks: [],
      };
      groups.set(r.rid, g);
    }
    if (r.request_id) g.clocks.push(r as unknown as ClockRow);
  }
  return groups;
}

/** The facts of a request that can change after intake (the tier when the customer's changes …). */
export interface SlaFactsChange {
  tier?: string | null;
  productCode?: string | null;
  category?: string | null;
  priority?: string | null;
  locationClass?: LocationClass | null;
  contractId?: string | null;
  orgUnitId?: string | null;
}

/**
 * A request's facts changed (customer tier, product, category, priority, handling unit): stores
 * them and recomputes its open clocks in the caller's transaction, recording `reason`.
 */
export async function recomputeRequestClocks(
  callerDb: AnyExecutor,
  requestIds: readonly string[],
  change: SlaFactsChange,
  reason: string,
  now: Date,
): Promise<RecomputeResult> {
  const db = callerDb as Executor;
  if (!requestIds.length) return { recomputed: 0, added: 0, removed: 0 };
  const snap = await snapshot(db);
  const set: Record<string, unknown> = {};
  if (change.tier !== undefined) set.tier = asTier(change.tier);
  if (change.productCode !== undefined) {
    set.product_code = change.productCode;
    set.product_family = change.productCode ? (snap.families.get(change.productCode) ?? null) : null;
  }
  if (change.category !== undefined) set.category = change.category;
  if (change.priority !== undefined) set.priority = change.priority;
  if (change.locationClass !== undefined) set.location_class = change.locationClass;
  if (change.contractId !== undefined) set.contract_id = change.contractId;
  if (change.orgUnitId !== undefined) set.org_unit_id = change.orgUnitId;
  if (Object.keys(set).length)
    await db
      .updateTable('sla_requests')
      .set({ ...set, updated_at: now })
      .where('request_id', 'in', [...requestIds])
      .execute();
  return recomputeClocks(db, snap, group(await openClocksOf(db, requestIds)), reason, now);
}

// ---------------------------------------------------------------- the explanation (API)

/** A request's clocks as the API shows them: per target the row and why, calendar, pauses, deadline, state. */
export async function requestSla(callerDb: AnyExecutor, requestId: string, zone = 'Asia/Shanghai') {
  const db = callerDb as Executor;
  const [req, clocks, steps, changes] = await Promise.all([
    db.selectFrom('sla_requests').selectAll().where('request_id', '=', requestId).executeTakeFirst(),
    db.selectFrom('sla_clocks').selectAll().where('request_id', '=', requestId).execute(),
    db.selectFrom('sla_clock_steps').selectAll().where('request_id', '=', requestId).execute(),
    db
      .selectFrom('sla_clock_changes')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  if (!req) return undefined;
  const snap = await snapshot(db);
  const facts = policyFacts(req);
  const resolution = resolvePolicy(snap.rows, facts);
  const at = (d: Date | string | null | undefined) => (d ? formatInZone(new Date(d), zone) : null);
  const byType = new Map(clocks.map((c) => [c.target, c]));
  const rowsByCode = new Map(snap.rows.map((r) => [r.code, r]));
  return {
    requestId,
    facts: {
      kind: req.kind,
      tier: req.tier,
      productCode: req.product_code,
      productFamily: req.product_family,
      category: req.category,
      priority: req.priority,
      locationClass: req.location_class,
      contractId: req.contract_id,
      orgUnitId: req.org_unit_id,
    },
    open: req.open,
    explanation: resolution.explanation,
    reasons: resolution.reasons,
    clocks: TARGET_TYPES.flatMap((type) => {
      const c = byType.get(type);
      if (!c) return [];
      const row = rowsByCode.get(c.policy_code);
      const whyCoded: SlaReason = resolution.reasons.find(
        (r) => r.code === 'target_row' && r.params.target === type,
      ) ?? { code: 'row_inactive', params: { row: c.policy_code } };
      const acted = steps.filter((s) => s.target === type && s.period === c.period);
      const pausedMs = c.pauses.reduce((sum, p) => {
        const to = p.to ? Date.parse(p.to) : undefined;
        return to === undefined ? sum : sum + (to - Date.parse(p.from));
      }, 0);
      return [
        {
          target: type,
          name: TARGET_NAMES[type],
          policy: {
            code: c.policy_code,
            name: row?.name ?? null,
            source: row?.source ?? null,
            level: row ? levelOf(row.match) : null,
          },
          why: reasonText(whyCoded),
          whyCoded,
          calendar: c.calendar,
          calendarUsed: c.calendar_used,
          duration: c.duration,
          counting: c.counting,
          period: c.period,
          start: at(c.start_at)!,
          pauses: c.pauses.map((p) => ({ from: at(p.from)!, to: at(p.to ?? null) })),
          pausedMinutes: Math.round(pausedMs / 60_000),
          deadline: at(c.deadline),
          unpausedDeadline: at(c.unpaused_deadline)!,
          state: c.state,
          metAt: at(c.met_at),
          provisional: c.provisional,
          steps: c.steps.map((s, i) => {
            const done = acted.find((a) => a.percent === s.percent);
            return {
              percent: s.percent,
              kind: s.percent >= 100 ? ('breach' as const) : ('warning' as const),
              at: at(s.at),
              actedAt: at(done?.acted_at ?? null),
              skipped: !done && i < (c.next_step ?? 0),
            };
          }),
          nextStepAt: at(c.next_step_at),
          recomputeReason: c.recompute_reason,
          recomputeReasonCoded: c.recompute_reason === null ? null : parseRecomputeReason(c.recompute_reason),
        },
      ];
    }),
    changes: changes.map((ch) => ({
      target: ch.target,
      at: at(ch.at)!,
      reason: ch.reason,
      reasonCoded: parseRecomputeReason(ch.reason),
      policyFrom: ch.policy_from,
      policyTo: ch.policy_to,
      deadlineFrom: at(ch.deadline_from),
      deadlineTo: at(ch.deadline_to),
    })),
  };
}
export type RequestSlaView = NonNullable<Awaited<ReturnType<typeof requestSla>>>;

/** The restoration (else resolution) deadline of requests, for TMF621's expectedResolutionDate. */
export async function expectedResolutionOf(
  callerDb: AnyExecutor,
  requestIds: readonly string[],
): Promise<Map<string, Date>> {
  const db = callerDb as Executor;
  if (!requestIds.length) return new Map();
  const rows = await db
    .selectFrom('sla_clocks')
    .select(['request_id', 'target', 'deadline'])
    .where('request_id', 'in', [...requestIds])
    .where('target', 'in', ['restoration', 'resolution'])
    .where('deadline', 'is not', null)
    .execute();
  const out = new Map<string, Date>();
  for (const r of rows.sort(
    (a, b) => (a.target === 'restoration' ? -1 : 1) - (b.target === 'restoration' ? -1 : 1),
  ))
    if (!out.has(r.request_id)) out.set(r.request_id, new Date(r.deadline!));
  return out;
}
