/**
 * Reads for the service-requests module: the facts routing needs about a customer and a product
 * instance, and a short summary for request lists. Ids only: nothing here searches by a value.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Executor } from './customers.tables.ts';

export interface CustomerFacts {
  id: string;
  customerNo: string;
  name: string;
  kind: 'individual' | 'enterprise';
  tier: string | null;
  valueLevel: string | null;
  /** The customer's owning org unit (home unit). */
  homeUnitId: string;
  status: string;
}

export interface InstanceFacts {
  id: string;
  customerId: string;
  productCode: string;
  /** The unit of the instance's site. */
  siteUnitId: string;
  status: string;
}

/** Customers by id (missing ids are left out). */
export async function customerFacts(
  callerDb: AnyExecutor,
  ids: readonly string[],
): Promise<Map<string, CustomerFacts>> {
  if (ids.length === 0) return new Map();
  const db: Executor = callerDb;
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'customer_no', 'name', 'kind', 'tier', 'value_level', 'org_unit_id', 'status'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        customerNo: r.customer_no,
        name: r.name,
        kind: r.kind,
        tier: r.tier,
        valueLevel: r.value_level,
        homeUnitId: r.org_unit_id,
        status: r.status,
      },
    ]),
  );
}

/** One product instance by id, or undefined. */
export async function instanceFacts(callerDb: AnyExecutor, id: string): Promise<InstanceFacts | undefined> {
  const db: Executor = callerDb;
  const r = await db
    .selectFrom('product_instances')
    .select(['id', 'customer_id', 'product_code', 'org_unit_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        customerId: r.customer_id,
        productCode: r.product_code,
        siteUnitId: r.org_unit_id,
        status: r.status,
      }
    : undefined;
}

/** Some live instances with their customer and site unit, in a stable order (other modules' demo data). */
export async function sampleInstances(
  callerDb: AnyExecutor,
  limit: number,
): Promise<Array<InstanceFacts & { customerKind: 'individual' | 'enterprise' }>> {
  const db: Executor = callerDb;
  const rows = await db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.customer_id', 'i.product_code', 'i.org_unit_id', 'i.status', 'c.kind'])
    .where('i.status', '=', 'active')
    .where('c.status', '=', 'active')
    .orderBy('i.account_no')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    customerId: r.customer_id,
    productCode: r.product_code,
    siteUnitId: r.org_unit_id,
    status: r.status,
    customerKind: r.kind,
  }));
}
