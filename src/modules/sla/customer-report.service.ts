/**
 * Commitments for customers: the promised times of a customer's own requests (the portal, through
 * service requests, which check that the requests are the caller's), and an enterprise customer's
 * SLA report for its account manager (客户经理) — met/missed per target for its requests received
 * in a period, by branch, the missed ones with how late, the policy rows (a contract's among them)
 * that applied — as JSON or a CSV/XLSX download. Which requests are the customer's comes from
 * service requests through the registry's port (this module never reads their tables).
 */
import { sql } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { invalidField, notFound, unprocessableField } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { tableFile, type TableFormat } from '../../platform/table-file.ts';
import { appendAudit } from '../audit/index.ts';
import { customerBranches, customerFacts, customerIdsInScope } from '../customers/index.ts';
import { displayNames, orgUnits } from '../identity/index.ts';
import { DEFAULT_ZONE } from './domain/builtins.ts';
import { formatInZone, parseLocal } from './domain/calendar.ts';
import {
  addToTally,
  branchOf,
  commitmentStatus,
  lateMs,
  limitOf,
  periodProblem,
  REPORTED_TARGETS,
  tallies,
  type ClockFacts,
  type CommitmentStatus,
  type Limit,
  type Tally,
} from './domain/commitments.ts';
import { EXPORT_LABELS, labelOf } from './domain/labels.ts';
import { levelOf, TARGET_NAMES, type Level, type PolicyMatch, type TargetType } from './domain/policy.ts';
import type { Executor } from './sla.tables.ts';

/** A request of the customer's as service requests tell it (the port's answer). */
export interface CustomerRequestRef {
  id: string;
  number: string;
  kind: string;
  /** The unit of the site the request is about (its branch), when known. */
  siteUnitId: string | null;
  createdAt: Date;
}

/** Service requests' side of the customer report (wired by the registry). */
export interface SlaCustomerPort {
  /** The customer's requests received in [from, to), oldest first. */
  customerRequests(db: AnyExecutor, customerId: string, from: Date, to: Date): Promise<CustomerRequestRef[]>;
}

const ZONE = DEFAULT_ZONE;
const at = (d: Date | string | null | undefined) => (d ? formatInZone(new Date(d), ZONE) : null);
const asDate = (d: Date | string | null) => (d === null ? null : new Date(d));

// ---------------------------------------------------------------- the portal's promised times

/** One promised time of a request, as the customer reads it. */
export interface RequestCommitment {
  target: TargetType;
  /** The limit in plain words ("1 个工作日"): null if the stored duration cannot be read. */
  limit: Limit | null;
  /** Counted from (the request's receipt; the last update for the progress interval). */
  from: string;
  /** The promised time, ISO 8601 in China time; null while paused at the customer's request. */
  promisedBy: string | null;
  status: CommitmentStatus;
  /** When it was done (met or late). */
  doneAt: string | null;
  /** Minutes the clock stood still at the customer's request (closed pauses). */
  pausedMinutes: number;
  /** The holiday schedule of a year it reaches into is not published yet: the time may move. */
  provisional: boolean;
}

/** The promised times of these requests (in target order); requests without clocks are absent. */
export async function requestCommitments(
  callerDb: AnyExecutor,
  requestIds: readonly string[],
  now: Date,
): Promise<Map<string, RequestCommitment[]>> {
  const out = new Map<string, RequestCommitment[]>();
  if (!requestIds.length) return out;
  const db = callerDb as Executor;
  const rows = await db
    .selectFrom('sla_clocks')
    .select([
      'request_id',
      'target',
      'duration',
      'calendar_used',
      'start_at',
      'deadline',
      'pauses',
      'state',
      'met_at',
      'provisional',
    ])
    .where(sql<boolean>`request_id = any(${[...new Set(requestIds)]}::uuid[])`)
    .execute();
  const order = (t: TargetType) => Object.keys(TARGET_NAMES).indexOf(t);
  rows.sort((a, b) => order(a.target) - order(b.target));
  for (const r of rows) {
    const facts: ClockFacts = {
      target: r.target,
      state: r.state,
      deadline: asDate(r.deadline),
      metAt: asDate(r.met_at),
    };
    const pausedMs = r.pauses.reduce(
      (sum, p) => (p.to ? sum + (Date.parse(p.to) - Date.parse(p.from)) : sum),
      0,
    );
    const list = out.get(r.request_id) ?? [];
    list.push({
      target: r.target,
      limit: limitOf(r.duration, r.calendar_used) ?? null,
      from: at(r.start_at)!,
      promisedBy: at(r.deadline),
      status: commitmentStatus(facts, now),
      doneAt: at(r.met_at),
      pausedMinutes: Math.round(pausedMs / 60_000),
      provisional: r.provisional,
    });
    out.set(r.request_id, list);
  }
  return out;
}

