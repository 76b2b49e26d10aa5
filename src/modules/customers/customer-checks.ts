/** Checks a use case makes against stored data before it writes (scope, references); uniqueness: customer-uniqueness.ts. */
import type { Executor } from './customers.tables.ts';
import { conflict, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import type { Caller } from './caller.ts';
import { isActiveUser, unitPath } from '../identity/index.ts';
import { isErased, unitsChanged } from './domain/customer-rules.ts';
import {
  findCustomerForChange,
  findCustomerRow,
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

/**
 * Moving a customer (its unit) or changing its branches needs scope over every unit that enters
 * or leaves (issue 9: a province that sees an enterprise through its branch could otherwise move
 * it to one of its own units, drop the branches and take it out of the owner's scope). Existence
 * of the new units is checked on its own (400); this answers 403.
 */
export async function assertPlaceChangeInScope(
  db: Executor,
  scope: Scope,
  row: Pick<CustomerRow, 'id' | 'org_unit_id'>,
  change: { orgUnitId?: string | undefined; branches?: ReadonlyArray<{ orgUnitId: string }> | undefined },
) {
  if (scope.all || (change.orgUnitId === undefined && change.branches === undefined)) return;
  const branchUnitIds =
    change.branches === undefined
      ? []
      : (
          await db
            .selectFrom('customer_branches')
            .select('org_unit_id')
            .where('customer_id', '=', row.id)
            .execute()
        ).map((b) => b.org_unit_id);
  const touched = unitsChanged(
    { orgUnitId: row.org_unit_id, branchUnitIds },
    { orgUnitId: change.orgUnitId, branchUnitIds: change.branches?.map((b) => b.orgUnitId) },
  );
  for (const unit of touched) {
    const path = await unitPath(db, unit);
    if (!path || path.startsWith(scope.path)) continue;
    if (unit === row.org_unit_id)
      throw forbidden(
        "orgUnitId: the customer's current org unit is outside your data scope; moving a customer " +
          'needs scope over the unit it leaves and the one it enters',
      );
    if (unit === change.orgUnitId) throw forbidden('orgUnitId: the org unit is outside your data scope');
    throw forbidden('branches: a branch in an org unit outside your data scope cannot be added or removed');
  }
}

export async function assertUnitExists(db: Executor, unitId: string, field: string) {
  if (!(await unitPath(db, unitId))) throw invalidField(field, 'no such org unit');
}

export async function assertAccountManager(db: Executor, userId: string) {
  if (!(await isActiveUser(db, userId))) throw invalidField('accountManagerId', 'no such active user');
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
