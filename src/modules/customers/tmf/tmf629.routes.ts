/**
 * Routes of TMF629 Customer Management v5 over the same customers, rules and masking as
 * /api/v1/customers: GET/POST /customer, GET/PATCH/DELETE /customer/{id}, on the shared TMF
 * plumbing (src/platform/tmf). What has no home in our model is kept by tmf629.store.ts.
 */
import { sql, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { ModuleContext } from '../../../context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import {
  addMergePatchParser,
  applyMergePatch,
  invalidTmfAttribute,
  invalidTmfInput,
  parseFilters,
  publicBaseUrl,
  selectFields,
  sendPage,
  sqlCondition,
  tmfListQuery,
  TMF_PATCH_BODY_TYPES,
  type FilterCatalogue,
  type FilterCondition,
} from '../../../platform/tmf/index.ts';
import { logAccess } from '../access-log.service.ts';
import { callerOf, customerDeps, scopeOf, type Caller, type CustomerDeps } from '../caller.ts';
import { loadInScope } from '../customer-checks.ts';
import { customerViews } from '../customer-read.ts';
import { createCustomer, updateCustomer } from '../customer.service.ts';
import { contactsOf, customerInScope, idsByPhone, type CustomerRow } from '../customers.repository.ts';
import { customerInput, customerPatch, type CustomerPatch } from '../customers.schemas.ts';
import { CUSTOMER_STATUSES, TIERS } from '../domain/catalogue.ts';
import { parsePhone } from '../domain/pii.ts';
import { normaliseName } from '../domain/search.ts';
import { columnsOf, fromTmfMedia, sameMedia, type Medium } from './contact-media.ts';
import {
  checkAttributes,
  customerHref,
  engagedPartyOf,
  fromCharacteristics,
  referredType,
  tmfField,
  toTmfCustomer,
  type Json,
} from './tmf629.mapper.ts';
import { attributesAfter, partyRef, relatedParties, sameAttributes } from './tmf629.parties.ts';
import {
  attributesOf,
  clearMediaOf,
  idsByMedium,
  maskedMediaOf,
  NO_ATTRIBUTES,
  replaceMedia,
  writeAttributes,
  type TmfAttributes,
} from './tmf629.store.ts';

export { TMF629_BASE } from './tmf629.mapper.ts';

const isUuid = (v: unknown) => typeof v === 'string' && z.uuid().safeParse(v).success;

async function tmfResources(deps: CustomerDeps, rows: CustomerRow[], base: string) {
  const ids = rows.map((r) => r.id);
  const [views, attributes, media, contacts] = await Promise.all([
    customerViews(deps.db, rows),
    attributesOf(deps.db, ids),
    maskedMediaOf(deps.db, deps.vault, rows),
    Promise.all(ids.map((id) => contactsOf(deps.db, id))),
  ]);
  return views.map((v, i) =>
    toTmfCustomer(
      v,
      {
        contacts: contacts[i]!.map((k) => ({ id: k.id, name: k.name, role: k.role })),
        attributes: attributes.get(v.id) ?? NO_ATTRIBUTES,
        contactMedium: media.get(v.id) ?? [],
      },
      base,
    ),
  );
}

async function getTmf(deps: CustomerDeps, caller: Caller, id: string, base: string, fields?: string) {
  const row = await loadInScope(deps.db, caller, id);
  const [resource] = await tmfResources(deps, [row], base);
  await logAccess(deps.db, caller.actor, [id], 'tmf', 'view');
  return selectFields(resource!, fields);
}

// ---- Listing: offset/limit and TMF630 attribute filters ----

const FILTERS = {
  id: { type: 'string' },
  '@type': { type: 'enum', values: ['Customer'] },
  name: { type: 'string' },
  status: { type: 'enum', values: CUSTOMER_STATUSES },
  'engagedParty.id': { type: 'string' },
  'engagedParty.name': { type: 'string' },
  'engagedParty.@referredType': { type: 'enum', values: ['Individual', 'Organization'] },
  'relatedParty.role': { type: 'string', operators: ['eq'] },
  'relatedParty.id': { type: 'string', operators: ['eq'] },
  'relatedParty.partyOrPartyRole.id': { type: 'string', operators: ['eq'] },
  'contactMedium.phoneNumber': { type: 'string', operators: ['eq'] },
  'characteristic.tier': { type: 'enum', values: TIERS },
  'characteristic.customerNo': { type: 'string' },
  'validFor.startDateTime': { type: 'dateTime' },
  'validFor.endDateTime': { type: 'dateTime' },
} satisfies FilterCatalogue;
type Field = keyof typeof FILTERS;

