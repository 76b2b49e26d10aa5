/**
 * TMF629 contact media ⇄ what we keep (pure). A customer has any number of media of each kind
 * (phone, email, address, fax, social) with their contactType, preferred flag and validFor; the
 * first of each of phone, email and address (preferred first) is also the customer's own phone,
 * email and address that the rest of the product uses. Values here are clear text: they never
 * leave this module unmasked and never reach a log.
 */
import { invalidTmfAttribute } from '../../../platform/tmf/index.ts';
import {
  emailProblem,
  maskAddress,
  maskEmail,
  maskPhone,
  normaliseEmail,
  parsePhone,
} from '../domain/pii.ts';

export const MEDIUM_KINDS = ['phone', 'email', 'address', 'fax', 'social'] as const;
export type MediumKind = (typeof MEDIUM_KINDS)[number];

const TYPE_OF: Record<MediumKind, string> = {
  phone: 'PhoneContactMedium',
  email: 'EmailContactMedium',
  address: 'GeographicAddressContactMedium',
  fax: 'FaxContactMedium',
  social: 'SocialContactMedium',
};
const KIND_OF = Object.fromEntries(Object.entries(TYPE_OF).map(([k, t]) => [t, k])) as Record<
  string,
  MediumKind
>;
const VALUE_KEY: Record<Exclude<MediumKind, 'address'>, string> = {
  phone: 'phoneNumber',
  email: 'emailAddress',
  fax: 'faxNumber',
  social: 'socialNetworkId',
};
const ADDRESS_KEYS = ['street1', 'street2', 'city', 'stateOrProvince', 'postCode', 'country'] as const;
const COMMON_KEYS = ['@type', 'id', 'preferred', 'contactType', 'validFor'];

/** One contact medium in clear. For an address, `value` is street1. */
export interface Medium {
  id?: string | undefined;
  kind: MediumKind;
  contactType: string | null;
  preferred: boolean;
  validFrom: string | null;
  validTo: string | null;
  value: string | null;
  street2: string | null;
  city: string | null;
  stateOrProvince: string | null;
  postCode: string | null;
  country: string | null;
}

export const emptyMedium = (kind: MediumKind): Medium => ({
  kind,
  contactType: null,
  preferred: false,
  validFrom: null,
  validTo: null,
  value: null,
  street2: null,
  city: null,
  stateOrProvince: null,
  postCode: null,
  country: null,
});

/** The address as one line, the way the customer's own `address` keeps it. */
export const addressLine = (m: Medium): string | null =>
  [m.stateOrProvince, m.city, m.value, m.street2].filter(Boolean).join('') || null;

/** What a medium shows by default (what every response carries). */
export function maskedValues(m: Medium): Record<string, string> {
  const out: Record<string, string> = {};
  if (m.kind === 'address') {
    for (const k of ['city', 'stateOrProvince', 'postCode', 'country'] as const) if (m[k]) out[k] = m[k]!;
    if (m.value) out.street1 = maskAddress(m.value)!;
    if (m.street2) out.street2 = '****';
    return out;
  }
  if (!m.value) return out;
  const v =
    m.kind === 'email'
      ? maskEmail(m.value)!
      : m.kind === 'social'
        ? `${[...m.value][0]}***`
        : maskPhone(m.value)!;
  out[VALUE_KEY[m.kind]] = v;
  return out;
}

/** A medium in the TMF shape, masked. */
export function toTmfMedium(m: Medium): Record<string, unknown> {
  return {
    '@type': TYPE_OF[m.kind],
    ...(m.id ? { id: m.id } : {}),
    preferred: m.preferred,
    ...(m.contactType ? { contactType: m.contactType } : {}),
    ...(m.validFrom || m.validTo
      ? {
          validFor: {
            ...(m.validFrom ? { startDateTime: m.validFrom } : {}),
            ...(m.validTo ? { endDateTime: m.validTo } : {}),
          },
        }
      : {}),
    ...maskedValues(m),
  };
}

