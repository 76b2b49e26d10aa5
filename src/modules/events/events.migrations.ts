import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

export const eventsInit: Migration = {
  async up(db: Kysely<unknown>) {
    // Transactional outbox (事务性发件箱): a row is written in the same transaction as the change
    // it tells about, so an event exists iff the change committed; the relay publishes it later.
    await sql`
      create table outbox_events (
        id uuid primary key,
        subject text not null check (subject ~ '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$'),
        event_type text not null check (length(event_type) between 1 and 100),
        aggregate_type text not null check (length(aggregate_type) between 1 and 50),
        aggregate_id text not null check (length(aggregate_id) between 1 and 100),
        payload jsonb not null check (jsonb_typeof(payload) = 'object'),
        created_at timestamptz not null default now(),
        published_at timestamptz,
        attempts integer not null default 0 check (attempts >= 0),
        next_attempt_at timestamptz not null default now(),
        last_error text check (length(last_error) <= 2000)
      )`.execute(db);
    // What the relay claims: unpublished rows that are due, oldest first.
    await sql`create index outbox_events_unpublished_idx on outbox_events (next_attempt_at, id)
      where published_at is null`.execute(db);
    // Pruning and replay walk published rows by time.
    await sql`create index outbox_events_published_idx on outbox_events (published_at)
      where published_at is not null`.execute(db);
    await sql`create index outbox_events_created_idx on outbox_events (created_at)`.execute(db);
    await sql`create index outbox_events_aggregate_idx on outbox_events (aggregate_type, aggregate_id)`.execute(
      db,
    );
  },
};

export const eventsHub: Migration = {
  async up(db: Kysely<unknown>) {
    // TMF event hub (POST /hub): listeners, and the deliveries the worker makes from the outbox.
    await sql`
      create table event_hubs (
        id uuid primary key,
        api text not null check (length(api) between 1 and 50),
        callback text not null check (length(callback) between 1 and 2000),
        query text check (length(query) <= 1000),
        event_types text[] not null,
        secret text not null check (length(secret) >= 32),
        created_at timestamptz not null,
        created_by text,
        deleted_at timestamptz
      )`.execute(db);
    await sql`create index event_hubs_active_idx on event_hubs (api) where deleted_at is null`.execute(db);
    // Set when the fan-out has made an event's deliveries. Events older than every active listener
    // are never fanned out (no backfill: none existed before this migration).
    await sql`alter table outbox_events add column hub_fanout_at timestamptz`.execute(db);
    await sql`create index outbox_events_hub_fanout_idx on outbox_events (id)
      where hub_fanout_at is null`.execute(db);
    await sql`
      create table hub_deliveries (
        event_id uuid not null references outbox_events (id) on delete cascade,
        hub_id uuid not null references event_hubs (id) on delete cascade,
        status text not null default 'pending'
          check (status in ('pending', 'delivered', 'failed', 'cancelled')),
        attempts integer not null default 0 check (attempts >= 0),
        next_attempt_at timestamptz not null,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text check (length(last_error) <= 2000),
        delivered_at timestamptz,
        primary key (event_id, hub_id)
      )`.execute(db);
    // What the delivery worker claims: pending deliveries that are due.
    await sql`create index hub_deliveries_due_idx on hub_deliveries (next_attempt_at)
      where status = 'pending'`.execute(db);
    await sql`create index hub_deliveries_hub_idx on hub_deliveries (hub_id, status)`.execute(db);
    await sql`
      create table hub_delivery_attempts (
        event_id uuid not null,
        hub_id uuid not null,
        attempt integer not null check (attempt >= 1),
        attempted_at timestamptz not null,
        outcome text not null check (outcome in ('delivered', 'retry', 'gave_up')),
        status_code integer,
        error text check (length(error) <= 2000),
        next_attempt_at timestamptz,
        duration_ms integer not null,
        primary key (event_id, hub_id, attempt),
        foreign key (event_id, hub_id) references hub_deliveries (event_id, hub_id) on delete cascade
      )`.execute(db);
  },
};
/**
 * Migration 0027: outbound webhooks (webhooks.service.ts) are listeners of kind `webhook` — the
 * same fan-out, deliveries and retries as TMF hub listeners, a timestamped signature, an
 * encrypted secret — and a delivery can be replayed (its attempts counted anew).
 */
const eventsWebhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table event_hubs
      add column kind text not null default 'hub' check (kind in ('hub', 'webhook')),
      add column description text check (length(description) <= 200)`.execute(db);
    await sql`alter table hub_deliveries
      add column attempts_before_replay integer not null default 0`.execute(db);
  },
};

/**
 * Migration 0040: in-process consumers' queues. A consumer (the channels module's notices) is a row
 * of `outbox_consumers` with the event types it takes; a trigger on the outbox writes one
 * `outbox_consumer_queue` row per matching consumer **in the transaction that records the event**,
 * so an event is queued exactly when it commits — a transaction that commits late is never missed,
 * unlike a cursor over `created_at`. Consumers claim their rows with `FOR UPDATE SKIP LOCKED` and a
 * lease (`consumers.ts`).
 */
const eventsConsumerQueues: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table outbox_consumers (
        name text primary key check (name ~ '^[a-z][a-z0-9_.-]{1,60}$'),
        event_types text[] not null,
        created_at timestamptz not null
      )`.execute(db);
    await sql`
      create table outbox_consumer_queue (
        consumer text not null references outbox_consumers (name) on delete cascade,
        event_id uuid not null references outbox_events (id) on delete cascade,
        attempts integer not null default 0 check (attempts >= 0),
        locked_until timestamptz,
        last_error text check (length(last_error) <= 2000),
        primary key (consumer, event_id)
      )`.execute(db);
    await sql`create index outbox_consumer_queue_event_idx on outbox_consumer_queue (event_id)`.execute(db);
    await sql`
      create function outbox_consumer_enqueue() returns trigger language plpgsql as $$
      begin
        insert into outbox_consumer_queue (consumer, event_id)
          select c.name, new.id from outbox_consumers c where new.event_type = any (c.event_types);
        return null;
      end $$`.execute(db);
    await sql`
      create trigger outbox_events_enqueue after insert on outbox_events
        for each row execute function outbox_consumer_enqueue()`.execute(db);
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const eventsMigrations: MigrationList = [
  ['0004_events_init', eventsInit],
  ['0006_events_hub', eventsHub],
  ['0027_events_webhooks', eventsWebhooks],
  ['0040_events_consumer_queues', eventsConsumerQueues],
];
