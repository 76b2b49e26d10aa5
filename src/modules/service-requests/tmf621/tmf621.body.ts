/**
 * TMF621 request bodies checked (pure): every attribute of the v5 TroubleTicket is either turned
 * into our request's fields, kept as sent (tmf621.store.ts), or refused with a 400/422 naming it —
 * never dropped.
 */
import { AppError } from '../../../platform/errors.ts';
import { invalidTmfAttribute } from '../../../platform/tmf/index.ts';
import { CHANNELS, type Channel } from '../domain/catalogue.ts';
import {
  PRIORITY_ALIASES,
  TICKET_TYPES,
  TMF_STATUSES,
  type Json,
  type TicketExtras,
  type TicketKind,
  type TmfStatus,
} from './tmf621.mapper.ts';

const bad = invalidTmfAttribute;
const unprocessable = (field: string, message: string) =>
  new AppError('UNPROCESSABLE', `${field}: ${message}`, { fields: [{ field, message }] });

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Attributes of a TroubleTicket a client may write (TroubleTicket_FVO / _MVO). */
const WRITABLE = [
  '@type',
  '@baseType',
  '@schemaLocation',
  'name',
  'description',
  'severity',
  'ticketType',
  'attachment',
  'channel',
  'requestedResolutionDate',
  'expectedResolutionDate',
  'resolutionDate',
  'externalIdentifier',
  'note',
  'priority',
  'relatedEntity',
  'relatedParty',
  'status',
  'statusChangeDate',
  'statusChangeReason',
  'troubleTicketRelationship',
  'troubleTicketSpecification',
  'troubleTicketCharacteristic',
] as const;
/** Set by the server: a POST may not send them; a PATCH only unchanged. */
export const READ_ONLY = ['id', 'href', 'creationDate', 'lastUpdate', 'statusChangeHistory'] as const;

export function checkAttributeNames(body: Json) {
  for (const k of Object.keys(body))
    if (!(WRITABLE as readonly string[]).includes(k) && !(READ_ONLY as readonly string[]).includes(k))
      throw bad(k, 'is not an attribute of TroubleTicket');
  if (body['@type'] !== undefined && body['@type'] !== 'TroubleTicket')
    throw bad('@type', 'must be "TroubleTicket"');
}

export function text(v: unknown, field: string, max: number, min = 0): string {
  if (typeof v !== 'string') throw bad(field, 'must be text');
  const t = v.trim();
  if (t.length < min)
    throw bad(field, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  if (t.length > max) throw bad(field, `must be at most ${max} characters`);
  return t;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function dateTime(v: unknown, field: string): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !ISO_DATE_TIME.test(v) || Number.isNaN(new Date(v).getTime()))
    throw bad(field, 'must be a date-time with a time zone, such as 2026-12-07T18:00:00+08:00');
  return new Date(v).toISOString();
}

/** An object with text attributes only, of the names allowed; `required` must be there. */
function flat(raw: unknown, field: string, keys: readonly string[], required: readonly string[] = []): Json {
  if (!isObject(raw)) throw bad(field, 'must be an object');
  const out: Json = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!keys.includes(k)) throw bad(`${field}.${k}`, 'is not supported by this server');
    out[k] = text(v, `${field}.${k}`, 500);
  }
  for (const k of required) if (!out[k]) throw bad(`${field}.${k}`, 'is required');
  return out;
}

const EXTENSIBLE = ['@type', '@baseType', '@schemaLocation'];
const REF = [...EXTENSIBLE, 'id', 'href', 'name', '@referredType'];

function list(raw: unknown, field: string, max = 50): unknown[] {
  if (!Array.isArray(raw)) throw bad(field, 'must be an array');
  if (raw.length > max) throw bad(field, `at most ${max} entries`);
  return raw;
}

export const ticketKindOf = (v: unknown): TicketKind => {
  const t = text(v, 'ticketType', 50, 1);
  const kind = TICKET_TYPES[t.toLowerCase()];
  if (!kind) throw bad('ticketType', `must be one of ${Object.keys(TICKET_TYPES).join(', ')}`);
  return kind;
};

export const priorityOf = (v: unknown): string => {
  const p = PRIORITY_ALIASES[text(v, 'priority', 20, 1).toLowerCase()];
  if (!p) throw bad('priority', `must be one of ${Object.keys(PRIORITY_ALIASES).join(', ')}`);
  return p;
};

export const statusOf = (v: unknown): TmfStatus => {
  if (typeof v !== 'string' || !(TMF_STATUSES as readonly string[]).includes(v))
    throw bad('status', `must be one of ${TMF_STATUSES.join(', ')}`);
  return v as TmfStatus;
};

