import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/**
 * A security alert (安全告警) raised by another module's rule (repeated search misses, the daily
 * reveal cap). Repeats of one kind for one user while it is open, within one window, count up
 * `occurrences` on the same row (`dedup_key`). Never carries a phone or ID number.
 */
export interface SecurityAlertsTable {
  id: string;
  kind: string;
  /** The user the alert is about (identity's user id), or null for one about no user. */
  user_id: string | null;
  summary: string;
  detail: ColumnType<unknown, string, string>;
  occurrences: Generated<number>;
  first_at: Timestamp;
  last_at: Timestamp;
  /** kind + user + window: unique among open alerts (the de-duplication key). */
  dedup_key: string;
  state: Generated<'open' | 'acknowledged' | 'closed'>;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
  acknowledge_note: string | null;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  close_note: string | null;
  version: Generated<number>;
  created_at: Timestamp;
}

/** The register of information-security incidents (信息安全事件, PIPL Art. 57). */
export interface SecurityIncidentsTable {
  id: string;
  /** Shown as SI-000123 (from an identity column, in order of registration). */
  no: ColumnType<string, never, never>;
  title: string;
  description: string;
  category: string;
  cause: string | null;
  occurred_at: NullableTimestamp;
  discovered_at: Timestamp;
  data_kinds: ColumnType<string[], string, string>;
  estimated_affected: number | null;
  severity: string | null;
  harm: string | null;
  measures: string | null;
  advice: string | null;
  decided_by: string | null;
  notify_individuals: boolean;
  no_notice_reason: string | null;
  notification_note: string | null;
  close_note: string | null;
  state: 'open' | 'assessed' | 'notified' | 'closed';
  assessed_at: NullableTimestamp;
  assessed_by: string | null;
  notified_at: NullableTimestamp;
  notified_by: string | null;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** The customers an incident affects (customer ids from the customers module; no foreign key). */
export interface SecurityIncidentCustomersTable {
  incident_id: string;
  customer_id: string;
  added_at: Timestamp;
  added_by: string | null;
}

export interface SecurityTables {
  security_alerts: SecurityAlertsTable;
  security_incidents: SecurityIncidentsTable;
  security_incident_customers: SecurityIncidentCustomersTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<SecurityTables>;
export type Tx = Transaction<SecurityTables>;
export type Executor = OwnExecutor<SecurityTables>;
export type ModuleContext = PlatformModuleContext<SecurityTables>;
