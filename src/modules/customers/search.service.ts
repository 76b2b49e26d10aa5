/** Finding customers: the filtered list (keyset paging) and the one-box search. */
import { sql } from 'kysely';
import type { Executor } from './customers.tables.ts';
import { invalidField } from '../../platform/errors.ts';
import { unitPath } from '../identity/index.ts';
import { logAccess, type AccessAction } from './access-log.service.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import {
  customerInScope,
  idsByAccountNo,
  idsByCircuit,
  idsByCode,
  idsByCustomerNo,
  idsByCustomerNoPrefix,
  idsByIdHashes,
  idsByPhone,
  phoneTailCondition,
  NAME_CANDIDATE_CAP,
  nameCandidates,
  nameCondition,
  type CustomerRow,
  type Scope,
} from './customers.repository.ts';
import type { CustomerListItem } from './customers.schemas.ts';
import { LIST_COLUMNS, listItemView, type ListRow } from './customers.views.ts';
import { normalisePhone, normaliseResidentId, phoneKind } from './domain/pii.ts';
import {
  classifyTerm,
  customerNoPrefixPattern,
  normaliseCode,
  normaliseName,
  phoneQuery,
  type PhoneQuery,
} from './domain/search.ts';
import { logMiss, searchPurpose, type SearchTicket } from './search-guard.ts';

export interface ListFilters {
  kind?: 'individual' | 'enterprise' | undefined;
  tier?: string | undefined;
  status?: string | undefined;
  orgUnitId?: string | undefined;
  accountManagerId?: string | undefined;
  valueLevel?: string | undefined;
  tag?: string | undefined;
  name?: string | undefined;
  phone?: string | undefined;
  idNumber?: string | undefined;
  accountNo?: string | undefined;
  circuitId?: string | undefined;
  customerNo?: string | undefined;
  after?: string | undefined;
  limit: number;
}

const LOOKUP_CAP = 500;

/** A list or export search, validated, with its kinds (as the access log names them). */
export interface ListSearch {
  filters: Omit<ListFilters, 'after' | 'limit'>;
  phone: PhoneQuery | undefined;
  /** phone | phoneTail | idNumber | accountNo | phoneAccountNo | circuitId | customerNo | name; none: browsing. */
  kinds: string[];
  ticket: SearchTicket;
}

/**
 * Checks a list's search filters and, for a phone or ID number, lets the search guard slow the
 * caller down first. A phone is the whole number or its last four digits, nothing else.
 */
export async function beginListSearch(
  deps: CustomerDeps,
  caller: Caller,
  f: Omit<ListFilters, 'after' | 'limit'>,
): Promise<ListSearch> {
  let phone: PhoneQuery | undefined;
  if (f.phone) {
    const p = phoneQuery(f.phone);
    if ('problem' in p) throw invalidField('phone', p.problem);
    phone = p;
  }
  const kinds = [
    phone && (phone.kind === 'tail' ? 'phoneTail' : 'phone'),
    f.idNumber && 'idNumber',
    // A voice or mobile service number is a phone number: guessed the same way, guarded the same.
    f.accountNo && (phoneKind(normalisePhone(f.accountNo)) ? 'phoneAccountNo' : 'accountNo'),
    f.circuitId && 'circuitId',
    f.customerNo && 'customerNo',
    f.name && 'name',
  ].filter((k): k is string => !!k);
  const ticket = deps.searchGuard
    ? await deps.searchGuard.begin(deps.db, caller, kinds)
    : { kinds, missesBefore: 0 };
  return { filters: f, phone, kinds, ticket };
}

/** A list search that found nobody: access-logged (kind only), counted by the guard. */
export async function endListSearch(
  deps: CustomerDeps,
  caller: Caller,
  search: ListSearch,
  found: number,
  action: AccessAction,
): Promise<void> {
  if (found > 0 || search.kinds.length === 0) return;
  const purpose = searchPurpose(search.kinds);
  if (deps.searchGuard) await deps.searchGuard.missed(deps.db, caller, search.ticket, action, purpose);
  else await logMiss(deps.db, caller, action, purpose);
}

/** Candidate ids from the exact-lookup filters; undefined when none is given. */
async function lookupIds(deps: CustomerDeps, search: ListSearch): Promise<string[] | undefined> {
  const f = search.filters;
  let ids: string[] | undefined;
  const narrow = (found: string[]) => {
    ids = ids ? ids.filter((x) => found.includes(x)) : found;
  };
  if (search.phone?.kind === 'full') narrow(await idsByPhone(deps.db, search.phone.value, LOOKUP_CAP));
  if (f.idNumber)
    narrow(await idsByIdHashes(deps.db, deps.vault.blindIndexes(normaliseResidentId(f.idNumber))));
  if (f.accountNo) narrow(await idsByAccountNo(deps.db, normaliseCode(f.accountNo), LOOKUP_CAP));
  if (f.circuitId) narrow(await idsByCircuit(deps.db, normaliseCode(f.circuitId), LOOKUP_CAP));
  if (f.customerNo) narrow(await idsByCustomerNo(deps.db, f.customerNo.trim().toUpperCase()));
  return ids;
}

