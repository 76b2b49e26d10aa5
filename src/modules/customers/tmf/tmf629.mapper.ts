/**
 * TMF629 Customer v5 ⇄ our customer (pure). A customer is a PartyRole whose engagedParty is the
 * individual or organisation itself; our attributes without a TMF home travel as characteristics;
 * contacts and the account manager as v5 relatedParty entries. Views are masked before they get here.
 */
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { CustomerView } from '../customers.schemas.ts';

export const TMF629_BASE = '/tmf-api/customer/v5';
export const href = (id: string) => `${TMF629_BASE}/customer/${id}`;

export type Json = Record<string, unknown>;

const CHARACTERISTICS = [
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

/** Our (already masked) customer view in TMF629 shape. */
export function toTmfCustomer(
  c: CustomerView,
  contacts: Array<{ id: string; name: string; role: string }>,
): Json {
  const contactMedium: Json[] = [];
  if (c.phone)
    contactMedium.push({
      '@type': 'PhoneContactMedium',
      preferred: true,
      contactType: /^1/.test(c.phone) ? 'mobile' : 'fixedLine',
      phoneNumber: c.phone,
    });
  if (c.email)
    contactMedium.push({
      '@type': 'EmailContactMedium',
      preferred: false,
      contactType: 'email',
      emailAddress: c.email,
    });
  if (c.address)
    contactMedium.push({
      '@type': 'GeographicAddressContactMedium',
      preferred: false,
      contactType: 'address',
      street1: c.address,
    });
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
    relatedParty.push({
      '@type': 'RelatedPartyOrPartyRole',
      role: 'accountManager',
      partyOrPartyRole: {
        '@type': 'PartyRef',
        id: c.accountManager.id,
        name: c.accountManager.name,
        '@referredType': 'Individual',
      },
    });
  for (const k of contacts)
    relatedParty.push({
      '@type': 'RelatedPartyOrPartyRole',
      role: `contact:${k.role}`,
      partyOrPartyRole: { '@type': 'PartyRef', id: k.id, name: k.name, '@referredType': 'Individual' },
    });
  return {
    id: c.id,
    href: href(c.id),
    '@type': 'Customer',
    name: c.name,
    role: 'customer',
    status: c.status,
    engagedParty: {
      '@type': 'PartyRef',
      id: c.id,
      name: c.name,
      '@referredType': c.kind === 'enterprise' ? 'Organization' : 'Individual',
    },
    contactMedium,
    characteristic,
    relatedParty,
    validFor: { startDateTime: c.createdAt },
  };
}

/** `fields=` selects first-level attributes; id, href and @type are always there. */
export function selectFields(resource: Json, fields: string | undefined): Json {
  if (!fields) return resource;
  const wanted = new Set(fields.split(',').map((f) => f.trim().split('.')[0]!));
  const out: Json = { id: resource.id, href: resource.href, '@type': resource['@type'] };
  for (const [k, v] of Object.entries(resource)) if (wanted.has(k)) out[k] = v;
  return out;
}

// ---- Requests: TMF body → our input (the same validation applies) ----

const tmfRef = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  '@type': z.string().optional(),
  '@referredType': z.string().optional(),
});
const tmfMedium = z.looseObject({
  '@type': z.enum(['PhoneContactMedium', 'EmailContactMedium', 'GeographicAddressContactMedium']),
  preferred: z.boolean().optional(),
  phoneNumber: z.string().optional(),
  emailAddress: z.string().optional(),
  stateOrProvince: z.string().optional(),
  city: z.string().optional(),
  street1: z.string().optional(),
  street2: z.string().optional(),
});
const tmfCharacteristic = z.looseObject({
  '@type': z.string().optional(),
  name: z.string(),
  value: z.union([z.string(), z.array(z.string()), z.number(), z.boolean()]),
});
const tmfRelatedParty = z.looseObject({
  '@type': z.string().optional(),
  role: z.string(),
  partyOrPartyRole: tmfRef,
});