export function channelOf(raw: unknown): Channel {
  const c = flat(raw, 'channel', REF);
  const value = c.id ?? c.name;
  if (c['@type'] !== undefined && c['@type'] !== 'ChannelRef')
    throw bad('channel.@type', 'must be "ChannelRef"');
  if (typeof value !== 'string' || !(CHANNELS as readonly string[]).includes(value))
    throw bad('channel.id', `must be one of ${CHANNELS.join(', ')}`);
  if (c.id !== undefined && c.name !== undefined && c.id !== c.name)
    throw bad('channel.name', 'must be the channel id (or left out)');
  return value as Channel;
}

export interface SortedParties {
  customerId: string | undefined;
  kept: Json[];
}

const isCustomerRef = (e: Json, ref: Json) => e.role === 'customer' || ref['@referredType'] === 'Customer';

/** relatedParty: the customer (role customer, or a ref to a Customer) is our link; others kept. */
export function sortParties(raw: unknown): SortedParties {
  let customerId: string | undefined;
  const kept: Json[] = [];
  list(raw, 'relatedParty').forEach((e, i) => {
    const at = `relatedParty[${i}]`;
    if (!isObject(e)) throw bad(at, 'must be a RelatedPartyRefOrPartyRoleRef object');
    for (const k of Object.keys(e))
      if (![...EXTENSIBLE, 'role', 'partyOrPartyRole'].includes(k))
        throw bad(`${at}.${k}`, 'is not supported by this server');
    const role = text(e.role, `${at}.role`, 100, 1);
    const ref = flat(e.partyOrPartyRole, `${at}.partyOrPartyRole`, [...REF, 'partyId', 'partyName'], ['id']);
    ref['@type'] ??= 'PartyRef';
    if (ref['@type'] !== 'PartyRef' && ref['@type'] !== 'PartyRoleRef')
      throw bad(`${at}.partyOrPartyRole.@type`, 'must be PartyRef or PartyRoleRef');
    if (isCustomerRef(e, ref)) {
      if (customerId !== undefined && customerId !== ref.id)
        throw unprocessable(at, 'a ticket is about one customer');
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(String(ref.id)))
        throw new AppError('NOT_FOUND', 'Customer not found');
      customerId = String(ref.id).toLowerCase();
      return;
    }
    kept.push({ '@type': e['@type'] ?? 'RelatedPartyRefOrPartyRoleRef', role, partyOrPartyRole: ref });
  });
  return { customerId, kept };
}