/** One page of a list search, access-logged with the search's kinds. */
export async function listPage(
  deps: CustomerDeps,
  caller: Caller,
  search: ListSearch,
  page: { after?: string | undefined; limit: number },
  action: AccessAction,
): Promise<{ items: CustomerListItem[]; nextCursor: string | null }> {
  const f = search.filters;
  const scope = caller.scope;
  const ids = await lookupIds(deps, search);
  if (ids && ids.length === 0) return { items: [], nextCursor: null };
  let q = deps.db
    .selectFrom('customers as c')
    .select(LIST_COLUMNS)
    .orderBy('c.id', 'desc')
    .limit(page.limit + 1);
  if (ids) q = q.where('c.id', 'in', ids);
  // The last four digits: in the same statement as the scope and the page (~1 in 10 000 match).
  if (search.phone?.kind === 'tail') q = q.where(phoneTailCondition(search.phone.value));
  if (page.after) q = q.where('c.id', '<', page.after);
  if (f.kind) q = q.where('c.kind', '=', f.kind);
  if (f.tier) q = q.where('c.tier', '=', f.tier);
  if (f.status) q = q.where('c.status', '=', f.status as CustomerRow['status']);
  if (f.accountManagerId) q = q.where('c.account_manager_id', '=', f.accountManagerId);
  if (f.valueLevel) q = q.where('c.value_level', '=', f.valueLevel);
  if (f.tag) q = q.where(sql<boolean>`c.tags @> ${JSON.stringify([f.tag])}::jsonb`);
  if (f.orgUnitId) {
    const path = await unitPath(deps.db, f.orgUnitId);
    if (!path) return { items: [], nextCursor: null };
    q = q.where(customerInScope({ path, all: false }));
  }
  if (f.name) {
    const candidates = await nameCandidates(deps.db, f.name);
    if (candidates?.length === 0) return { items: [], nextCursor: null };
    q = candidates ? q.where('c.id', 'in', candidates) : q.where(nameCondition(f.name));
  }
  if (!scope.all) q = q.where(customerInScope(scope));
  const rows = await q.execute();
  const items = rows.slice(0, page.limit);
  await logAccess(
    deps.db,
    caller.actor,
    items.map((r) => r.id),
    action,
    searchPurpose(search.kinds) ?? undefined,
  );
  return {
    items: items.map(listItemView),
    nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null,
  };
}

/** The filtered list: one page; a search's first page that finds nobody is logged as a miss. */
export async function listCustomers(
  deps: CustomerDeps,
  caller: Caller,
  f: ListFilters,
  action: AccessAction = 'list',
): Promise<{ items: CustomerListItem[]; nextCursor: string | null }> {
  const { after, limit, ...filters } = f;
  const search = await beginListSearch(deps, caller, filters);
  const page = await listPage(deps, caller, search, { after, limit }, action);
  if (!after) await endListSearch(deps, caller, search, page.items.length, action);
  return page;
}

/**
 * One page of name matches in the scope, newest first. A rare term (at most NAME_CANDIDATE_CAP
 * matches) is answered in one statement: the index finds every candidate, then the scope and the
 * page apply to those. A frequent term (a common surname) walks the newest customers instead; the
 * planner cannot tell the two apart, so the candidate count decides.
 */
async function namePage(db: Executor, term: string, scope: Scope, limit: number): Promise<ListRow[]> {
  // The candidates' list columns come with the index scan, so each match costs one heap visit.
  let rare = db
    .with(
      (cte) => cte('cand').materialized(),
      (qb) =>
        qb
          .selectFrom('customers as c')
          .select(LIST_COLUMNS)
          .where(nameCondition(term))
          .limit(NAME_CANDIDATE_CAP + 1),
    )
    .selectFrom('cand as c')
    .selectAll('c')
    .select(sql<string>`(select count(*) from cand)`.as('candidates'))
    .orderBy('c.id', 'desc')
    .limit(limit);
  if (!scope.all) rare = rare.where(customerInScope(scope));
  const rows = await rare.execute();
  if (rows.length === 0 || Number(rows[0]!.candidates) <= NAME_CANDIDATE_CAP)
    return rows.map(({ candidates: _, ...r }) => r);
  let frequent = db
    .selectFrom('customers as c')
    .select(LIST_COLUMNS)
    .where(nameCondition(term))
    .orderBy('c.id', 'desc')
    .limit(limit);
  if (!scope.all) frequent = frequent.where(customerInScope(scope));
  return frequent.execute();
}