const NOTHING = sql<SqlBool>`false`;

/** Related parties of every kind (kept, the account manager, contacts) as (role, id) pairs. */
function relatedPartyCondition(conditions: FilterCondition<Field>[]) {
  const parts = conditions.map((c) => {
    const column = c.field === 'relatedParty.role' ? sql.ref('p.role') : sql.ref('p.id');
    return sql`${column} in (${sql.join(c.values.map(String))})`;
  });
  return sql<SqlBool>`exists (select 1 from (
      select rp ->> 'role' as role, rp -> 'partyOrPartyRole' ->> 'id' as id
        from jsonb_array_elements(coalesce(t.related_parties, '[]'::jsonb)) rp
      union all select 'accountManager', c.account_manager_id::text where c.account_manager_id is not null
      union all select 'contact:' || k.role, k.id::text from customer_contacts k where k.customer_id = c.id
    ) p where ${sql.join(parts, sql` and `)})`;
}

/** Customers having any of the phone numbers (their own, contacts', services', kept media). */
async function idsByPhones(deps: CustomerDeps, c: FilterCondition<Field>): Promise<string[]> {
  const ids = new Set<string>();
  for (const v of c.values) {
    const p = parsePhone(String(v));
    if ('problem' in p) throw new AppError('BAD_REQUEST', `Filter contactMedium.phoneNumber: ${p.problem}`);
    for (const id of await idsByPhone(deps.db, p.value, 500)) ids.add(id);
    for (const id of await idsByMedium(deps.db, deps.vault, 'phone', p.value)) ids.add(id);
  }
  return [...ids];
}

function conditionSql(
  eb: Parameters<typeof sqlCondition>[0],
  c: FilterCondition<Field>,
  phoneIds: string[] | undefined,
): ReturnType<typeof sqlCondition> | undefined {
  const on = (column: Parameters<typeof sqlCondition>[1], values = c.values) =>
    sqlCondition(eb, column, { op: c.op, values });
  switch (c.field) {
    case 'id': {
      const ids = c.values.filter(isUuid);
      if (ids.length === 0) return c.op === 'eq' ? NOTHING : undefined; // no such customer
      return on('c.id', ids);
    }
    case '@type':
      return c.op === 'eq' ? undefined : NOTHING; // every one is a Customer
    case 'name':
      return on(
        'c.name_norm',
        c.values.map((v) => normaliseName(String(v))),
      );
    case 'status':
      return on('c.status');
    case 'engagedParty.id':
      return on(sql`coalesce(t.engaged_party ->> 'id', c.id::text)`);
    case 'engagedParty.name':
      return on(sql`coalesce(t.engaged_party ->> 'name', c.name)`);
    case 'engagedParty.@referredType':
      return on(
        'c.kind',
        c.values.map((v) => (v === 'Organization' ? 'enterprise' : 'individual')),
      );
    case 'characteristic.tier':
      return on('c.tier');
    case 'characteristic.customerNo':
      return on(
        'c.customer_no',
        c.values.map((v) => String(v).toUpperCase()),
      );
    case 'validFor.startDateTime':
      return on(sql`coalesce(t.valid_from, c.created_at)`);
    case 'validFor.endDateTime':
      return on('t.valid_to');
    case 'contactMedium.phoneNumber':
      return phoneIds?.length ? on('c.id', phoneIds) : NOTHING;
    default:
      return undefined; // relatedParty.*: together, below
  }
}

