import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';
import type { DayRule, Period } from './domain/calendar.ts';
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

export interface SlaTables {
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
