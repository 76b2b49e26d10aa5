/** TMF629 lists: offset/limit and TMF630 attribute filters turned into SQL on our tables. */
import { sql, type SqlBool } from 'kysely';
import { AppError } from '../../../platform/errors.ts';
import {
  parseFilters,
  selectFields,
  sqlCondition,
  type FilterCatalogue,
  type FilterCondition,
} from '../../../platform/tmf/index.ts';
import { logAccess } from '../access-log.service.ts';
import type { Caller, CustomerDeps } from '../caller.ts';
import { customerInScope, idsByPhone } from '../customers.repository.ts';
import { CUSTOMER_STATUSES, TIERS } from '../domain/catalogue.ts';
import { parsePhone } from '../domain/pii.ts';
import { normaliseName } from '../domain/search.ts';
import { logMiss, searchPurpose } from '../search-guard.ts';
import { idsByMedium } from './tmf629.store.ts';
import { isUuid, tmfResources } from './tmf629.read.ts';

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

/** Filters that look someone up, by the kind the access log names (the others narrow a list). */
const SEARCH_KINDS: Partial<Record<Field, string>> = {
  id: 'id',
  name: 'name',
  'engagedParty.id': 'id',
  'engagedParty.name': 'name',
  'contactMedium.phoneNumber': 'phone',
  'characteristic.customerNo': 'customerNo',
};

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

/**
 * Customers having any of the phone numbers (their own, contacts', services', kept media): whole
 * numbers only (`eq`), never a part of one.
 */
async function idsByPhones(deps: CustomerDeps, c: FilterCondition<Field>): Promise<string[]> {
  // One number a search: a comma list would try a hundred guesses for one miss.
  if (c.values.length > 1)
    throw new AppError('BAD_REQUEST', 'Filter contactMedium.phoneNumber: one phone number per search');
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

export async function listTmf(
  deps: CustomerDeps,
  caller: Caller,
  q: { fields?: string | undefined; offset: number; limit: number } & Record<string, unknown>,
  base: string,
) {
  const conditions = parseFilters(q, FILTERS);
  const scope = caller.scope;
  const kinds = [...new Set(conditions.map((c) => SEARCH_KINDS[c.field]).filter((k) => k !== undefined))];
  const ticket = deps.searchGuard
    ? await deps.searchGuard.begin(deps.db, caller, kinds)
    : { kinds, missesBefore: 0 };
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
  const purpose = searchPurpose(kinds, 'list');
  if (Number(total) === 0 && kinds.length > 0) {
    if (deps.searchGuard) await deps.searchGuard.missed(deps.db, caller, ticket, 'tmf', purpose);
    else await logMiss(deps.db, caller, 'tmf', purpose);
  }
  await logAccess(
    deps.db,
    caller.actor,
    rows.map((r) => r.id),
    'tmf',
    purpose ?? 'list',
  );
  const items = (await tmfResources(deps, rows, base)).map((r) => selectFields(r, q.fields));
  return { items, total: Number(total) };
}
