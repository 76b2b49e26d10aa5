/**
 * SLA reports on stored clocks: % met per target grouped by org unit, agent, product, tier, kind
 * or period; the breaches with their circumstances; the open clocks about to breach; open
 * requests by SLA state. Always within the caller's data scope: service requests give the requests
 * the caller may see as a subquery (the report port) and the clocks are joined on it. Names of
 * units, people, groups and products come from their modules' index functions. The counting rules
 * are `domain/report.ts`: SQL groups clocks by those rules' inputs and the rules are applied to
 * the groups.
 */
import { sql, type RawBuilder } from 'kysely';
import { invalidField, unprocessableField } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { namesByIds, unitPath, type NamedRef } from '../identity/index.ts';
import { productNames } from '../products/index.ts';
import { formatInZone } from './domain/calendar.ts';
import type { ClockState } from './domain/clocks.ts';
import type { TargetType } from './domain/policy.ts';
import { parseRecomputeReason, type SlaReason } from './domain/reasons.ts';
import {
  addCounts,
  clockOutcome,
  dateOfDay,
  dayNumber,
  isInterval,
  MAX_RANGE_DAYS,
  metRate,
  minutesLate,
  noCounts,
  periodKeys,
  REPORT_TARGETS,
  REQUEST_SLA_STATES,
  requestSlaState,
  type Counts,
  type GroupBy,
  type ReportTarget,
  type RequestSlaState,
} from './domain/report.ts';
import { breachKey, type ReportRequestRow, type SlaReportPort } from './report-port.ts';
import type { Executor, StoredPause } from './sla.tables.ts';

export interface ReportDeps {
  db: Executor;
  port: SlaReportPort;
}

/** Filters every report takes. Dates are local dates in `zone`, both ends included. */
export interface ReportFilters {
  from?: string | undefined;
  to?: string | undefined;
  zone: string;
  orgUnitId?: string | undefined;
  kind?: string | undefined;
  target?: ReportTarget | undefined;
  desk?: 'monitoring' | undefined;
}

interface Range {
  from: string;
  to: string;
  /** `[start, end)` as SQL: the zone's midnights. */
  start: RawBuilder<Date>;
  end: RawBuilder<Date>;
}

/** The default range: the 30 days up to today (local). */
const DEFAULT_DAYS = 30;

/** The date range, checked (a real date, `to` not before `from`, at most MAX_RANGE_DAYS). */
export function rangeOf(f: Pick<ReportFilters, 'from' | 'to' | 'zone'>, now: Date): Range {
  const today = dayNumber(formatInZone(now, f.zone).slice(0, 10))!;
  const to = f.to === undefined ? today : dayNumber(f.to);
  if (to === undefined) throw invalidField('querystring.to', 'must be a date, YYYY-MM-DD');
  const from = f.from === undefined ? to - (DEFAULT_DAYS - 1) : dayNumber(f.from);
  if (from === undefined) throw invalidField('querystring.from', 'must be a date, YYYY-MM-DD');
  if (to < from) throw invalidField('querystring.to', 'must not be before from');
  if (to - from + 1 > MAX_RANGE_DAYS)
    throw invalidField('querystring.to', `the range is at most ${MAX_RANGE_DAYS} days`);
  const [a, b] = [dateOfDay(from), dateOfDay(to)];
  return {
    from: a,
    to: b,
    start: sql<Date>`(${a}::timestamp at time zone ${f.zone})`,
    end: sql<Date>`((${b}::date + 1)::timestamp at time zone ${f.zone})`,
  };
}

/** The requests the caller may see (and the unit or desk asked for), as a subquery. */
async function requestsOf(deps: ReportDeps, caller: Caller, f: Pick<ReportFilters, 'orgUnitId' | 'desk'>) {
  let path: string | undefined;
  if (f.orgUnitId) {
    path = await unitPath(deps.db, f.orgUnitId);
    if (!path) throw unprocessableField('querystring.orgUnitId', 'no such org unit');
  }
  return deps.port.requestsInScope({ caller, unitPath: path, desk: f.desk });
}

const targetsOf = (f: ReportFilters): readonly ReportTarget[] => (f.target ? [f.target] : REPORT_TARGETS);

