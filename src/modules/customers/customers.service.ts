import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config.ts';
import type { Db, Executor, Tx } from '../../db.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/auth.ts';
import { maskPiiInText } from '../../platform/logger.ts';
import { appendAudit, listAudit, type AuditActor } from '../audit/index.ts';
import {
  contactPhones,
  contactRow,
  idNumberContext,
  insertPrepared,
  instanceRow,
  nextCustomerNumbers,
  normaliseIdNumber,
  prepareCustomer,
  protectIdNumber,
} from './customers.bulk.ts';
import { recordCustomerEvent } from './customers.events.ts';
import {
  branchesOf,
  contactsOf,
  customerInScope,
  findCustomerRow,
  idsByAccountNo,
  idsByCircuit,
  idsByCode,
  idsByCustomerNo,
  idsByIdHashes,
  NAME_CANDIDATE_CAP,
  nameCandidates,
  nameCondition,
  idsByPhone,
  instancesOf,
  instancesOnResource,
  names,
  replacePhones,
  scopeFromPath,
  unitPath,
  type CustomerRow,
  type ResourceQuery,
  type Scope,
} from './customers.repository.ts';
import { idNumberProblem } from './customers.schemas.ts';
import type {
  ContactInput,
  ContactPatch,
  ContactView,
  CustomerInput,
  CustomerListItem,
  CustomerPatch,
  CustomerView,
  InstanceInput,
  InstancePatch,
  InstanceView,
  ProductInput,
  ProductPatch,
  ProductView,
  RevealField,
} from './customers.schemas.ts';
import {
  maskAccountNo,
  maskAddress,
  maskEmail,
  maskPhone,
  normaliseResidentId,
  parsePhone,
} from './domain/pii.ts';
import { classifyTerm, normaliseCode, normaliseName, searchVector } from './domain/search.ts';
import { PiiVault } from './domain/vault.ts';

export interface CustomerDeps {
  db: Db;
  vault: PiiVault;
  clock: Clock;
}

/** Who is calling: their principal (permissions, scope) and the audit actor. */
export interface Caller {
  principal: Principal;
  actor: AuditActor;
}

const vaults = new WeakMap<Config, PiiVault>();
/** One vault per configuration (keys are derived once). */
export function vaultFor(config: Config): PiiVault {
  let v = vaults.get(config);
  if (!v) vaults.set(config, (v = new PiiVault(config.piiKeys)));
  return v;
}

export const scopeOf = (p: Principal): Scope => scopeFromPath(p.scopePath);

// ---- Views: every personal identifier leaves masked. ----

