/**
 * TMF629 Customer v5 ⇄ our customer (pure). A customer is a PartyRole: its engagedParty is the
 * party the client sent (customers created through our own API: the customer itself); our
 * attributes without a TMF home travel as characteristics; the account manager, contacts and any
 * other related party as v5 relatedParty entries. Views are masked before they get here; the
 * free text TMF629 keeps beside them (description, statusReason, role) is masked here.
 */
import { AppError } from '../../../platform/errors.ts';
import { invalidTmfAttribute, resourceHref, type TmfResource } from '../../../platform/tmf/index.ts';
import type { CustomerView } from '../customers.schemas.ts';
import { maskFreeText } from '../domain/pii.ts';
import { relatedPartyJson } from './tmf629.parties.ts';
import type { TmfAttributes } from './tmf629.store.ts';

export const TMF629_BASE = '/tmf-api/customer/v5';
export const customerHref = (base: string, id: string) => resourceHref(base, `${TMF629_BASE}/customer`, id);

export type Json = Record<string, unknown>;

export const CHARACTERISTICS = [
  'customerNo',
  'kind',
  'tier',
  'orgUnitId',
  'valueLevel',
  'membershipLevel',
  'idType',
  'idNumber',
  'creditCode',
  'industry',
] as const;

const stringChar = (name: string, value: string) => ({
  '@type': 'StringCharacteristic',
  name,
  valueType: 'string',
  value,
});

export const referredType = (kind: string) => (kind === 'enterprise' ? 'Organization' : 'Individual');

/** The engagedParty shown: the one kept (its id defaulting to the customer's), else the customer. */
export function engagedPartyOf(c: Pick<CustomerView, 'id' | 'name' | 'kind'>, kept: Json | null): Json {
  if (kept) return { ...kept, id: kept.id ?? c.id };
  return { '@type': 'PartyRef', id: c.id, name: c.name, '@referredType': referredType(c.kind) };
}

export interface TmfExtras {
  contacts: Array<{ id: string; name: string; role: string }>;
  attributes: TmfAttributes;
  /** Masked, TMF-shaped. */
  contactMedium: Json[];
}

/** Our (already masked) customer view in TMF629 shape, `href` absolute under `base`. */
export function toTmfCustomer(c: CustomerView, extras: TmfExtras, base: string): TmfResource {
  const a = extras.attributes;
  const characteristic: Json[] = [];
  for (const name of CHARACTERISTICS) {
    const v = c[name];
    if (typeof v === 'string' && v) characteristic.push(stringChar(name, v));
  }
  if (c.tags.length)
    characteristic.push({
      '@type': 'StringArrayCharacteristic',
      name: 'tags',
      valueType: 'array',
      value: c.tags,
    });
  const relatedParty: Json[] = [];
  if (c.accountManager)
    relatedParty.push(
      relatedPartyJson('accountManager', {
        '@type': 'PartyRef',
        id: c.accountManager.id,
        name: c.accountManager.name,
        '@referredType': 'Individual',
      }),
    );
  for (const k of extras.contacts)
    relatedParty.push(
      relatedPartyJson(`contact:${k.role}`, {
        '@type': 'PartyRef',
        id: k.id,
        name: k.name,
        '@referredType': 'Individual',
      }),
    );
  for (const p of a.relatedParties)
    relatedParty.push(relatedPartyJson(String(p.role), p.partyOrPartyRole as Json));
  return {
    id: c.id,
    href: customerHref(base, c.id),
    '@type': 'Customer',
    ...(a.baseType ? { '@baseType': a.baseType } : {}),
    ...(a.schemaLocation ? { '@schemaLocation': a.schemaLocation } : {}),
    name: c.name,
    ...(a.description ? { description: maskFreeText(a.description) } : {}),
    role: a.role ? maskFreeText(a.role) : 'customer',
    status: c.status,
    ...(a.statusReason ? { statusReason: maskFreeText(a.statusReason) } : {}),
    engagedParty: engagedPartyOf(c, a.engagedParty),
    contactMedium: extras.contactMedium,
    characteristic,
    relatedParty,
    validFor: { startDateTime: a.validFrom ?? c.createdAt, ...(a.validTo ? { endDateTime: a.validTo } : {}) },
  };
}

// ---- Requests ----

/** Attributes of the v5 Customer we keep; the others are refused by name, never dropped. */
export const ALLOWED = new Set([
  '@type',
  '@baseType',
  '@schemaLocation',
  'id',
  'href',
  'name',
  'description',
  'role',
  'status',
  'statusReason',
  'engagedParty',
  'contactMedium',
  'characteristic',
  'relatedParty',
  'validFor',
]);

export function checkAttributes(body: Json) {
  for (const k of Object.keys(body))
    if (!ALLOWED.has(k)) throw invalidTmfAttribute(k, 'is not supported by this server');
}

// Our field names → where they live in a TMF629 body (for error messages).
const TMF_FIELD: Record<string, string> = {
  phone: 'contactMedium.phoneNumber',
  email: 'contactMedium.emailAddress',
  address: 'contactMedium (address)',
  accountManagerId: 'relatedParty[accountManager].partyOrPartyRole.id',
  kind: 'engagedParty.@referredType',
};
export const tmfField = (f: string) =>
  TMF_FIELD[f] ?? (CHARACTERISTICS.includes(f as never) ? `characteristic[${f}]` : f);

/**
 * A masked value sent back unchanged (a client round-tripping what it read) means "no change".
 * Emails are masked with three stars (z***@example.com).
 */
const isMasked = (v: unknown) => typeof v === 'string' && v.includes('***');

/** `characteristic` entries → our fields (merged by name; derived ones ignored). */
export function fromCharacteristics(raw: unknown): Json {
  if (raw === null)
    throw invalidTmfAttribute('characteristic', 'cannot be removed; send the characteristics to change');
  if (!Array.isArray(raw)) throw invalidTmfAttribute('characteristic', 'must be an array');
  const out: Json = {};
  raw.forEach((ch: unknown, i) => {
    const c = ch as { name?: unknown; value?: unknown } | null;
    if (!c || typeof c.name !== 'string')
      throw invalidTmfAttribute(`characteristic[${i}].name`, 'is required');
    const v = c.value;
    const scalar = (x: unknown) => ['string', 'number', 'boolean'].includes(typeof x);
    if (!(scalar(v) || (c.name === 'tags' && Array.isArray(v) && v.every((x) => typeof x === 'string'))))
      throw invalidTmfAttribute(
        `characteristic[${c.name}].value`,
        c.name === 'tags' ? 'must be a list of text values' : 'must be text, a number or true/false',
      );
    if (c.name === 'kind' || c.name === 'orgUnitName') return; // derived, read-only
    if (c.name === 'tags') out.tags = Array.isArray(v) ? v : [String(v)];
    else if (CHARACTERISTICS.includes(c.name as never)) {
      if (!isMasked(v)) out[c.name] = String(v);
    } else
      throw new AppError(
        'VALIDATION_FAILED',
        `Invalid input — characteristic[${c.name}]: is not a known customer characteristic`,
      );
  });
  return out;
}