const commonWhere = (f: ReportFilters, targets: readonly string[]) => {
  const w = [sql<boolean>`c.target in (${sql.join([...targets])})`];
  if (f.kind) w.push(sql<boolean>`r.kind = ${f.kind}`);
  return w;
};
const and = (parts: RawBuilder<boolean>[]) => sql<boolean>`${sql.join(parts, sql` and `)}`;

// ---------------------------------------------------------------- % met

export interface Cell extends Counts {
  decided: number;
  metPercent: number | null;
}
const cell = (c: Counts): Cell => ({ ...c, ...metRate(c) });

export interface MetRow {
  /** The group: an id, a code, a period (`2026-12-07`, the Monday of a week, `2026-12`); null: none. */
  key: string | null;
  name: string | null;
  nameEn: string | null;
  byTarget: Array<Cell & { target: ReportTarget }>;
  all: Cell;
}

export interface MetReport {
  groupBy: GroupBy;
  from: string;
  to: string;
  zone: string;
  asOf: string;
  targets: ReportTarget[];
  rows: MetRow[];
  total: Omit<MetRow, 'key' | 'name' | 'nameEn'>;
}

function groupExpr(groupBy: GroupBy, zone: string): RawBuilder<string | null> {
  switch (groupBy) {
    case 'orgUnit':
      return sql`q.handling_unit_id::text`;
    case 'agent':
      return sql`q.assignee_id::text`;
    case 'product':
      return sql`r.product_code`;
    case 'tier':
      return sql`r.tier`;
    case 'kind':
      return sql`r.kind`;
    case 'day':
      return sql`to_char(r.created_at at time zone ${zone}, 'YYYY-MM-DD')`;
    case 'week':
      return sql`to_char(date_trunc('week', r.created_at at time zone ${zone}), 'YYYY-MM-DD')`;
    case 'month':
      return sql`to_char(r.created_at at time zone ${zone}, 'YYYY-MM')`;
  }
}

async function namesOf(
  deps: ReportDeps,
  groupBy: GroupBy,
  keys: readonly string[],
): Promise<Map<string, { name: string; nameEn: string | null }>> {
  if (!keys.length) return new Map();
  switch (groupBy) {
    case 'orgUnit':
      return (await namesByIds(deps.db, { units: keys })).units;
    case 'agent': {
      const users = (await namesByIds(deps.db, { users: keys })).users;
      return new Map([...users].map(([id, u]) => [id, { name: u.name, nameEn: null }]));
    }
    case 'product': {
      const names = await productNames(deps.db, keys);
      return new Map([...names].map(([code, name]) => [code, { name, nameEn: null }]));
    }
    default:
      // Tiers, kinds and periods are codes the console names in its language.
      return new Map();
  }
}

/**
 * % met per target, grouped. Requests count in the period they were accepted (their clocks'
 * start) — a clock started in the range is counted whatever its state now.
 */