// ---------------------------------------------------------------- the customer report

/** The longest period a report covers (a year, leap day included). */
export const REPORT_MAX_DAYS = 366;
/** Missed commitments listed in the JSON answer (the download has them all, up to EXPORT cap). */
export const REPORT_MISSED_LIST = 500;
export const REPORT_EXPORT_MAX_ROWS = 10_000;

/** A local date `YYYY-MM-DD` → its midnight in China time; undefined if it is not a real date. */
function localMidnight(date: string): Date | undefined {
  const d = parseLocal(`${date}T00:00`, ZONE);
  return d && at(d)!.slice(0, 10) === date ? d : undefined;
}

export interface ReportPeriod {
  from: string;
  to: string;
}

/** [start, end) of a period of local dates (inclusive), or a 400 naming the field. */
export function reportWindow(p: ReportPeriod): { start: Date; end: Date } {
  const start = localMidnight(p.from);
  const last = localMidnight(p.to);
  const problem = periodProblem(start, last, REPORT_MAX_DAYS);
  if (problem) throw invalidField(`querystring.${problem.field}`, problem.message);
  // The day after `to`, at midnight (a date's midnight + 36 h is always within the next day).
  const end = localMidnight(at(new Date(last!.getTime() + 36 * 3_600_000))!.slice(0, 10));
  if (!end) throw invalidField('querystring.to', 'is out of range');
  return { start: start!, end };
}

interface PolicyInfo {
  code: string;
  name: string | null;
  source: string | null;
  level: Level | null;
  contractId: string | null;
  active: boolean | null;
}