const ALLOWED = new Set([
  '@type',
  '@baseType',
  '@schemaLocation',
  'id',
  'href',
  'name',
  'role',
  'status',
  'engagedParty',
  'contactMedium',
  'characteristic',
  'relatedParty',
  'validFor',
  'description',
]);

export const tmfCustomerBody = z
  .looseObject({
    '@type': z.literal('Customer', { error: 'must be "Customer"' }),
    name: z.string().optional(),
    status: z.string().optional(),
    engagedParty: tmfRef.optional(),
    contactMedium: z.array(tmfMedium).optional(),
    characteristic: z.array(tmfCharacteristic).optional(),
    relatedParty: z.array(tmfRelatedParty).optional(),
  })
  .superRefine((v, ctx) => {
    for (const k of Object.keys(v))
      if (!ALLOWED.has(k))
        ctx.addIssue({ code: 'custom', path: [k], message: 'is not supported by this server' });
  });
export type TmfBody = z.infer<typeof tmfCustomerBody>;

// Our field names → where they live in a TMF629 body (for error messages).
const TMF_FIELD: Record<string, string> = {
  phone: 'contactMedium.phoneNumber',
  email: 'contactMedium.emailAddress',
  address: 'contactMedium.street1',
  accountManagerId: 'relatedParty[accountManager].partyOrPartyRole.id',
  kind: 'engagedParty.@referredType',
};
const tmfField = (f: string) =>
  TMF_FIELD[f] ?? (CHARACTERISTICS.includes(f as never) ? `characteristic[${f}]` : f);

/**
 * A masked value sent back unchanged (a client round-tripping what it read) means "no change".
 * Emails are masked with three stars (z***@example.com): with four required, a round trip used
 * to overwrite the stored address with its masked form.
 */
const isMasked = (v: unknown) => typeof v === 'string' && v.includes('***');

export function fromTmf(body: TmfBody): Json {
  const out: Json = {};
  const put = (k: string, v: unknown) => {
    if (!isMasked(v)) out[k] = v;
  };
  if (body.name !== undefined) out.name = body.name;
  if (body.status !== undefined) out.status = body.status;
  if (body.contactMedium) {
    const find = (t: string) =>
      body
        .contactMedium!.filter((m) => m['@type'] === t)
        .sort((a, b) => Number(!!b.preferred) - Number(!!a.preferred))[0];
    const phone = find('PhoneContactMedium');
    const email = find('EmailContactMedium');
    const addr = find('GeographicAddressContactMedium');
    put('phone', phone?.phoneNumber ?? null);
    put('email', email?.emailAddress ?? null);
    put(
      'address',
      addr
        ? [addr.stateOrProvince, addr.city, addr.street1, addr.street2].filter(Boolean).join('') || null
        : null,
    );
  }
  for (const ch of body.characteristic ?? []) {
    if (ch.name === 'kind' || ch.name === 'orgUnitName') continue; // derived, read-only
    if (ch.name === 'tags') out.tags = Array.isArray(ch.value) ? ch.value.map(String) : [String(ch.value)];
    else if (CHARACTERISTICS.includes(ch.name as never)) put(ch.name, String(ch.value));
    else
      throw new AppError(
        'VALIDATION_FAILED',
        `Invalid input — characteristic[${ch.name}]: is not a known customer characteristic`,
      );
  }
  for (const rp of body.relatedParty ?? []) {
    if (rp.role === 'accountManager') out.accountManagerId = rp.partyOrPartyRole.id ?? null;
  }
  return out;
}

export function toValidationError(error: z.ZodError): AppError {
  const fields = error.issues.map((i) => ({
    field: tmfField(i.path.map(String).join('.')),
    message: i.message,
  }));
  return new AppError('VALIDATION_FAILED', `Invalid input — ${fields[0]!.field}: ${fields[0]!.message}`, {
    fields,
  });
}
