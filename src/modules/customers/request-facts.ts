/**
 * Reads for the service-requests module: the facts routing needs about a customer and a product
 * instance, and a short summary for request lists. Ids only: nothing here searches by a value.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Executor } from './customers.tables.ts';
import type { LocationClass } from './domain/catalogue.ts';
import { chinaDay } from './domain/contracts.ts';

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
  /** The enterprise customer's account manager (客户经理), told of SLA breaches. */
  accountManagerId: string | null;
  /** With `contractOn`: the number of the signed contract valid that China day (its SLA rows win). */
  contractNo?: string | null;
}

export interface InstanceFacts {
  id: string;
  customerId: string;
  productCode: string;
  /** The unit of the instance's site. */
  siteUnitId: string;
  status: string;
  /** 城市 / 县城 / 农村 (the SLA's repair time limit), null: not recorded. */
  locationClass: LocationClass | null;
}

/**
 * Customers by id (missing ids are left out). `contractOn`: also each one's contract valid on the
 * China day of that instant (intake: in the same statement, no round trip of its own).
 */
export async function customerFacts(
  callerDb: AnyExecutor,
  ids: readonly string[],
  opts: { contractOn?: Date } = {},
): Promise<Map<string, CustomerFacts>> {
  if (ids.length === 0) return new Map();
  const db: Executor = callerDb;
  const day = opts.contractOn ? chinaDay(opts.contractOn) : undefined;
  const rows = await db
    .selectFrom('customers as c')
    .select([
      'c.id',
      'c.customer_no',
      'c.name',
      'c.kind',
      'c.tier',
      'c.value_level',
      'c.org_unit_id',
      'c.status',
      'c.account_manager_id',
    ])
    .$if(day !== undefined, (q) =>
      q.select((eb) =>
        eb
          .selectFrom('customer_contracts as k')
          .select('k.contract_no')
          .whereRef('k.customer_id', '=', 'c.id')
          .where('k.valid_from', '<=', day!)
          .where((w) => w.or([w('k.valid_to', 'is', null), w('k.valid_to', '>=', day!)]))
          .orderBy('k.valid_from', 'desc')
          .limit(1)
          .as('contract_no'),
      ),
    )
    .where('c.id', 'in', [...new Set(ids)])
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
        accountManagerId: r.account_manager_id,
        ...(day !== undefined
          ? { contractNo: (r as { contract_no?: string | null }).contract_no ?? null }
          : {}),
      },
    ]),
  );
}

/** One product instance by id, or undefined. */
export async function instanceFacts(callerDb: AnyExecutor, id: string): Promise<InstanceFacts | undefined> {
  const db: Executor = callerDb;
  const r = await db
    .selectFrom('product_instances')
    .select(['id', 'customer_id', 'product_code', 'org_unit_id', 'status', 'location_class'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        customerId: r.customer_id,
        productCode: r.product_code,
        siteUnitId: r.org_unit_id,
        status: r.status,
        locationClass: r.location_class,
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
    .select([
      'i.id',
      'i.customer_id',
      'i.product_code',
      'i.org_unit_id',
      'i.status',
      'i.location_class',
      'c.kind',
    ])
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
    locationClass: r.location_class,
    customerKind: r.kind,
  }));
}
