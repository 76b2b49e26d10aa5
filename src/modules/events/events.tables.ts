import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

export interface OutboxEventsTable {
  id: string;
  subject: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
}

export interface EventsTables {
  outbox_events: OutboxEventsTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<EventsTables>;
export type Tx = Transaction<EventsTables>;
export type Executor = OwnExecutor<EventsTables>;
export type ModuleContext = PlatformModuleContext<EventsTables>;
