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

export type NoticeStatus = 'waiting' | 'sent' | 'failed' | 'skipped';
export type NoticeChannel = 'sms' | 'email' | 'voice';

/** One notice to one recipient about one event of one request: never twice (unique). */
export interface NoticesTable {
  id: string;
  request_id: string;
  request_number: string;
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

/** The outbox consumer's position, and the events it has handled (for its look back). */
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

export interface ChannelsTables {
  channel_mailboxes: ChannelMailboxesTable;
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
