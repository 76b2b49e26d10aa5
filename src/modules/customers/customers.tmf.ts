/**
 * TMF629 Customer Management v5 over the same customers, rules and masking as /api/v1/customers:
 * GET/POST /customer, GET/PATCH /customer/{id}. A customer is a PartyRole whose engagedParty is
 * the individual or organisation itself; our attributes without a TMF home travel as
 * characteristics; contacts and the account manager as v5 relatedParty entries.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { ModuleContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { utf8JsonParser, type App } from '../../platform/http/app.ts';
import {
  contactsOf,
  customerInScope,
  findCustomerRow,
  idsByPhone,
  scopeFromPath,
} from './customers.repository.ts';
import { callerOf, customerDeps } from './customers.routes.ts';
import { customerInput, customerPatch, type CustomerPatch, type CustomerView } from './customers.schemas.ts';
import {
  createCustomer,
  customerViews,
  getCustomer,
  logAccess,
  updateCustomer,
  type Caller,
  type CustomerDeps,
} from './customers.service.ts';
import { CUSTOMER_STATUSES, TIERS } from './domain/catalogue.ts';
import { parsePhone } from './domain/pii.ts';
import { normaliseName } from './domain/search.ts';

export const TMF629_BASE = '/tmf-api/customer/v5';
const href = (id: string) => `${TMF629_BASE}/customer/${id}`;

type Json = Record<string, unknown>;

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
function selectFields(resource: Json, fields: string | undefined): Json {
  if (!fields) return resource;
  const wanted = new Set(fields.split(',').map((f) => f.trim().split('.')[0]!));
  const out: Json = { id: resource.id, href: resource.href, '@type': resource['@type'] };
  for (const [k, v] of Object.entries(resource)) if (wanted.has(k)) out[k] = v;
  return out;
}

async function tmfViews(deps: CustomerDeps, rows: Parameters<typeof customerViews>[1]) {
  const views = await customerViews(deps.db, rows);
  const contacts = await Promise.all(views.map((v) => contactsOf(deps.db, v.id)));
  return views.map((v, i) =>
    toTmfCustomer(
      v,
      contacts[i]!.map((k) => ({ id: k.id, name: k.name, role: k.role })),
    ),
  );
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

const tmfCustomerBody = z
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
type TmfBody = z.infer<typeof tmfCustomerBody>;

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

function fromTmf(body: TmfBody): Json {
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

function toValidationError(error: z.ZodError): AppError {
  const fields = error.issues.map((i) => ({
    field: tmfField(i.path.map(String).join('.')),
    message: i.message,
  }));
  return new AppError('VALIDATION_FAILED', `Invalid input — ${fields[0]!.field}: ${fields[0]!.message}`, {
    fields,
  });
}

// ---- Listing with offset/limit and attribute filters ----

const listQuery = z.looseObject({
  fields: z.string().max(500).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const FILTERS = new Set([
  'name',
  'status',
  'engagedParty.@referredType',
  'contactMedium.phoneNumber',
  'characteristic.tier',
  'characteristic.customerNo',
]);

async function listTmf(deps: CustomerDeps, caller: Caller, q: z.infer<typeof listQuery>) {
  const filters = Object.entries(q).filter(([k]) => !['fields', 'offset', 'limit'].includes(k)) as Array<
    [string, unknown]
  >;
  for (const [k, v] of filters) {
    if (!FILTERS.has(k))
      throw new AppError(
        'BAD_REQUEST',
        `Filtering on "${k}" is not supported; use ${[...FILTERS].join(', ')}`,
      );
    if (typeof v !== 'string') throw new AppError('BAD_REQUEST', `Filter "${k}" must be given once`);
  }
  const f = Object.fromEntries(filters) as Record<string, string>;
  const scope = scopeFromPath(caller.principal.scopePath);
  let base = deps.db.selectFrom('customers as c');
  if (!scope.all) base = base.where(customerInScope(scope));
  if (f.name) base = base.where('c.name_norm', '=', normaliseName(f.name));
  if (f.status !== undefined && !(CUSTOMER_STATUSES as readonly string[]).includes(f.status))
    throw new AppError('BAD_REQUEST', `status is one of ${CUSTOMER_STATUSES.join(', ')}`);
  if (
    f['characteristic.tier'] !== undefined &&
    !(TIERS as readonly string[]).includes(f['characteristic.tier'])
  )
    throw new AppError('BAD_REQUEST', `characteristic.tier is one of ${TIERS.join(', ')}`);
  if (f.status) base = base.where('c.status', '=', f.status as never);
  if (f['characteristic.tier']) base = base.where('c.tier', '=', f['characteristic.tier']);
  if (f['characteristic.customerNo'])
    base = base.where('c.customer_no', '=', f['characteristic.customerNo'].toUpperCase());
  if (f['engagedParty.@referredType']) {
    const t = f['engagedParty.@referredType'];
    if (t !== 'Individual' && t !== 'Organization')
      throw new AppError('BAD_REQUEST', 'engagedParty.@referredType is Individual or Organization');
    base = base.where('c.kind', '=', t === 'Organization' ? 'enterprise' : 'individual');
  }
  if (f['contactMedium.phoneNumber']) {
    const p = parsePhone(f['contactMedium.phoneNumber']);
    if ('problem' in p) throw new AppError('BAD_REQUEST', `contactMedium.phoneNumber: ${p.problem}`);
    const ids = await idsByPhone(deps.db, p.value, 500);
    if (ids.length === 0) return { items: [], total: 0 };
    base = base.where('c.id', 'in', ids);
  }
  const [{ total }, rows] = await Promise.all([
    base
      .select(sql<string>`count(*)`.as('total'))
      .execute()
      .then((r) => r[0]!),
    base.selectAll('c').orderBy('c.id', 'desc').offset(q.offset).limit(q.limit).execute(),
  ]);
  await logAccess(
    deps.db,
    caller.actor,
    rows.map((r) => r.id),
    'tmf',
    'list',
  );
  return { items: (await tmfViews(deps, rows)).map((r) => selectFields(r, q.fields)), total: Number(total) };
}

async function getTmf(deps: CustomerDeps, caller: Caller, id: string, fields?: string) {
  const view = await getCustomer(deps, caller, id);
  const contacts = await contactsOf(deps.db, id);
  return selectFields(
    toTmfCustomer(
      view,
      contacts.map((k) => ({ id: k.id, name: k.name, role: k.role })),
    ),
    fields,
  );
}

export function tmf629Routes(ctx: ModuleContext) {
  const deps = customerDeps(ctx);
  const tags = ['TMF629 Customer Management'];
  return async (app: App) => {
    // PATCH bodies: JSON Merge Patch (RFC 7386); plain application/json is treated the same.
    app.addContentTypeParser('application/merge-patch+json', { parseAs: 'buffer' }, utf8JsonParser(app));

    app.get(
      '/customer',
      {
        schema: {
          tags,
          summary: 'List or find customers (offset/limit, fields, attribute filters)',
          querystring: listQuery,
        },
        config: { access: { permission: 'customer.read' } },
      },
      async (request, reply) => {
        const { items, total } = await listTmf(deps, callerOf(request), request.query);
        void reply.header('X-Total-Count', String(total));
        void reply.header('X-Result-Count', String(items.length));
        return items;
      },
    );

    app.get(
      '/customer/:id',
      {
        schema: {
          tags,
          summary: 'Retrieve a customer',
          params: z.object({ id: z.string().max(64) }),
          querystring: z.object({ fields: z.string().max(500).optional() }),
        },
        config: { access: { permission: 'customer.read' } },
      },
      async (request) => {
        if (!z.uuid().safeParse(request.params.id).success)
          throw new AppError('NOT_FOUND', 'customer not found');
        return getTmf(deps, callerOf(request), request.params.id, request.query.fields);
      },
    );

    app.post(
      '/customer',
      {
        schema: {
          tags,
          summary: 'Create a customer (engagedParty.@referredType Individual or Organization)',
          querystring: z.object({ fields: z.string().max(500).optional() }),
          body: z.unknown(),
        },
        config: { access: { permission: 'customer.manage' } },
      },
      async (request, reply) => {
        const body = tmfCustomerBody.safeParse(request.body);
        if (!body.success) throw toValidationError(body.error);
        if (!body.data.engagedParty)
          throw new AppError('VALIDATION_FAILED', 'Invalid input — engagedParty: is required');
        const referred = body.data.engagedParty['@referredType'];
        if (referred !== 'Individual' && referred !== 'Organization')
          throw new AppError(
            'VALIDATION_FAILED',
            'Invalid input — engagedParty.@referredType: must be Individual or Organization',
          );
        const caller = callerOf(request);
        const mapped: Json = {
          kind: referred === 'Organization' ? 'enterprise' : 'individual',
          name: body.data.name ?? body.data.engagedParty.name,
          orgUnitId: caller.principal.scopePath.split('/').filter(Boolean).at(-1),
          ...fromTmf(body.data),
        };
        delete mapped.status;
        delete mapped.customerNo;
        const input = customerInput.safeParse(mapped);
        if (!input.success) throw toValidationError(input.error);
        const created = await createCustomer(deps, caller, input.data);
        void reply.header('location', href(created.id));
        return reply.status(201).send(await getTmf(deps, caller, created.id, request.query.fields));
      },
    );

    app.patch(
      '/customer/:id',
      {
        schema: {
          tags,
          summary: 'Update a customer (JSON Merge Patch)',
          params: z.object({ id: z.string().max(64) }),
          querystring: z.object({ fields: z.string().max(500).optional() }),
          body: z.unknown(),
        },
        config: {
          access: { permission: 'customer.manage' },
          bodyTypes: ['application/merge-patch+json', 'application/json'],
        },
      },
      async (request) => {
        const caller = callerOf(request);
        if (!z.uuid().safeParse(request.params.id).success)
          throw new AppError('NOT_FOUND', 'customer not found');
        if (
          request.body === null ||
          typeof request.body !== 'object' ||
          Array.isArray(request.body) ||
          Object.keys(request.body).length === 0
        )
          throw new AppError(
            'VALIDATION_FAILED',
            'Invalid input — body: send a JSON object with at least one attribute to change (JSON Merge Patch)',
          );
        const body = tmfCustomerBody.safeParse({ '@type': 'Customer', ...request.body });
        if (!body.success) throw toValidationError(body.error);
        for (const k of ['id', 'href'] as const)
          if (
            body.data[k] !== undefined &&
            body.data[k] !== (k === 'id' ? request.params.id : href(request.params.id))
          )
            throw new AppError('VALIDATION_FAILED', `Invalid input — ${k}: cannot be changed`);
        if (body.data.engagedParty)
          throw new AppError('VALIDATION_FAILED', 'Invalid input — engagedParty: cannot be changed');
        const mapped = fromTmf(body.data);
        if (mapped.customerNo !== undefined) {
          // Sent back unchanged by a client that round-trips what it read: fine; a new number: not.
          const current = await findCustomerRow(
            deps.db,
            request.params.id,
            scopeFromPath(caller.principal.scopePath),
          );
          if (current && current.customer_no !== String(mapped.customerNo).toUpperCase())
            throw new AppError(
              'VALIDATION_FAILED',
              'Invalid input — characteristic[customerNo]: cannot be changed',
            );
          delete mapped.customerNo;
        }
        // Only masked values or read-only attributes sent back: nothing to write (no new version).
        if (Object.keys(mapped).length === 0) {
          if (!(await findCustomerRow(deps.db, request.params.id, scopeFromPath(caller.principal.scopePath))))
            throw new AppError('NOT_FOUND', 'customer not found');
          return getTmf(deps, caller, request.params.id, request.query.fields);
        }
        const patch = customerPatch.safeParse(mapped);
        if (!patch.success) throw toValidationError(patch.error);
        await updateCustomer(deps, caller, request.params.id, patch.data as CustomerPatch);
        return getTmf(deps, caller, request.params.id, request.query.fields);
      },
    );

    app.delete(
      '/customer/:id',
      {
        schema: {
          tags,
          summary: 'Not supported: erase a customer through POST /api/v1/customers/{id}/erase',
          params: z.object({ id: z.string() }),
        },
        config: { access: { permission: 'customer.erase' } },
      },
      async () => {
        throw new AppError(
          'METHOD_NOT_ALLOWED',
          'Customers are not deleted; erase one through POST /api/v1/customers/{id}/erase',
        );
      },
    );
  };
}
