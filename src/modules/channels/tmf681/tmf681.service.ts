/**
 * TMF681 use cases: a message is stored as sent (checked) and each receiver becomes a notice that
 * the notices' delivery sends (SMS through the NoticeGateway, Email over SMTP) with its retries;
 * the message's `state` follows its notices. Every change is audited and told to TMF681 listeners
 * through the outbox, in its transaction.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../../../platform/clock.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Caller } from '../../../platform/http/caller.ts';
import { maskFreeText, maskFreeTextDeep } from '../../../platform/pii/free-text.ts';
import { maskEmail, maskMiddle, maskPhone } from '../../../platform/pii/masking.ts';
import {
  invalidTmfAttribute,
  parseFilters,
  resourceHref,
  selectFields,
  sqlCondition,
  type FilterCatalogue,
  type FilterCondition,
  type TmfResource,
} from '../../../platform/tmf/index.ts';
import { appendAudit } from '../../audit/index.ts';
import { recordEvent } from '../../events/index.ts';
import type { CommunicationMessagesTable, Db, MessageState, NoticeStatus, Tx } from '../channels.tables.ts';
import {
  attachmentsOf,
  checkAttributeNames,
  dateTime,
  isObject,
  keptOf,
  MESSAGE_STATES,
  messageTypeOf,
  receiversOf,
  senderOf,
  shownType,
  text,
  tryTimesOf,
  type Json,
  type MessageType,
} from './tmf681.body.ts';

export const TMF681_BASE = '/tmf-api/communicationManagement/v4';
export const COMMUNICATION_MESSAGE_EVENT_TYPES = [
  'CommunicationMessageCreateEvent',
  'CommunicationMessageAttributeValueChangeEvent',
  'CommunicationMessageStateChangeEvent',
  'CommunicationMessageDeleteEvent',
] as const;
type EventType = (typeof COMMUNICATION_MESSAGE_EVENT_TYPES)[number];

export interface MessageDeps {
  db: Db;
  clock: Clock;
}

type Row = {
  [K in keyof CommunicationMessagesTable]: K extends 'attributes'
    ? Json
    : K extends 'state'
      ? MessageState
      : K extends 'scheduled_send_time'
        ? Date | null
        : K extends 'version'
          ? number
          : K extends 'created_at' | 'updated_at'
            ? Date
            : CommunicationMessagesTable[K];
};
interface NoticeRow {
  id: string;
  recipient_key: string;
  message_id: string | null;
  to_address: string;
  status: NoticeStatus;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
}

const bad = invalidTmfAttribute;
const notFound = () => new AppError('NOT_FOUND', 'communication message not found');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);
export const messageHref = (base: string, id: string) =>
  resourceHref(base, `${TMF681_BASE}/communicationMessage`, id);

/** The state of a message from its notices (a cancelled message stays cancelled). */
export function stateOf(current: MessageState, notices: readonly Pick<NoticeRow, 'status' | 'attempts'>[]) {
  if (current === 'cancelled') return 'cancelled';
  if (notices.length === 0) return current;
  if (notices.every((n) => n.status === 'sent')) return 'completed';
  if (notices.some((n) => n.status === 'waiting'))
    return notices.some((n) => n.attempts > 0 || n.status !== 'waiting') ? 'inProgress' : 'initial';
  return notices.some((n) => n.status === 'failed') ? 'failed' : 'completed';
}

const maskAddress = (type: MessageType, value: unknown) =>
  typeof value !== 'string' ? value : type === 'sms' ? maskPhone(value) : maskEmail(value);
const maskName = (value: unknown) => (typeof value === 'string' ? maskMiddle(value, 1, 0) : value);

