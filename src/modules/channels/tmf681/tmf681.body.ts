/**
 * TMF681 Communication Message v4 bodies (pure): every attribute the spec allows is kept or refused
 * by name — never dropped. What is sent: `messageType` (SMS or Email), `content`, `subject`, one
 * notice per `receiver` (its phoneNumber or email). What is kept and shown back as sent: sender,
 * the receivers' other attributes, description, priority, logFlag, characteristic, @baseType,
 * @schemaLocation. Attachments are not sent by our gateways: a non-empty `attachment` is refused.
 */
import { invalidTmfAttribute } from '../../../platform/tmf/index.ts';
import { AppError } from '../../../platform/errors.ts';

export type Json = Record<string, unknown>;
export type MessageType = 'sms' | 'email';

const bad = invalidTmfAttribute;
const unprocessable = (field: string, message: string) =>
  new AppError('UNPROCESSABLE', `${field}: ${message}`, { fields: [{ field, message }] });

/** The attributes of CommunicationMessage in the spec. */
export const MESSAGE_ATTRIBUTES = [
  'id',
  'href',
  'content',
  'description',
  'logFlag',
  'messageType',
  'priority',
  'scheduledSendTime',
  'sendTime',
  'sendTimeComplete',
  'subject',
  'tryTimes',
  'attachment',
  'characteristic',
  'receiver',
  'sender',
  'state',
  '@baseType',
  '@schemaLocation',
  '@type',
] as const;
/** Set by the server: refused in a create, unchanged only in a PATCH. */
export const SERVER_ATTRIBUTES = ['id', 'href', 'sendTime', 'sendTimeComplete'] as const;
export const MESSAGE_STATES = ['initial', 'inProgress', 'completed', 'cancelled', 'failed'] as const;

const RECEIVER_ATTRIBUTES = new Set([
  'id',
  'appUserId',
  'email',
  'ip',
  'name',
  'phoneNumber',
  'party',
  '@baseType',
  '@schemaLocation',
  '@type',
]);
const SENDER_ATTRIBUTES = new Set([
  'id',
  'email',
  'name',
  'phoneNumber',
  'party',
  '@baseType',
  '@schemaLocation',
  '@type',
]);
const PARTY_ATTRIBUTES = new Set([
  'id',
  'href',
  'name',
  'role',
  '@baseType',
  '@schemaLocation',
  '@type',
  '@referredType',
]);
const CHARACTERISTIC_ATTRIBUTES = new Set([
  'id',
  'name',
  'valueType',
  'characteristicRelationship',
  'value',
  '@baseType',
  '@schemaLocation',
  '@type',
]);

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function text(v: unknown, field: string, max: number, min = 0): string {
  if (typeof v !== 'string') throw bad(field, 'must be a string');
  const t = v.trim();
  if (t.length < min) throw bad(field, min === 1 ? 'must not be empty' : `needs at least ${min} characters`);
  if (t.length > max) throw bad(field, `at most ${max} characters`);
  return t;
}

function onlyKnown(v: Json, allowed: ReadonlySet<string>, field: string, what: string) {
  for (const k of Object.keys(v))
    if (!allowed.has(k)) throw bad(`${field}.${k}`, `is not an attribute of ${what}`);
}

function optionalStrings(v: Json, field: string, keys: readonly string[], max = 200) {
  for (const k of keys) if (v[k] !== undefined) text(v[k], `${field}.${k}`, max);
}

/** SMS or Email (the spec's examples, in any case); push notifications are not sent here. */
export function messageTypeOf(v: unknown): MessageType {
  if (typeof v !== 'string') throw bad('messageType', 'must be a string');
  const key = v.toLowerCase().replace(/[\s_-]/g, '');
  if (['sms', 'shortmessage', 'textmessage'].includes(key)) return 'sms';
  if (['email', 'mail'].includes(key)) return 'email';
  throw unprocessable('messageType', `"${v}" is not sent by this server: SMS or Email`);
}

export const shownType = (t: MessageType) => (t === 'sms' ? 'SMS' : 'Email');

const PHONE = /^\+?\d{5,20}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function party(v: unknown, field: string): void {
  if (!isObject(v)) throw bad(field, 'must be a RelatedParty object');
  onlyKnown(v, PARTY_ATTRIBUTES, field, 'RelatedParty');
  for (const k of ['id', '@referredType']) if (v[k] === undefined) throw bad(`${field}.${k}`, 'is required');
  optionalStrings(v, field, [...PARTY_ATTRIBUTES], 500);
}

export interface ReceiverIn {
  /** Where it is sent (normalised: digits for SMS, lower case for mail). */
  address: string;
  /** The receiver as sent (checked), shown back masked. */
  kept: Json;
}

