import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';
import type { DayRule, Period } from './domain/calendar.ts';
import type { ClockState } from './domain/clocks.ts';
import type { LocationClass, PolicyTarget, PolicyTier, TargetType } from './domain/policy.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `date` column: read as `YYYY-MM-DD` (the platform's parser leaves dates as text). */
type LocalDate = ColumnType<string, string, string>;

/** A year of the national schedule: present means its holidays and 调休 days are known. */
export interface SlaCalendarYearsTable {
  year: number;
  /** `chinese-days@1.5.7` when imported from the package, `admin` when entered through the API. */
  source: string;
  updated_at: Timestamp;
}

/** A day of a known year that is not what its weekday says: a holiday or an adjusted working day. */
export interface SlaCalendarDaysTable {
  day: LocalDate;
  year: number;
  kind: 'holiday' | 'workday';
  name: string | null;
}

/** A calendar an administrator defined for an org unit (the built-in ones are in code). */
export interface SlaCalendarsTable {
  id: string;
  code: string;
  name: string;
  org_unit_id: string;
  /** A built-in calendar this one stands in for, for work of its unit and the units under it. */
  replaces: string | null;
  zone: string;
  days: DayRule;
  periods: ColumnType<Period[], string, string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** An org unit's exception to its calendars: a closure (typhoon day) or an extra working day. */
export interface SlaCalendarOverridesTable {
  id: string;
  org_unit_id: string;
  day: LocalDate;
  kind: 'closed' | 'working';
  reason: string;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A row of the policy matrix: what it matches (null: anything) and its targets. */
export interface SlaPoliciesTable {
  code: string;
  name: string;
  source: string;
  position: number;
  active: Generated<boolean>;
  contract_id: string | null;
  product_code: string | null;
  product_family: string | null;
  tier: PolicyTier | null;
  kind: string | null;
  category: string | null;
  priority: string | null;
  location_class: LocationClass | null;
  targets: ColumnType<Partial<Record<TargetType, PolicyTarget>>, string, string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The facts a request's SLA was resolved from (passed in by service requests), one row per request. */
export interface SlaRequestsTable {
  request_id: string;
  kind: string;
  tier: PolicyTier | null;
  product_code: string | null;
  product_family: string | null;
  category: string | null;
  priority: string | null;
  location_class: LocationClass | null;
  contract_id: string | null;
  /** The handling unit: whose calendars (stand-ins, overrides) apply. */
  org_unit_id: string | null;
  /** False once the request is resolved or closed: nothing more to recompute. */
  open: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A step of a clock: a warning at a fraction of the target, the breach at 100 %. */
export interface StoredStep {
  percent: number;
  /** ISO instant; null while a customer-caused pause stops the clock. */
  at: string | null;
}

/** A pause of a clock (客户原因挂起): open while `to` is absent. */
export interface StoredPause {
  from: string;
  to?: string;
}

/** One clock per request and target (响应, 反馈, 到场, 修复, 解决, 进展). */
export interface SlaClocksTable {
  request_id: string;
  target: TargetType;
  /** Progress updates restart the clock: each restart is a new period. */
  period: Generated<number>;
  policy_code: string;
  /** The calendar the policy names, and the one used (a unit's stand-in). */
  calendar: string;
  calendar_used: string;
  duration: string;
  counting: 'civil-code' | null;
  start_at: Timestamp;
  /** Null while a customer-caused pause is open. */
  deadline: ColumnType<Date | null, Date | string | null, Date | string | null>;
  unpaused_deadline: Timestamp;
  pauses: ColumnType<StoredPause[], string | undefined, string>;
  state: ClockState;
  met_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  provisional: boolean;
  steps: ColumnType<StoredStep[], string, string>;
  /** Index in `steps` of the next step to act on, and when (null: none pending). */
  next_step: ColumnType<number | null, number | null, number | null>;
  next_step_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  recompute_reason: string | null;
  updated_at: Timestamp;
}

/** A step that was acted on (one row per clock, period and step: the exactly-once record). */
export interface SlaClockStepsTable {
  request_id: string;
  target: TargetType;
  period: number;
  percent: number;
  due_at: Timestamp;
  acted_at: Timestamp;
  actions: ColumnType<string[], string, string>;
}

/** Why a clock's deadline changed (tier, product, priority, policy …), with the old and new deadline. */
export interface SlaClockChangesTable {
  id: Generated<number>;
  request_id: string;
  target: TargetType;
  at: Timestamp;
  reason: string;
  policy_from: string | null;
  policy_to: string | null;
  deadline_from: ColumnType<Date | null, Date | string | null, never>;
  deadline_to: ColumnType<Date | null, Date | string | null, never>;
}

/** A run of the policy recompute (one per `sla.recompute` job): its progress, to resume after a crash. */
export interface SlaRecomputeRunsTable {
  /** The job's id (or a generated one). */
  id: string;
  reason: string;
  policy_codes: ColumnType<string[], string, string>;
  /** The last request of the last committed chunk: the run resumes after it. */
  after_request: string | null;
  chunks: Generated<number>;
  /** Requests examined (the candidates), and what changed. */
  requests: Generated<number>;
  recomputed: Generated<number>;
  added: Generated<number>;
  removed: Generated<number>;
  set_based: Generated<number>;
  started_at: Timestamp;
  updated_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface SlaTables {
  sla_recompute_runs: SlaRecomputeRunsTable;
  sla_requests: SlaRequestsTable;
  sla_clocks: SlaClocksTable;
  sla_clock_steps: SlaClockStepsTable;
  sla_clock_changes: SlaClockChangesTable;
  sla_policies: SlaPoliciesTable;
  sla_calendar_years: SlaCalendarYearsTable;
  sla_calendar_days: SlaCalendarDaysTable;
  sla_calendars: SlaCalendarsTable;
  sla_calendar_overrides: SlaCalendarOverridesTable;
}

export type Db = Kysely<SlaTables>;
export type Tx = Transaction<SlaTables>;
export type Executor = OwnExecutor<SlaTables>;
export type ModuleContext = PlatformModuleContext<SlaTables>;
