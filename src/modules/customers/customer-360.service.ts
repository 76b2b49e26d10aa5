/** Customer 360: the customer, contacts, instances, open requests and recent history at once. */
import type { Db } from './customers.tables.ts';
import type { Principal } from '../../platform/http/auth.ts';
import { listAudit } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { customerViews, withProductNames } from './customer-read.ts';
import { loadInScope } from './customer-checks.ts';
import { actorNames, contactsOf, instancesOf } from './customers.repository.ts';
import { contactView, instanceView, iso } from './customers.views.ts';
import { REVEAL_ACTIONS } from './reveal.service.ts';
import { maskFreeTextDeep } from './domain/pii.ts';

/** The seam for the requests module: open requests of a customer (none until it exists). */
export type OpenRequestsProvider = (db: Db, customerId: string, principal: Principal) => Promise<unknown[]>;
export const noOpenRequests: OpenRequestsProvider = async () => [];

export async function customer360(
  deps: CustomerDeps,
  caller: Caller,
  id: string,
  openRequests: OpenRequestsProvider = noOpenRequests,
) {
  const row = await loadInScope(deps.db, caller, id);
  const [[customer], contacts, instances, requests, history] = await Promise.all([
    customerViews(deps.db, [row]),
    contactsOf(deps.db, row.id),
    instancesOf(deps.db, row.id).then((rows) => withProductNames(deps.db, rows)),
    openRequests(deps.db, row.id, caller.principal),
    listAudit(deps.db, {
      entityType: 'customer',
      entityId: row.id,
      // Who revealed what, and why, is for auditors (and team leads) only: audit.read.
      excludeActions: caller.principal.permissions.has('audit.read') ? undefined : REVEAL_ACTIONS,
      limit: 20,
    }),
  ]);
  await logAccess(deps.db, caller.actor, [row.id], 'view360');
  const actors = await actorNames(deps.db, history);
  return {
    customer: customer!,
    contacts: contacts.map(contactView),
    instances: instances.map(instanceView),
    openRequests: requests,
    recentHistory: history.map((h) => ({
      seq: h.seq,
      occurredAt: iso(h.occurred_at),
      actorLogin: h.actor_login,
      actorName: h.actor_id ? (actors.get(h.actor_id) ?? null) : null,
      action: h.action,
      // Reasons and other texts in the history are free text: masked like notes.
      details: maskFreeTextDeep((h.details ?? {}) as Record<string, unknown>),
    })),
  };
}