export async function customerSlaReport(
  callerDb: AnyExecutor,
  port: SlaCustomerPort,
  caller: Pick<Caller, 'scope' | 'now'>,
  customerId: string,
  period: ReportPeriod,
) {
  const db = callerDb as Executor;
  const { start, end } = reportWindow(period);
  // Out of the caller's scope looks exactly like absent (the customers module's rule).
  if (!(await customerIdsInScope(db, caller, [customerId])).has(customerId)) throw notFound('Customer');
  const customer = (await customerFacts(db, [customerId])).get(customerId);
  if (!customer) throw notFound('Customer');
  if (customer.kind !== 'enterprise')
    throw unprocessableField(
      'customerId',
      'is not an enterprise customer: the SLA report is for enterprises',
    );
  const now = caller.now;
  const [requests, branches, units, names] = await Promise.all([
    port.customerRequests(db, customerId, start, end),
    customerBranches(db, customerId),
    orgUnits(db),
    displayNames(db, [], customer.accountManagerId ? [customer.accountManagerId] : []),
  ]);
  const ids = requests.map((r) => r.id);
  const [clocks, facts] = ids.length
    ? await Promise.all([
        db
          .selectFrom('sla_clocks')
          .select([
            'request_id',
            'target',
            'policy_code',
            'duration',
            'calendar_used',
            'deadline',
            'state',
            'met_at',
          ])
          .where(sql<boolean>`request_id = any(${ids}::uuid[])`)
          .execute(),
        db
          .selectFrom('sla_requests')
          .select(['request_id', 'open', 'contract_id'])
          .where(sql<boolean>`request_id = any(${ids}::uuid[])`)
          .execute(),
      ])
    : [[], []];
  const openOf = new Map(facts.map((f) => [f.request_id, f.open]));
  const contractIds = [...new Set(facts.flatMap((f) => (f.contract_id ? [f.contract_id] : [])))];
  const codes = [...new Set(clocks.map((c) => c.policy_code))];
  const policyRows =
    codes.length || contractIds.length
      ? await db
          .selectFrom('sla_policies')
          .selectAll()
          .where((eb) =>
            eb.or([
              ...(codes.length ? [eb('code', 'in', codes)] : []),
              ...(contractIds.length ? [eb('contract_id', 'in', contractIds)] : []),
            ]),
          )
          .orderBy('position')
          .execute()
      : [];
  const policies = new Map<string, PolicyInfo>(
    policyRows.map((p) => {
      const match: PolicyMatch = {};
      if (p.contract_id !== null) match.contractId = p.contract_id;
      if (p.product_code !== null) match.productCode = p.product_code;
      if (p.product_family !== null) match.productFamily = p.product_family;
      if (p.tier !== null) match.tier = p.tier;
      if (p.kind !== null) match.kind = p.kind;
      return [
        p.code,
        {
          code: p.code,
          name: p.name,
          source: p.source,
          level: levelOf(match),
          contractId: p.contract_id,
          active: p.active,
        },
      ];
    }),
  );
  const policyOf = (code: string): PolicyInfo =>
    policies.get(code) ?? { code, name: null, source: null, level: null, contractId: null, active: null };

  const reported = clocks.filter((c) => REPORTED_TARGETS.includes(c.target));
  const factsOf = (c: (typeof clocks)[number]): ClockFacts => ({
    target: c.target,
    state: c.state,
    deadline: asDate(c.deadline),
    metAt: asDate(c.met_at),
  });
  const { byTarget, overall } = tallies(reported.map(factsOf), now);

  // Which rows applied, per target: the commitment as it was for these requests.
  const applied = new Map<
    string,
    { target: TargetType; code: string; duration: string; calendar: string; clocks: number }
  >();
  for (const c of reported) {
    const key = `${c.target}\u0000${c.policy_code}\u0000${c.duration}\u0000${c.calendar_used}`;
    const a = applied.get(key);
    if (a) a.clocks += 1;
    else
      applied.set(key, {
        target: c.target,
        code: c.policy_code,
        duration: c.duration,
        calendar: c.calendar_used,
        clocks: 1,
      });
  }
  const rowView = (code: string) => {
    const p = policyOf(code);
    return { code: p.code, name: p.name, source: p.source, level: p.level, contractId: p.contractId };
  };

  // Branches: the request's site unit under a branch's unit; the head office otherwise.
  const pathOf = new Map(units.map((u) => [u.id, u.path]));
  const branchRefs = branches.map((b) => ({ ...b, unitPath: pathOf.get(b.orgUnitId) ?? '\u0000' }));
  const requestById = new Map(requests.map((r) => [r.id, r]));
  const branchKeyOf = (requestId: string) => {
    const site = requestById.get(requestId)?.siteUnitId;
    return branchOf(site ? pathOf.get(site) : undefined, branchRefs)?.id ?? null;
  };
  const byBranch = new Map<string | null, { requests: number; tally: Tally }>();
  const branchEntry = (key: string | null) => {
    let e = byBranch.get(key);
    if (!e)
      byBranch.set(
        key,
        (e = { requests: 0, tally: { total: 0, met: 0, missed: 0, open: 0, ended: 0, metPercent: null } }),
      );
    return e;
  };
  for (const r of requests) branchEntry(branchKeyOf(r.id)).requests += 1;
  for (const c of reported)
    addToTally(branchEntry(branchKeyOf(c.request_id)).tally, commitmentStatus(factsOf(c), now));

  const missed = reported
    .filter((c) => commitmentStatus(factsOf(c), now) === 'missed')
    .map((c) => {
      const r = requestById.get(c.request_id)!;
      const late = lateMs(factsOf(c), now, openOf.get(c.request_id) ?? false);
      const branch = branchRefs.find((b) => b.id === branchKeyOf(c.request_id));
      return {
        requestId: c.request_id,
        number: r.number,
        kind: r.kind,
        receivedAt: at(r.createdAt)!,
        branch: branch ? branch.name : null,
        target: c.target,
        limit: limitOf(c.duration, c.calendar_used) ?? null,
        deadline: at(c.deadline),
        doneAt: at(c.met_at),
        lateMinutes: late === undefined ? null : Math.round(late / 60_000),
        open: openOf.get(c.request_id) ?? false,
        policy: rowView(c.policy_code),
      };
    })
    .sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.number.localeCompare(b.number));

  const contracts = contractIdsOf(contractIds, policyRows).map((contractId) => ({
    contractId,
    requests: facts.filter((f) => f.contract_id === contractId).length,
    rows: policyRows
      .filter((p) => p.contract_id === contractId)
      .map((p) => ({
        code: p.code,
        name: p.name,
        source: p.source,
        active: p.active,
        targets: Object.entries(p.targets).map(([target, t]) => ({
          target: target as TargetType,
          duration: t.duration,
          calendar: t.calendar,
          limit: limitOf(t.duration, t.calendar) ?? null,
        })),
      })),
  }));

  return {
    customer: {
      id: customer.id,
      customerNo: customer.customerNo,
      name: customer.name,
      tier: customer.tier,
      accountManager: customer.accountManagerId
        ? { id: customer.accountManagerId, name: names.user.get(customer.accountManagerId) ?? '' }
        : null,
    },
    period: { from: period.from, to: period.to, zone: ZONE },
    generatedAt: at(now)!,
    requests: requests.length,
    overall,
    targets: byTarget.map((t) => ({
      ...t,
      rows: [...applied.values()]
        .filter((a) => a.target === t.target)
        .sort((a, b) => b.clocks - a.clocks)
        .map((a) => ({
          ...rowView(a.code),
          duration: a.duration,
          limit: limitOf(a.duration, a.calendar) ?? null,
          clocks: a.clocks,
        })),
    })),
    branches: branches.length
      ? [null, ...branches.map((b) => b.id)].map((key) => {
          const b = branches.find((x) => x.id === key);
          const e = byBranch.get(key) ?? {
            requests: 0,
            tally: { total: 0, met: 0, missed: 0, open: 0, ended: 0, metPercent: null },
          };
          return {
            branchId: key,
            name: b?.name ?? null,
            orgUnitName: b?.orgUnitName ?? null,
            requests: e.requests,
            ...e.tally,
          };
        })
      : [],
    contracts,
    missedTotal: missed.length,
    missed: missed.slice(0, REPORT_MISSED_LIST),
    /** Every missed commitment, for the download (not in the JSON answer). */
    allMissed: missed,
  };
}
export type CustomerSlaReport = Omit<Awaited<ReturnType<typeof customerSlaReport>>, 'allMissed'>;

