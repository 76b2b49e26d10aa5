import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

export const attachmentsInit: Migration = {
  async up(db: Kysely<unknown>) {
    // Owner ids belong to other modules: no foreign key across modules.
    await sql`
      create table attachments (
        id uuid primary key,
        owner_type text not null check (owner_type ~ '^[a-z][a-z0-9_]{1,39}$'),
        owner_id text not null check (length(owner_id) between 1 and 100),
        file_name text not null check (length(file_name) between 1 and 200),
        content_type text not null check (length(content_type) between 3 and 100),
        size_bytes bigint not null check (size_bytes > 0),
        sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
        storage text not null check (storage in ('database', 'directory')),
        uploaded_by uuid,
        uploaded_by_login text,
        org_unit_id uuid,
        uploaded_at timestamptz not null,
        deleted_at timestamptz,
        deleted_by uuid
      )`.execute(db);
    // A record's attachments, oldest first.
    await sql`create index attachments_owner_idx on attachments (owner_type, owner_id, uploaded_at, id)
      where deleted_at is null`.execute(db);
    await sql`
      create table attachment_contents (
        attachment_id uuid primary key references attachments (id),
        bytes bytea not null
      )`.execute(db);
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const attachmentsMigrations: MigrationList = [['0018_attachments_init', attachmentsInit]];
