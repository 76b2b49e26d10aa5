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

export interface SecurityTables {
  security_alerts: SecurityAlertsTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<SecurityTables>;
export type Tx = Transaction<SecurityTables>;
export type Executor = OwnExecutor<SecurityTables>;
export type ModuleContext = PlatformModuleContext<SecurityTables>;