type Names = Awaited<ReturnType<typeof names>>;
type BranchRow = Awaited<ReturnType<typeof branchesOf>>[number];

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function customerView(row: CustomerRow, n: Names, branches: BranchRow[]): CustomerView {
  return {
    id: row.id,
    customerNo: row.customer_no,
    kind: row.kind,
    name: row.name,
    tier: row.tier as CustomerView['tier'],
    orgUnitId: row.org_unit_id,
    orgUnitName: n.unit.get(row.org_unit_id) ?? null,
    accountManager: row.account_manager_id
      ? { id: row.account_manager_id, name: n.user.get(row.account_manager_id) ?? '' }
      : null,
    status: row.status,
    phone: maskPhone(row.phone),
    email: maskEmail(row.email),
    address: maskAddress(row.address),
    idType: row.id_type as CustomerView['idType'],
    idNumber: row.id_number_masked,
    creditCode: row.credit_code,
    industry: row.industry,
    valueLevel: row.value_level as CustomerView['valueLevel'],
    membershipLevel: row.membership_level,
    tags: row.tags,
    notes: row.notes ? maskPiiInText(row.notes) : null,
    consents: row.consents,
    branches: branches
      .filter((b) => b.customer_id === row.id)
      .map((b) => ({
        id: b.id,
        orgUnitId: b.org_unit_id,
        orgUnitName: b.unit_name,
        name: b.name,
        address: maskAddress(b.address),
      })),
    erasedAt: row.erased_at ? iso(row.erased_at) : null,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The columns a list item needs (lists skip ciphertexts, search vectors and notes). */
const LIST_COLUMNS = [
  'c.id',
  'c.customer_no',
  'c.kind',
  'c.name',
  'c.name_norm',
  'c.tier',
  'c.org_unit_id',
  'c.status',
  'c.phone',
  'c.value_level',
  'c.tags',
  'c.created_at',
] as const;
type ListRow = Pick<
  CustomerRow,
  | 'id'
  | 'customer_no'
  | 'kind'
  | 'name'
  | 'name_norm'
  | 'tier'
  | 'org_unit_id'
  | 'status'
  | 'phone'
  | 'value_level'
  | 'tags'
  | 'created_at'
>;

export function listItemView(row: ListRow): CustomerListItem {
  return {
    id: row.id,
    customerNo: row.customer_no,
    kind: row.kind,
    name: row.name,
    tier: row.tier as CustomerListItem['tier'],
    orgUnitId: row.org_unit_id,
    status: row.status,
    phone: maskPhone(row.phone),
    valueLevel: row.value_level as CustomerListItem['valueLevel'],
    tags: row.tags,
    createdAt: iso(row.created_at),
  };
}

type ContactRow = Awaited<ReturnType<typeof contactsOf>>[number];
function contactView(c: ContactRow): ContactView {
  return {
    id: c.id,
    customerId: c.customer_id,
    name: c.name,
    role: c.role as ContactView['role'],
    title: c.title,
    mobile: maskPhone(c.mobile),
    officePhone: maskPhone(c.office_phone),
    email: maskEmail(c.email),
    preferredChannel: c.preferred_channel as ContactView['preferredChannel'],
    quietHours:
      c.quiet_hours_start && c.quiet_hours_end
        ? { start: c.quiet_hours_start, end: c.quiet_hours_end }
        : null,
    isPrimary: c.is_primary,
    version: c.version,
  };
}

type InstanceWithProduct = Awaited<ReturnType<typeof instancesOf>>[number];
const num = (v: string | number | null) => (v === null ? null : Number(v));

export function instanceView(i: InstanceWithProduct): InstanceView {
  return {
    id: i.id,
    customerId: i.customer_id,
    productCode: i.product_code,
    productName: i.product_name ?? null,
    accountNo: maskAccountNo(i.account_no) ?? '',
    status: i.status,
    orgUnitId: i.org_unit_id,
    serviceAddress: maskAddress(i.service_address),
    accessType: i.access_type,
    exchange: i.exchange,
    deviceType: i.device_type,
    deviceId: i.device_id,
    devicePort: i.device_port,
    routeLengthKm: num(i.route_length_km),
    switchOccupancy: num(i.switch_occupancy),
    stbId: i.stb_id,
    circuitId: i.circuit_id,
    bandwidthMbps: i.bandwidth_mbps,
    aEnd: i.a_end,
    zEnd: i.z_end,
    attributes: i.attributes,
    startedOn: i.started_on,
    endedOn: i.ended_on,
    version: i.version,
  };
}

export async function customerViews(db: Executor, rows: CustomerRow[]): Promise<CustomerView[]> {
  const branches = await branchesOf(
    db,
    rows.map((r) => r.id),
  );
  const n = await names(
    db,
    [...new Set(rows.map((r) => r.org_unit_id))],
    [...new Set(rows.map((r) => r.account_manager_id).filter((x): x is string => !!x))],
  );
  return rows.map((r) => customerView(r, n, branches));
}

// ---- Access log (MIIT Order 24: who accessed which customer's information). ----

export type AccessAction = 'view' | 'view360' | 'list' | 'search' | 'export' | 'tmf';

export async function logAccess(
  db: Executor,
  actor: AuditActor,
  customerIds: string[],
  action: AccessAction,
  purpose?: string,
): Promise<void> {
  if (customerIds.length === 0) return;
  await db
    .insertInto('customer_access_log')
    .values(
      customerIds.map((id) => ({
        actor_id: actor.actorId,
        actor_login: actor.actorLogin,
        customer_id: id,
        action,
        purpose: purpose ?? null,
        ip: actor.ip,
        request_id: actor.requestId,
      })),
    )
    .execute();
}

/** Who accessed a customer's information (newest first), for audits and complaints. */
export async function accessLogOf(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  before: string | undefined,
  limit: number,
) {
  const row = await loadInScope(deps.db, caller, customerId);
  let q = deps.db
    .selectFrom('customer_access_log')
    .selectAll()
    .where('customer_id', '=', row.id)
    .orderBy('id', 'desc')
    .limit(limit);
  if (before) q = q.where('id', '<', before);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    occurredAt: iso(r.occurred_at),
    actorId: r.actor_id,
    actorLogin: r.actor_login,
    action: r.action,
    purpose: r.purpose,
    ip: r.ip,
    requestId: r.request_id,
  }));
}

// ---- Reading ----

async function loadInScope(db: Executor, caller: Caller, id: string): Promise<CustomerRow> {
  // Out of scope looks exactly like absent: staff of another province learn nothing.
  const row = await findCustomerRow(db, id, scopeOf(caller.principal));
  if (!row) throw notFound('customer');
  return row;
}

export async function getCustomer(deps: CustomerDeps, caller: Caller, id: string): Promise<CustomerView> {
  const row = await loadInScope(deps.db, caller, id);
  const [view] = await customerViews(deps.db, [row]);
  await logAccess(deps.db, caller.actor, [row.id], 'view');
  return view!;
}

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
      if (digits.length < 3)
        throw new AppError('VALIDATION_FAILED', 'phone: give at least 3 digits', { field: 'phone' });
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
  const scope = scopeOf(caller.principal);
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
  const scope = scopeOf(caller.principal);
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

