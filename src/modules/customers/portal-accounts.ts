/**
 * Portal logins (role `customer`) and the customer each speaks for (customer_portal_accounts,
 * migration 0023): an administrator links and unlinks them (customer.portal_link, audited, the
 * customer in the administrator's scope); the portal lists the customer's own services.
 */
import { z } from 'zod';
import { forbidden, notFound, unprocessableField } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { appendAudit } from '../audit/index.ts';
import { usersWithRoleFlag } from '../identity/index.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { withProductNames } from './customer-read.ts';
import { customerInScope } from './customers.repository.ts';
import type { Executor } from './customers.tables.ts';
import { maskAccountNo, maskAddress } from './domain/pii.ts';
import { tags, type CustomerRouteEnv } from './routes.common.ts';

/** The customer's own services as the portal shows them (masked like everywhere else). */
export async function portalServicesOf(handle: AnyExecutor, customerId: string) {
  const db: Executor = handle;
  const rows = await db
    .selectFrom('product_instances')
    .select(['id', 'product_code', 'account_no', 'status', 'service_address', 'bandwidth_mbps', 'started_on'])
    .where('customer_id', '=', customerId)
    .orderBy('status')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return (await withProductNames(db, rows)).map((r) => ({
    id: r.id,
    productCode: r.product_code,
    productName: r.product_name,
    accountNo: maskAccountNo(r.account_no) ?? '',
    status: r.status,
    serviceAddress: maskAddress(r.service_address),
    bandwidthMbps: r.bandwidth_mbps,
    startedOn: r.started_on,
  }));
}

const PORTAL_ROLE = 'customer';

async function customerInCallerScope(db: Executor, caller: Caller, customerId: string) {
  let q = db
    .selectFrom('customers as c')
    .select(['c.id', 'c.customer_no', 'c.org_unit_id'])
    .where('c.id', '=', customerId)
    .where('c.status', '<>', 'erased');
  if (!caller.scope.all) q = q.where(customerInScope(caller.scope));
  return q.executeTakeFirst();
}

async function linksView(
  db: Executor,
  rows: Array<{ user_id: string; customer_id: string; customer_no: string; created_at: Date }>,
) {
  const users = await usersWithRoleFlag(
    db,
    rows.map((r) => r.user_id),
    PORTAL_ROLE,
  );
  return rows.map((r) => ({
    userId: r.user_id,
    login: users.get(r.user_id)?.login ?? null,
    displayName: users.get(r.user_id)?.displayName ?? null,
    customerId: r.customer_id,
    customerNo: r.customer_no,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function listPortalLinks(
  deps: CustomerDeps,
  caller: Caller,
  q: { customerId?: string | undefined; userId?: string | undefined },
) {
  let query = deps.db
    .selectFrom('customer_portal_accounts as a')
    .innerJoin('customers as c', 'c.id', 'a.customer_id')
    .select(['a.user_id', 'a.customer_id', 'c.customer_no', 'a.created_at'])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.user_id')
    .limit(200);
  if (q.customerId) query = query.where('a.customer_id', '=', q.customerId);
  if (q.userId) query = query.where('a.user_id', '=', q.userId);
  if (!caller.scope.all) query = query.where(customerInScope(caller.scope));
  return { items: await linksView(deps.db, await query.execute()) };
}

/** Links a portal login to a customer (replacing an earlier link of that login), audited. */
export async function linkPortalAccount(
  deps: CustomerDeps,
  caller: Caller,
  userId: string,
  to: { customerId?: string | undefined; customerNo?: string | undefined },
) {
  const user = (await usersWithRoleFlag(deps.db, [userId], PORTAL_ROLE)).get(userId);
  if (!user) throw unprocessableField('userId', 'no such user');
  if (!user.hasRole) throw unprocessableField('userId', 'is not a portal login (role customer)');
  // By id, or by the customer number an administrator reads off the customer's papers.
  const byNo = to.customerNo
    ? await deps.db
        .selectFrom('customers')
        .select('id')
        .where('customer_no', '=', to.customerNo.toUpperCase())
        .executeTakeFirst()
    : undefined;
  const customerId = to.customerId ?? byNo?.id;
  const customer = customerId ? await customerInCallerScope(deps.db, caller, customerId) : undefined;
  if (!customerId || !customer) throw notFound('Customer');
  return deps.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('customer_portal_accounts')
      .select('customer_id')
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (before && before.customer_id !== customerId) {
      // Moving a login away from a customer outside one's scope is not one's to do.
      if (!(await customerInCallerScope(trx, caller, before.customer_id)))
        throw forbidden('The login speaks for a customer outside your data scope');
    }
    const row = await trx
      .insertInto('customer_portal_accounts')
      .values({ user_id: userId, customer_id: customerId, created_at: caller.now })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({ customer_id: customerId, created_at: caller.now }),
      )
      .returning(['user_id', 'customer_id', 'created_at'])
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'customer.portal_link',
        entityType: 'customer',
        entityId: customerId,
        orgUnitId: customer.org_unit_id,
        details: { userId, login: user.login, previousCustomerId: before?.customer_id ?? null },
      },
      caller.now,
    );
    return (await linksView(trx, [{ ...row, customer_no: customer.customer_no }]))[0]!;
  });
}