async function listTmf(
  deps: CustomerDeps,
  caller: Caller,
  q: { fields?: string | undefined; offset: number; limit: number } & Record<string, unknown>,
  base: string,
) {
  const conditions = parseFilters(q, FILTERS);
  const scope = scopeOf(caller.principal);
  let query = deps.db
    .selectFrom('customers as c')
    .leftJoin('customer_tmf_attributes as t', 't.customer_id', 'c.id');
  if (!scope.all) query = query.where(customerInScope(scope));
  const phoneIds = await Promise.all(
    conditions.map((c) => (c.field === 'contactMedium.phoneNumber' ? idsByPhones(deps, c) : undefined)),
  );
  const related = conditions.filter((c) => c.field.startsWith('relatedParty.'));
  if (conditions.length)
    query = query.where((eb) => {
      const wheres = conditions
        .map((c, i) => conditionSql(eb, c, phoneIds[i]))
        .filter((w) => w !== undefined);
      if (related.length) wheres.push(relatedPartyCondition(related));
      return wheres.length ? eb.and(wheres) : sql<SqlBool>`true`;
    });
  const [{ total }, rows] = await Promise.all([
    query
      .select(sql<string>`count(*)`.as('total'))
      .execute()
      .then((r) => r[0]!),
    query.selectAll('c').orderBy('c.id', 'desc').offset(q.offset).limit(q.limit).execute(),
  ]);
  await logAccess(
    deps.db,
    caller.actor,
    rows.map((r) => r.id),
    'tmf',
    'list',
  );
  const items = (await tmfResources(deps, rows, base)).map((r) => selectFields(r, q.fields));
  return { items, total: Number(total) };
}

// ---- Writes ----

const plainObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Related parties sent: the account manager is ours, contacts are read-only, the rest kept. */
function sortRelatedParties(
  raw: unknown,
  contacts: Array<{ id: string; role: string }>,
): { accountManagerId: string | null; kept: TmfAttributes['relatedParties'] } {
  const sent = relatedParties(raw);
  const managers = sent.filter((r) => r.role === 'accountManager');
  if (managers.length > 1)
    throw invalidTmfAttribute(`relatedParty[${managers[1]!.index}]`, 'a customer has one account manager');
  for (const r of sent.filter((x) => x.role.startsWith('contact:')))
    if (!contacts.some((k) => k.id === r.ref.id && `contact:${k.role}` === r.role))
      throw invalidTmfAttribute(
        `relatedParty[${r.index}]`,
        'contacts are added and changed through /api/v1/customers/{id}/contacts',
      );
  return {
    accountManagerId: managers[0]?.ref.id ?? null,
    kept: sent
      .filter((r) => r.role !== 'accountManager' && !r.role.startsWith('contact:'))
      .map((r) => ({ role: r.role, partyOrPartyRole: r.ref })),
  };
}

function checkType(body: Json) {
  if (body['@type'] !== undefined && body['@type'] !== 'Customer')
    throw invalidTmfAttribute('@type', 'must be "Customer"');
}

async function createTmf(deps: CustomerDeps, caller: Caller, body: unknown) {
  if (!plainObject(body)) throw invalidTmfAttribute('body', 'send a Customer object');
  checkAttributes(body);
  if (body['@type'] === undefined) throw invalidTmfAttribute('@type', 'is required ("Customer")');
  checkType(body);
  for (const k of ['id', 'href'] as const)
    if (body[k] !== undefined) throw invalidTmfAttribute(k, 'is assigned by the server; leave it out');
  if (body.engagedParty === undefined || body.engagedParty === null)
    throw invalidTmfAttribute('engagedParty', 'is required');
  const party = partyRef(body.engagedParty, 'engagedParty', false);
  const referred = party['@referredType'];
  if (referred !== 'Individual' && referred !== 'Organization')
    throw invalidTmfAttribute('engagedParty.@referredType', 'must be Individual or Organization');
  if (body.status !== undefined && body.status !== 'active')
    throw invalidTmfAttribute('status', 'a new customer is active; change it with PATCH');
  const media = body.contactMedium === undefined ? [] : fromTmfMedia(body.contactMedium, []);
  const related = sortRelatedParties(body.relatedParty ?? [], []);
  const characteristics = body.characteristic === undefined ? {} : fromCharacteristics(body.characteristic);
  if (characteristics.customerNo !== undefined)
    throw invalidTmfAttribute('characteristic[customerNo]', 'is assigned by the server; leave it out');
  const columns = columnsOf(media);
  const native: Json = {
    kind: referred === 'Organization' ? 'enterprise' : 'individual',
    name: body.name ?? party.name,
    orgUnitId: caller.principal.scopePath.split('/').filter(Boolean).at(-1),
    ...characteristics,
    ...Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== null)),
    ...(related.accountManagerId ? { accountManagerId: related.accountManagerId } : {}),
  };
  const input = customerInput.safeParse(native);
  if (!input.success) throw invalidTmfInput(input.error, tmfField);
  const attributes: TmfAttributes = {
    ...attributesAfter(NO_ATTRIBUTES, body),
    engagedParty: party,
    relatedParties: related.kept,
  };
  const created = await createCustomer(deps, caller, input.data, async (trx, id) => {
    await writeAttributes(trx, id, attributes);
    await replaceMedia(trx, deps.vault, id, media);
  });
  return created.id;
}

