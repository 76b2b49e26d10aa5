/**
 * Progress notices (进度通知): the service-request events in the outbox become notices to the
 * customer — accepted, dispatched, resolved (回单), callback survey (回访) — from the template of
 * the event, over the primary contact's preferred channel, not in their quiet hours (免打扰时段)
 * unless the request is urgent, and never twice (one row per request + event + recipient).
 * Delivery retries from the job queue; each attempt's outcome goes on the request's timeline.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { maskEmail, maskPhone } from '../../platform/pii/masking.ts';
import { noticeContactOf, type NoticeContact } from '../customers/index.ts';
import { consumeQueued, registerConsumer, type ConsumedEvent } from '../events/index.ts';
import type { RequestChannelPort } from '../service-requests/index.ts';
import type { Db, NoticeChannel } from './channels.tables.ts';
import { GatewayError, type Gateways } from './gateway.ts';

export const NOTICE_EVENTS = ['accepted', 'dispatched', 'resolved', 'callback_survey'] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

export const LANGS = ['zh-CN', 'en'] as const;

/** The seeded templates; administrators edit them (`PUT /api/v1/notice-templates/{event}/{lang}`). */
export const DEFAULT_TEMPLATES: Record<
  NoticeEvent,
  Record<(typeof LANGS)[number], { subject: string; body: string }>
> = {
  accepted: {
    'zh-CN': {
      subject: '您的服务请求 {number} 已受理',
      body: '您好，您的服务请求“{title}”已受理，单号 {number}。我们会尽快处理。',
    },
    en: {
      subject: 'Your request {number} has been accepted',
      body: 'Hello, your request "{title}" has been accepted as {number}. We will handle it soon.',
    },
  },
  dispatched: {
    'zh-CN': {
      subject: '服务请求 {number} 已派单',
      body: '您好，您的服务请求 {number} 已派发给处理人员，请保持电话畅通。',
    },
    en: {
      subject: 'Request {number} is with our team',
      body: 'Hello, your request {number} has been passed to the staff who will handle it.',
    },
  },
  resolved: {
    'zh-CN': {
      subject: '服务请求 {number} 已处理完毕',
      body: '您好，您的服务请求 {number} 已处理完毕：{resolution}。满意请回复1，不满意请回复2。',
    },
    en: {
      subject: 'Request {number} is resolved',
      body: 'Hello, your request {number} is resolved: {resolution}. Reply 1 if satisfied, 2 if not.',
    },
  },
  callback_survey: {
    'zh-CN': {
      subject: '请评价服务请求 {number}',
      body: '您好，请对服务请求 {number} 的处理进行评价：满意请回复1，不满意请回复2。',
    },
    en: {
      subject: 'How did we do on {number}?',
      body: 'Hello, please rate how we handled {number}: reply 1 if satisfied, 2 if not.',
    },
  },
};

/** `{name}` → the value (unknown names stay as typed). Values are masked before they get here. */
export function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (all, name: string) => vars[name] ?? all);
}

const hhmm = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return h! * 60 + m!;
};

/** Minutes since local midnight in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * When a notice may go: `now`, or the end of the quiet hours `start`–`end` (local time of
 * `timeZone`; a window past midnight such as 22:00–08:00 is allowed) when now is inside them.
 */
export function dueAfterQuietHours(
  now: Date,
  quiet: { start: string | null; end: string | null },
  timeZone: string,
): Date {
  if (!quiet.start || !quiet.end) return now;
  const start = hhmm(quiet.start);
  const end = hhmm(quiet.end);
  if (start === end) return now;
  const cur = localMinutes(now, timeZone);
  const inside = start < end ? cur >= start && cur < end : cur >= start || cur < end;
  if (!inside) return now;
  const wait = (end - cur + 1440) % 1440;
  const due = new Date(now.getTime() + wait * 60_000);
  due.setUTCSeconds(0, 0);
  return due;
}