export async function metReport(
  deps: ReportDeps,
  caller: Caller,
  f: ReportFilters & { groupBy: GroupBy },
): Promise<MetReport> {
  const range = rangeOf(f, caller.now);
  const rel = await requestsOf(deps, caller, f);
  const targets = targetsOf(f);
  const g = groupExpr(f.groupBy, f.zone);
  const rows = (
    await sql<{
      g: string | null;
      target: ReportTarget;
      state: ClockState;
      settled: boolean;
      past: boolean;
      open: boolean;
      n: number;
    }>`
      select ${g} as g, c.target, c.state, c.met_at is not null as settled,
        coalesce(c.deadline < ${caller.now}, false) as past, r.open, count(*)::int as n
      from sla_requests r
      join ${rel} q on q.request_id = r.request_id
      join sla_clocks c on c.request_id = r.request_id
      where r.created_at >= ${range.start} and r.created_at < ${range.end}
        and ${and(commonWhere(f, targets))}
      group by 1, 2, 3, 4, 5, 6`.execute(deps.db)
  ).rows;

  const groups = new Map<string | null, Map<ReportTarget, Counts>>();
  if (isInterval(f.groupBy))
    for (const k of periodKeys(range.from, range.to, f.groupBy)) groups.set(k, new Map());
  for (const r of rows) {
    const outcome = clockOutcome({
      state: r.state,
      settled: r.settled,
      pastDeadline: r.past,
      requestOpen: r.open,
    });
    if (!outcome) continue;
    let byTarget = groups.get(r.g);
    if (!byTarget) groups.set(r.g, (byTarget = new Map()));
    const c = byTarget.get(r.target) ?? noCounts();
    c[outcome] += Number(r.n);
    byTarget.set(r.target, c);
  }

  const keys = [...groups.keys()].filter((k): k is string => k !== null);
  const names = await namesOf(deps, f.groupBy, keys);
  const rowOf = (byTarget: Map<ReportTarget, Counts>) => {
    const all = noCounts();
    const cells = targets.map((t) => {
      const c = byTarget.get(t) ?? noCounts();
      addCounts(all, c);
      return { target: t, ...cell(c) };
    });
    return { byTarget: cells, all: cell(all) };
  };
  const out: MetRow[] = [...groups].map(([key, byTarget]) => ({
    key,
    name: key === null ? null : (names.get(key)?.name ?? null),
    nameEn: key === null ? null : (names.get(key)?.nameEn ?? null),
    ...rowOf(byTarget),
  }));
  // Periods in order; other groups by name (or code), the group of none last.
  if (!isInterval(f.groupBy))
    out.sort((a, b) =>
      a.key === null ? 1 : b.key === null ? -1 : (a.name ?? a.key).localeCompare(b.name ?? b.key, 'zh-CN'),
    );
  const totals = new Map<ReportTarget, Counts>();
  for (const byTarget of groups.values())
    for (const [t, c] of byTarget) totals.set(t, addCounts(totals.get(t) ?? noCounts(), c));
  return {
    groupBy: f.groupBy,
    from: range.from,
    to: range.to,
    zone: f.zone,
    asOf: formatInZone(caller.now, f.zone),
    targets: [...targets],
    rows: out,
    total: rowOf(totals),
  };
}

// ---------------------------------------------------------------- people and units of requests

export interface Ref {
  id: string;
  name: string | null;
  nameEn?: string | null;
}

type RequestSide = Pick<
  ReportRequestRow,
  'handling_unit_id' | 'assignee_id' | 'owner_user_id' | 'skill_group_id'
>;

/** Names of the units, people and groups of some requests (at most three queries). */
async function refsOf(deps: ReportDeps, rows: readonly RequestSide[]) {
  const ids = (f: (r: RequestSide) => string | null) => rows.flatMap((r) => (f(r) ? [f(r)!] : []));
  const names = await namesByIds(deps.db, {
    units: ids((r) => r.handling_unit_id),
    users: [...ids((r) => r.assignee_id), ...ids((r) => r.owner_user_id)],
    skillGroups: ids((r) => r.skill_group_id),
  });
  const named = (m: Map<string, NamedRef>, id: string | null): Ref | null =>
    id ? { id, name: m.get(id)?.name ?? null, nameEn: m.get(id)?.nameEn ?? null } : null;
  const person = (id: string | null): Ref | null =>
    id ? { id, name: names.users.get(id)?.name ?? null } : null;
  return (r: RequestSide) => ({
    handlingUnit: named(names.units, r.handling_unit_id),
    group: named(names.skillGroups, r.skill_group_id),
    assignee: person(r.assignee_id),
    owner: person(r.owner_user_id),
  });
}

// ---------------------------------------------------------------- breaches with their cause

interface BreachRow extends ReportRequestRow {
  target: ReportTarget;
  period: number;
  policy_code: string;
  calendar: string;
  duration: string;
  start_at: Date;
  deadline: Date;
  met_at: Date | null;
  state: ClockState;
  pauses: StoredPause[] | string;
  open: boolean;
  kind: string;
}

