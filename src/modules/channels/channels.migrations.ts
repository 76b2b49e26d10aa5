import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

export const channelsInit: Migration = {
  async up(db: Kysely<unknown>) {
    // Users and requests belong to other modules: no foreign keys across modules.
    await sql`
      create table channel_mailboxes (
        address text primary key check (address = lower(address) and address ~ '^[^@\\s]+@[^@\\s]+$'),
        kind text not null check (length(kind) between 1 and 40),
        owner_user_id uuid not null,
        active boolean not null default true,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
    await sql`
      create table channel_inbound (
        id uuid primary key,
        channel text not null check (channel in ('email', 'sms')),
        message_ref text check (length(message_ref) <= 500),
        mailbox text,
        sender_masked text,
        outcome text not null check (outcome in ('request', 'note', 'auto_reply', 'duplicate', 'unmatched', 'failed')),
        request_id uuid,
        detail text,
        received_at timestamptz not null
      )`.execute(db);
    await sql`create unique index channel_inbound_ref_uq on channel_inbound (channel, message_ref)
      where message_ref is not null and outcome in ('request', 'note')`.execute(db);
    await sql`create index channel_inbound_received_idx on channel_inbound (received_at desc)`.execute(db);
    await sql`
      create table notices (
        id uuid primary key,
        request_id uuid not null,
        request_number text not null,
        event text not null,
        recipient_key text not null,
        customer_id uuid,
        channel text not null check (channel in ('sms', 'email', 'voice')),
        to_address text not null,
        to_masked text not null,
        lang text not null,
        subject text,
        body text not null,
        urgent boolean not null,
        status text not null default 'waiting' check (status in ('waiting', 'sent', 'failed', 'skipped')),
        due_at timestamptz not null,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        last_error text,
        provider_ref text,
        created_at timestamptz not null,
        sent_at timestamptz
      )`.execute(db);
    // Never the same notice twice to one recipient.
    await sql`create unique index notices_once_uq on notices (request_id, event, recipient_key)`.execute(db);
    await sql`create index notices_due_idx on notices (next_attempt_at) where status = 'waiting'`.execute(db);
    await sql`create index notices_request_idx on notices (request_id, created_at)`.execute(db);
    await sql`create index notices_to_idx on notices (to_address, sent_at desc) where status = 'sent'`.execute(
      db,
    );
    await sql`
      create table notice_templates (
        event text not null check (event ~ '^[a-z_]{2,40}$'),
        lang text not null check (lang in ('zh-CN', 'en')),
        subject text not null check (length(subject) between 1 and 200),
        body text not null check (length(body) between 1 and 1000),
        sms_template_id text check (length(sms_template_id) <= 64),
        version integer not null default 1,
        updated_at timestamptz not null,
        primary key (event, lang)
      )`.execute(db);
    await sql`
      create table channel_consumers (
        name text primary key,
        cursor_at timestamptz,
        cursor_id uuid
      )`.execute(db);
    await sql`
      create table channel_events_seen (
        event_id uuid primary key,
        seen_at timestamptz not null
      )`.execute(db);
    await sql`
      create table channel_simulated (
        id uuid primary key,
        channel text not null,
        to_address text not null,
        template_id text,
        body text not null,
        sent_at timestamptz not null
      )`.execute(db);
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const channelsMigrations: MigrationList = [['0028_channels_init', channelsInit]];
