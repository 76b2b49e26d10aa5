/**
 * For the SLA module's customer report: an enterprise's branches (跨地域: its offices in other
 * regions) with their org units, so that its requests can be told apart by branch. Ids only: the
 * caller has checked that the customer is in scope.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Executor } from './customers.tables.ts';
import { branchesOf } from './customers.repository.ts';

export interface CustomerBranch {
  id: string;
  name: string;
  orgUnitId: string;
  orgUnitName: string;
}

export async function customerBranches(callerDb: AnyExecutor, customerId: string): Promise<CustomerBranch[]> {
  const db: Executor = callerDb;
  return (await branchesOf(db, [customerId])).map((b) => ({
    id: b.id,
    name: b.name,
    orgUnitId: b.org_unit_id,
    orgUnitName: b.unit_name,
  }));
}
