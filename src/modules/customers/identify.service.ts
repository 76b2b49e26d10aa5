/**
 * Cross-scope caller identification (跨地域无差异服务, 一点受理): any agent finds a caller of any
 * region by a whole identifier, sees a masked summary enough to accept a request, and every lookup
 * — hit or miss — is access-logged with its purpose; misses count in the search guard.
 */
import { sql } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { invalidField } from '../../platform/errors.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { logAccess } from './access-log.service.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import type { OpenRequestsProvider } from './customer-360.service.ts';
import { withProductNames } from './customer-read.ts';
import {
  customerInScope,
  idsByAccountNo,
  idsByCircuit,
  idsByIdHashes,
  idsByPhone,
  names,
} from './customers.repository.ts';
import type { Db, Executor } from './customers.tables.ts';
import {
  exactIdentifier,
  maskCustomerName,
  maskServiceNumber,
  purposeProblem,
  type IdentifyKind,
} from './domain/identify.ts';
import { normalisePhone, phoneKind } from './domain/pii.ts';
import { logMiss, searchPurpose } from './search-guard.ts';

export interface IdentifyInput {
  kind: IdentifyKind;
  value: string;
  purpose: string;
}

export interface CallerSummary {
  /** Put it on a new request (customerForIntake checks it); it tells nothing by itself. */
  customerId: string;
  name: string;
  kind: 'individual' | 'enterprise';
  tier: string | null;
  status: string;
  homeUnit: { id: string; name: string | null };
  /** Whether the customer is in the caller's own data scope (their 360 view is open to them then). */
  inScope: boolean;
  services: Array<{
    instanceId: string;
    productCode: string;
    productName: string | null;
    number: string | null;
    status: string;
    siteUnit: { id: string; name: string | null };
  }>;
  openRequests: unknown[];
}

/** More than this many customers for one identifier (a shared company switchboard): the first ones. */
const MATCH_CAP = 5;
const SERVICES_CAP = 20;

/** The guard's and the access log's kinds for a lookup (a voice account number is a phone). */
function kindsOf(kind: IdentifyKind, value: string): string[] {
  const k = kind === 'accountNo' && phoneKind(normalisePhone(value)) ? 'phoneAccountNo' : kind;
  return [k, 'identify'];
}

/** The access log's purpose: the agent's words (masked, no separators) then the kinds, ≤ 100. */
function logPurpose(purpose: string, kinds: string[]): string {
  const suffix = `:${kinds.join(',')}`;
  const words = maskFreeText(purpose)
    .replace(/[:,\s]+/g, ' ')
    .trim();
  return searchPurpose(kinds, [...words].slice(0, 100 - suffix.length).join(''))!;
}

async function idsFor(deps: CustomerDeps, kind: IdentifyKind, value: string): Promise<string[]> {
  switch (kind) {
    case 'phone':
      return idsByPhone(deps.db, value, MATCH_CAP);
    case 'idNumber':
      return idsByIdHashes(deps.db, deps.vault.blindIndexes(value));
    case 'accountNo':
      return idsByAccountNo(deps.db, value, MATCH_CAP);
    case 'circuitId':
      return idsByCircuit(deps.db, value, MATCH_CAP);
  }
}

export async function identifyCaller(
  deps: CustomerDeps,
  caller: Caller,
  input: IdentifyInput,
  openRequests: OpenRequestsProvider,
): Promise<{ items: CallerSummary[] }> {
  const why = purposeProblem(input.purpose);
  if (why) throw invalidField('purpose', why);
  const exact = exactIdentifier(input.kind, input.value, caller.now);
  if ('problem' in exact) throw invalidField('value', exact.problem);
  const kinds = kindsOf(input.kind, exact.value);
  const purpose = logPurpose(input.purpose, kinds);
  const ticket = deps.searchGuard
    ? await deps.searchGuard.begin(deps.db, caller, kinds)
    : { kinds, missesBefore: 0 };
  const ids = await idsFor(deps, input.kind, exact.value);
  const rows = ids.length
    ? await deps.db
        .selectFrom('customers as c')
        .select(['c.id', 'c.name', 'c.kind', 'c.tier', 'c.status', 'c.org_unit_id'])
        .select(
          caller.scope.all ? sql<boolean>`true`.as('in_scope') : customerInScope(caller.scope).as('in_scope'),
        )
        .where('c.id', 'in', ids)
        .where('c.status', '<>', 'erased')
        .orderBy('c.id')
        .limit(MATCH_CAP)
        .execute()
    : [];
  if (rows.length === 0) {
    if (deps.searchGuard) await deps.searchGuard.missed(deps.db, caller, ticket, 'identify', purpose);
    else await logMiss(deps.db, caller, 'identify', purpose);
    return { items: [] };
  }
  await logAccess(
    deps.db,
    caller.actor,
    rows.map((r) => r.id),
    'identify',
    purpose,
  );
  const items = await Promise.all(rows.map((r) => summaryOf(deps.db, caller, r, openRequests)));
  return { items };
}

