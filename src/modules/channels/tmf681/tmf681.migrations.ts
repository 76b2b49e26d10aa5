import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Migration 0039: TMF681 Communication Message. A message is a row of `communication_messages`
 * (what the client sent, kept); each of its receivers is a notice (`notices.message_id`), sent by
 * the notices' delivery like any other — so a message to no request has no request id or number.
 * `cancelled`: a notice withdrawn before it was sent (DELETE, or PATCH state cancelled).
 */
export const channelsTmf681: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table communication_messages (
        id uuid primary key,
        message_type text not null check (message_type in ('sms', 'email')),
        subject text check (length(subject) <= 200),
        content text not null check (length(content) between 1 and 2000),
        state text not null default 'initial'
          check (state in ('initial', 'inProgress', 'completed', 'cancelled', 'failed')),
        scheduled_send_time timestamptz,
        try_times integer check (try_times between 1 and 10),
        attributes jsonb not null default '{}'::jsonb,
        created_by uuid,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null default 1
      )`.execute(db);
    await sql`create index communication_messages_newest on communication_messages (created_at desc, id desc)`.execute(
      db,
    );
    await sql`alter table notices
      alter column request_id drop not null,
      alter column request_number drop not null,
      add column message_id uuid references communication_messages (id),
      add column max_attempts integer`.execute(db);
    await sql`alter table notices drop constraint notices_status_check`.execute(db);
    await sql`alter table notices add constraint notices_status_check
      check (status in ('waiting', 'sent', 'failed', 'skipped', 'cancelled'))`.execute(db);
    await sql`create index notices_message_idx on notices (message_id) where message_id is not null`.execute(
      db,
    );
  },
};
