import { sql, type Selectable } from 'kysely';
import { scopeFromPath, type DataScope } from '../../platform/http/caller.ts';
import { displayNames, unitsUnder } from '../identity/index.ts';
import type { CustomersTable, Executor, ProductInstancesTable } from './customers.tables.ts';
import type { ContactRef } from './domain/contacts.ts';
import { isSingleCjk, normaliseName, searchQuery } from './domain/search.ts';

export type CustomerRow = Selectable<CustomersTable>;
export type InstanceRow = Selectable<ProductInstancesTable>;
export type Names = Awaited<ReturnType<typeof displayNames>>;
export type BranchRow = Awaited<ReturnType<typeof branchesOf>>[number];
export type ContactRow = Awaited<ReturnType<typeof contactsOf>>[number];
export type InstanceWithProduct = InstanceRow & { product_name: string | null };

export type Scope = DataScope;
export { scopeFromPath };

/**
 * A customer is in scope when its owning unit is, or when one of its branches' units is (a
 * group-level enterprise is served the same way in every province it has a branch in).
 */
export function customerInScope(scope: Scope) {
  // The org units in scope come from identity (which owns the tree) as a subquery. Written for the
  // alias "c"; the subqueries run once (hashed), not per row.
  const units = unitsUnder(scope.path);
  return sql<boolean>`(c.org_unit_id in ${units}
    or c.id in (select sb.customer_id from customer_branches sb where sb.org_unit_id in ${units}))`;
}

export async function findCustomerRow(
  db: Executor,
  id: string,
  scope: Scope,
): Promise<CustomerRow | undefined> {
  let q = db.selectFrom('customers as c').selectAll('c').where('c.id', '=', id);
  if (!scope.all) q = q.where(customerInScope(scope));
  return q.executeTakeFirst();
}

/** Names of org units and users (staff) by id, from identity. */
export function names(db: Executor, unitIds: string[], userIds: string[]): Promise<Names> {
  return displayNames(db, unitIds, userIds);
}

export async function branchesOf(db: Executor, customerIds: string[]) {
  if (customerIds.length === 0) return [];
  const rows = await db
    .selectFrom('customer_branches as b')
    .select(['b.id', 'b.customer_id', 'b.org_unit_id', 'b.name', 'b.address'])
    .where('b.customer_id', 'in', customerIds)
    .orderBy('b.created_at')
    .orderBy('b.id')
    .execute();
  const units = (await displayNames(db, [...new Set(rows.map((r) => r.org_unit_id))], [])).unit;
  // A branch's unit always exists (foreign key); its name is identity's.
  return rows.map((r) => ({ ...r, unit_name: units.get(r.org_unit_id) ?? '' }));
}

