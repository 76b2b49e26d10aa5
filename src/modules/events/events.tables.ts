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
  /** When the hub fan-out made this event's deliveries (null: not yet; pruning keeps it). */
  hub_fanout_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A TMF event listener registered with POST /hub. Removed ones are kept (deleted_at) for history. */
export interface EventHubsTable {
  id: string;
  /** The TMF API it belongs to, e.g. `TMF629`. */
  api: string;
  callback: string;
  query: string | null;
  /** The event types it receives: its API's types, narrowed by `query`. */
  event_types: ColumnType<string[], string[], never>;
  /** HMAC-SHA256 key of the X-Hub-Signature-256 header, shown once at registration. */
  secret: string;
  created_at: ColumnType<Date, Date | string, never>;
  created_by: string | null;
  deleted_at: ColumnType<Date | null, never, Date | string>;
  /** `hub` (a TMF listener) or `webhook` (an outbound webhook: timestamped signature; migration 0027). */
  kind: ColumnType<'hub' | 'webhook', 'hub' | 'webhook' | undefined, never>;
  /** What an administrator calls a webhook. */
  description: string | null;
}

export type HubDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One event for one listener: where it stands. */
export interface HubDeliveriesTable {
  event_id: string;
  hub_id: string;
  status: ColumnType<HubDeliveryStatus, HubDeliveryStatus | undefined, HubDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string, Date | string>;
  last_attempt_at: ColumnType<Date | null, never, Date | string>;
  last_status_code: ColumnType<number | null, never, number | null>;
  last_error: ColumnType<string | null, never, string | null>;
  delivered_at: ColumnType<Date | null, never, Date | string>;
  /** Attempts made before the last replay: a replayed delivery gets its full number of attempts again. */
  attempts_before_replay: ColumnType<number, never, number>;
}

/** Every delivery attempt's outcome, kept with its delivery. */
export interface HubDeliveryAttemptsTable {
  event_id: string;
  hub_id: string;
  attempt: number;
  attempted_at: ColumnType<Date, Date | string, never>;
  outcome: 'delivered' | 'retry' | 'gave_up';
  status_code: number | null;
  error: string | null;
  /** When the next attempt is due (retry only). */
  next_attempt_at: ColumnType<Date | null, Date | string | null, never>;
  duration_ms: number;
}

/** An in-process consumer of the outbox and the event types queued for it (migration 0040). */
export interface OutboxConsumersTable {
  name: string;
  event_types: ColumnType<string[], string[], string[]>;
  created_at: ColumnType<Date, Date | string, never>;
}

/** An event waiting for a consumer: written by the outbox's trigger in the event's transaction. */
export interface OutboxConsumerQueueTable {
  consumer: string;
  event_id: string;
  attempts: Generated<number>;
  /** Claimed by a worker until then (a lease); null or past: free to claim. */
  locked_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface EventsTables {
  outbox_events: OutboxEventsTable;
  outbox_consumers: OutboxConsumersTable;
  outbox_consumer_queue: OutboxConsumerQueueTable;
  event_hubs: EventHubsTable;
  hub_deliveries: HubDeliveriesTable;
  hub_delivery_attempts: HubDeliveryAttemptsTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<EventsTables>;
export type Tx = Transaction<EventsTables>;
export type Executor = OwnExecutor<EventsTables>;
export type ModuleContext = PlatformModuleContext<EventsTables>;
