import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

export const securityInit: Migration = {
  async up(db: Kysely<unknown>) {
    // Security alerts (安全告警): raised by other modules' rules inside their own transactions.
    await sql`
      create table security_alerts (
        id uuid primary key,
        kind text not null check (kind ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$' and length(kind) <= 64),
        user_id uuid,
        summary text not null check (length(summary) between 1 and 500),
        detail jsonb not null default '{}'::jsonb check (jsonb_typeof(detail) = 'object'),
        occurrences integer not null default 1 check (occurrences >= 1),
        first_at timestamptz not null,
        last_at timestamptz not null,
        dedup_key text not null check (length(dedup_key) <= 200),
        state text not null default 'open' check (state in ('open', 'acknowledged', 'closed')),
        acknowledged_at timestamptz,
        acknowledged_by uuid,
        acknowledge_note text check (length(acknowledge_note) <= 2000),
        closed_at timestamptz,
        closed_by uuid,
        close_note text check (length(close_note) <= 2000),
        version integer not null default 1,
        created_at timestamptz not null
      )`.execute(db);
    // At most one open alert per kind, user and window: a repeat counts it up (one statement,
    // no read-then-write race between two requests of the same user).
    await sql`create unique index security_alerts_open_dedup_uq on security_alerts (dedup_key)
      where state = 'open'`.execute(db);
    // The console lists by state, newest activity first.
    await sql`create index security_alerts_state_idx on security_alerts (state, last_at desc, id)`.execute(
      db,
    );
    await sql`create index security_alerts_user_idx on security_alerts (user_id, last_at desc)`.execute(db);
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const securityMigrations: MigrationList = [['0009_security_init', securityInit]];
