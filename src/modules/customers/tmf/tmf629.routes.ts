/**
 * Routes of TMF629 Customer Management v5 over the same customers, rules and masking as /api/v1/customers:
 * GET/POST /customer, GET/PATCH /customer/{id}. A customer is a PartyRole whose engagedParty is
 * the individual or organisation itself; our attributes without a TMF home travel as
 * characteristics; contacts and the account manager as v5 relatedParty entries.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { ModuleContext } from '../../../context.ts';
import { AppError } from '../../../platform/errors.ts';
import { utf8JsonParser, type App } from '../../../platform/http/app.ts';
import { logAccess } from '../access-log.service.ts';
import { callerOf, customerDeps, type Caller, type CustomerDeps } from '../caller.ts';
import { customerViews } from '../customer-read.ts';
import { createCustomer, getCustomer, updateCustomer } from '../customer.service.ts';
import {
  contactsOf,
  customerInScope,
  findCustomerRow,
  idsByPhone,
  scopeFromPath,
} from '../customers.repository.ts';
import { customerInput, customerPatch, type CustomerPatch } from '../customers.schemas.ts';
import { CUSTOMER_STATUSES, TIERS } from '../domain/catalogue.ts';
import { parsePhone } from '../domain/pii.ts';
import { normaliseName } from '../domain/search.ts';
import {
  fromTmf,
  href,
  selectFields,
  tmfCustomerBody,
  toTmfCustomer,
  toValidationError,
  type Json,
} from './tmf629.mapper.ts';

export { TMF629_BASE } from './tmf629.mapper.ts';

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

/** POST /customer: a TMF body mapped onto our input, created with the same rules as ours. */
async function createTmf(deps: CustomerDeps, caller: Caller, raw: unknown, fields: string | undefined) {
  const body = tmfCustomerBody.safeParse(raw);
  if (!body.success) throw toValidationError(body.error);
  if (!body.data.engagedParty)
    throw new AppError('VALIDATION_FAILED', 'Invalid input — engagedParty: is required');
  const referred = body.data.engagedParty['@referredType'];
  if (referred !== 'Individual' && referred !== 'Organization')
    throw new AppError(
      'VALIDATION_FAILED',
      'Invalid input — engagedParty.@referredType: must be Individual or Organization',
    );
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
  return { id: created.id, body: await getTmf(deps, caller, created.id, fields) };
}

/** PATCH /customer/{id}: a merge patch mapped onto our PATCH (masked values sent back are ignored). */
async function patchTmf(
  deps: CustomerDeps,
  caller: Caller,
  id: string,
  raw: unknown,
  fields: string | undefined,
) {
  if (!z.uuid().safeParse(id).success) throw new AppError('NOT_FOUND', 'customer not found');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0)
    throw new AppError(
      'VALIDATION_FAILED',
      'Invalid input — body: send a JSON object with at least one attribute to change (JSON Merge Patch)',
    );
  const body = tmfCustomerBody.safeParse({ '@type': 'Customer', ...raw });
  if (!body.success) throw toValidationError(body.error);
  for (const k of ['id', 'href'] as const)
    if (body.data[k] !== undefined && body.data[k] !== (k === 'id' ? id : href(id)))
      throw new AppError('VALIDATION_FAILED', `Invalid input — ${k}: cannot be changed`);
  if (body.data.engagedParty)
    throw new AppError('VALIDATION_FAILED', 'Invalid input — engagedParty: cannot be changed');
  const mapped = fromTmf(body.data);
  if (mapped.customerNo !== undefined) {
    // Sent back unchanged by a client that round-trips what it read: fine; a new number: not.
    const current = await findCustomerRow(deps.db, id, scopeFromPath(caller.principal.scopePath));
    if (current && current.customer_no !== String(mapped.customerNo).toUpperCase())
      throw new AppError(
        'VALIDATION_FAILED',
        'Invalid input — characteristic[customerNo]: cannot be changed',
      );
    delete mapped.customerNo;
  }
  // Only masked values or read-only attributes sent back: nothing to write (no new version).
  if (Object.keys(mapped).length === 0) {
    if (!(await findCustomerRow(deps.db, id, scopeFromPath(caller.principal.scopePath))))
      throw new AppError('NOT_FOUND', 'customer not found');
    return getTmf(deps, caller, id, fields);
  }
  const patch = customerPatch.safeParse(mapped);
  if (!patch.success) throw toValidationError(patch.error);
  await updateCustomer(deps, caller, id, patch.data as CustomerPatch);
  return getTmf(deps, caller, id, fields);
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
        const { id, body } = await createTmf(deps, callerOf(request), request.body, request.query.fields);
        void reply.header('location', href(id));
        return reply.status(201).send(body);
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
      async (request) =>
        patchTmf(deps, callerOf(request), request.params.id, request.body, request.query.fields),
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