/** The media of a customer that has no TMF record of them: its own phone, email and address. */
export function mediaFromColumns(c: {
  phone: string | null;
  email: string | null;
  address: string | null;
}): Medium[] {
  const out: Medium[] = [];
  if (c.phone)
    out.push({
      ...emptyMedium('phone'),
      preferred: true,
      contactType: /^1/.test(c.phone) ? 'mobile' : 'fixedLine',
      value: c.phone,
    });
  if (c.email) out.push({ ...emptyMedium('email'), contactType: 'email', value: c.email });
  if (c.address) out.push({ ...emptyMedium('address'), contactType: 'address', value: c.address });
  return out;
}

/** The first medium of each kind, preferred first: the customer's own phone, email and address. */
export function primaryIndexes(media: readonly Medium[]): Set<number> {
  const out = new Set<number>();
  for (const kind of ['phone', 'email', 'address'] as const) {
    const of = media.map((m, i) => ({ m, i })).filter((x) => x.m.kind === kind);
    const pick = of.find((x) => x.m.preferred) ?? of[0];
    if (pick) out.add(pick.i);
  }
  return out;
}

/** The customer's own columns for a set of media. */
export function columnsOf(media: readonly Medium[]) {
  const primary = [...primaryIndexes(media)].map((i) => media[i]!);
  const of = (k: MediumKind) => primary.find((m) => m.kind === k);
  const address = of('address');
  return {
    phone: of('phone')?.value ?? null,
    email: of('email')?.value ?? null,
    address: address ? addressLine(address) : null,
  };
}

const comparable = (m: Medium) => JSON.stringify({ ...m, id: undefined });
export const sameMedia = (a: readonly Medium[], b: readonly Medium[]) =>
  a.length === b.length && a.every((m, i) => comparable(m) === comparable(b[i]!));

const isMasked = (v: unknown) => typeof v === 'string' && v.includes('***');
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** `validFor` of a TMF body: both ends optional, date-times with a time zone, in order. */
export function parseValidFor(
  raw: unknown,
  field: string,
): { validFrom: string | null; validTo: string | null } {
  if (raw === null || raw === undefined) return { validFrom: null, validTo: null };
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalidTmfAttribute(field, 'must be an object with startDateTime and/or endDateTime');
  const v = raw as Record<string, unknown>;
  for (const k of Object.keys(v))
    if (k !== 'startDateTime' && k !== 'endDateTime' && k !== '@type')
      throw invalidTmfAttribute(`${field}.${k}`, 'is not part of a TimePeriod');
  const at = (k: 'startDateTime' | 'endDateTime') => {
    const s = v[k];
    if (s === undefined || s === null) return null;
    if (typeof s !== 'string' || !ISO.test(s) || Number.isNaN(Date.parse(s)))
      throw invalidTmfAttribute(
        `${field}.${k}`,
        'must be a date-time with a time zone (2024-05-01T08:00:00+08:00)',
      );
    return new Date(s).toISOString();
  };
  const validFrom = at('startDateTime');
  const validTo = at('endDateTime');
  if (validFrom && validTo && validTo < validFrom)
    throw invalidTmfAttribute(`${field}.endDateTime`, 'is before startDateTime');
  return { validFrom, validTo };
}

function text(v: unknown, field: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalidTmfAttribute(field, 'must be text');
  const t = v.trim();
  if (t.length > max) throw invalidTmfAttribute(field, `must be at most ${max} characters`);
  return t || null;
}

/**
 * One medium of a TMF body, checked. A masked value (a client sending back what it read) stands
 * for the value already kept: the medium it names by `id`, else the one of that kind showing the
 * same mask; a mask matching nothing is refused — it would store the mask.
 */
