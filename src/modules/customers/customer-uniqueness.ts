/**
 * Unique values within what the caller sees (issue 9): an ID number, credit code or live product +
 * account number held by a customer the caller can see refuses the write (409: they may open that
 * customer); held by one they cannot see, the write goes on exactly as if the value were free, and
 * the duplicate is recorded for review by the staff whose scope covers both customers (audit entry
 * `customer.duplicate_deferred`) and in the other customer's access log. The answer never says that
 * a customer outside the caller's scope exists. Why: the module README, "Unique values and data
 * scope".
 */
import { sql } from 'kysely';
import type { Db, Executor, Tx } from './customers.tables.ts';
import { AppError } from '../../platform/errors.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { unitPath } from '../identity/index.ts';
import { logAccess } from './access-log.service.ts';
import { customerInScope, type Scope } from './customers.repository.ts';
import {
  commonUnit,
  LOCK_CLASS,
  lockPlan,
  UNIQUE_FIELDS,
  WHOLE_FIELD,
  type LockValues,
  type UniqueField,
} from './domain/uniqueness.ts';

export type { UniqueField } from './domain/uniqueness.ts';

export interface UniqueValues {
  /** A normalised ID number with its keyed hashes (one per key: older rows may use an older key). */
  idNumber?: { normalised: string; hashes: string[] } | undefined;
  creditCode?: string | undefined;
  /** Live (not terminated) instances: product and account number. */
  accounts?: ReadonlyArray<{ productCode: string; accountNo: string }> | undefined;
}

/** A customer that holds one of the values, and whether the caller sees it. */
export interface Holder {
  field: UniqueField;
  customerId: string;
  orgUnitId: string;
  inScope: boolean;
}

/** The access log's purpose for a customer found holding a value the caller sent. */
export const UNIQUENESS_PURPOSE = 'uniqueness check';

const MESSAGES: Record<UniqueField, string> = {
  idNumber: 'idNumber: another customer already has this ID number',
  creditCode: 'creditCode: another customer already has this credit code',
  accountNo: 'accountNo: this product already has an active instance with this account number',
};

/** A value held by a customer the caller sees: 409 naming the field and that customer. */
export class UniqueValueTaken extends AppError {
  constructor(readonly holders: Holder[]) {
    const first = holders[0]!;
    super('CONFLICT', MESSAGES[first.field], { field: first.field, customerId: first.customerId });
  }
}

const isEmpty = (v: UniqueValues) => !v.idNumber && !v.creditCode && !v.accounts?.length;

function lockValues(v: UniqueValues): LockValues {
  return {
    idNumber: v.idNumber ? [v.idNumber.normalised] : [],
    creditCode: v.creditCode ? [v.creditCode] : [],
    accountNo: (v.accounts ?? []).map((a) => `${a.productCode} ${a.accountNo}`),
  };
}

/**
 * One write's locks on its values, held until its transaction ends: two writers of the same value
 * take turns, so the second sees the first's row (no unique index does it any more). Each field:
 * shared on the whole field (an import takes it exclusive), then the value's bucket.
 */
async function lockUniqueValues(trx: Tx, values: UniqueValues) {
  for (const { field, buckets } of lockPlan(lockValues(values))) {
    const cls = LOCK_CLASS[field];
    await sql`select pg_advisory_xact_lock_shared(${cls}::int, ${WHOLE_FIELD}::int)`.execute(trx);
    for (const b of buckets) await sql`select pg_advisory_xact_lock(${cls}::int, ${b}::int)`.execute(trx);
  }
}

/** A bulk write's locks (an import): every field exclusive, in the one order. */
export async function lockAllUniqueValues(trx: Tx) {
  for (const field of UNIQUE_FIELDS)
    await sql`select pg_advisory_xact_lock(${LOCK_CLASS[field]}::int, ${WHOLE_FIELD}::int)`.execute(trx);
}

