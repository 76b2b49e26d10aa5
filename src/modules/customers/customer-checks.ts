/** Checks a use case makes against stored data before it writes (scope, references, uniqueness). */
import type { Executor } from '../../db.ts';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { scopeOf, type Caller, type CustomerDeps } from './caller.ts';
import { isErased } from './domain/customer-rules.ts';
import {
  findCustomerRow,
  idsByIdHashes,
  unitPath,
  type CustomerRow,
  type Scope,
} from './customers.repository.ts';

export async function loadInScope(db: Executor, caller: Caller, id: string): Promise<CustomerRow> {
  // Out of scope looks exactly like absent: staff of another province learn nothing.
  const row = await findCustomerRow(db, id, scopeOf(caller.principal));
  if (!row) throw notFound('customer');
  return row;
}

export async function assertUnitInScope(db: Executor, scope: Scope, unitId: string, field: string) {
  const path = await unitPath(db, unitId);
  if (!path) throw new AppError('VALIDATION_FAILED', `${field}: no such org unit`, { field });
  if (!scope.all && !path.startsWith(scope.path))
    throw forbidden(`${field}: the org unit is outside your data scope`);
}

export async function assertUnitExists(db: Executor, unitId: string, field: string) {
  if (!(await unitPath(db, unitId)))
    throw new AppError('VALIDATION_FAILED', `${field}: no such org unit`, { field });
}

export async function assertAccountManager(db: Executor, userId: string) {
  const u = await db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirst();
  if (!u || u.status !== 'active')
    throw new AppError('VALIDATION_FAILED', 'accountManagerId: no such active user', {
      field: 'accountManagerId',
    });
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
