import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** An address the SMTP listener takes mail for: what kind of request it becomes, in whose name. */
export interface ChannelMailboxesTable {
  /** Lower case, e.g. `fault@onepoint.local`. */
  address: string;
  kind: string;
  /** The intake user (first-contact owner); their unit is the intake unit. */
  owner_user_id: string;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type InboundOutcome = 'request' | 'note' | 'auto_reply' | 'duplicate' | 'unmatched' | 'failed';

/** Every mail and SMS taken in, and what became of it (never its sender in clear). */
export interface ChannelInboundTable {
  id: string;
  channel: 'email' | 'sms';
  /** The Message-ID (mail) or the gateway's message id (SMS); a repeat is not taken twice. */
  message_ref: string | null;
  mailbox: string | null;
  sender_masked: string | null;
  outcome: InboundOutcome;
  request_id: string | null;
  detail: string | null;
  received_at: Timestamp;
}

export type NoticeStatus = 'waiting' | 'sent' | 'failed' | 'skipped' | 'cancelled';
export type NoticeChannel = 'sms' | 'email' | 'voice';

/** One notice to one recipient about one event of one request: never twice (unique). */
export interface NoticesTable {
  id: string;
  /** Null for a TMF681 message (about no request). */
  request_id: string | null;
  request_number: string | null;
  /** The TMF681 communication message this notice sends to one receiver (migration 0039). */
  message_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The message's `tryTimes` (else the delivery's default). */
  max_attempts: ColumnType<number | null, number | null | undefined, number | null>;
  event: string;
  /** `customer:<id>` (the customer's primary contact) — what "the same notice" is counted by. */
  recipient_key: string;
  customer_id: string | null;
  channel: NoticeChannel;
  /** Where it goes, in clear (it is sent there); shown and logged only masked. */
  to_address: string;
  to_masked: string;
  lang: string;
  subject: string | null;
  /** The rendered text, personal data masked. */
  body: string;
  urgent: boolean;
  status: ColumnType<NoticeStatus, NoticeStatus | undefined, NoticeStatus>;
  /** Not before: the end of the recipient's quiet hours (or when it was made). */
  due_at: Timestamp;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  provider_ref: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The text of each event's notice per language; administrators edit them. */
export interface NoticeTemplatesTable {
  event: string;
  lang: string;
  /** Mail subject (SMS and voice use the body only). */
  subject: string;
  body: string;
  /** The SMS platform's template id (国内短信平台: registered templates), if any. */
  sms_template_id: string | null;
  version: Generated<number>;
  updated_at: Timestamp;
}

/**
 * The former outbox cursor and the events it had handled: read once on upgrade (the events since
 * the cursor are queued for the notices), no longer written.
 */
export interface ChannelConsumersTable {
  name: string;
  cursor_at: Date | null;
  cursor_id: string | null;
}
export interface ChannelEventsSeenTable {
  event_id: string;
  seen_at: Timestamp;
}

/** What the simulator driver "sent" (demo and tests): the gateway's view of a message. */
export interface ChannelSimulatedTable {
  id: string;
  channel: NoticeChannel;
  to_address: string;
  template_id: string | null;
  body: string;
  sent_at: Timestamp;
}

export type MessageState = 'initial' | 'inProgress' | 'completed' | 'cancelled' | 'failed';

/** A TMF681 communication message: what the client sent; its receivers are notices. */
export interface CommunicationMessagesTable {
  id: string;
  message_type: 'sms' | 'email';
  subject: string | null;
  content: string;
  state: ColumnType<MessageState, MessageState | undefined, MessageState>;
  scheduled_send_time: ColumnType<Date | null, Date | string | null, Date | string | null>;
  try_times: number | null;
  /** Every other attribute the spec allows, as sent (checked): sender, receiver, description … */
  attributes: ColumnType<Record<string, unknown>, string, string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** An IMAP account a mailbox's mail is read from (migration 0041). */
export interface ChannelImapSourcesTable {
  mailbox: string;
  host: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  username: string;
  /** The password encrypted with the platform vault (bound to `imap:<mailbox>:password`)… */
  password_enc: string | null;
  /** …or the `ONEPOINT_IMAP_PASSWORD_*` variable that holds it. Exactly one is set. */
  password_env: string | null;
  folder: Generated<string>;
  after_store: ColumnType<'seen' | 'move', 'seen' | 'move' | undefined, 'seen' | 'move'>;
  move_to: string | null;
  active: Generated<boolean>;
  /** The folder's UIDVALIDITY the cursor belongs to; another value starts the cursor again. */
  uid_validity: ColumnType<
    string | number | null,
    string | number | null | undefined,
    string | number | null
  >;
  /** The highest UID taken (stored and recorded). */
  last_uid: ColumnType<string | number, string | number | undefined, string | number>;
  /** A poller holds the source until then (claimed with a row lock). */
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_poll_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_ok_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  last_taken: ColumnType<number | null, number | null | undefined, number | null>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
export type SettingsSource = 'environment' | 'stored';
export type MailTls = 'implicit' | 'starttls' | 'opportunistic';

/**
 * How mail goes out, as an administrator saved it (migration 0048); one row. `environment`: the
 * server's ONEPOINT_SMTP_URL / ONEPOINT_MAIL_FROM apply and the other columns are empty.
 */
export interface ChannelMailSettingsTable {
  id: ColumnType<number, number | undefined, never>;
  source: SettingsSource;
  host: string | null;
  port: number | null;
  tls: MailTls | null;
  username: string | null;
  /** The SMTP password, encrypted with the platform vault (bound to `channel-settings:mail:password`). */
  password_enc: string | null;
  mail_from: string | null;
  version: Generated<number>;
  updated_at: NullableTimestamp;
  /** The login of who saved or reset it. */
  updated_by: string | null;
}

/** The SMS/voice driver as an administrator saved it (migration 0048); one row, like mail's. */
export interface ChannelSmsSettingsTable {
  id: ColumnType<number, number | undefined, never>;
  source: SettingsSource;
  driver: 'simulator' | 'http' | null;
  url: string | null;
  /** The gateway's HMAC key, encrypted (bound to `channel-settings:sms:key`). */
  key_enc: string | null;
  sign_name: string | null;
  version: Generated<number>;
  updated_at: NullableTimestamp;
  updated_by: string | null;
}

export interface ChannelsTables {
  channel_mail_settings: ChannelMailSettingsTable;
  channel_sms_settings: ChannelSmsSettingsTable;
  communication_messages: CommunicationMessagesTable;
  channel_mailboxes: ChannelMailboxesTable;
  channel_imap_sources: ChannelImapSourcesTable;
  channel_inbound: ChannelInboundTable;
  notices: NoticesTable;
  notice_templates: NoticeTemplatesTable;
  channel_consumers: ChannelConsumersTable;
  channel_events_seen: ChannelEventsSeenTable;
  channel_simulated: ChannelSimulatedTable;
}

export type Db = Kysely<ChannelsTables>;
export type Tx = Transaction<ChannelsTables>;
export type Executor = OwnExecutor<ChannelsTables>;
export type ModuleContext = PlatformModuleContext<ChannelsTables>;