export type MatchKind =
  'phone' | 'idNumber' | 'accountNo' | 'circuitId' | 'customerNo' | 'creditCode' | 'name';

/** How a hit was found, as the access log keeps it (finer than what the response says). */
type FoundBy = MatchKind | 'phoneTail' | 'customerNoPrefix';
const shownAs = (k: FoundBy): MatchKind =>
  k === 'phoneTail' ? 'phone' : k === 'customerNoPrefix' ? 'customerNo' : k;

/**
 * "Who is this?" — one box for a phone number (the whole number or its last four digits), ID
 * number, account number, circuit id, customer number (or its beginning), credit code or name
 * (Chinese names of two characters included). Index-backed lookups only, most specific first; the
 * first reading that finds someone wins. No reading confirms a digit a mask hides.
 */
export async function searchCustomers(
  deps: CustomerDeps,
  caller: Caller,
  term: string,
  limit: number,
): Promise<Array<CustomerListItem & { matchedBy: MatchKind[] }>> {
  const scope = caller.scope;
  const t = term.trim();
  const phone = phoneQuery(t);
  // A 10–14-digit term that is no phone number (a 400 number) is read as a code only.
  const readings = classifyTerm(t).filter((k) => k !== 'phone' || !('problem' in phone));
  const ticket = deps.searchGuard
    ? await deps.searchGuard.begin(deps.db, caller, readings)
    : { kinds: readings, missesBefore: 0 };
  const matched = new Map<string, Set<FoundBy>>();
  let pageRows: ListRow[] | undefined;
  const add = (id: string, kind: FoundBy) =>
    (matched.get(id) ?? matched.set(id, new Set()).get(id)!).add(kind);
  for (const kind of readings) {
    if (kind === 'idNumber')
      for (const id of await idsByIdHashes(deps.db, deps.vault.blindIndexes(normaliseResidentId(t))))
        add(id, 'idNumber');
    if (kind === 'phone' && 'value' in phone)
      for (const id of await idsByPhone(deps.db, phone.value, LOOKUP_CAP)) add(id, 'phone');
    if (kind === 'phoneTail' && 'value' in phone) {
      pageRows = await tailPage(deps.db, phone.value, scope, limit);
      for (const r of pageRows) add(r.id, 'phoneTail');
    }
    if (kind === 'code') {
      for (const m of await idsByCode(deps.db, normaliseCode(t), LOOKUP_CAP)) add(m.id, m.kind);
      const prefix = matched.size === 0 ? customerNoPrefixPattern(t) : undefined;
      if (prefix)
        for (const id of await idsByCustomerNoPrefix(deps.db, prefix, scope, LOOKUP_CAP))
          add(id, 'customerNoPrefix');
    }
    if (kind === 'name') {
      pageRows = await namePage(deps.db, t, scope, limit);
      for (const r of pageRows) add(r.id, 'name');
    }
    if (matched.size > 0) break;
    pageRows = undefined;
  }
  let rows: ListRow[] = [];
  if (matched.size > 0) {
    // One query applies the scope and loads the page (a name or tail search has loaded it already).
    let q = deps.db
      .selectFrom('customers as c')
      .select(LIST_COLUMNS)
      .where('c.id', 'in', [...matched.keys()])
      .orderBy('c.id', 'desc')
      .limit(limit);
    if (!scope.all) q = q.where(customerInScope(scope));
    rows = pageRows ?? (await q.execute());
  }
  if (rows.length === 0) {
    const purpose = searchPurpose(readings);
    if (deps.searchGuard) await deps.searchGuard.missed(deps.db, caller, ticket, 'search', purpose);
    else await logMiss(deps.db, caller, 'search', purpose);
    return [];
  }
  // Exact name matches first, then newest.
  const exact = normaliseName(t);
  rows.sort((a, b) => Number(b.name_norm === exact) - Number(a.name_norm === exact));
  await logAccess(
    deps.db,
    caller.actor,
    rows.map((r) => r.id),
    'search',
    [...new Set(rows.flatMap((r) => [...matched.get(r.id)!]))].join(','),
  );
  return rows.map((r) => ({
    ...listItemView(r),
    matchedBy: [...new Set([...matched.get(r.id)!].map(shownAs))],
  }));
}

/** One page of the customers in scope with a phone ending in these four digits, newest first. */
async function tailPage(db: Executor, tail: string, scope: Scope, limit: number): Promise<ListRow[]> {
  let q = db
    .selectFrom('customers as c')
    .select(LIST_COLUMNS)
    .where(phoneTailCondition(tail))
    .orderBy('c.id', 'desc')
    .limit(limit);
  if (!scope.all) q = q.where(customerInScope(scope));
  return q.execute();
}