// ---- Writing ----

async function assertUnitInScope(db: Executor, scope: Scope, unitId: string, field: string) {
  const path = await unitPath(db, unitId);
  if (!path) throw new AppError('VALIDATION_FAILED', `${field}: no such org unit`, { field });
  if (!scope.all && !path.startsWith(scope.path))
    throw forbidden(`${field}: the org unit is outside your data scope`);
}

async function assertUnitExists(db: Executor, unitId: string, field: string) {
  if (!(await unitPath(db, unitId)))
    throw new AppError('VALIDATION_FAILED', `${field}: no such org unit`, { field });
}

async function assertAccountManager(db: Executor, userId: string) {
  const u = await db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirst();
  if (!u || u.status !== 'active')
    throw new AppError('VALIDATION_FAILED', 'accountManagerId: no such active user', {
      field: 'accountManagerId',
    });
}

async function assertProducts(db: Executor, codes: string[]) {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return;
  const rows = await db
    .selectFrom('products')
    .select(['code', 'active'])
    .where('code', 'in', unique)
    .execute();
  const ok = new Set(rows.filter((r) => r.active).map((r) => r.code));
  const missing = unique.filter((c) => !ok.has(c));
  if (missing.length)
    throw new AppError(
      'VALIDATION_FAILED',
      `productCode: unknown or inactive product ${missing.join(', ')}`,
      {
        field: 'productCode',
      },
    );
}

async function assertIdNumberFree(deps: CustomerDeps, normalised: string, selfId?: string) {
  const others = (await idsByIdHashes(deps.db, deps.vault.blindIndexes(normalised))).filter(
    (x) => x !== selfId,
  );
  if (others.length)
    throw conflict('idNumber: another customer already has this ID number', { field: 'idNumber' });
}

export async function createCustomer(
  deps: CustomerDeps,
  caller: Caller,
  input: CustomerInput,
): Promise<CustomerView> {
  const scope = scopeOf(caller.principal);
  await assertUnitInScope(deps.db, scope, input.orgUnitId, 'orgUnitId');
  if (input.accountManagerId) await assertAccountManager(deps.db, input.accountManagerId);
  for (const b of input.branches ?? []) await assertUnitExists(deps.db, b.orgUnitId, 'branches.orgUnitId');
  for (const i of input.instances ?? [])
    if (i.orgUnitId) await assertUnitExists(deps.db, i.orgUnitId, 'instances.orgUnitId');
  await assertProducts(
    deps.db,
    (input.instances ?? []).map((i) => i.productCode),
  );
  if (input.idNumber) await assertIdNumberFree(deps, normaliseIdNumber(input.idType, input.idNumber));
  const id = uuidv7();
  await deps.db.transaction().execute(async (trx) => {
    const customerNo = input.customerNo?.toUpperCase() ?? (await nextCustomerNumbers(trx, 1))[0]!;
    const prepared = prepareCustomer(deps.vault, input, customerNo, id);
    await insertPrepared(trx, [prepared]);
    await appendAudit(trx, caller.actor, {
      action: 'customer.create',
      entityType: 'customer',
      entityId: id,
      orgUnitId: input.orgUnitId,
      details: {
        customerNo,
        kind: input.kind,
        tier: input.tier ?? null,
        contacts: prepared.contacts.length,
        instances: prepared.instances.length,
      },
    });
    await recordCustomerEvent(trx, id, 'CustomerCreateEvent');
  });
  return getCustomer(deps, caller, id);
}

const checkVersion = (what: string, current: number, expected: number | undefined) => {
  if (expected !== undefined && expected !== current)
    throw conflict(
      `The ${what} was changed by someone else (version ${current}, you sent ${expected}); reload and retry`,
      {
        currentVersion: current,
      },
    );
};

function assertNotErased(row: CustomerRow) {
  if (row.status === 'erased')
    throw conflict('This customer has been erased; its records can no longer change');
}