/** Which notice an event makes, if any. */
export function noticeEventOf(e: Pick<ConsumedEvent, 'eventType' | 'envelope'>): NoticeEvent | undefined {
  const view = (e.envelope.event as { serviceRequest?: { status?: string } }).serviceRequest;
  if (e.eventType === 'ServiceRequestCreateEvent') return view?.status === 'closed' ? undefined : 'accepted';
  if (e.eventType !== 'ServiceRequestStateChangeEvent') return undefined;
  switch (view?.status) {
    case 'dispatched':
      return 'dispatched';
    case 'resolved':
      return 'resolved';
    case 'callback':
      return 'callback_survey';
    default:
      return undefined;
  }
}

/** The channel a contact's notices take, and the address on it; undefined: not to be told. */
export function channelFor(c: NoticeContact): { channel: NoticeChannel; to: string } | undefined {
  const byPref: Record<string, NoticeChannel[]> = {
    sms: ['sms', 'email'],
    wechat: ['sms', 'email'], // no WeChat driver yet: the nearest is SMS
    phone: ['voice', 'sms', 'email'],
    email: ['email', 'sms'],
    none: [],
  };
  for (const ch of byPref[c.preferredChannel] ?? ['sms', 'email']) {
    if (ch === 'email' && c.email) return { channel: 'email', to: c.email };
    if (ch !== 'email' && c.phone && /^1\d{10}$/.test(c.phone.replace(/^\+?86/, '')))
      return { channel: ch, to: c.phone.replace(/^\+?86/, '') };
  }
  return undefined;
}

export interface NoticeDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  requests: RequestChannelPort;
  gateways: Gateways;
  /** Attempts before a notice is given up (a TMF681 message's `tryTimes` overrides it). */
  maxAttempts?: number;
  /** After each attempt at a TMF681 message's notice (tmf681/: its state and events). */
  onMessageNotice?: (messageId: string) => Promise<void>;
}

/** The notices' queue on the outbox (events module): events of these types, once each. */
export const NOTICES_CONSUMER = 'channels.notices';
const LEGACY_CURSOR = 'notices';
const LOOKBACK_MS = 120_000;
const BATCH = 200;
const EVENT_TYPES = ['ServiceRequestCreateEvent', 'ServiceRequestStateChangeEvent'];

interface RequestEventView {
  id: string;
  number: string;
  title?: string;
  status?: string;
  priority?: string;
  resolution?: string | null;
  customer?: { id: string } | null;
}