/** The message as TMF681 shows it: personal data masked (addresses, names, free text). */
export function toMessage(row: Row, notices: readonly NoticeRow[], base: string): TmfResource {
  const a = row.attributes;
  const type = row.message_type;
  const mine = notices.filter((n) => n.message_id === row.id);
  const sent = mine.map((n) => n.sent_at).filter((d): d is Date => d !== null);
  const first = sent.length ? new Date(Math.min(...sent.map((d) => new Date(d).getTime()))) : undefined;
  const last = sent.length ? new Date(Math.max(...sent.map((d) => new Date(d).getTime()))) : undefined;
  const receivers = (a.receiver as Json[] | undefined) ?? [];
  const sender = (a.sender as Json | undefined) ?? {};
  return {
    id: row.id,
    href: messageHref(base, row.id),
    '@type': 'CommunicationMessage',
    ...(typeof a['@baseType'] === 'string' ? { '@baseType': a['@baseType'] } : {}),
    ...(typeof a['@schemaLocation'] === 'string' ? { '@schemaLocation': a['@schemaLocation'] } : {}),
    messageType: shownType(type),
    ...(row.subject !== null ? { subject: maskFreeText(row.subject) } : {}),
    content: maskFreeText(row.content),
    ...(typeof a.description === 'string' ? { description: maskFreeText(a.description) } : {}),
    ...(typeof a.priority === 'string' ? { priority: a.priority } : {}),
    ...(typeof a.logFlag === 'boolean' ? { logFlag: a.logFlag } : {}),
    ...(row.try_times !== null ? { tryTimes: row.try_times } : {}),
    ...(row.scheduled_send_time ? { scheduledSendTime: iso(row.scheduled_send_time) } : {}),
    ...(first ? { sendTime: first.toISOString() } : {}),
    ...(row.state === 'completed' && last ? { sendTimeComplete: last.toISOString() } : {}),
    state: row.state,
    sender: maskFreeTextDeep({
      ...sender,
      ...(sender.phoneNumber !== undefined ? { phoneNumber: maskPhone(String(sender.phoneNumber)) } : {}),
      ...(sender.email !== undefined ? { email: maskEmail(String(sender.email)) } : {}),
    }),
    // Each receiver as sent (masked), with how its notice fares: deliveryState (waiting, sent,
    // failed, cancelled), attempts and the last error (our extension; the address never in clear).
    receiver: receivers.map((r, i) => {
      const n = mine.find((x) => x.recipient_key === `message:${row.id}:${i}`);
      return maskFreeTextDeep({
        ...r,
        ...(r.phoneNumber !== undefined ? { phoneNumber: maskAddress('sms', r.phoneNumber) } : {}),
        ...(r.email !== undefined ? { email: maskAddress('email', r.email) } : {}),
        ...(r.name !== undefined ? { name: maskName(r.name) } : {}),
        ...(n
          ? {
              deliveryState: n.status,
              attempts: n.attempts,
              ...(n.last_error ? { lastError: n.last_error } : {}),
            }
          : {}),
      });
    }),
    attachment: [],
    characteristic: maskFreeTextDeep((a.characteristic as Json[] | undefined) ?? []),
  };
}

async function noticesFor(db: Db | Tx, ids: readonly string[]): Promise<NoticeRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('notices')
    .select([
      'id',
      'recipient_key',
      'message_id',
      'to_address',
      'status',
      'attempts',
      'last_error',
      'sent_at',
    ])
    .where('message_id', 'in', [...ids])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

async function loadRow(db: Db | Tx, id: string, lock = false): Promise<Row> {
  if (!UUID.test(id)) throw notFound();
  let q = db.selectFrom('communication_messages').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound();
  return row as Row;
}

async function record(trx: Tx, type: EventType, row: Row, now: Date, extra: Json = {}) {
  const view = toMessage(row, await noticesFor(trx, [row.id]), '');
  await recordEvent(trx, {
    subject: `communicationMessage.${type}`,
    eventType: type,
    aggregateType: 'communicationMessage',
    aggregateId: row.id,
    event: { communicationMessage: view, ...extra },
    at: now,
  });
}

const audit = (trx: Tx, caller: Caller, action: string, id: string, details: Json) =>
  appendAudit(
    trx,
    caller.actor,
    { action: `communication_message.${action}`, entityType: 'communication_message', entityId: id, details },
    caller.now,
  );

export async function getMessage(deps: MessageDeps, id: string, base: string) {
  const row = await loadRow(deps.db, id);
  return toMessage(row, await noticesFor(deps.db, [id]), base);
}