export interface SortedEntities {
  productInstanceId: string | undefined;
  customerId: string | undefined;
  kept: Json[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** relatedEntity: a Product (our service instance) and a Customer are our links; others kept. */
export function sortEntities(raw: unknown): SortedEntities {
  const out: SortedEntities = { productInstanceId: undefined, customerId: undefined, kept: [] };
  list(raw, 'relatedEntity').forEach((e, i) => {
    const at = `relatedEntity[${i}]`;
    if (!isObject(e)) throw bad(at, 'must be a RelatedEntity object');
    for (const k of Object.keys(e))
      if (![...EXTENSIBLE, 'role', 'entity'].includes(k))
        throw bad(`${at}.${k}`, 'is not supported by this server');
    const role = text(e.role, `${at}.role`, 100, 1);
    const entity = flat(e.entity, `${at}.entity`, REF, ['id']);
    const type = entity['@referredType'];
    if (type === 'Product' || type === 'Customer') {
      const key = type === 'Product' ? 'productInstanceId' : 'customerId';
      if (!UUID.test(String(entity.id)))
        throw unprocessable(`${at}.entity.id`, type === 'Product' ? 'no such service' : 'no such customer');
      if (out[key] !== undefined && out[key] !== entity.id)
        throw unprocessable(at, `a ticket is about one ${type === 'Product' ? 'product' : 'customer'}`);
      out[key] = String(entity.id).toLowerCase();
      return;
    }
    out.kept.push({ '@type': e['@type'] ?? 'RelatedEntity', role, entity });
  });
  return out;
}

function attachments(raw: unknown): Json[] {
  return list(raw, 'attachment').map((a, i) => {
    const at = `attachment[${i}]`;
    if (!isObject(a)) throw bad(at, 'must be an AttachmentRef object');
    if (a['@type'] !== 'AttachmentRef')
      throw unprocessable(
        `${at}.@type`,
        'only references (AttachmentRef with an id and url) are kept; upload files through /api/v1/attachments',
      );
    return flat(a, at, [...REF, 'description', 'url'], ['id']);
  });
}

function characteristics(raw: unknown): { category: string | undefined; kept: Json[] } {
  let category: string | undefined;
  const kept: Json[] = [];
  list(raw, 'troubleTicketCharacteristic').forEach((c, i) => {
    const at = `troubleTicketCharacteristic[${i}]`;
    if (!isObject(c)) throw bad(at, 'must be a Characteristic object');
    for (const k of Object.keys(c))
      if (![...EXTENSIBLE, 'id', 'name', 'valueType', 'value', 'characteristicRelationship'].includes(k))
        throw bad(`${at}.${k}`, 'is not supported by this server');
    const name = text(c.name, `${at}.name`, 100, 1);
    if (name === 'number') return; // ours, derived: a client round-tripping what it read
    if (name === 'category') {
      category = text(c.value, `${at}.value`, 64, 1);
      return;
    }
    if (!['string', 'number', 'boolean'].includes(typeof c.value))
      throw bad(`${at}.value`, 'must be text, a number or true/false');
    if (c.characteristicRelationship !== undefined)
      throw bad(`${at}.characteristicRelationship`, 'is not supported by this server');
    kept.push({ ...c, '@type': c['@type'] ?? 'StringCharacteristic', name });
  });
  return { category, kept };
}

/**
 * The kept attributes after a body (POST) or a merge patch (PATCH: `null` removes, an array
 * replaces). Returns what it found of ours too (category; the customer and product links).
 */
export function keptAfter(
  current: TicketExtras,
  body: Json,
): {
  extras: TicketExtras;
  category: string | undefined;
  parties: SortedParties | undefined;
  entities: SortedEntities | undefined;
} {
  const has = (k: string) => Object.hasOwn(body, k);
  const a: Json = { ...current.attributes };
  const extras: TicketExtras = { ...current, attributes: a };
  if (has('severity'))
    extras.severity = body.severity === null ? null : text(body.severity, 'severity', 50, 1);
  for (const k of ['requestedResolutionDate', 'expectedResolutionDate'] as const)
    if (has(k)) extras[k] = dateTime(body[k], k);
  for (const k of ['@baseType', '@schemaLocation'])
    if (has(k)) {
      if (body[k] === null) delete a[k];
      else a[k] = text(body[k], k, 500);
    }
  let category: string | undefined;
  let parties: SortedParties | undefined;
  let entities: SortedEntities | undefined;
  const arrayAttr = (k: string, read: (raw: unknown) => Json[]) => {
    if (!has(k)) return;
    if (body[k] === null) delete a[k];
    else a[k] = read(body[k]);
  };
  arrayAttr('relatedParty', (raw) => (parties = sortParties(raw)).kept);
  arrayAttr('relatedEntity', (raw) => (entities = sortEntities(raw)).kept);
  arrayAttr('attachment', attachments);
  arrayAttr('externalIdentifier', (raw) =>
    list(raw, 'externalIdentifier').map((x, i) =>
      flat(x, `externalIdentifier[${i}]`, [...EXTENSIBLE, 'id', 'owner', 'externalIdentifierType']),
    ),
  );
  arrayAttr('troubleTicketRelationship', (raw) =>
    list(raw, 'troubleTicketRelationship').map((x, i) =>
      flat(x, `troubleTicketRelationship[${i}]`, [...REF, 'relationshipType'], ['id']),
    ),
  );
  arrayAttr('troubleTicketCharacteristic', (raw) => {
    const c = characteristics(raw);
    category = c.category;
    return c.kept;
  });
  if (has('troubleTicketSpecification')) {
    if (body.troubleTicketSpecification === null) delete a.troubleTicketSpecification;
    else
      a.troubleTicketSpecification = flat(
        body.troubleTicketSpecification,
        'troubleTicketSpecification',
        [...REF, 'version'],
        ['id'],
      );
  }
  return { extras, category, parties, entities };
}

export interface NewNote {
  text: string;
  author: string | undefined;
}

/** Notes sent: those without an id are new; those with one must be the ticket's (unchanged). */
export function notesOf(raw: unknown, existing: ReadonlyMap<string, string>): NewNote[] {
  const out: NewNote[] = [];
  list(raw, 'note', 200).forEach((n, i) => {
    const at = `note[${i}]`;
    if (!isObject(n)) throw bad(at, 'must be a Note object');
    for (const k of Object.keys(n))
      if (![...EXTENSIBLE, 'id', 'author', 'date', 'text'].includes(k))
        throw bad(`${at}.${k}`, 'is not supported by this server');
    if (n['@type'] !== undefined && n['@type'] !== 'Note') throw bad(`${at}.@type`, 'must be "Note"');
    if (n.id !== undefined) {
      if (!existing.has(String(n.id)))
        throw unprocessable(`${at}.id`, 'is not a note of this ticket; send new notes without an id');
      if (n.text !== undefined && n.text !== existing.get(String(n.id)))
        throw unprocessable(`${at}.text`, 'notes are never changed; add a new one');
      return;
    }
    if (n.date !== undefined) throw bad(`${at}.date`, 'is set by the server; leave it out');
    out.push({
      text: text(n.text, `${at}.text`, 10000, 1),
      author: n.author === undefined ? undefined : text(n.author, `${at}.author`, 100, 1),
    });
  });
  return out;
}
