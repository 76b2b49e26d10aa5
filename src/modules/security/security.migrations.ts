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

    // The register of information-security incidents (信息安全事件处理, PIPL Art. 57).
    await sql`
      create table security_incidents (
        id uuid primary key,
        no bigint generated always as identity unique,
        title text not null check (length(title) between 1 and 200),
        description text not null check (length(description) between 1 and 10000),
        category text not null check (category in ('leak', 'tampering', 'loss', 'other')),
        cause text check (length(cause) <= 5000),
        occurred_at timestamptz,
        discovered_at timestamptz not null,
        data_kinds jsonb not null default '[]'::jsonb check (jsonb_typeof(data_kinds) = 'array'),
        estimated_affected integer check (estimated_affected >= 0),
        severity text check (severity in ('minor', 'significant', 'major', 'critical')),
        harm text check (length(harm) <= 5000),
        measures text check (length(measures) <= 5000),
        advice text check (length(advice) <= 5000),
        decided_by text check (length(decided_by) <= 200),
        notify_individuals boolean not null default true,
        no_notice_reason text check (length(no_notice_reason) <= 5000),
        notification_note text check (length(notification_note) <= 5000),
        close_note text check (length(close_note) <= 5000),
        state text not null default 'open' check (state in ('open', 'assessed', 'notified', 'closed')),
        assessed_at timestamptz,
        assessed_by uuid,
        notified_at timestamptz,
        notified_by uuid,
        closed_at timestamptz,
        closed_by uuid,
        created_at timestamptz not null,
        created_by uuid,
        updated_at timestamptz not null,
        version integer not null default 1
      )`.execute(db);
    await sql`create index security_incidents_state_idx on security_incidents (state, id desc)`.execute(db);
    // Customer ids belong to the customers module: no foreign key across modules (its erasure
    // anonymises, never deletes, so the ids stay valid).
    await sql`
      create table security_incident_customers (
        incident_id uuid not null references security_incidents (id),
        customer_id uuid not null,
        added_at timestamptz not null,
        added_by uuid,
        primary key (incident_id, customer_id)
      )`.execute(db);
    await sql`create index security_incident_customers_customer_idx on security_incident_customers (customer_id)`.execute(
      db,
    );
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const securityMigrations: MigrationList = [['0009_security_init', securityInit]];