async function summaryOf(
  db: Db,
  caller: Caller,
  r: {
    id: string;
    name: string;
    kind: 'individual' | 'enterprise';
    tier: string | null;
    status: string;
    org_unit_id: string;
    in_scope: boolean;
  },
  openRequests: OpenRequestsProvider,
): Promise<CallerSummary> {
  const instances = await withProductNames(
    db,
    await db
      .selectFrom('product_instances')
      .select(['id', 'product_code', 'account_no', 'circuit_id', 'status', 'org_unit_id'])
      .where('customer_id', '=', r.id)
      .where('status', '<>', 'terminated')
      .orderBy('status')
      .orderBy('created_at')
      .orderBy('id')
      .limit(SERVICES_CAP)
      .execute(),
  );
  const [unitNames, requests] = await Promise.all([
    names(db, [...new Set([r.org_unit_id, ...instances.map((i) => i.org_unit_id)])], []),
    openRequests(db, r.id, caller.principal),
  ]);
  return {
    customerId: r.id,
    name: maskCustomerName(r.name, r.kind),
    kind: r.kind,
    tier: r.tier,
    status: r.status,
    homeUnit: { id: r.org_unit_id, name: unitNames.unit.get(r.org_unit_id) ?? null },
    inScope: Boolean(r.in_scope),
    services: instances.map((i) => ({
      instanceId: i.id,
      productCode: i.product_code,
      productName: i.product_name,
      number: maskServiceNumber(i.circuit_id ?? i.account_no),
      status: i.status,
      siteUnit: { id: i.org_unit_id, name: unitNames.unit.get(i.org_unit_id) ?? null },
    })),
    openRequests: requests,
  };
}

/** A customer a request may be taken for (in scope, or identified by this caller lately). */
export interface IntakeCustomer {
  id: string;
  kind: 'individual' | 'enterprise';
  tier: string | null;
  /** The customer's home unit: where a request goes when no affected site is known. */
  orgUnitId: string;
  inScope: boolean;
  /** The live services and the unit of each one's site (routing: the affected site's unit). */
  instances: Array<{ id: string; productCode: string; orgUnitId: string; status: string }>;
}

/** How long after an identification its customer may be put on a new request by that caller. */
export const IDENTIFIED_FOR_MS = 24 * 3600_000;

/**
 * For the service-requests module: the customer id it was given is real, not erased, and either
 * in the caller's data scope or identified by this caller (POST /customers/identify) within
 * IDENTIFIED_FOR_MS. Undefined otherwise — refuse the intake then (404, as for an unknown id).
 */
export async function customerForIntake(
  handle: AnyExecutor,
  caller: Caller,
  customerId: string,
): Promise<IntakeCustomer | undefined> {
  const db: Executor = handle;
  const row = await db
    .selectFrom('customers as c')
    .select(['c.id', 'c.kind', 'c.tier', 'c.org_unit_id'])
    .select(
      caller.scope.all ? sql<boolean>`true`.as('in_scope') : customerInScope(caller.scope).as('in_scope'),
    )
    .where('c.id', '=', customerId)
    .where('c.status', '<>', 'erased')
    .executeTakeFirst();
  if (!row) return undefined;
  if (!row.in_scope) {
    const identified = await db
      .selectFrom('customer_access_log')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('action', '=', 'identify')
      .where('actor_id', '=', caller.principal.userId)
      .where('occurred_at', '>', new Date(caller.now.getTime() - IDENTIFIED_FOR_MS))
      .limit(1)
      .executeTakeFirst();
    if (!identified) return undefined;
  }
  const instances = await db
    .selectFrom('product_instances')
    .select(['id', 'product_code', 'org_unit_id', 'status'])
    .where('customer_id', '=', customerId)
    .where('status', '<>', 'terminated')
    .orderBy('id')
    .execute();
  return {
    id: row.id,
    kind: row.kind,
    tier: row.tier,
    orgUnitId: row.org_unit_id,
    inScope: Boolean(row.in_scope),
    instances: instances.map((i) => ({
      id: i.id,
      productCode: i.product_code,
      orgUnitId: i.org_unit_id,
      status: i.status,
    })),
  };
}