/** The TMF names of the kept attributes that differ (for the audit entry and the change event). */
function changedAttributes(before: TmfAttributes, after: TmfAttributes): string[] {
  const names: Array<[keyof TmfAttributes, string]> = [
    ['description', 'description'],
    ['statusReason', 'statusReason'],
    ['role', 'role'],
    ['baseType', '@baseType'],
    ['schemaLocation', '@schemaLocation'],
    ['validFrom', 'validFor'],
    ['validTo', 'validFor'],
    ['engagedParty', 'engagedParty'],
    ['relatedParties', 'relatedParty'],
  ];
  const differs = (k: keyof TmfAttributes) =>
    !sameAttributes({ ...NO_ATTRIBUTES, [k]: before[k] }, { ...NO_ATTRIBUTES, [k]: after[k] });
  return [...new Set(names.filter(([k]) => differs(k)).map(([, n]) => n))];
}

async function patchTmf(deps: CustomerDeps, caller: Caller, id: string, body: unknown, base: string) {
  if (!plainObject(body) || Object.keys(body).length === 0)
    throw invalidTmfAttribute(
      'body',
      'send a JSON object with at least one attribute to change (JSON Merge Patch)',
    );
  checkAttributes(body);
  checkType(body);
  if (body.id !== undefined && body.id !== id) throw invalidTmfAttribute('id', 'cannot be changed');
  if (body.href !== undefined && body.href !== customerHref(base, id))
    throw invalidTmfAttribute('href', 'cannot be changed');
  const row = await loadInScope(deps.db, caller, id);
  const has = (k: string) => Object.hasOwn(body, k);
  for (const k of ['name', 'status', 'engagedParty'])
    if (has(k) && body[k] === null) throw invalidTmfAttribute(k, 'cannot be removed');
  const native: Json = {};
  if (has('name')) native.name = body.name;
  if (has('status')) native.status = body.status;
  if (has('characteristic')) Object.assign(native, fromCharacteristics(body.characteristic));
  if (native.customerNo !== undefined) {
    // Sent back unchanged by a client that round-trips what it read: fine; a new number: not.
    if (row.customer_no !== String(native.customerNo).toUpperCase())
      throw invalidTmfAttribute('characteristic[customerNo]', 'cannot be changed');
    delete native.customerNo;
  }
  const before = (await attributesOf(deps.db, [id])).get(id) ?? NO_ATTRIBUTES;
  const after: TmfAttributes = attributesAfter(before, body);
  if (has('engagedParty')) {
    const current = engagedPartyOf({ id, name: row.name, kind: row.kind }, before.engagedParty);
    const party = partyRef(applyMergePatch(current, body.engagedParty), 'engagedParty', false);
    if (party['@referredType'] !== referredType(row.kind))
      throw invalidTmfAttribute('engagedParty.@referredType', 'cannot be changed');
    after.engagedParty = party;
  }
  if (has('relatedParty')) {
    const contacts = await contactsOf(deps.db, id);
    const related = sortRelatedParties(body.relatedParty, contacts);
    if (related.accountManagerId !== row.account_manager_id)
      native.accountManagerId = related.accountManagerId;
    after.relatedParties = related.kept;
  }
  let media: Medium[] | undefined;
  if (has('contactMedium')) {
    const existing = await clearMediaOf(deps.db, deps.vault, row);
    const next = fromTmfMedia(body.contactMedium, existing);
    if (!sameMedia(existing, next)) {
      media = next;
      const columns = columnsOf(next);
      for (const k of ['phone', 'email', 'address'] as const)
        if (columns[k] !== row[k]) native[k] = columns[k];
    }
  }
  const attributesChanged = !sameAttributes(before, after);
  // Only masked values or unchanged attributes sent back: nothing to write (no new version).
  if (Object.keys(native).length === 0 && !media && !attributesChanged) return;
  let patch = {} as CustomerPatch;
  if (Object.keys(native).length) {
    const parsed = customerPatch.safeParse(native);
    if (!parsed.success) throw invalidTmfInput(parsed.error, tmfField);
    patch = parsed.data as CustomerPatch;
  }
  const changed = [...(media ? ['contactMedium'] : []), ...changedAttributes(before, after)];
  await updateCustomer(deps, caller, id, patch, {
    changed,
    write: async (trx) => {
      if (attributesChanged) await writeAttributes(trx, id, after);
      if (media) await replaceMedia(trx, deps.vault, id, media);
    },
  });
}

