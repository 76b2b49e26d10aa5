/** Customer views with the names they show (org units, account managers) and branches. */
import type { Executor } from '../../db.ts';
import { productNames } from '../products/index.ts';
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

/**
 * The view an event needs after a change to a customer's contacts or instances: TMF629 shows
 * neither branches nor the unit's name, so only the account manager's name is read (if any).
 */
export async function eventView(db: Executor, row: CustomerRow): Promise<CustomerView> {
  const n = await names(db, [], row.account_manager_id ? [row.account_manager_id] : []);
  return customerView(row, n, []);
}

/** Instance rows with their product's name (the catalogue is the products module's). */
export async function withProductNames<R extends { product_code: string }>(
  db: Executor,
  rows: R[],
): Promise<Array<R & { product_name: string | null }>> {
  const names = await productNames(db, [...new Set(rows.map((r) => r.product_code))]);
  return rows.map((r) => ({ ...r, product_name: names.get(r.product_code) ?? null }));
}
