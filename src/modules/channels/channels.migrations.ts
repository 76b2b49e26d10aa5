import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';
import { channelsTmf681 } from './tmf681/tmf681.migrations.ts';

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

/**
 * Migration 0041: IMAP sources (imap-in.ts) — a mailbox's mail read from an IMAP account instead
 * of (or as well as) the SMTP listener. The password is stored encrypted (platform vault) or named
 * as an environment variable; the UID cursor (`uid_validity`, `last_uid`) and the lease make each
 * message taken once across restarts and processes.
 */
const channelsImap: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table channel_imap_sources (
        mailbox text primary key references channel_mailboxes (address) on delete cascade,
        host text not null check (length(host) between 1 and 253),
        port integer not null check (port between 1 and 65535),
        tls text not null check (tls in ('implicit', 'starttls', 'none')),
        username text not null check (length(username) between 1 and 200),
        password_enc text,
        password_env text check (password_env ~ '^ONEPOINT_IMAP_PASSWORD_[A-Z0-9_]{1,40}$'),
        folder text not null default 'INBOX' check (length(folder) between 1 and 200),
        after_store text not null default 'seen' check (after_store in ('seen', 'move')),
        move_to text check (length(move_to) between 1 and 200),
        active boolean not null default true,
        uid_validity bigint,
        last_uid bigint not null default 0,
        lease_until timestamptz,
        last_poll_at timestamptz,
        last_ok_at timestamptz,
        last_error text check (length(last_error) <= 1000),
        last_taken integer,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        check ((password_enc is null) <> (password_env is null)),
        check (after_store = 'seen' or move_to is not null)
      )`.execute(db);
  },
};

/**
 * Migration 0048: gateway settings an administrator edits (settings.ts) — how mail and SMS/voice go
 * out. One row each, made here in state `environment` (the server's environment variables apply);
 * a save makes it `stored` with every field of its gateway, a reset makes it `environment` again.
 * The secret (SMTP password, SMS gateway key) is encrypted with the platform vault.
 */
const channelsGatewaySettings: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table channel_mail_settings (
        id smallint primary key default 1 check (id = 1),
        source text not null default 'environment' check (source in ('environment', 'stored')),
        host text check (length(host) between 1 and 253),
        port integer check (port between 1 and 65535),
        tls text check (tls in ('implicit', 'starttls', 'opportunistic')),
        username text check (length(username) between 1 and 200),
        password_enc text,
        mail_from text check (length(mail_from) between 3 and 200),
        version integer not null default 1,
        updated_at timestamptz,
        updated_by text,
        check (source = 'environment' or (host is not null and port is not null and tls is not null
          and mail_from is not null)),
        check (source = 'stored' or (host is null and port is null and tls is null and username is null
          and password_enc is null and mail_from is null)),
        check (password_enc is null or username is not null)
      )`.execute(db);
    await sql`
      create table channel_sms_settings (
        id smallint primary key default 1 check (id = 1),
        source text not null default 'environment' check (source in ('environment', 'stored')),
        driver text check (driver in ('simulator', 'http')),
        url text check (length(url) between 1 and 2000),
        key_enc text,
        sign_name text check (length(sign_name) between 1 and 20),
        version integer not null default 1,
        updated_at timestamptz,
        updated_by text,
        check (source = 'environment' or (driver is not null and sign_name is not null)),
        check (source = 'stored' or (driver is null and url is null and key_enc is null and sign_name is null)),
        check (driver is distinct from 'http' or (url is not null and key_enc is not null))
      )`.execute(db);
    await sql`insert into channel_mail_settings (id) values (1)`.execute(db);
    await sql`insert into channel_sms_settings (id) values (1)`.execute(db);
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const channelsMigrations: MigrationList = [
  ['0028_channels_init', channelsInit],
  ['0039_channels_tmf681', channelsTmf681], // tmf681/tmf681.migrations.ts
  ['0041_channels_imap', channelsImap],
  ['0048_channels_gateway_settings', channelsGatewaySettings],
];
