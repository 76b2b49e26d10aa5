/**
 * 一点受理: a request taken for a customer outside the agent's data scope (identified by a whole
 * identifier first) is itself an access to that customer, logged with its purpose.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { AuditActor } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import type { Executor } from './customers.tables.ts';

/**
 * Migration 0023: the access log takes the action `intake`; a portal login (role customer) speaks
 * for one customer (customer_portal_accounts).
 */
export const customersIntakeAccess: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table customer_access_log drop constraint customer_access_log_action_check`.execute(db);
    await sql`alter table customer_access_log add constraint customer_access_log_action_check
      check (action in ('view', 'view360', 'list', 'search', 'export', 'tmf', 'identify', 'intake'))`.execute(
      db,
    );
    await sql`
      create table customer_portal_accounts (
        user_id uuid primary key,
        customer_id uuid not null references customers (id),
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index customer_portal_accounts_customer on customer_portal_accounts (customer_id)`.execute(
      db,
    );
  },
};

/** The customer a portal login speaks for (undefined: none, or the customer is erased). */
export async function portalCustomerOf(handle: AnyExecutor, userId: string): Promise<string | undefined> {
  const db: Executor = handle;
  const row = await db
    .selectFrom('customer_portal_accounts as a')
    .innerJoin('customers as c', 'c.id', 'a.customer_id')
    .select('a.customer_id')
    .where('a.user_id', '=', userId)
    .where('c.status', '<>', 'erased')
    .executeTakeFirst();
  return row?.customer_id;
}

/** Demo: the `customer` login speaks for the first 南京 consumer with a live broadband service. */
export async function linkDemoPortalAccount(db: Executor, userId: string, unitId: string): Promise<void> {
  const c = await db
    .selectFrom('customers as c')
    .innerJoin('product_instances as i', 'i.customer_id', 'c.id')
    .select('c.id')
    .where('c.kind', '=', 'individual')
    .where('c.org_unit_id', '=', unitId)
    .where('i.product_code', 'like', 'broadband.%')
    .where('i.status', '=', 'active')
    .orderBy('c.customer_no')
    .limit(1)
    .executeTakeFirst();
  if (c)
    await db
      .insertInto('customer_portal_accounts')
      .values({ user_id: userId, customer_id: c.id })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
}

/** Logs a cross-scope intake (in the intake's transaction); `purpose` names the request, ≤ 100. */
export async function logIntakeAccess(
  handle: AnyExecutor,
  actor: AuditActor,
  customerId: string,
  purpose: string,
): Promise<void> {
  const db: Executor = handle;
  await logAccess(db, actor, [customerId], 'intake', [...purpose].slice(0, 100).join(''));
}