export function fromTmfMedium(raw: unknown, i: number, existing: readonly Medium[]): Medium {
  const at = `contactMedium[${i}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw invalidTmfAttribute(at, 'must be a contact medium object');
  const m = raw as Record<string, unknown>;
  const kind = KIND_OF[String(m['@type'])];
  if (!kind) throw invalidTmfAttribute(`${at}.@type`, `must be one of ${Object.values(TYPE_OF).join(', ')}`);
  const allowed = [...COMMON_KEYS, ...(kind === 'address' ? ADDRESS_KEYS : [VALUE_KEY[kind]])];
  for (const k of Object.keys(m))
    if (!allowed.includes(k)) throw invalidTmfAttribute(`${at}.${k}`, 'is not supported by this server');
  if (m.preferred !== undefined && typeof m.preferred !== 'boolean')
    throw invalidTmfAttribute(`${at}.preferred`, 'must be true or false');
  let base: Medium | undefined;
  if (m.id !== undefined) {
    base = existing.find((e) => e.id !== undefined && e.id === m.id);
    if (!base || base.kind !== kind)
      throw invalidTmfAttribute(`${at}.id`, 'is not a contact medium of this customer of that type');
  }
  const out: Medium = {
    ...emptyMedium(kind),
    ...(base?.id ? { id: base.id } : {}),
    contactType: text(m.contactType, `${at}.contactType`, 50),
    preferred: m.preferred === true,
    ...parseValidFor(m.validFor, `${at}.validFor`),
  };
  const keep = (key: string, shown: Record<string, string>) => {
    const match = base ?? existing.find((e) => e.kind === kind && maskedValues(e)[key] === shown[key]);
    if (!match || maskedValues(match)[key] !== shown[key])
      throw invalidTmfAttribute(
        `${at}.${key}`,
        'is a masked value that matches no kept value; send the full value (or the medium id with its mask)',
      );
    return match;
  };
  if (kind === 'address') {
    for (const k of ['city', 'stateOrProvince', 'country'] as const) out[k] = text(m[k], `${at}.${k}`, 100);
    out.postCode = text(m.postCode, `${at}.postCode`, 20);
    for (const [key, prop] of [
      ['street1', 'value'],
      ['street2', 'street2'],
    ] as const) {
      if (isMasked(m[key])) out[prop] = keep(key, { [key]: String(m[key]) })[prop];
      else out[prop] = text(m[key], `${at}.${key}`, 200);
    }
    if (!addressLine(out) && !out.postCode && !out.country)
      throw invalidTmfAttribute(
        at,
        'an address needs at least one of street1, city, stateOrProvince, postCode, country',
      );
    return out;
  }
  const key = VALUE_KEY[kind];
  const given = m[key];
  if (given === undefined || given === null || given === '')
    throw invalidTmfAttribute(`${at}.${key}`, 'is required');
  if (typeof given !== 'string') throw invalidTmfAttribute(`${at}.${key}`, 'must be text');
  if (isMasked(given)) {
    out.value = keep(key, { [key]: given }).value;
    return out;
  }
  if (kind === 'phone' || kind === 'fax') {
    const p = parsePhone(given);
    if ('problem' in p) throw invalidTmfAttribute(`${at}.${key}`, p.problem);
    out.value = p.value;
  } else if (kind === 'email') {
    const problem = emailProblem(given);
    if (problem) throw invalidTmfAttribute(`${at}.${key}`, problem);
    out.value = normaliseEmail(given);
  } else out.value = text(given, `${at}.${key}`, 200);
  return out;
}

/** A TMF `contactMedium` array (or null: none), checked against what is kept. */
export function fromTmfMedia(raw: unknown, existing: readonly Medium[]): Medium[] {
  if (raw === null) return [];
  if (!Array.isArray(raw)) throw invalidTmfAttribute('contactMedium', 'must be an array');
  if (raw.length > 50) throw invalidTmfAttribute('contactMedium', 'at most 50 contact media');
  return raw.map((m, i) => fromTmfMedium(m, i, existing));
}