/** Contract ids the requests carry, then those of rows that applied (in row order), once each. */
function contractIdsOf(fromRequests: readonly string[], rows: ReadonlyArray<{ contract_id: string | null }>) {
  return [...new Set([...fromRequests, ...rows.flatMap((r) => (r.contract_id ? [r.contract_id] : []))])];
}

// ---------------------------------------------------------------- the download

const WORDS = {
  'zh-CN': {
    report: '报告',
    summary: '达成情况',
    missed: '超时明细',
    customer: '客户',
    customerNo: '客户编号',
    from: '起始日期',
    to: '截止日期',
    generatedAt: '生成时间',
    requests: '请求数',
    target: '考核项',
    total: '计时数',
    met: '按时',
    missedCount: '超时',
    open: '进行中',
    ended: '未涉及',
    metPercent: '按时率(%)',
    all: '合计',
    number: '请求编号',
    kind: '类型',
    receivedAt: '受理时间',
    branch: '分支机构',
    limit: '承诺时限',
    deadline: '承诺时间',
    doneAt: '完成时间',
    lateMinutes: '超时(分钟)',
    policy: '适用策略',
    headOffice: '总部',
    notDone: '未完成',
    targets: EXPORT_LABELS['zh-CN'].targets,
    kinds: EXPORT_LABELS['zh-CN'].kinds,
    units: {
      working_days: '个工作日',
      calendar_days: '天',
      hours: '小时',
      working_hours: '个工作小时',
      minutes: '分钟',
      working_minutes: '个工作分钟',
    },
  },
  en: {
    report: 'Report',
    summary: 'Summary',
    missed: 'Missed',
    customer: 'Customer',
    customerNo: 'Customer number',
    from: 'From',
    to: 'To',
    generatedAt: 'Generated at',
    requests: 'Requests',
    target: 'Target',
    total: 'Clocks',
    met: 'Met',
    missedCount: 'Missed',
    open: 'Open',
    ended: 'Not needed',
    metPercent: 'Met (%)',
    all: 'All targets',
    number: 'Request number',
    kind: 'Kind',
    receivedAt: 'Received at',
    branch: 'Branch',
    limit: 'Commitment',
    deadline: 'Promised by',
    doneAt: 'Done at',
    lateMinutes: 'Late (minutes)',
    policy: 'Policy row',
    headOffice: 'Head office',
    notDone: 'not done',
    targets: EXPORT_LABELS.en.targets,
    kinds: EXPORT_LABELS.en.kinds,
    units: {
      working_days: ' working day(s)',
      calendar_days: ' day(s)',
      hours: ' hour(s)',
      working_hours: ' working hour(s)',
      minutes: ' minute(s)',
      working_minutes: ' working minute(s)',
    },
  },
} as const;
export type ReportLanguage = keyof typeof WORDS;