/** POST /communicationMessage: checked, stored, one notice per receiver (due at scheduledSendTime). */
export async function createMessage(deps: MessageDeps, caller: Caller, body: unknown): Promise<string> {
  if (!isObject(body)) throw bad('body', 'send a CommunicationMessage object');
  checkAttributeNames(body);
  for (const k of ['id', 'href', 'sendTime', 'sendTimeComplete'])
    if (body[k] !== undefined) throw bad(k, 'is set by the server; leave it out');
  if (body['@type'] !== undefined && body['@type'] !== 'CommunicationMessage')
    throw bad('@type', 'must be "CommunicationMessage"');
  for (const k of ['content', 'receiver', 'sender', 'messageType'])
    if (body[k] === undefined || body[k] === null) throw bad(k, 'is required');
  if (body.state !== undefined && body.state !== 'initial')
    throw bad('state', 'a new message is initial; cancel one with PATCH state cancelled or DELETE');
  const type = messageTypeOf(body.messageType);
  const content = text(body.content, 'content', type === 'sms' ? 500 : 2000, 1);
  const subject =
    body.subject === undefined || body.subject === null ? null : text(body.subject, 'subject', 200, 1);
  if (type === 'email' && subject === null) throw bad('subject', 'is required for Email');
  const receivers = receiversOf(body.receiver, type);
  const sender = senderOf(body.sender);
  if (body.attachment !== undefined) attachmentsOf(body.attachment);
  const tryTimes = body.tryTimes === undefined ? null : tryTimesOf(body.tryTimes);
  const scheduled =
    body.scheduledSendTime === undefined ? null : dateTime(body.scheduledSendTime, 'scheduledSendTime');
  const attributes = { ...keptOf(body), sender, receiver: receivers.map((r) => r.kept) };
  const now = caller.now;
  const id = uuidv7();
  const due = scheduled && scheduled > now ? scheduled : now;
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('communication_messages')
      .values({
        id,
        message_type: type,
        subject,
        content,
        scheduled_send_time: scheduled,
        try_times: tryTimes,
        attributes: JSON.stringify(attributes),
        created_by: caller.principal.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('notices')
      .values(
        receivers.map((r, i) => ({
          id: uuidv7(),
          request_id: null,
          request_number: null,
          message_id: id,
          max_attempts: tryTimes,
          event: 'tmf681',
          recipient_key: `message:${id}:${i}`,
          customer_id: null,
          channel: type,
          to_address: r.address,
          to_masked: (type === 'sms' ? maskPhone(r.address) : maskEmail(r.address)) ?? '',
          lang: 'zh-CN',
          subject,
          body: content,
          urgent: false,
          status: 'waiting' as const,
          due_at: due,
          next_attempt_at: due,
          created_at: now,
        })),
      )
      .execute();
    await audit(trx, caller, 'create', id, { messageType: type, receivers: receivers.length });
    await record(trx, 'CommunicationMessageCreateEvent', row as Row, now);
  });
  return id;
}

/** After an attempt at one of its notices: the message's state, and its event when it changes. */
export async function refreshMessageState(deps: MessageDeps, id: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadRow(trx, id, true);
    const next = stateOf(row.state, await noticesFor(trx, [id]));
    if (next === row.state) return;
    const updated = await trx
      .updateTable('communication_messages')
      .set({ state: next, updated_at: now, version: row.version + 1 })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await record(trx, 'CommunicationMessageStateChangeEvent', updated as Row, now);
  });
}