export async function updateCustomer(
  deps: CustomerDeps,
  caller: Caller,
  id: string,
  patch: CustomerPatch,
): Promise<CustomerView> {
  const scope = scopeOf(caller.principal);
  const row = await loadInScope(deps.db, caller, id);
  assertNotErased(row);
  checkVersion('customer', row.version, patch.version);
  if (patch.orgUnitId && patch.orgUnitId !== row.org_unit_id)
    await assertUnitInScope(deps.db, scope, patch.orgUnitId, 'orgUnitId');
  if (patch.accountManagerId) await assertAccountManager(deps.db, patch.accountManagerId);
  for (const b of patch.branches ?? []) await assertUnitExists(deps.db, b.orgUnitId, 'branches.orgUnitId');
  if (patch.tier !== undefined && (row.kind === 'enterprise') !== (patch.tier !== null))
    throw new AppError(
      'VALIDATION_FAILED',
      row.kind === 'enterprise'
        ? 'tier: is required for an enterprise customer'
        : 'tier: applies to enterprise customers only',
      { field: 'tier' },
    );
  // An ID number is checked against the type it will be stored with (the stored one unless the
  // PATCH changes it); a passport number used to be checked as a resident ID, and a type change
  // alone left a number of the old type under the new one.
  if (patch.idNumber && patch.idType === undefined) {
    const problem = idNumberProblem(row.id_type, patch.idNumber);
    if (problem)
      throw new AppError('VALIDATION_FAILED', `Invalid input — body.idNumber: ${problem}`, {
        fields: [{ field: 'body.idNumber', message: problem }],
      });
  }
  if (
    patch.idType !== undefined &&
    patch.idNumber === undefined &&
    patch.idType !== row.id_type &&
    row.id_number_hash
  )
    throw new AppError(
      'VALIDATION_FAILED',
      'Invalid input — body.idType: send idNumber with it (the stored number is of the old type)',
      { fields: [{ field: 'body.idType', message: 'send idNumber with it' }] },
    );
  if (patch.branches?.length && row.kind !== 'enterprise')
    throw new AppError('VALIDATION_FAILED', 'branches: applies to enterprise customers only', {
      field: 'branches',
    });

  const set: Record<string, unknown> = {};
  const changed: string[] = [];
  const put = (field: string, column: string, value: unknown) => {
    set[column] = value;
    changed.push(field);
  };
  if (patch.name !== undefined) {
    put('name', 'name', patch.name);
    set.name_norm = normaliseName(patch.name);
    set.search_vector = searchVector(patch.name);
  }
  const simple: Array<[keyof CustomerPatch, string]> = [
    ['tier', 'tier'],
    ['orgUnitId', 'org_unit_id'],
    ['accountManagerId', 'account_manager_id'],
    ['status', 'status'],
    ['phone', 'phone'],
    ['email', 'email'],
    ['address', 'address'],
    ['creditCode', 'credit_code'],
    ['industry', 'industry'],
    ['valueLevel', 'value_level'],
    ['membershipLevel', 'membership_level'],
    ['notes', 'notes'],
  ];
  for (const [field, column] of simple)
    if (patch[field] !== undefined) put(field, column, patch[field] ?? null);
  if (patch.tags !== undefined) put('tags', 'tags', JSON.stringify(patch.tags));
  if (patch.consents !== undefined)
    put('consents', 'consents', JSON.stringify({ ...row.consents, ...patch.consents }));
  if (patch.idType !== undefined) put('idType', 'id_type', patch.idType ?? null);
  if (patch.idNumber !== undefined) {
    changed.push('idNumber');
    if (patch.idNumber) {
      const normalised = normaliseIdNumber(patch.idType ?? row.id_type, patch.idNumber);
      await assertIdNumberFree(deps, normalised, id);
      Object.assign(set, protectIdNumber(deps.vault, id, normalised));
      if (!row.id_type && patch.idType === undefined) set.id_type = 'resident_id';
    } else
      Object.assign(set, {
        id_number_enc: null,
        id_number_hash: null,
        id_number_masked: null,
        pii_key_id: null,
      });
  }
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('customers')
      .set({ ...set, version: sql`version + 1`, updated_at: deps.clock.now() })
      .where('id', '=', id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw conflict('The customer was changed by someone else; reload and retry');
    if (patch.phone !== undefined)
      await replacePhones(trx, id, null, [{ phone: patch.phone, source: 'customer' }]);
    if (patch.branches !== undefined) {
      changed.push('branches');
      await trx.deleteFrom('customer_branches').where('customer_id', '=', id).execute();
      if (patch.branches.length)
        await trx
          .insertInto('customer_branches')
          .values(
            patch.branches.map((b) => ({
              id: uuidv7(),
              customer_id: id,
              org_unit_id: b.orgUnitId,
              name: b.name,
              address: b.address ?? null,
            })),
          )
          .execute();
    }
    await appendAudit(trx, caller.actor, {
      action: 'customer.update',
      entityType: 'customer',
      entityId: id,
      orgUnitId: patch.orgUnitId ?? row.org_unit_id,
      // Field names only: values may be personal information.
      details: {
        changed,
        ...(patch.tier !== undefined ? { tier: { from: row.tier, to: patch.tier } } : {}),
        ...(patch.status !== undefined ? { status: { from: row.status, to: patch.status } } : {}),
        ...(patch.orgUnitId !== undefined
          ? { orgUnitId: { from: row.org_unit_id, to: patch.orgUnitId } }
          : {}),
      },
    });
    if (patch.status !== undefined && patch.status !== row.status)
      await recordCustomerEvent(trx, id, 'CustomerStateChangeEvent');
    if (changed.some((f) => f !== 'status'))
      await recordCustomerEvent(trx, id, 'CustomerAttributeValueChangeEvent');
  });
  return getCustomer(deps, caller, id);
}