export async function unlinkPortalAccount(deps: CustomerDeps, caller: Caller, userId: string) {
  await deps.db.transaction().execute(async (trx) => {
    const link = await trx
      .selectFrom('customer_portal_accounts')
      .select('customer_id')
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    const customer = link ? await customerInCallerScope(trx, caller, link.customer_id) : undefined;
    if (!link || !customer) throw notFound('Portal account link');
    await trx.deleteFrom('customer_portal_accounts').where('user_id', '=', userId).execute();
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'customer.portal_unlink',
        entityType: 'customer',
        entityId: link.customer_id,
        orgUnitId: customer.org_unit_id,
        details: { userId },
      },
      caller.now,
    );
  });
}

const linkView = z.object({
  userId: z.string(),
  login: z.string().nullable(),
  displayName: z.string().nullable(),
  customerId: z.string(),
  customerNo: z.string(),
  createdAt: z.string(),
});
const access = { access: { permission: 'customer.portal_link' } } as const;
const userParams = z.object({ userId: z.uuid() });

export function portalAccountRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.get(
    '/customer-portal-accounts',
    {
      schema: {
        tags,
        summary: 'Portal logins and the customers they speak for (customers in scope)',
        querystring: z.strictObject({ customerId: z.uuid().optional(), userId: z.uuid().optional() }),
        response: { 200: z.object({ items: z.array(linkView) }) },
      },
      config: access,
    },
    async (request) => listPortalLinks(deps, callerOf(request, deps.clock), request.query),
  );
  app.put(
    '/customer-portal-accounts/:userId',
    {
      schema: {
        tags,
        summary:
          'Link a portal login (role customer) to a customer in scope, by id or customer number; replaces its earlier link (audited)',
        params: userParams,
        body: z
          .strictObject({
            customerId: z.uuid().optional(),
            customerNo: z.string().trim().min(1).max(40).optional(),
          })
          .refine((b) => (b.customerId === undefined) !== (b.customerNo === undefined), {
            path: ['customerId'],
            message: 'give customerId or customerNo (one of them)',
          }),
        response: { 200: linkView },
      },
      config: access,
    },
    async (request) =>
      linkPortalAccount(deps, callerOf(request, deps.clock), request.params.userId, request.body),
  );
  app.delete(
    '/customer-portal-accounts/:userId',
    {
      schema: {
        tags,
        summary: 'Unlink a portal login from its customer (audited)',
        params: userParams,
        response: { 204: z.null() },
      },
      config: access,
    },
    async (request, reply) => {
      await unlinkPortalAccount(deps, callerOf(request, deps.clock), request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