/** Makes the notice of one event (idempotent: a second time for the same event makes nothing). */
async function planNotice(deps: NoticeDeps, e: ConsumedEvent): Promise<boolean> {
  const event = noticeEventOf(e);
  const view = (e.envelope.event as { serviceRequest?: RequestEventView }).serviceRequest;
  if (!event || !view?.customer?.id) return false;
  const contact = await noticeContactOf(deps.db, view.customer.id);
  const route = contact ? channelFor(contact) : undefined;
  if (!contact || !route) return false;
  const lang = 'zh-CN';
  const tpl = (await deps.db
    .selectFrom('notice_templates')
    .select(['subject', 'body', 'sms_template_id'])
    .where('event', '=', event)
    .where('lang', '=', lang)
    .executeTakeFirst()) ?? { ...DEFAULT_TEMPLATES[event][lang], sms_template_id: null };
  const vars = noticeVariables(view);
  const now = deps.clock.now();
  const urgent = view.priority === 'urgent';
  const due = urgent
    ? now
    : dueAfterQuietHours(now, { start: contact.quietHoursStart, end: contact.quietHoursEnd }, deps.timeZone);
  const inserted = await deps.db
    .insertInto('notices')
    .values({
      id: uuidv7(),
      request_id: view.id,
      request_number: view.number,
      event,
      recipient_key: `customer:${contact.customerId}`,
      customer_id: contact.customerId,
      channel: route.channel,
      to_address: route.to,
      to_masked: (route.channel === 'email' ? maskEmail(route.to) : maskPhone(route.to)) ?? '***',
      lang,
      subject: route.channel === 'email' ? render(tpl.subject, vars) : null,
      body: render(tpl.body, vars),
      urgent,
      due_at: due,
      next_attempt_at: due,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['request_id', 'event', 'recipient_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The template variables of a request, personal data masked (free text through maskFreeText). */
export function noticeVariables(view: RequestEventView): Record<string, string> {
  const cut = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s);
  return {
    number: view.number,
    title: cut(maskFreeText(view.title ?? ''), 40),
    status: view.status ?? '',
    resolution: cut(maskFreeText(view.resolution ?? ''), 60),
  };
}

/**
 * Registers the notices' queue with the outbox (every process, at start): from then on each
 * committed request event is queued for it in its own transaction. A database that ran the former
 * cursor consumer (`channel_consumers`) has the events since that cursor (and its two-minute look
 * back) queued once, so none is lost in the move; notices already made are not made again.
 */
export async function registerNoticeConsumer(db: Db, now: Date): Promise<void> {
  const legacy = await db
    .selectFrom('channel_consumers')
    .select('cursor_at')
    .where('name', '=', LEGACY_CURSOR)
    .executeTakeFirst();
  await registerConsumer(db, {
    name: NOTICES_CONSUMER,
    eventTypes: EVENT_TYPES,
    now,
    ...(legacy?.cursor_at
      ? { backfillSince: new Date(new Date(legacy.cursor_at).getTime() - LOOKBACK_MS) }
      : {}),
  });
}

/**
 * One round of the notices' consumer: the queued request events (claimed with `FOR UPDATE SKIP
 * LOCKED`, so two processes never plan the same event; planning is idempotent besides), each
 * planned into at most one notice per recipient.
 */
export async function consumeRequestEvents(deps: NoticeDeps): Promise<{ planned: number; more: boolean }> {
  let planned = 0;
  const r = await consumeQueued(
    deps.db,
    { consumer: NOTICES_CONSUMER, limit: BATCH, now: deps.clock.now() },
    async (e) => {
      if (await planNotice(deps, e)) planned += 1;
    },
  );
  if (r.failed > 0) deps.logger.warn({ failed: r.failed }, 'request events not planned; retried later');
  return { planned, more: r.more };
}

const LEASE_MS = 60_000;
const backoffMs = (attempts: number) => Math.min(3600_000, 30_000 * 2 ** (attempts - 1));

/**
 * Sends the notices that are due (quiet hours over, next attempt reached): each is leased, sent,
 * and its outcome recorded — sent, or retried later with back-off, or given up after
 * `maxAttempts` — and written on the request's timeline.
 */
export async function deliverDueNotices(
  deps: NoticeDeps,
  limit = 20,
): Promise<{ sent: number; failed: number }> {
  const now = deps.clock.now();
  const defaultMaxAttempts = deps.maxAttempts ?? 5;
  const claimed = await deps.db.transaction().execute(async (trx) => {
    const ids = await trx
      .selectFrom('notices')
      .select('id')
      .where('status', '=', 'waiting')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (ids.length === 0) return [];
    return trx
      .updateTable('notices')
      .set({ next_attempt_at: new Date(now.getTime() + LEASE_MS) })
      .where(
        'id',
        'in',
        ids.map((r) => r.id),
      )
      .returningAll()
      .execute();
  });
  let sent = 0;
  let failed = 0;
  for (const n of claimed) {
    const attempt = n.attempts + 1;
    const maxAttempts = n.max_attempts ?? defaultMaxAttempts;
    const tpl = n.channel === 'email' ? undefined : await smsTemplateId(deps.db, n.event, n.lang);
    let providerRef: string | undefined;
    let error: string | undefined;
    try {
      providerRef = await (n.channel === 'email' ? deps.gateways.mail : deps.gateways.sms).send({
        id: n.id,
        channel: n.channel,
        to: n.to_address,
        subject: n.subject,
        body: n.body,
        templateId: tpl ?? null,
        variables: n.request_number ? { number: n.request_number } : {},
        requestNumber: n.request_number,
      });
    } catch (err) {
      error = (err instanceof GatewayError ? err.message : `${(err as Error).message}`).slice(0, 500);
      // Never the address in the error we keep or show.
      error = error.split(n.to_address).join(n.to_masked);
    }
    const giveUp = error !== undefined && attempt >= maxAttempts;
    const next = error && !giveUp ? new Date(now.getTime() + backoffMs(attempt)) : now;
    await deps.db
      .updateTable('notices')
      .set({
        attempts: attempt,
        status: error ? (giveUp ? 'failed' : 'waiting') : 'sent',
        next_attempt_at: next,
        last_error: error ?? null,
        provider_ref: providerRef ?? null,
        sent_at: error ? null : now,
      })
      .where('id', '=', n.id)
      // A TMF681 message cancelled meanwhile stays cancelled.
      .where('status', '=', 'waiting')
      .execute();
    const outcome = error ? (giveUp ? 'gave_up' : 'retry') : 'sent';
    // A TMF681 message: its state follows its notices (and tells its listeners).
    if (n.message_id) await deps.onMessageNotice?.(n.message_id);
    // On the request's timeline (a TMF681 message is about no request: its notices show it). The
    // console renders the entry from `code` and its parameters in the reader's language; the body
    // is an English fallback for API clients.
    if (n.request_id)
      await deps.requests.noticeAttempt(deps.db, n.request_id, {
        body:
          outcome === 'sent'
            ? `Notice "${n.event}" sent by ${n.channel} to ${n.to_masked}`
            : `Notice "${n.event}" by ${n.channel} to ${n.to_masked} failed (attempt ${attempt}): ${error}`,
        details: {
          code: `notice.${outcome}`,
          notice: n.id,
          event: n.event,
          channel: n.channel,
          to: n.to_masked,
          attempt,
          outcome,
          ...(error ? { error } : {}),
          ...(outcome === 'retry' ? { nextAttemptAt: next.toISOString() } : {}),
        },
        at: now,
      });
    if (error) {
      failed += 1;
      deps.logger.warn({ notice: n.id, channel: n.channel, attempt, outcome }, 'notice not sent');
    } else sent += 1;
  }
  return { sent, failed };
}

async function smsTemplateId(db: Db, event: string, lang: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('notice_templates')
    .select('sms_template_id')
    .where('event', '=', event)
    .where('lang', '=', lang)
    .executeTakeFirst();
  return r?.sms_template_id ?? undefined;
}

/** Seeds the default templates (the ones not there yet; an administrator's edits stay). */
export async function seedTemplates(db: Db, now: Date): Promise<void> {
  const rows = NOTICE_EVENTS.flatMap((event) =>
    LANGS.map((lang) => ({ event, lang, ...DEFAULT_TEMPLATES[event][lang], updated_at: now })),
  );
  await db
    .insertInto('notice_templates')
    .values(rows)
    .onConflict((oc) => oc.columns(['event', 'lang']).doNothing())
    .execute();
}

/** The notices of a request, newest last (for its page): masked recipient, status, attempts. */
export async function noticesOf(db: Db, requestId: string) {
  const rows = await db
    .selectFrom('notices')
    .select([
      'id',
      'event',
      'channel',
      'to_masked',
      'status',
      'attempts',
      'last_error',
      'due_at',
      'sent_at',
      'created_at',
      'body',
    ])
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({
    id: r.id,
    event: r.event,
    channel: r.channel,
    to: r.to_masked,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    dueAt: iso(r.due_at)!,
    sentAt: iso(r.sent_at),
    createdAt: iso(r.created_at)!,
    body: r.body,
  }));
}