export function receiversOf(v: unknown, type: MessageType): ReceiverIn[] {
  if (!Array.isArray(v)) throw bad('receiver', 'must be an array of Receiver');
  if (v.length === 0) throw bad('receiver', 'needs at least one Receiver');
  if (v.length > 50) throw bad('receiver', 'at most 50 receivers in one message');
  const seen = new Set<string>();
  return v.map((r, i) => {
    const field = `receiver[${i}]`;
    if (!isObject(r)) throw bad(field, 'must be a Receiver object');
    onlyKnown(r, RECEIVER_ATTRIBUTES, field, 'Receiver');
    optionalStrings(r, field, ['id', 'appUserId', 'ip', 'name', '@baseType', '@schemaLocation', '@type']);
    if (r.party !== undefined) party(r.party, `${field}.party`);
    let address: string;
    if (type === 'sms') {
      if (r.phoneNumber === undefined) throw bad(`${field}.phoneNumber`, 'is required for SMS');
      address = text(r.phoneNumber, `${field}.phoneNumber`, 30).replace(/[\s()-]/g, '');
      if (!PHONE.test(address)) throw bad(`${field}.phoneNumber`, 'is not a phone number');
      if (r.email !== undefined) text(r.email, `${field}.email`, 200);
    } else {
      if (r.email === undefined) throw bad(`${field}.email`, 'is required for Email');
      address = text(r.email, `${field}.email`, 200).toLowerCase();
      if (!EMAIL.test(address)) throw bad(`${field}.email`, 'is not an email address');
      if (r.phoneNumber !== undefined) text(r.phoneNumber, `${field}.phoneNumber`, 30);
    }
    if (seen.has(address))
      throw unprocessable(field, 'the same receiver twice (one message each is sent once)');
    seen.add(address);
    return { address, kept: r };
  });
}

export function senderOf(v: unknown): Json {
  if (!isObject(v)) throw bad('sender', 'must be a Sender object');
  onlyKnown(v, SENDER_ATTRIBUTES, 'sender', 'Sender');
  optionalStrings(v, 'sender', [
    'id',
    'email',
    'name',
    'phoneNumber',
    '@baseType',
    '@schemaLocation',
    '@type',
  ]);
  if (v.party !== undefined) party(v.party, 'sender.party');
  return v;
}

export function characteristicsOf(v: unknown): Json[] {
  if (!Array.isArray(v)) throw bad('characteristic', 'must be an array of Characteristic');
  if (v.length > 50) throw bad('characteristic', 'at most 50');
  return v.map((c, i) => {
    const field = `characteristic[${i}]`;
    if (!isObject(c)) throw bad(field, 'must be a Characteristic object');
    onlyKnown(c, CHARACTERISTIC_ATTRIBUTES, field, 'Characteristic');
    if (c.name === undefined) throw bad(`${field}.name`, 'is required');
    if (c.value === undefined) throw bad(`${field}.value`, 'is required');
    text(c.name, `${field}.name`, 200, 1);
    optionalStrings(c, field, ['id', 'valueType', '@baseType', '@schemaLocation', '@type']);
    if (c.characteristicRelationship !== undefined && !Array.isArray(c.characteristicRelationship))
      throw bad(`${field}.characteristicRelationship`, 'must be an array');
    if (JSON.stringify(c.value).length > 2000) throw bad(`${field}.value`, 'at most 2000 characters as JSON');
    return c;
  });
}

/** Our gateways send text only: an attachment would not reach the receiver, so none is taken. */
export function attachmentsOf(v: unknown): [] {
  if (!Array.isArray(v)) throw bad('attachment', 'must be an array');
  if (v.length > 0)
    throw unprocessable('attachment', 'this server sends text messages only (SMS, Email without files)');
  return [];
}

export function dateTime(v: unknown, field: string): Date {
  if (typeof v !== 'string' || !/(Z|[+-]\d{2}:?\d{2})$/i.test(v) || Number.isNaN(Date.parse(v)))
    throw bad(field, 'must be a date-time with a time zone (e.g. 2026-12-08T09:00:00+08:00)');
  return new Date(v);
}

export function tryTimesOf(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 10)
    throw bad('tryTimes', 'must be an integer from 1 to 10');
  return v;
}

export function checkAttributeNames(body: Json): void {
  const known = new Set<string>(MESSAGE_ATTRIBUTES);
  for (const k of Object.keys(body))
    if (!known.has(k)) throw bad(k, 'is not an attribute of CommunicationMessage');
}

/** The attributes kept as sent (checked), from a create or after a merge patch. */
export function keptOf(body: Json, attributes: Json = {}): Json {
  const out: Json = { ...attributes };
  const set = (k: string, v: unknown) => {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  };
  if (Object.hasOwn(body, 'description'))
    set('description', body.description === null ? null : text(body.description, 'description', 2000));
  if (Object.hasOwn(body, 'priority'))
    set('priority', body.priority === null ? null : text(body.priority, 'priority', 20, 1));
  if (Object.hasOwn(body, 'logFlag')) {
    if (body.logFlag !== null && typeof body.logFlag !== 'boolean')
      throw bad('logFlag', 'must be true or false');
    set('logFlag', body.logFlag);
  }
  if (Object.hasOwn(body, 'characteristic'))
    set('characteristic', body.characteristic === null ? null : characteristicsOf(body.characteristic));
  for (const k of ['@baseType', '@schemaLocation'])
    if (Object.hasOwn(body, k)) set(k, body[k] === null ? null : text(body[k], k, 500, 1));
  return out;
}