export function tmf629Routes(ctx: ModuleContext) {
  const deps = customerDeps(ctx);
  const tags = ['TMF629 Customer Management'];
  const fieldsQuery = z.object({ fields: z.string().max(500).optional() });
  const idParams = z.object({ id: z.string().max(64) });
  const baseOf = (request: { protocol: string; host: string }) =>
    publicBaseUrl(ctx.config.publicUrl, request);
  return async (app: App) => {
    addMergePatchParser(app);

    app.get(
      '/customer',
      {
        schema: {
          tags,
          summary:
            'List or find customers (offset/limit, fields, attribute filters: id, status=a,b, validFor.startDateTime.gte=…)',
          querystring: z.looseObject(tmfListQuery({ defaultLimit: 20, maxLimit: 100 })),
        },
        config: { access: { permission: 'customer.read' } },
      },
      async (request, reply) => {
        const { items, total } = await listTmf(deps, callerOf(request), request.query, baseOf(request));
        return sendPage(reply, items, total);
      },
    );

    app.get(
      '/customer/:id',
      {
        schema: { tags, summary: 'Retrieve a customer', params: idParams, querystring: fieldsQuery },
        config: { access: { permission: 'customer.read' } },
      },
      async (request) => {
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'customer not found');
        return getTmf(deps, callerOf(request), request.params.id, baseOf(request), request.query.fields);
      },
    );

    app.post(
      '/customer',
      {
        schema: {
          tags,
          summary: 'Create a customer (engagedParty.@referredType Individual or Organization)',
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: { access: { permission: 'customer.manage' } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const base = baseOf(request);
        const id = await createTmf(deps, caller, request.body);
        void reply.header('location', customerHref(base, id));
        return reply.status(201).send(await getTmf(deps, caller, id, base, request.query.fields));
      },
    );

    app.patch(
      '/customer/:id',
      {
        schema: {
          tags,
          summary: 'Update a customer (JSON Merge Patch: null removes an attribute)',
          params: idParams,
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: { access: { permission: 'customer.manage' }, bodyTypes: TMF_PATCH_BODY_TYPES },
      },
      async (request) => {
        const caller = callerOf(request);
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'customer not found');
        const base = baseOf(request);
        await patchTmf(deps, caller, request.params.id, request.body, base);
        return getTmf(deps, caller, request.params.id, base, request.query.fields);
      },
    );

    app.delete(
      '/customer/:id',
      {
        schema: {
          tags,
          summary:
            'Not supported for a customer that exists (404 otherwise): erase one through POST /api/v1/customers/{id}/erase',
          params: idParams,
        },
        config: { access: { permission: 'customer.erase' } },
      },
      async (request) => {
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'customer not found');
        await loadInScope(deps.db, callerOf(request), request.params.id);
        throw new AppError(
          'METHOD_NOT_ALLOWED',
          'Customers are not deleted; erase one through POST /api/v1/customers/{id}/erase',
        );
      },
    );
  };
}