/** The customers (other than `self`) holding any of the values, each with whether the caller sees it. */
export async function holdersOf(
  db: Executor,
  scope: Scope,
  values: UniqueValues,
  self: { customerId?: string; instanceId?: string } = {},
): Promise<Holder[]> {
  const inScope = scope.all ? sql<boolean>`true` : customerInScope(scope);
  const holders: Holder[] = [];
  const add = (field: UniqueField, rows: Array<{ id: string; org_unit_id: string; in_scope: boolean }>) => {
    for (const r of rows)
      holders.push({ field, customerId: r.id, orgUnitId: r.org_unit_id, inScope: r.in_scope });
  };
  if (values.idNumber?.hashes.length) {
    let q = db
      .selectFrom('customers as c')
      .select(['c.id', 'c.org_unit_id', inScope.as('in_scope')])
      .where('c.id_number_hash', 'in', values.idNumber.hashes);
    if (self.customerId) q = q.where('c.id', '<>', self.customerId);
    add('idNumber', await q.execute());
  }
  if (values.creditCode) {
    let q = db
      .selectFrom('customers as c')
      .select(['c.id', 'c.org_unit_id', inScope.as('in_scope')])
      .where('c.credit_code', '=', values.creditCode)
      .where('c.status', '<>', 'erased');
    if (self.customerId) q = q.where('c.id', '<>', self.customerId);
    add('creditCode', await q.execute());
  }
  const accounts = values.accounts ?? [];
  if (accounts.length) {
    // The same customer holding the line twice is a conflict too: only the instance itself is not.
    let q = db
      .selectFrom('product_instances as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select(['c.id', 'c.org_unit_id', inScope.as('in_scope')])
      .distinct()
      .where('i.status', '<>', 'terminated')
      .where((eb) =>
        eb.or(
          accounts.map((a) =>
            eb.and([eb('i.product_code', '=', a.productCode), eb('i.account_no', '=', a.accountNo)]),
          ),
        ),
      );
    if (self.instanceId) q = q.where('i.id', '<>', self.instanceId);
    add('accountNo', await q.execute());
  }
  return holders;
}

/**
 * Inside a write's transaction, before it writes: locks the values and finds who holds them. A
 * holder the caller sees refuses the write (UniqueValueTaken); the others are returned, for
 * recordDuplicates once the caller's row is written.
 */
export async function claimUniqueValues(
  trx: Tx,
  scope: Scope,
  values: UniqueValues,
  self: { customerId?: string; instanceId?: string } = {},
): Promise<Holder[]> {
  if (isEmpty(values)) return [];
  await lockUniqueValues(trx, values);
  const holders = await holdersOf(trx, scope, values, self);
  const seen = holders.filter((h) => h.inScope);
  if (seen.length) throw new UniqueValueTaken(seen);
  return holders;
}

/**
 * The duplicates outside the caller's scope, recorded in the write's transaction: an audit entry
 * per pair at the lowest org unit above both customers (readable by exactly the staff whose scope
 * covers both, never by the caller's colleagues who see only one — nor in either 360 history), and
 * the other customer's access log (who matched its value, never which value).
 */
export async function recordDuplicates(
  trx: Tx,
  actor: AuditActor,
  holders: readonly Holder[],
  customer: { id: string; orgUnitId: string },
) {
  if (holders.length === 0) return;
  const paths = new Map<string, string | undefined>();
  const pathOf = async (unit: string) => {
    if (!paths.has(unit)) paths.set(unit, await unitPath(trx, unit));
    return paths.get(unit);
  };
  const own = await pathOf(customer.orgUnitId);
  for (const h of holders) {
    const theirs = await pathOf(h.orgUnitId);
    await appendAudit(trx, actor, {
      action: 'customer.duplicate_deferred',
      entityType: 'customer_duplicate',
      entityId: customer.id,
      orgUnitId: own && theirs ? (commonUnit(own, theirs) ?? null) : null,
      details: { field: h.field, customerId: customer.id, otherCustomerId: h.customerId },
    });
  }
  await logAccess(trx, actor, [...new Set(holders.map((h) => h.customerId))], 'search', UNIQUENESS_PURPOSE);
}

/**
 * Runs a write; when a value is refused because a customer the caller sees holds it, that customer
 * goes into the access log (the refusal names it) after the write's transaction rolled back.
 */
export async function loggingRefusals<T>(db: Db, actor: AuditActor, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueValueTaken)
      await logAccess(
        db,
        actor,
        [...new Set(err.holders.map((h) => h.customerId))],
        'search',
        UNIQUENESS_PURPOSE,
      );
    throw err;
  }
}
