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

/**
 * Seal-after-commit (issue 8): writers only insert their row (seq from a sequence, no lock, no read
 * of the head) and queue it in audit_pending in the same statement; the sealer chains committed
 * rows afterwards into audit_seal with an HMAC keyed outside the database. The rows written under
 * the old sha256 chain are queued too, so the first pass carries them into the new chain (in seq
 * order, so their chain position equals their seq and old `audit head` anchors stay valid).
 */
export const auditSeal: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create sequence audit_log_seq_seq as bigint owned by audit_log.seq`.execute(db);
    await sql`select setval('audit_log_seq_seq', coalesce((select max(seq) from audit_log), 0) + 1, false)`.execute(
      db,
    );
    // Milliseconds: what a JavaScript Date carries, so the sealed content reads back identical.
    await sql`
      alter table audit_log
        alter column seq set default nextval('audit_log_seq_seq'),
        alter column occurred_at set default date_trunc('milliseconds', now()),
        alter column prev_hash drop not null,
        alter column hash drop not null`.execute(db);
    await sql`
      create table audit_seal (
        chain_seq bigint primary key,
        audit_seq bigint not null unique,
        sealed_at timestamptz not null,
        key_id text not null,
        mac text not null
      )`.execute(db);
    // Rows waiting for the sealer. Not part of the evidence: the sealer deletes what it sealed.
    await sql`create table audit_pending (seq bigint primary key)`.execute(db);
    await sql`insert into audit_pending (seq) select seq from audit_log`.execute(db);
    await sql`
      create function audit_append_only() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name using errcode = '42501';
      end $$`.execute(db);
    await sql`
      create trigger audit_seal_no_update before update or delete on audit_seal
      for each row execute function audit_append_only()`.execute(db);
    // Row triggers do not fire on TRUNCATE.
    for (const table of ['audit_log', 'audit_seal'])
      await sql`
        create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
        for each statement execute function audit_append_only()`.execute(db);
  },
};
/**
 * Rows appended since sealing carry no legacy sha256 hash: keep uniqueness for the old rows only,
 * so every new audit row no longer adds an entry to an index of nulls (one index fewer on the
 * write path every audited request takes).
 */
export const auditLegacyHashIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table audit_log drop constraint audit_log_hash_key`.execute(db);
    await sql`create unique index audit_log_legacy_hash_uq on audit_log (hash) where hash is not null`.execute(
      db,
    );
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const auditMigrations: MigrationList = [
  ['0002_audit_init', auditInit],
  ['0005_audit_seal', auditSeal],
  ['0008_audit_legacy_hash_index', auditLegacyHashIndex],
];
