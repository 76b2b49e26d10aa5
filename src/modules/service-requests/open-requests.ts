/** The customer 360 view's open requests (customers' OpenRequestsProvider seam), in the reader's scope. */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Principal } from '../../platform/http/auth.ts';
import { scopeFromPath } from '../../platform/http/caller.ts';
import { requestInScope } from './requests.repository.ts';
import { listItemView } from './requests.views.ts';
import type { Executor } from './service-requests.tables.ts';

/** Up to 20 of a customer's open requests, newest first, as the request list shows them. */
export async function openRequestsOf(
  callerDb: AnyExecutor,
  customerId: string,
  principal: Principal,
): Promise<unknown[]> {
  // Without request.read the 360 view shows no requests rather than failing.
  if (!principal.permissions.has('request.read')) return [];
  const db: Executor = callerDb;
  const rows = await db
    .selectFrom('service_requests')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('status', 'not in', ['closed', 'cancelled'])
    .where(requestInScope({ scope: scopeFromPath(principal.scopePath), principal }))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
  // The 360 view shows the customer already: no summary per request.
  return rows.map((r) => listItemView(r, new Map()));
}