export async function contactsOf(db: Executor, customerId: string) {
  return db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function instancesOf(db: Executor, customerId: string) {
  return db
    .selectFrom('product_instances as i')
    .selectAll('i')
    .where('i.customer_id', '=', customerId)
    .orderBy('i.status')
    .orderBy('i.created_at')
    .orderBy('i.id')
    .execute();
}

/**
 * A customer's contacts as ContactRefs, as a subquery on the customers row `alias` (so a write's
 * RETURNING or a load brings them along in the same statement), in contactsOf's order.
 */
export function contactRefsOf(alias: string) {
  return sql<ContactRef[]>`(select coalesce(jsonb_agg(jsonb_build_object('id', k.id, 'name', k.name,
    'role', k.role, 'primary', k.is_primary, 'at', k.created_at) order by k.is_primary desc, k.created_at, k.id),
    '[]'::jsonb)
    from customer_contacts k where k.customer_id = ${sql.ref(`${alias}.id`)})`;
}

/** The customer row in scope with its contacts' refs, in one statement (for use cases that write). */
export async function findCustomerForChange(
  db: Executor,
  id: string,
  scope: Scope,
): Promise<(CustomerRow & { contact_refs: ContactRef[] }) | undefined> {
  let q = db
    .selectFrom('customers as c')
    .selectAll('c')
    .select(contactRefsOf('c').as('contact_refs'))
    .where('c.id', '=', id);
  if (!scope.all) q = q.where(customerInScope(scope));
  return q.executeTakeFirst();
}

/** Rebuilds a customer's (or one contact's) rows in the phone lookup table. */
export async function replacePhones(
  db: Executor,
  customerId: string,
  contactId: string | null,
  rows: Array<{ phone: string | null | undefined; source: 'customer' | 'contact_mobile' | 'contact_office' }>,
) {
  let del = db.deleteFrom('customer_phones').where('customer_id', '=', customerId);
  del = contactId ? del.where('contact_id', '=', contactId) : del.where('contact_id', 'is', null);
  await del.execute();
  const values = rows
    .filter((r): r is { phone: string; source: typeof r.source } => !!r.phone)
    .map((r) => ({ phone: r.phone, source: r.source, customer_id: customerId, contact_id: contactId }));
  if (values.length) await db.insertInto('customer_phones').values(values).execute();
}

// ---- Lookups: each returns candidate customer ids (before the scope is applied). ----

export type CodeMatch = 'accountNo' | 'circuitId' | 'customerNo' | 'creditCode';

/**
 * A whole phone number: customers' and contacts' phones and the voice and mobile services whose
 * account number it is — one round trip. Never a part of a number (see domain/search.ts).
 */
export async function idsByPhone(db: Executor, phone: string, limit: number): Promise<string[]> {
  const r = await sql<{ id: string }>`
    (select customer_id as id from customer_phones where phone = ${phone} limit ${limit})
    union
    (select customer_id from product_instances where account_no = ${phone} limit ${limit})`.execute(db);
  return r.rows.map((x) => x.id);
}

/**
 * Customers with a phone ending in these four digits (尾号) — their own, a contact's, or a voice or
 * mobile service number — as a condition on alias "c", so that the scope and the page apply in
 * the same statement (a tail is shared by ~1 in 10 000 numbers: ~2 000 rows at 10 M customers).
 * `right(…, 4)` and the account pattern are written literally: they must match the indexes of
 * migration 0012 for the planner to use them. `= any(array(…))` makes the candidates one array the
 * primary key is probed with, newest first; as `in (…)` the planner misjudged their number and
 * walked the whole primary key backwards instead (1 s at 300 000 customers).
 */
export function phoneTailCondition(tail: string) {
  return sql<boolean>`c.id = any(array(
    select p.customer_id from customer_phones p where right(p.phone, 4) = ${tail}
    union all
    select i.customer_id from product_instances i
      where right(i.account_no, 4) = ${tail} and i.account_no ~ '^(1[3-9][0-9]{9}|0[0-9]{9,11})$'))`;
}

/** How many customer numbers a prefix search walks at most before the scope (index order). */
export const CUSTOMER_NO_PREFIX_CAP = 5000;

/** Customers whose number starts with a prefix (a LIKE pattern, see customerNoPrefixPattern), in scope. */
export async function idsByCustomerNoPrefix(
  db: Executor,
  pattern: string,
  scope: Scope,
  limit: number,
): Promise<string[]> {
  const inScope = scope.all ? sql`true` : customerInScope(scope);
  const r = await sql<{ id: string }>`
    select c.id from (
      select id, org_unit_id from customers where customer_no like ${pattern}
      limit ${CUSTOMER_NO_PREFIX_CAP}) c
    where ${inScope} limit ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Account number, circuit id, customer number or credit code: exact, index-backed, one round trip. */
export async function idsByCode(
  db: Executor,
  code: string,
  limit: number,
): Promise<Array<{ id: string; kind: CodeMatch }>> {
  const r = await sql<{ id: string; kind: CodeMatch }>`
    (select customer_id as id, 'accountNo' as kind from product_instances where account_no = ${code} limit ${limit})
    union all
    (select customer_id, 'circuitId' from product_instances where circuit_id = ${code} limit ${limit})
    union all
    (select id, 'customerNo' from customers where customer_no = ${code})
    union all
    (select id, 'creditCode' from customers where credit_code = ${code} and status <> 'erased')`.execute(db);
  return r.rows;
}

export async function idsByIdHashes(db: Executor, hashes: string[]): Promise<string[]> {
  const rows = await db.selectFrom('customers').select('id').where('id_number_hash', 'in', hashes).execute();
  return rows.map((r) => r.id);
}

export async function idsByAccountNo(db: Executor, accountNo: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('product_instances')
    .select('customer_id')
    .distinct()
    .where('account_no', '=', accountNo)
    .limit(limit)
    .execute();
  return rows.map((r) => r.customer_id);
}

export async function idsByCircuit(db: Executor, circuitId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('product_instances')
    .select('customer_id')
    .distinct()
    .where('circuit_id', '=', circuitId)
    .limit(limit)
    .execute();
  return rows.map((r) => r.customer_id);
}

export async function idsByCustomerNo(db: Executor, customerNo: string): Promise<string[]> {
  const rows = await db.selectFrom('customers').select('id').where('customer_no', '=', customerNo).execute();
  return rows.map((r) => r.id);
}

/**
 * The name condition for alias "c": a CJK-bigram phrase through the GIN index, or a name prefix
 * (one character, or a term without searchable tokens) through the prefix index.
 */
export function nameCondition(term: string) {
  const t = term.trim();
  const tsq = isSingleCjk(t) ? undefined : searchQuery(t);
  if (tsq) return sql<boolean>`c.search_vector @@ ${tsq}::tsquery`;
  return sql<boolean>`c.name_norm like ${`${normaliseName(t).replace(/[%_\\]/g, '\\$&')}%`}`;
}

export const NAME_CANDIDATE_CAP = 1000;

/**
 * Every customer whose name matches, when there are at most NAME_CANDIDATE_CAP of them (a rare
 * term: the index finds them all at once); undefined for a frequent term, which the caller walks
 * newest-first instead. The planner cannot tell the two apart well, so the application decides.
 */
export async function nameCandidates(db: Executor, term: string): Promise<string[] | undefined> {
  const r = await sql<{ id: string }>`
    select c.id from customers c where ${nameCondition(term)} limit ${NAME_CANDIDATE_CAP + 1}`.execute(db);
  return r.rows.length > NAME_CANDIDATE_CAP ? undefined : r.rows.map((x) => x.id);
}

/** Instances on a network resource: what a device, port or circuit alarm affects. */
export interface ResourceQuery {
  deviceId?: string | undefined;
  devicePort?: string | undefined;
  circuitId?: string | undefined;
  exchange?: string | undefined;
  stbId?: string | undefined;
  includeTerminated?: boolean | undefined;
}

export async function instancesOnResourceRows(
  db: Executor,
  q: ResourceQuery,
  scope: Scope | undefined,
  limit: number,
) {
  let query = db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .selectAll('i')
    .select(['c.name as customer_name', 'c.customer_no', 'c.kind', 'c.tier'])
    .orderBy('i.id')
    .limit(limit);
  if (q.deviceId) query = query.where('i.device_id', '=', q.deviceId);
  if (q.devicePort) query = query.where('i.device_port', '=', q.devicePort);
  if (q.circuitId) query = query.where('i.circuit_id', '=', q.circuitId);
  if (q.exchange) query = query.where('i.exchange', '=', q.exchange);
  if (q.stbId) query = query.where('i.stb_id', '=', q.stbId);
  if (!q.includeTerminated) query = query.where('i.status', '<>', 'terminated');
  if (scope && !scope.all) query = query.where(customerInScope(scope));
  return query.execute();
}

/** The display names of the people who acted (a log shows who, not their login). */
export async function actorNames(
  db: Executor,
  rows: ReadonlyArray<{ actor_id: string | null }>,
): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((r) => (r.actor_id ? [r.actor_id] : [])))];
  return (await displayNames(db, [], ids)).user;
}
