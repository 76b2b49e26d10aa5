/** The access log (MIIT Order 24): who accessed which customer's information. */
import type { QueryCreator } from 'kysely';
import type { CustomersTables } from './customers.tables.ts';
import type { AuditActor } from '../audit/index.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { loadInScope } from './customer-checks.ts';
import { actorNames } from './customers.repository.ts';
import { iso } from './customers.views.ts';

export type AccessAction = 'view' | 'view360' | 'list' | 'search' | 'export' | 'tmf' | 'identify';

/** Writes the rows; `db` may be a transaction, or carry more of the use case's writes (WITH). */
export async function logAccess(
  db: QueryCreator<CustomersTables>,
  actor: AuditActor,
  customerIds: string[],
  action: AccessAction,
  purpose?: string,
): Promise<void> {
  if (customerIds.length === 0) return;
  await db
    .insertInto('customer_access_log')
    .values(
      customerIds.map((id) => ({
        actor_id: actor.actorId,
        actor_login: actor.actorLogin,
        customer_id: id,
        action,
        purpose: purpose ?? null,
        ip: actor.ip,
        request_id: actor.requestId,
      })),
    )
    .execute();
}

/** Who accessed a customer's information (newest first), for audits and complaints. */
export async function accessLogOf(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  before: string | undefined,
  limit: number,
) {
  const row = await loadInScope(deps.db, caller, customerId);
  let q = deps.db
    .selectFrom('customer_access_log')
    .selectAll()
    .where('customer_id', '=', row.id)
    .orderBy('id', 'desc')
    .limit(limit);
  if (before) q = q.where('id', '<', before);
  const rows = await q.execute();
  const names = await actorNames(deps.db, rows);
  return rows.map((r) => ({
    id: r.id,
    occurredAt: iso(r.occurred_at),
    actorId: r.actor_id,
    actorLogin: r.actor_login,
    actorName: r.actor_id ? (names.get(r.actor_id) ?? null) : null,
    action: r.action,
    purpose: r.purpose,
    ip: r.ip,
    requestId: r.request_id,
  }));
}