export interface BreachItem {
  requestId: string;
  number: string;
  kind: string;
  requestStatus: string;
  target: ReportTarget;
  policy: { code: string; duration: string; calendar: string };
  start: string;
  deadline: string;
  metAt: string | null;
  /** Still open: the milestone has not come. */
  open: boolean;
  /** From the deadline to the milestone (or to now while open), in minutes of wall time. */
  lateMinutes: number | null;
  handlingUnit: Ref | null;
  group: Ref | null;
  assignee: Ref | null;
  owner: Ref | null;
  cause: {
    /** Customer-caused suspensions (客户原因挂起): not counted against the limit. */
    pausedMinutes: number;
    /** The request's workflow state when the deadline passed (where it stood still). */
    statusAtDeadline: string | null;
    /** The breach step (100 %): when it was acted on and what it did; null: not acted on yet. */
    breachStep: { dueAt: string; actedAt: string; actions: string[] } | null;
    /** Warnings acted on before it. */
    warnings: Array<{ percent: number; actedAt: string }>;
    /** The escalation the breach took on the request. */
    escalation: {
      priority?: { from: string; to: string };
      supportLine?: { from: number; to: number };
    } | null;
    /** Deadlines computed again (a tier or policy change), with the reason. */
    recomputed: Array<{ at: string; reason: string; reasonCoded: SlaReason }>;
  };
}

const BREACH_PAGE_MAX = 200;

type Cursor = { deadline: Date; requestId: string; target: string };
const encodeCursor = (c: Cursor) =>
  Buffer.from(JSON.stringify([c.deadline.toISOString(), c.requestId, c.target])).toString('base64url');
function decodeCursor(text: string): Cursor {
  try {
    const [d, id, t] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    // Exactly what encodeCursor wrote: the database never sees a malformed instant or uuid.
    if (
      typeof d === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(d) &&
      !Number.isNaN(Date.parse(d)) &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) &&
      typeof t === 'string' &&
      (REPORT_TARGETS as readonly string[]).includes(t)
    )
      return { deadline: new Date(d), requestId: id, target: t };
  } catch {
    // fall through
  }
  throw invalidField('querystring.cursor', 'is not a cursor this list gave');
}

const pausedMs = (pauses: readonly StoredPause[], now: Date) =>
  pauses.reduce((sum, p) => sum + ((p.to ? Date.parse(p.to) : now.getTime()) - Date.parse(p.from)), 0);

/**
 * Breached clocks (missed, or running past the deadline), newest deadline first, with why: the
 * customer pauses not counted, where the request stood at the deadline, the breach step and the
 * escalation it took, recomputed deadlines. Keyset-paged.
 */
export async function breaches(
  deps: ReportDeps,
  caller: Caller,
  f: ReportFilters & { limit: number; cursor?: string | undefined },
): Promise<{ items: BreachItem[]; nextCursor: string | null; from: string; to: string; zone: string }> {
  const range = rangeOf(f, caller.now);
  const after = f.cursor ? decodeCursor(f.cursor) : undefined;
  const rel = await requestsOf(deps, caller, f);
  const limit = Math.min(f.limit, BREACH_PAGE_MAX);
  const where = [
    ...commonWhere(f, targetsOf(f)),
    sql<boolean>`r.created_at >= ${range.start} and r.created_at < ${range.end}`,
    sql<boolean>`c.deadline is not null`,
    sql<boolean>`(c.state = 'missed' or (c.state = 'running' and c.deadline < ${caller.now}))`,
  ];
  if (after)
    where.push(
      sql<boolean>`(c.deadline, c.request_id, c.target) < (${after.deadline}::timestamptz, ${after.requestId}::uuid, ${after.target})`,
    );
  const rows = (
    await sql<BreachRow>`
      select q.*, c.target, c.period, c.policy_code, c.calendar, c.duration, c.start_at, c.deadline,
        c.met_at, c.state, c.pauses, r.open, r.kind
      from sla_requests r
      join ${rel} q on q.request_id = r.request_id
      join sla_clocks c on c.request_id = r.request_id
      where ${and(where)}
      order by c.deadline desc, c.request_id desc, c.target desc
      limit ${limit + 1}`.execute(deps.db)
  ).rows;
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const items = await breachItems(deps, caller.now, f.zone, page);
  const last = page.at(-1);
  return {
    items,
    nextCursor:
      more && last
        ? encodeCursor({ deadline: new Date(last.deadline), requestId: last.request_id, target: last.target })
        : null,
    from: range.from,
    to: range.to,
    zone: f.zone,
  };
}