const local = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/**
 * The report as a file (CSV or XLSX, through the platform's table writer): the customer and
 * period, the tallies per target (and per branch), and every missed commitment with how late.
 * Audited (`sla.customer_report.export`, on the customer) once the report is built — a refused
 * request (bad period, out of scope) writes nothing.
 */
export async function customerSlaReportFile(
  callerDb: AnyExecutor,
  port: SlaCustomerPort,
  caller: Caller,
  customerId: string,
  period: ReportPeriod,
  format: TableFormat,
  lang: ReportLanguage,
) {
  const report = await customerSlaReport(callerDb, port, caller, customerId, period);
  const w = WORDS[lang];
  const limitText = (l: Limit | null, duration = '') => (l ? `${l.amount}${w.units[l.unit]}` : duration);
  const tallyCells = (t: Tally) => [
    String(t.total),
    String(t.met),
    String(t.missed),
    String(t.open),
    String(t.ended),
    t.metPercent === null ? '' : String(t.metPercent),
  ];
  const rows = report.allMissed.slice(0, REPORT_EXPORT_MAX_ROWS);
  const file = await tableFile(
    [
      {
        name: w.report,
        header: [w.customer, w.customerNo, w.from, w.to, w.requests, w.generatedAt],
        rows: [
          [
            report.customer.name,
            report.customer.customerNo,
            report.period.from,
            report.period.to,
            String(report.requests),
            local(report.generatedAt),
          ],
        ],
      },
      {
        name: w.summary,
        header: [w.target, w.total, w.met, w.missedCount, w.open, w.ended, w.metPercent],
        rows: [
          ...report.targets.map((t) => [w.targets[t.target], ...tallyCells(t)]),
          [w.all, ...tallyCells(report.overall)],
          ...report.branches.map((b) => [`${w.branch}: ${b.name ?? w.headOffice}`, ...tallyCells(b)]),
        ],
      },
      {
        name: w.missed,
        header: [
          w.number,
          w.kind,
          w.receivedAt,
          w.branch,
          w.target,
          w.limit,
          w.deadline,
          w.doneAt,
          w.lateMinutes,
          w.policy,
        ],
        rows: rows.map((m) => [
          m.number,
          labelOf(w.kinds, m.kind),
          local(m.receivedAt),
          m.branch ?? w.headOffice,
          w.targets[m.target],
          limitText(m.limit),
          local(m.deadline),
          m.doneAt ? local(m.doneAt) : w.notDone,
          m.lateMinutes === null ? '' : String(m.lateMinutes),
          m.policy.name ? `${m.policy.code} ${m.policy.name}` : m.policy.code,
        ]),
      },
    ],
    format,
  );
  const db = callerDb as Executor;
  await db.transaction().execute((trx) =>
    appendAudit(trx, caller.actor, {
      action: 'sla.customer_report.export',
      entityType: 'customer',
      entityId: customerId,
      orgUnitId: caller.principal.orgUnitId,
      details: { format, from: period.from, to: period.to, missed: rows.length },
    }),
  );
  return {
    body: file.body,
    contentType: file.contentType,
    filename: `sla-report-${report.customer.customerNo}-${period.from}-${period.to}.${file.extension}`,
  };
}
