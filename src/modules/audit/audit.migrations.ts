import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

export const auditInit: Migration = {
  async up(db: Kysely<unknown>) {
    // Append-only and hash-chained: each row's hash covers its content and the previous row's hash.
    await sql`
      create table audit_log (
        seq bigint primary key,
        occurred_at timestamptz not null,
        actor_id uuid,
        actor_login text,
        actor_kind text not null check (actor_kind in ('user', 'api_token', 'system')),
        action text not null,
        entity_type text not null,
        entity_id text,
        org_unit_id uuid,
        ip text,
        request_id text,
        details jsonb not null default '{}'::jsonb,
        prev_hash text not null,
        hash text not null unique
      )`.execute(db);
    await sql`create index audit_log_entity_idx on audit_log (entity_type, entity_id, seq)`.execute(db);
    await sql`create index audit_log_actor_idx on audit_log (actor_id, seq)`.execute(db);
    await sql`create index audit_log_time_idx on audit_log (occurred_at)`.execute(db);
    // The application never updates or deletes audit rows; the database refuses too.
    await sql`
      create function audit_log_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only' using errcode = '42501';
      end $$`.execute(db);
    await sql`
      create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_immutable()`.execute(db);
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const auditMigrations: MigrationList = [['0002_audit_init', auditInit]];