async function breachItems(
  deps: ReportDeps,
  now: Date,
  zone: string,
  page: readonly BreachRow[],
): Promise<BreachItem[]> {
  if (!page.length) return [];
  const at = (d: Date | string) => formatInZone(new Date(d), zone);
  const pairs = page.map((r) => sql`(${r.request_id}::uuid, ${r.target}::text)`);
  const [steps, changes, context, refs] = await Promise.all([
    sql<{
      request_id: string;
      target: string;
      period: number;
      percent: number;
      due_at: Date;
      acted_at: Date;
      actions: string[] | string;
    }>`
      select s.request_id, s.target, s.period, s.percent, s.due_at, s.acted_at, s.actions
      from sla_clock_steps s join (values ${sql.join(pairs)}) as v(request_id, target)
        on s.request_id = v.request_id and s.target = v.target
      order by s.percent`.execute(deps.db),
    sql<{ request_id: string; target: string; at: Date; reason: string }>`
      select h.request_id, h.target, h.at, h.reason
      from sla_clock_changes h join (values ${sql.join(pairs)}) as v(request_id, target)
        on h.request_id = v.request_id and h.target = v.target
      order by h.at, h.id`.execute(deps.db),
    deps.port.breachContext(
      deps.db,
      page.map((r) => ({
        requestId: r.request_id,
        target: r.target,
        period: r.period,
        deadline: new Date(r.deadline),
      })),
    ),
    refsOf(deps, page),
  ]);
  return page.map((r) => {
    const key = breachKey({ requestId: r.request_id, target: r.target, period: r.period });
    const mine = steps.rows.filter(
      (s) => s.request_id === r.request_id && s.target === r.target && s.period === r.period,
    );
    const breach = mine.find((s) => s.percent >= 100);
    const ctx = context.get(key);
    const pauses = (typeof r.pauses === 'string' ? JSON.parse(r.pauses) : r.pauses) as StoredPause[];
    const deadline = new Date(r.deadline);
    const open = r.met_at === null && r.open;
    const end = r.met_at ? new Date(r.met_at) : open ? now : null;
    const escalation =
      ctx?.priority || ctx?.supportLine
        ? {
            ...(ctx.priority ? { priority: ctx.priority } : {}),
            ...(ctx.supportLine ? { supportLine: ctx.supportLine } : {}),
          }
        : null;
    return {
      requestId: r.request_id,
      number: r.number,
      kind: r.kind,
      requestStatus: r.status,
      target: r.target,
      policy: { code: r.policy_code, duration: r.duration, calendar: r.calendar },
      start: at(r.start_at),
      deadline: at(deadline),
      metAt: r.met_at ? at(r.met_at) : null,
      open,
      lateMinutes: end ? minutesLate(deadline, end) : null,
      ...refs(r),
      cause: {
        pausedMinutes: Math.round(pausedMs(pauses, now) / 60_000),
        statusAtDeadline: ctx?.statusAtDeadline ?? null,
        breachStep: breach
          ? {
              dueAt: at(breach.due_at),
              actedAt: at(breach.acted_at),
              actions: typeof breach.actions === 'string' ? JSON.parse(breach.actions) : breach.actions,
            }
          : null,
        warnings: mine
          .filter((s) => s.percent < 100)
          .map((s) => ({ percent: s.percent, actedAt: at(s.acted_at) })),
        escalation,
        recomputed: changes.rows
          .filter((h) => h.request_id === r.request_id && h.target === r.target)
          .map((h) => ({ at: at(h.at), reason: h.reason, reasonCoded: parseRecomputeReason(h.reason) })),
      },
    };
  });
}