// ---- Contacts ----

export async function listContacts(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
): Promise<ContactView[]> {
  const row = await loadInScope(deps.db, caller, customerId);
  const contacts = await contactsOf(deps.db, row.id);
  await logAccess(deps.db, caller.actor, [row.id], 'view', 'contacts');
  return contacts.map(contactView);
}

export async function addContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  input: ContactInput,
): Promise<ContactView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  const values = contactRow(row.id, input);
  await deps.db.transaction().execute(async (trx) => {
    if (values.is_primary)
      await trx
        .updateTable('customer_contacts')
        .set({ is_primary: false })
        .where('customer_id', '=', row.id)
        .execute();
    await trx.insertInto('customer_contacts').values(values).execute();
    const phones = contactPhones(row.id, values.id, input);
    if (phones.length)
      await trx
        .insertInto('customer_phones')
        .values(phones as never)
        .execute();
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_add',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId: values.id, role: input.role },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  const saved = await deps.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('id', '=', values.id)
    .executeTakeFirstOrThrow();
  return contactView(saved);
}

export async function updateContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  contactId: string,
  patch: ContactPatch,
): Promise<ContactView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  const contact = await deps.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('id', '=', contactId)
    .where('customer_id', '=', row.id)
    .executeTakeFirst();
  if (!contact) throw notFound('contact');
  checkVersion('contact', contact.version, patch.version);
  const set: Record<string, unknown> = {};
  const map: Array<[keyof ContactPatch, string]> = [
    ['name', 'name'],
    ['role', 'role'],
    ['title', 'title'],
    ['mobile', 'mobile'],
    ['officePhone', 'office_phone'],
    ['email', 'email'],
    ['preferredChannel', 'preferred_channel'],
    ['isPrimary', 'is_primary'],
  ];
  for (const [field, column] of map) if (patch[field] !== undefined) set[column] = patch[field] ?? null;
  if (patch.quietHours !== undefined) {
    set.quiet_hours_start = patch.quietHours?.start ?? null;
    set.quiet_hours_end = patch.quietHours?.end ?? null;
  }
  await deps.db.transaction().execute(async (trx) => {
    if (patch.isPrimary)
      await trx
        .updateTable('customer_contacts')
        .set({ is_primary: false })
        .where('customer_id', '=', row.id)
        .execute();
    // The version read above must still be current: two PATCHes with the same version both
    // succeeded before (the second silently overwrote the first).
    const updated = await trx
      .updateTable('customer_contacts')
      .set({ ...set, version: sql`version + 1`, updated_at: deps.clock.now() })
      .where('id', '=', contactId)
      .where('version', '=', contact.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw conflict('The contact was changed by someone else; reload and retry');
    if (patch.mobile !== undefined || patch.officePhone !== undefined) {
      await replacePhones(trx, row.id, contactId, [
        { phone: patch.mobile !== undefined ? patch.mobile : contact.mobile, source: 'contact_mobile' },
        {
          phone: patch.officePhone !== undefined ? patch.officePhone : contact.office_phone,
          source: 'contact_office',
        },
      ]);
    }
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_update',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId, changed: Object.keys(patch).filter((k) => k !== 'version') },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  const saved = await deps.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('id', '=', contactId)
    .executeTakeFirstOrThrow();
  return contactView(saved);
}

export async function deleteContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  contactId: string,
) {
  const row = await loadInScope(deps.db, caller, customerId);
  await deps.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom('customer_contacts')
      .where('id', '=', contactId)
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw notFound('contact');
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_delete',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
}

// ---- Service instances ----

export async function listInstances(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
): Promise<InstanceView[]> {
  const row = await loadInScope(deps.db, caller, customerId);
  const rows = await instancesOf(deps.db, row.id);
  await logAccess(deps.db, caller.actor, [row.id], 'view', 'instances');
  return rows.map(instanceView);
}

async function loadInstance(db: Executor, id: string) {
  return db
    .selectFrom('product_instances as i')
    .leftJoin('products as p', 'p.code', 'i.product_code')
    .selectAll('i')
    .select('p.name as product_name')
    .where('i.id', '=', id)
    .executeTakeFirstOrThrow();
}

export async function addInstance(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  input: InstanceInput,
): Promise<InstanceView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  await assertProducts(deps.db, [input.productCode]);
  if (input.orgUnitId) await assertUnitExists(deps.db, input.orgUnitId, 'orgUnitId');
  const values = instanceRow(row.id, row.org_unit_id, input);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('product_instances')
      .values({ ...values, attributes: JSON.stringify(values.attributes) })
      .execute();
    await appendAudit(trx, caller.actor, {
      action: 'customer.instance_add',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { instanceId: values.id, productCode: input.productCode },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  return instanceView(await loadInstance(deps.db, values.id));
}

const INSTANCE_COLUMNS: Record<string, string> = {
  accountNo: 'account_no',
  status: 'status',
  orgUnitId: 'org_unit_id',
  serviceAddress: 'service_address',
  accessType: 'access_type',
  exchange: 'exchange',
  deviceType: 'device_type',
  deviceId: 'device_id',
  devicePort: 'device_port',
  routeLengthKm: 'route_length_km',
  switchOccupancy: 'switch_occupancy',
  stbId: 'stb_id',
  circuitId: 'circuit_id',
  bandwidthMbps: 'bandwidth_mbps',
  aEnd: 'a_end',
  zEnd: 'z_end',
  startedOn: 'started_on',
  endedOn: 'ended_on',
};

export async function updateInstance(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  instanceId: string,
  patch: InstancePatch,
): Promise<InstanceView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  const inst = await deps.db
    .selectFrom('product_instances')
    .select(['id', 'version', 'status'])
    .where('id', '=', instanceId)
    .where('customer_id', '=', row.id)
    .executeTakeFirst();
  if (!inst) throw notFound('service instance');
  checkVersion('service instance', inst.version, patch.version);
  if (patch.orgUnitId) await assertUnitExists(deps.db, patch.orgUnitId, 'orgUnitId');
  const set: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(INSTANCE_COLUMNS)) {
    const v = (patch as Record<string, unknown>)[field];
    if (v !== undefined) set[column] = v ?? null;
  }
  if (patch.attributes !== undefined) set.attributes = JSON.stringify(patch.attributes);
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('product_instances')
      .set({ ...set, version: sql`version + 1`, updated_at: deps.clock.now() })
      .where('id', '=', instanceId)
      .where('version', '=', inst.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw conflict('The service instance was changed by someone else; reload and retry');
    await appendAudit(trx, caller.actor, {
      action: 'customer.instance_update',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: {
        instanceId,
        changed: Object.keys(patch).filter((k) => k !== 'version'),
        ...(patch.status ? { status: { from: inst.status, to: patch.status } } : {}),
      },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  return instanceView(await loadInstance(deps.db, instanceId));
}

/** Instances on a device, port, exchange or circuit (for alarms: which customers are affected). */
export async function affectedInstances(
  deps: CustomerDeps,
  caller: Caller | undefined,
  q: ResourceQuery,
  limit: number,
) {
  const norm = {
    ...q,
    deviceId: q.deviceId ? normaliseCode(q.deviceId) : undefined,
    circuitId: q.circuitId ? normaliseCode(q.circuitId) : undefined,
    stbId: q.stbId ? normaliseCode(q.stbId) : undefined,
  };
  if (!norm.deviceId && !norm.circuitId && !norm.exchange && !norm.stbId)
    throw new AppError('VALIDATION_FAILED', 'Give deviceId, circuitId, exchange or stbId');
  const rows = await instancesOnResource(
    deps.db,
    norm,
    caller ? scopeOf(caller.principal) : undefined,
    limit,
  );
  return rows.map((r) => ({
    ...instanceView(r),
    customer: {
      id: r.customer_id,
      customerNo: r.customer_no,
      name: r.customer_name,
      kind: r.kind,
      tier: r.tier,
    },
  }));
}

// ---- Customer 360 ----

/** The seam for the requests module: open requests of a customer (none until it exists). */
export type OpenRequestsProvider = (db: Db, customerId: string, principal: Principal) => Promise<unknown[]>;
export const noOpenRequests: OpenRequestsProvider = async () => [];

export async function customer360(
  deps: CustomerDeps,
  caller: Caller,
  id: string,
  openRequests: OpenRequestsProvider = noOpenRequests,
) {
  const row = await loadInScope(deps.db, caller, id);
  const [[customer], contacts, instances, requests, history] = await Promise.all([
    customerViews(deps.db, [row]),
    contactsOf(deps.db, row.id),
    instancesOf(deps.db, row.id),
    openRequests(deps.db, row.id, caller.principal),
    listAudit(deps.db, { entityType: 'customer', entityId: row.id, limit: 20 }),
  ]);
  await logAccess(deps.db, caller.actor, [row.id], 'view360');
  return {
    customer: customer!,
    contacts: contacts.map(contactView),
    instances: instances.map(instanceView),
    openRequests: requests,
    recentHistory: history.map((h) => ({
      seq: h.seq,
      occurredAt: iso(h.occurred_at),
      actorLogin: h.actor_login,
      action: h.action,
      details: (h.details ?? {}) as Record<string, unknown>,
    })),
  };
}

// ---- Reveal one field (pii.reveal), always audited ----

const CUSTOMER_FIELDS: RevealField[] = ['phone', 'email', 'address', 'idNumber'];
const CONTACT_FIELDS: RevealField[] = ['mobile', 'officePhone', 'email'];
const INSTANCE_FIELDS: RevealField[] = ['serviceAddress', 'accountNo'];

export async function revealField(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  req: {
    field: RevealField;
    reason: string;
    contactId?: string | undefined;
    instanceId?: string | undefined;
  },
): Promise<{ field: RevealField; value: string | null }> {
  const row = await loadInScope(deps.db, caller, customerId);
  let value: string | null;
  if (req.contactId) {
    if (!CONTACT_FIELDS.includes(req.field))
      throw new AppError(
        'VALIDATION_FAILED',
        `field: a contact's revealable fields are ${CONTACT_FIELDS.join(', ')}`,
        { field: 'field' },
      );
    const c = await deps.db
      .selectFrom('customer_contacts')
      .select(['mobile', 'office_phone', 'email'])
      .where('id', '=', req.contactId)
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    if (!c) throw notFound('contact');
    value = req.field === 'mobile' ? c.mobile : req.field === 'officePhone' ? c.office_phone : c.email;
  } else if (req.instanceId) {
    if (!INSTANCE_FIELDS.includes(req.field))
      throw new AppError(
        'VALIDATION_FAILED',
        `field: an instance's revealable fields are ${INSTANCE_FIELDS.join(', ')}`,
        { field: 'field' },
      );
    const i = await deps.db
      .selectFrom('product_instances')
      .select(['service_address', 'account_no'])
      .where('id', '=', req.instanceId)
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    if (!i) throw notFound('service instance');
    value = req.field === 'serviceAddress' ? i.service_address : i.account_no;
  } else {
    if (!CUSTOMER_FIELDS.includes(req.field))
      throw new AppError(
        'VALIDATION_FAILED',
        `field: a customer's revealable fields are ${CUSTOMER_FIELDS.join(', ')}`,
        { field: 'field' },
      );
    value =
      req.field === 'idNumber'
        ? row.id_number_enc
          ? deps.vault.decrypt(row.id_number_enc, idNumberContext(row.id))
          : null
        : req.field === 'phone'
          ? row.phone
          : req.field === 'email'
            ? row.email
            : row.address;
  }
  await deps.db.transaction().execute(async (trx) => {
    await appendAudit(trx, caller.actor, {
      action: 'customer.pii_reveal',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: {
        field: req.field,
        reason: maskPiiInText(req.reason),
        ...(req.contactId ? { contactId: req.contactId } : {}),
        ...(req.instanceId ? { instanceId: req.instanceId } : {}),
      },
    });
  });
  return { field: req.field, value };
}

// ---- Erasure (PIPL Art. 47) ----

/**
 * Anonymises a customer on request. Kept: the customer row (id, number, kind, tier, org unit,
 * dates) so requests, bills and audit entries that refer to it stay valid; enterprise name and
 * credit code (not personal information); service instances with their account numbers and
 * network resources (billing disputes need them for 5 months — the billing module purges later);
 * the audit log and the access log (MIIT Order 24). Removed: name (individuals), phones, email,
 * addresses, ID number, notes, tags, consents, membership and every contact person.
 */
export async function eraseCustomer(deps: CustomerDeps, caller: Caller, id: string, reason: string) {
  const row = await loadInScope(deps.db, caller, id);
  assertNotErased(row);
  const live = await deps.db
    .selectFrom('product_instances')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_id', '=', row.id)
    .where('status', '<>', 'terminated')
    .executeTakeFirstOrThrow();
  if (Number(live.n) > 0)
    throw conflict(
      `Terminate the customer's services first: ${live.n} service instance(s) are still active or suspended`,
      { activeInstances: Number(live.n) },
    );
  const now = deps.clock.now();
  const anonymousName = row.kind === 'individual' ? `已注销客户 ${row.customer_no}` : row.name;
  await deps.db.transaction().execute(async (trx: Tx) => {
    const contacts = await trx
      .deleteFrom('customer_contacts')
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    await trx.deleteFrom('customer_phones').where('customer_id', '=', row.id).execute();
    await trx
      .updateTable('customer_branches')
      .set({ address: null })
      .where('customer_id', '=', row.id)
      .execute();
    await trx
      .updateTable('product_instances')
      .set({ service_address: null })
      .where('customer_id', '=', row.id)
      .execute();
    await trx
      .updateTable('customers')
      .set({
        name: anonymousName,
        name_norm: normaliseName(anonymousName),
        search_vector: row.kind === 'individual' ? '' : searchVector(row.name),
        phone: null,
        email: null,
        address: null,
        id_number_enc: null,
        id_number_hash: null,
        id_number_masked: null,
        pii_key_id: null,
        notes: null,
        tags: '[]',
        consents: '{}',
        membership_level: null,
        status: 'erased',
        erased_at: now,
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(trx, caller.actor, {
      action: 'customer.erase',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { reason: maskPiiInText(reason), contactsRemoved: Number(contacts.numDeletedRows) },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerDeleteEvent');
  });
  return getCustomer(deps, caller, id);
}

// ---- Key rotation ----

/**
 * Re-encrypts every ID number not under the current key (and re-computes its keyed hash), in
 * batches, each batch its own transaction: safe to interrupt and run again.
 */
export async function rotatePiiKeys(
  db: Db,
  vault: PiiVault,
  onProgress: (done: number, total: number) => void = () => {},
  batchSize = 1000,
): Promise<{ rotated: number; total: number; keyId: string }> {
  const current = vault.currentKeyId;
  const pending = () =>
    db.selectFrom('customers').where('pii_key_id', 'is not', null).where('pii_key_id', '<>', current);
  const { n } = await pending()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(n);
  let done = 0;
  onProgress(0, total);
  for (;;) {
    const rows = await pending().select(['id', 'id_number_enc']).orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) break;
    const updates = rows.map((r) => {
      const plain = vault.decrypt(r.id_number_enc!, idNumberContext(r.id));
      return { id: r.id, ...protectIdNumber(vault, r.id, plain) };
    });
    await db.transaction().execute(async (trx) => {
      await sql`
        update customers c set id_number_enc = u.id_number_enc, id_number_hash = u.id_number_hash,
          pii_key_id = u.pii_key_id
        from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
          as u(id uuid, id_number_enc text, id_number_hash text, pii_key_id text)
        where c.id = u.id`.execute(trx);
    });
    done += rows.length;
    onProgress(done, total);
  }
  await db.transaction().execute(async (trx) => {
    await appendAudit(
      trx,
      { actorId: null, actorLogin: 'system', actorKind: 'system', ip: null, requestId: null },
      {
        action: 'customer.pii_keys_rotated',
        entityType: 'system',
        details: { keyId: current, rows: done },
      },
    );
  });
  return { rotated: done, total, keyId: current };
}

// ---- Product catalogue ----

type ProductRow = {
  code: string;
  name: string;
  name_en: string;
  category: string;
  segment: 'consumer' | 'enterprise' | 'both';
  resource_kind: string;
  description: string | null;
  active: boolean;
  sort_order: number;
  version: number;
};
const productView = (p: ProductRow): ProductView => ({
  code: p.code,
  name: p.name,
  nameEn: p.name_en,
  category: p.category,
  segment: p.segment,
  resourceKind: p.resource_kind as ProductView['resourceKind'],
  description: p.description,
  active: p.active,
  sortOrder: p.sort_order,
  version: p.version,
});

export async function listProducts(db: Executor, includeInactive: boolean): Promise<ProductView[]> {
  let q = db.selectFrom('products').selectAll().orderBy('sort_order').orderBy('code');
  if (!includeInactive) q = q.where('active', '=', true);
  return (await q.execute()).map(productView);
}

export async function createProduct(db: Db, actor: AuditActor, input: ProductInput): Promise<ProductView> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('products')
      .values({
        code: input.code,
        name: input.name,
        name_en: input.nameEn,
        category: input.category,
        segment: input.segment,
        resource_kind: input.resourceKind,
        description: input.description ?? null,
        active: input.active,
        sort_order: input.sortOrder,
      })
      .execute();
    await appendAudit(trx, actor, {
      action: 'product.create',
      entityType: 'product',
      entityId: input.code,
      details: { ...input },
    });
  });
  return productView(
    await db.selectFrom('products').selectAll().where('code', '=', input.code).executeTakeFirstOrThrow(),
  );
}

export async function updateProduct(
  db: Db,
  actor: AuditActor,
  code: string,
  patch: ProductPatch,
): Promise<ProductView> {
  const p = await db.selectFrom('products').selectAll().where('code', '=', code).executeTakeFirst();
  if (!p) throw notFound('product');
  checkVersion('product', p.version, patch.version);
  const set: Record<string, unknown> = {};
  const map: Array<[keyof ProductPatch, string]> = [
    ['name', 'name'],
    ['nameEn', 'name_en'],
    ['category', 'category'],
    ['segment', 'segment'],
    ['resourceKind', 'resource_kind'],
    ['description', 'description'],
    ['active', 'active'],
    ['sortOrder', 'sort_order'],
  ];
  for (const [field, column] of map) if (patch[field] !== undefined) set[column] = patch[field] ?? null;
  if (Object.keys(set).length === 0) throw unprocessable('Nothing to change');
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('products')
      .set({ ...set, version: sql`version + 1`, updated_at: new Date() })
      .where('code', '=', code)
      .execute();
    await appendAudit(trx, actor, {
      action: 'product.update',
      entityType: 'product',
      entityId: code,
      details: { ...patch },
    });
  });
  return productView(
    await db.selectFrom('products').selectAll().where('code', '=', code).executeTakeFirstOrThrow(),
  );
}
