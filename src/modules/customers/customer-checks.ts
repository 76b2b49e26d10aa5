/** Checks a use case makes against stored data before it writes (scope, references, uniqueness). */
import type { Executor } from '../../db.ts';
import { conflict, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { isErased } from './domain/customer-rules.ts';
import {
  findCustomerForChange,
  findCustomerRow,
  idsByIdHashes,
  unitPath,
  type CustomerRow,
  type Scope,
} from './customers.repository.ts';

export async function loadInScope(db: Executor, caller: Caller, id: string): Promise<CustomerRow> {
  // Out of scope looks exactly like absent: staff of another province learn nothing.
  const row = await findCustomerRow(db, id, caller.scope);
  if (!row) throw notFound('customer');
  return row;
}

export async function assertUnitInScope(db: Executor, scope: Scope, unitId: string, field: string) {
  const path = await unitPath(db, unitId);
  if (!path) throw invalidField(field, 'no such org unit');
  if (!scope.all && !path.startsWith(scope.path))
    throw forbidden(`${field}: the org unit is outside your data scope`);
}

export async function assertUnitExists(db: Executor, unitId: string, field: string) {
  if (!(await unitPath(db, unitId))) throw invalidField(field, 'no such org unit');
}

export async function assertAccountManager(db: Executor, userId: string) {
  const u = await db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirst();
  if (!u || u.status !== 'active') throw invalidField('accountManagerId', 'no such active user');
}

export async function assertIdNumberFree(deps: CustomerDeps, normalised: string, selfId?: string) {
  const others = (await idsByIdHashes(deps.db, deps.vault.blindIndexes(normalised))).filter(
    (x) => x !== selfId,
  );
  if (others.length)
    throw conflict('idNumber: another customer already has this ID number', { field: 'idNumber' });
}

export function assertNotErased(row: CustomerRow) {
  if (isErased(row.status)) throw conflict('This customer has been erased; its records can no longer change');
}

/** loadInScope for a use case that writes: the row and its contacts' refs in one statement. */
export async function loadForChange(db: Executor, caller: Caller, id: string) {
  const row = await findCustomerForChange(db, id, caller.scope);
  if (!row) throw notFound('customer');
  return row;
}
