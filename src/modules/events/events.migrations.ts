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

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const eventsMigrations: MigrationList = [['0004_events_init', eventsInit]];