/** Every breach of the filters (for an export), up to `max` rows. */
export async function allBreaches(
  deps: ReportDeps,
  caller: Caller,
  f: ReportFilters,
  max: number,
): Promise<BreachItem[]> {
  const out: BreachItem[] = [];
  let cursor: string | undefined;
  while (out.length < max) {
    const page = await breaches(deps, caller, {
      ...f,
      limit: Math.min(BREACH_PAGE_MAX, max - out.length),
      cursor,
    });
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

// ---------------------------------------------------------------- about to breach

export interface AtRiskItem {
  requestId: string;
  number: string;
  kind: string;
  requestStatus: string;
  priority: string;
  target: TargetType;
  state: 'running' | 'missed';
  deadline: string;
  /** Minutes until the deadline (negative: past it), rounded down. */
  minutesLeft: number;
  breached: boolean;
  handlingUnit: Ref | null;
  group: Ref | null;
  assignee: Ref | null;
  owner: Ref | null;
}

/**
 * Open clocks that breach within `horizonMinutes` or have breached and wait for their milestone,
 * the least time left first (the most overdue on top). `total`: how many there are in all.
 */
export async function atRisk(
  deps: ReportDeps,
  caller: Caller,
  f: Omit<ReportFilters, 'from' | 'to' | 'target'> & {
    target?: TargetType | undefined;
    horizonMinutes: number;
    limit: number;
  },
): Promise<{ asOf: string; horizonMinutes: number; total: number; items: AtRiskItem[] }> {
  const rel = await requestsOf(deps, caller, f);
  const now = caller.now;
  const until = new Date(now.getTime() + f.horizonMinutes * 60_000);
  const where = [
    sql<boolean>`r.open`,
    sql<boolean>`c.met_at is null and c.deadline is not null and c.deadline <= ${until}`,
    sql<boolean>`c.state in ('running', 'missed')`,
  ];
  if (f.kind) where.push(sql<boolean>`r.kind = ${f.kind}`);
  if (f.target) where.push(sql<boolean>`c.target = ${f.target}`);
  const rows = (
    await sql<
      ReportRequestRow & {
        target: TargetType;
        state: 'running' | 'missed';
        deadline: Date;
        kind: string;
        total: number;
      }
    >`
      select q.*, c.target, c.state, c.deadline, r.kind, count(*) over ()::int as total
      from sla_clocks c
      join sla_requests r on r.request_id = c.request_id
      join ${rel} q on q.request_id = c.request_id
      where ${and(where)}
      order by c.deadline, c.request_id, c.target
      limit ${f.limit}`.execute(deps.db)
  ).rows;
  const refs = await refsOf(deps, rows);
  return {
    asOf: formatInZone(now, f.zone),
    horizonMinutes: f.horizonMinutes,
    total: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => {
      const deadline = new Date(r.deadline);
      return {
        requestId: r.request_id,
        number: r.number,
        kind: r.kind,
        requestStatus: r.status,
        priority: r.priority,
        target: r.target,
        state: r.state,
        deadline: formatInZone(deadline, f.zone),
        minutesLeft: minutesLate(now, deadline),
        breached: deadline.getTime() < now.getTime(),
        ...refs(r),
      };
    }),
  };
}

// ---------------------------------------------------------------- open requests by SLA state

/**
 * Open requests (for the SLA: not resolved or closed) by their SLA state, from their clocks of the
 * report targets: breached, paused by the customer, past a warning, on track. Requests without
 * such clocks have no SLA state and are not counted.
 */
export async function openStates(
  deps: ReportDeps,
  caller: Caller,
  f: Pick<ReportFilters, 'orgUnitId' | 'kind' | 'desk' | 'zone'>,
): Promise<{ asOf: string; total: number; states: Record<RequestSlaState, number> }> {
  const rel = await requestsOf(deps, caller, f);
  const now = caller.now;
  const where = [sql<boolean>`r.open`, ...commonWhere(f, REPORT_TARGETS)];
  const rows = (
    await sql<{ breached: boolean; paused: boolean; warned: boolean; n: number }>`
      select breached, paused, warned, count(*)::int as n from (
        select c.request_id,
          bool_or((c.state = 'missed' and c.met_at is null)
            or (c.state = 'running' and c.deadline < ${now})) as breached,
          bool_or(c.state = 'paused') as paused,
          bool_or(c.state = 'running' and (c.steps->0->>'percent')::int < 100
            and (c.steps->0->>'at')::timestamptz <= ${now}) as warned
        from sla_requests r
        join ${rel} q on q.request_id = r.request_id
        join sla_clocks c on c.request_id = r.request_id
        where ${and(where)}
        group by c.request_id) x
      group by 1, 2, 3`.execute(deps.db)
  ).rows;
  const states = Object.fromEntries(REQUEST_SLA_STATES.map((s) => [s, 0])) as Record<RequestSlaState, number>;
  let total = 0;
  for (const r of rows) {
    states[requestSlaState({ breached: r.breached, paused: r.paused, warned: Boolean(r.warned) })] += Number(
      r.n,
    );
    total += Number(r.n);
  }
  return { asOf: formatInZone(now, f.zone), total, states };
}
