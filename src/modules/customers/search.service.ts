/** Finding customers: the filtered list (keyset paging) and the one-box search. */
import { sql } from 'kysely';
import type { Executor } from '../../db.ts';
import { invalidField } from '../../platform/errors.ts';
import { logAccess, type AccessAction } from './access-log.service.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import {
  customerInScope,
  idsByAccountNo,
  idsByCircuit,
  idsByCode,
  idsByCustomerNo,
  idsByIdHashes,
  idsByPhone,
  NAME_CANDIDATE_CAP,
  nameCandidates,
  nameCondition,
  unitPath,
  type CustomerRow,
  type Scope,
} from './customers.repository.ts';
import type { CustomerListItem } from './customers.schemas.ts';
import { LIST_COLUMNS, listItemView, type ListRow } from './customers.views.ts';
import { normaliseResidentId, parsePhone } from './domain/pii.ts';
import { classifyTerm, normaliseCode, normaliseName } from './domain/search.ts';

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

/** Candidate ids from the exact-lookup filters; undefined when none is given. */
async function lookupIds(deps: CustomerDeps, f: ListFilters): Promise<string[] | undefined> {
  let ids: string[] | undefined;
  const narrow = (found: string[]) => {
    ids = ids ? ids.filter((x) => found.includes(x)) : found;
  };
  if (f.phone) {
    const p = parsePhone(f.phone);
    if ('problem' in p) {
      const digits = f.phone.replace(/\D/g, '');
      if (digits.length < 3) throw invalidField('phone', 'give at least 3 digits');
      narrow(await idsByPhone(deps.db, digits, LOOKUP_CAP));
    } else narrow(await idsByPhone(deps.db, p.value, LOOKUP_CAP));
  }
  if (f.idNumber)
    narrow(await idsByIdHashes(deps.db, deps.vault.blindIndexes(normaliseResidentId(f.idNumber))));
  if (f.accountNo) narrow(await idsByAccountNo(deps.db, normaliseCode(f.accountNo), LOOKUP_CAP));
  if (f.circuitId) narrow(await idsByCircuit(deps.db, normaliseCode(f.circuitId), LOOKUP_CAP));
  if (f.customerNo) narrow(await idsByCustomerNo(deps.db, f.customerNo.trim().toUpperCase()));
  return ids;
}

export async function listCustomers(
  deps: CustomerDeps,
  caller: Caller,
  f: ListFilters,
  action: AccessAction = 'list',
): Promise<{ items: CustomerListItem[]; nextCursor: string | null }> {
  const scope = caller.scope;
  const ids = await lookupIds(deps, f);
  if (ids && ids.length === 0) return { items: [], nextCursor: null };
  let q = deps.db
    .selectFrom('customers as c')
    .select(LIST_COLUMNS)
    .orderBy('c.id', 'desc')
    .limit(f.limit + 1);
  if (ids) q = q.where('c.id', 'in', ids);
  if (f.after) q = q.where('c.id', '<', f.after);
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
  const page = rows.slice(0, f.limit);
  await logAccess(
    deps.db,
    caller.actor,
    page.map((r) => r.id),
    action,
  );
  return {
    items: page.map(listItemView),
    nextCursor: rows.length > f.limit ? page[page.length - 1]!.id : null,
  };
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

/**
 * "Who is this?" — one box for a phone number, ID number, account number, circuit id, customer
 * number, credit code or name (Chinese names of two characters included). Exact and index-backed
 * lookups only, most specific first; the first reading that finds someone wins.
 */
export async function searchCustomers(
  deps: CustomerDeps,
  caller: Caller,
  term: string,
  limit: number,
): Promise<Array<CustomerListItem & { matchedBy: MatchKind[] }>> {
  const scope = caller.scope;
  const t = term.trim();
  const matched = new Map<string, Set<MatchKind>>();
  let nameRows: ListRow[] | undefined;
  const add = (id: string, kind: MatchKind) =>
    (matched.get(id) ?? matched.set(id, new Set()).get(id)!).add(kind);
  for (const kind of classifyTerm(t)) {
    if (kind === 'idNumber')
      for (const id of await idsByIdHashes(deps.db, deps.vault.blindIndexes(normaliseResidentId(t))))
        add(id, 'idNumber');
    if (kind === 'phone') {
      const digits = t.replace(/[\s\-()]/g, '');
      const p = parsePhone(digits);
      for (const id of await idsByPhone(
        deps.db,
        'value' in p ? p.value : digits.replace(/^\+/, ''),
        LOOKUP_CAP,
      ))
        add(id, 'phone');
    }
    if (kind === 'code')
      for (const m of await idsByCode(deps.db, normaliseCode(t), LOOKUP_CAP)) add(m.id, m.kind);
    if (kind === 'name') {
      nameRows = await namePage(deps.db, t, scope, limit);
      for (const r of nameRows) add(r.id, 'name');
    }
    if (matched.size > 0) break;
  }
  if (matched.size === 0) return [];
  // One query applies the scope and loads the page (a name search has loaded it already).
  let q = deps.db
    .selectFrom('customers as c')
    .select(LIST_COLUMNS)
    .where('c.id', 'in', [...matched.keys()])
    .orderBy('c.id', 'desc')
    .limit(limit);
  if (!scope.all) q = q.where(customerInScope(scope));
  const rows = nameRows ?? (await q.execute());
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
  return rows.map((r) => ({ ...listItemView(r), matchedBy: [...matched.get(r.id)!] }));
}
