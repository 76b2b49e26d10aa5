/**
 * Service requests' side of the SLA customer report (the registry wires it into the sla module,
 * which never reads this module's tables): which requests a customer made in a period, with the
 * site unit that tells its branches apart. The report's caller has checked the customer's scope.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { CustomerRequestRef, SlaCustomerPort } from '../sla/index.ts';
import type { Executor } from './service-requests.tables.ts';

export const requestSlaCustomerPort: SlaCustomerPort = {
  async customerRequests(callerDb: AnyExecutor, customerId: string, from: Date, to: Date) {
    const db = callerDb as Executor;
    const rows = await db
      .selectFrom('service_requests')
      .select(['id', 'number', 'kind', 'site_unit_id', 'created_at'])
      .where('customer_id', '=', customerId)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r): CustomerRequestRef => ({
      id: r.id,
      number: r.number,
      kind: r.kind,
      siteUnitId: r.site_unit_id,
      createdAt: new Date(r.created_at),
    }));
  },
};