/** Waiting notices of the message withdrawn: the message is cancelled. */
async function cancelIn(trx: Tx, row: Row, now: Date): Promise<Row> {
  await trx
    .updateTable('notices')
    .set({ status: 'cancelled' })
    .where('message_id', '=', row.id)
    .where('status', '=', 'waiting')
    .execute();
  return (await trx
    .updateTable('communication_messages')
    .set({ state: 'cancelled', updated_at: now, version: row.version + 1 })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Row;
}

const notCancellable = (state: MessageState) =>
  new AppError(
    'TRANSITION_NOT_ALLOWED',
    `the message is ${state}: only a message still being sent (initial, inProgress) is cancelled; the record is kept`,
    { state, allowed: [] },
  );

/** DELETE: a message not yet (fully) sent is cancelled — its waiting notices withdrawn. */
export async function cancelMessage(deps: MessageDeps, caller: Caller, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadRow(trx, id, true);
    if (row.state === 'cancelled') return;
    if (row.state !== 'initial' && row.state !== 'inProgress') throw notCancellable(row.state);
    const updated = await cancelIn(trx, row, caller.now);
    await audit(trx, caller, 'cancel', id, { from: row.state, via: 'DELETE' });
    await record(trx, 'CommunicationMessageDeleteEvent', updated, caller.now);
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * PATCH (merge patch): kept attributes any time; content, subject, scheduledSendTime and tryTimes
 * while nothing has been tried (initial); state `cancelled` while it is being sent. messageType,
 * receiver, sender and attachment cannot change (422); the server's attributes unchanged only.
 * All or nothing, in one transaction.
 */
export async function patchMessage(
  deps: MessageDeps,
  caller: Caller,
  id: string,
  body: unknown,
  base: string,
): Promise<void> {
  if (!isObject(body) || Object.keys(body).length === 0)
    throw bad('body', 'send a JSON object with at least one attribute to change (JSON Merge Patch)');
  checkAttributeNames(body);
  await deps.db.transaction().execute(async (trx) => {
    const row = await loadRow(trx, id, true);
    const current = toMessage(row, await noticesFor(trx, [id]), base);
    for (const k of ['id', 'href', 'sendTime', 'sendTimeComplete', '@type'] as const)
      if (Object.hasOwn(body, k) && !same(body[k], current[k]))
        throw bad(k, 'is set by the server and cannot be changed');
    for (const k of ['messageType', 'receiver', 'sender'] as const)
      if (Object.hasOwn(body, k)) {
        const unchanged =
          k === 'messageType'
            ? body[k] !== null && messageTypeOf(body[k]) === row.message_type
            : same(body[k], row.attributes[k]);
        if (!unchanged)
          throw new AppError('UNPROCESSABLE', `${k}: cannot be changed (send a new message)`, {
            fields: [{ field: k, message: 'cannot be changed' }],
          });
      }
    if (Object.hasOwn(body, 'attachment') && body.attachment !== null) attachmentsOf(body.attachment);
    const set: Record<string, unknown> = {};
    const notices: Record<string, unknown> = {};
    const changed: string[] = [];
    // What would change what is sent (the same value sent back is no change).
    const sentNow: Json = {
      content: row.content,
      subject: row.subject,
      scheduledSendTime: iso(row.scheduled_send_time) ?? null,
      tryTimes: row.try_times,
    };
    const sending = Object.keys(sentNow).filter((k) => {
      if (!Object.hasOwn(body, k)) return false;
      const v = body[k];
      const asSent = k === 'scheduledSendTime' && typeof v === 'string' && !Number.isNaN(Date.parse(v));
      return !same(asSent ? new Date(v).toISOString() : (v ?? null), sentNow[k]);
    });
    if (sending.length && row.state !== 'initial')
      throw new AppError(
        'CONFLICT',
        `${sending.join(', ')}: cannot change once sending has begun (the message is ${row.state})`,
        { state: row.state },
      );
    if (Object.hasOwn(body, 'content')) {
      if (body.content === null) throw bad('content', 'cannot be removed');
      set.content = notices.body = text(body.content, 'content', row.message_type === 'sms' ? 500 : 2000, 1);
    }
    if (Object.hasOwn(body, 'subject')) {
      const s = body.subject === null ? null : text(body.subject, 'subject', 200, 1);
      if (s === null && row.message_type === 'email') throw bad('subject', 'is required for Email');
      set.subject = notices.subject = s;
    }
    if (Object.hasOwn(body, 'scheduledSendTime')) {
      const at =
        body.scheduledSendTime === null ? null : dateTime(body.scheduledSendTime, 'scheduledSendTime');
      set.scheduled_send_time = at;
      notices.due_at = notices.next_attempt_at = at && at > caller.now ? at : caller.now;
    }
    if (Object.hasOwn(body, 'tryTimes')) {
      const n = body.tryTimes === null ? null : tryTimesOf(body.tryTimes);
      set.try_times = notices.max_attempts = n;
    }
    let cancel = false;
    if (Object.hasOwn(body, 'state') && body.state !== row.state) {
      if (typeof body.state !== 'string' || !(MESSAGE_STATES as readonly string[]).includes(body.state))
        throw bad('state', `must be one of ${MESSAGE_STATES.join(', ')}`);
      if (body.state !== 'cancelled')
        throw new AppError(
          'UNPROCESSABLE',
          `state: only cancelled can be asked for (the others follow the delivery)`,
          { fields: [{ field: 'state', message: 'only cancelled can be set' }] },
        );
      if (row.state !== 'initial' && row.state !== 'inProgress') throw notCancellable(row.state);
      cancel = true;
    }
    const kept = keptOf(body, row.attributes);
    if (!same(kept, row.attributes)) set.attributes = JSON.stringify(kept);
    for (const k of Object.keys(set)) changed.push(k);
    if (changed.length === 0 && !cancel) return; // nothing differs: nothing written, no event
    let updated = row;
    if (changed.length) {
      updated = (await trx
        .updateTable('communication_messages')
        .set({ ...set, updated_at: caller.now, version: row.version + 1 })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()) as Row;
      if (Object.keys(notices).length)
        await trx
          .updateTable('notices')
          .set(notices)
          .where('message_id', '=', id)
          .where('status', '=', 'waiting')
          .execute();
      await record(trx, 'CommunicationMessageAttributeValueChangeEvent', updated, caller.now, {
        changed,
      });
    }
    if (cancel) {
      updated = await cancelIn(trx, updated, caller.now);
      await record(trx, 'CommunicationMessageStateChangeEvent', updated, caller.now);
    }
    await audit(trx, caller, 'update', id, { changed, ...(cancel ? { state: 'cancelled' } : {}) });
  });
}

const FILTERS = {
  id: { type: 'string' },
  '@type': { type: 'enum', values: ['CommunicationMessage'] },
  state: { type: 'enum', values: MESSAGE_STATES },
  messageType: { type: 'enum', values: ['SMS', 'Email', 'sms', 'email'] },
  priority: { type: 'string', operators: ['eq', 'ne'] },
  scheduledSendTime: { type: 'dateTime' },
} satisfies FilterCatalogue;
type Field = keyof typeof FILTERS;

function conditionSql(
  eb: Parameters<typeof sqlCondition>[0],
  c: FilterCondition<Field>,
): Expression<SqlBool> {
  switch (c.field) {
    case 'id': {
      const ids = c.values.map(String).filter((v) => UUID.test(v));
      if (ids.length === 0) return c.op === 'eq' ? sql<SqlBool>`false` : sql<SqlBool>`true`;
      return sqlCondition(eb, 'm.id', { op: c.op, values: ids });
    }
    case '@type':
      return c.op === 'eq' ? sql<SqlBool>`true` : sql<SqlBool>`false`;
    case 'state':
      return sqlCondition(eb, 'm.state', c);
    case 'messageType':
      return sqlCondition(eb, 'm.message_type', {
        op: c.op,
        values: c.values.map((v) => String(v).toLowerCase()),
      });
    case 'priority':
      return sqlCondition(eb, sql`m.attributes ->> 'priority'`, c);
    case 'scheduledSendTime':
      return sqlCondition(eb, 'm.scheduled_send_time', c);
  }
}

/** GET /communicationMessage: newest first, filters, offset/limit. */
export async function listMessages(
  deps: MessageDeps,
  q: { fields?: string | undefined; offset: number; limit: number } & Record<string, unknown>,
  base: string,
) {
  const conditions = parseFilters(q, FILTERS);
  const query = deps.db
    .selectFrom('communication_messages as m')
    .where((eb) =>
      conditions.length ? eb.and(conditions.map((c) => conditionSql(eb, c))) : sql<SqlBool>`true`,
    );
  const [{ total }, rows] = await Promise.all([
    query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    query
      .selectAll('m')
      .orderBy('m.created_at', 'desc')
      .orderBy('m.id', 'desc')
      .offset(q.offset)
      .limit(q.limit)
      .execute(),
  ]);
  const notices = await noticesFor(
    deps.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => selectFields(toMessage(r as Row, notices, base), q.fields)),
    total: Number(total),
  };
}
