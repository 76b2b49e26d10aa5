/**
 * An enterprise's signed service agreements (SLA contracts): list, add, change — each change
 * audited and told to the service-facts listeners (the SLA of the customer's open requests follows).
 * The contract number names the agreement's rows in the SLA policy matrix (`match.contractId`);
 * the contract valid on a request's day applies to it. At most one is valid on any day.
 */
import { sql, type Selectable } from 'kysely';
import { conflict, notFound, unprocessableField } from '../../platform/errors.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { appendAudit } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { assertNotErased, loadForChange, loadInScope } from './customer-checks.ts';
import type { ContractInput, ContractPatch, ContractView } from './customers.schemas.ts';
import type { CustomerContractsTable, Executor, Tx } from './customers.tables.ts';
import { chinaDay, contractOn, overlapping, type ContractPeriod } from './domain/contracts.ts';
import { serviceFactsChanged } from './service-facts.ts';

type ContractRow = Selectable<CustomerContractsTable>;

const isoOf = (d: Date | string) => new Date(d).toISOString();

function contractView(r: ContractRow): ContractView {
  return {
    contractNo: r.contract_no,
    customerId: r.customer_id,
    name: r.name,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    version: r.version,
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
  };
}

const periodOf = (r: ContractRow): ContractPeriod => ({
  contractNo: r.contract_no,
  validFrom: r.valid_from,
  validTo: r.valid_to,
});

async function rowsOf(db: Executor, customerId: string): Promise<ContractRow[]> {
  return db
    .selectFrom('customer_contracts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('valid_from')
    .orderBy('contract_no')
    .execute();
}

export async function listContracts(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
): Promise<ContractView[]> {
  const row = await loadInScope(deps.db, caller, customerId);
  const rows = await rowsOf(deps.db, row.id);
  await logAccess(deps.db, caller.actor, [row.id], 'view', 'contracts');
  return rows.map(contractView);
}

/** The message names the field, as a validation error's does (the console reads details.field). */
const numberTaken = (contractNo: string) =>
  conflict(`contractNo: a contract numbered ${contractNo} exists`, { field: 'contractNo' });

/** Another contract of the customer sharing a day with this one: 422 naming it. */
function assertNoOverlap(rows: readonly ContractRow[], c: ContractPeriod) {
  const other = overlapping(rows.map(periodOf), c);
  if (other)
    throw unprocessableField(
      'validFrom',
      `overlaps contract ${other.contractNo} (${other.validFrom} – ${other.validTo ?? 'open-ended'}): a customer has one contract on any day`,
      // The other contract's number and period, for a client to say in its own words.
      { overlaps: { contractNo: other.contractNo, validFrom: other.validFrom, validTo: other.validTo } },
    );
}

/** The customer's row locked for the change: two contracts written at once cannot both overlap. */
async function lockCustomer(trx: Tx, customerId: string) {
  await trx.selectFrom('customers').select('id').where('id', '=', customerId).forUpdate().execute();
}

export async function addContract(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  input: ContractInput,
): Promise<ContractView> {
  const row = await loadForChange(deps.db, caller, customerId);
  assertNotErased(row);
  if (row.kind !== 'enterprise')
    throw unprocessableField(
      'customerId',
      'only an enterprise customer (政企客户) signs a service agreement',
    );
  const taken = await deps.db
    .selectFrom('customer_contracts')
    .select('contract_no')
    .where('contract_no', '=', input.contractNo)
    .executeTakeFirst();
  if (taken) throw numberTaken(input.contractNo);
  const period = { contractNo: input.contractNo, validFrom: input.validFrom, validTo: input.validTo ?? null };
  return deps.db
    .transaction()
    .execute(async (trx) => {
      await lockCustomer(trx, row.id);
      assertNoOverlap(await rowsOf(trx, row.id), period);
      const saved = await trx
        .insertInto('customer_contracts')
        .values({
          contract_no: input.contractNo,
          customer_id: row.id,
          name: input.name,
          valid_from: input.validFrom,
          valid_to: input.validTo ?? null,
          created_at: caller.now,
          updated_at: caller.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(trx, caller.actor, {
        action: 'customer.contract_add',
        entityType: 'customer',
        entityId: row.id,
        orgUnitId: row.org_unit_id,
        details: { contractNo: saved.contract_no, validFrom: saved.valid_from, validTo: saved.valid_to },
      });
      await serviceFactsChanged(trx, {
        kind: 'contract',
        customerId: row.id,
        contractNo: saved.contract_no,
        at: caller.now,
      });
      return contractView(saved);
    })
    .catch((err: unknown) => {
      // Taken meanwhile by a concurrent add: the primary key says so.
      if ((err as { code?: string })?.code === '23505') throw numberTaken(input.contractNo);
      throw err;
    });
}

export async function updateContract(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  contractNo: string,
  patch: ContractPatch,
): Promise<ContractView> {
  const row = await loadForChange(deps.db, caller, customerId);
  assertNotErased(row);
  return deps.db.transaction().execute(async (trx) => {
    await lockCustomer(trx, row.id);
    const rows = await rowsOf(trx, row.id);
    const stored = rows.find((r) => r.contract_no === contractNo);
    if (!stored) throw notFound('contract');
    checkVersion('contract', stored.version, patch.version);
    const next = {
      contractNo,
      validFrom: patch.validFrom ?? stored.valid_from,
      validTo: patch.validTo === undefined ? stored.valid_to : patch.validTo,
    };
    if (next.validTo !== null && next.validTo < next.validFrom)
      throw unprocessableField('validTo', 'must not be before validFrom');
    assertNoOverlap(rows, next);
    const updated = await trx
      .updateTable('customer_contracts')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        valid_from: next.validFrom,
        valid_to: next.validTo,
        version: sql`version + 1`,
        updated_at: caller.now,
      })
      .where('contract_no', '=', contractNo)
      .where('version', '=', stored.version)
      .returningAll()
      .executeTakeFirst();
    assertOneUpdated('contract', updated ? 1 : 0);
    await appendAudit(trx, caller.actor, {
      action: 'customer.contract_update',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: {
        contractNo,
        before: { name: stored.name, validFrom: stored.valid_from, validTo: stored.valid_to },
        after: { name: updated!.name, validFrom: updated!.valid_from, validTo: updated!.valid_to },
      },
    });
    await serviceFactsChanged(trx, { kind: 'contract', customerId: row.id, contractNo, at: caller.now });
    return contractView(updated!);
  });
}

/** For other modules: a customer's contracts, oldest first (the SLA's recompute picks one per request day). */
export async function contractsOf(callerDb: AnyExecutor, customerId: string): Promise<ContractPeriod[]> {
  return (await rowsOf(callerDb as Executor, customerId)).map(periodOf);
}

/** For other modules: whether a contract of this number exists (SLA policy rows may name only those). */
export async function contractExists(callerDb: AnyExecutor, contractNo: string): Promise<boolean> {
  const db = callerDb as Executor;
  return (
    (await db
      .selectFrom('customer_contracts')
      .select('contract_no')
      .where('contract_no', '=', contractNo)
      .executeTakeFirst()) !== undefined
  );
}

export { chinaDay, contractOn };
