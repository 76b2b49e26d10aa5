/** Customer views with the names they show (org units, account managers) and branches. */
import type { Executor } from '../../db.ts';
import { branchesOf, names, type CustomerRow } from './customers.repository.ts';
import type { CustomerView } from './customers.schemas.ts';
import { customerView } from './customers.views.ts';

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
