/** The TMF621 attributes kept beside requests (`service_request_tmf_tickets`, migration 0026). */
import { expectedResolutionOf } from '../../sla/index.ts';
import type { Executor } from '../service-requests.tables.ts';
import { NO_EXTRAS, type TicketExtras } from './tmf621.mapper.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function extrasOf(db: Executor, ids: readonly string[]): Promise<Map<string, TicketExtras>> {
  const out = new Map<string, TicketExtras>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('service_request_tmf_tickets')
    .selectAll()
    .where('request_id', 'in', ids)
    .execute();
  for (const r of rows)
    out.set(r.request_id, {
      severity: r.severity,
      requestedResolutionDate: iso(r.requested_resolution_date),
      expectedResolutionDate: iso(r.expected_resolution_date),
      attributes: (typeof r.attributes === 'string' ? JSON.parse(r.attributes) : r.attributes) ?? {},
    });
  return out;
}

/**
 * The attributes as a ticket shows them: `expectedResolutionDate` is the SLA's restoration (else
 * resolution) deadline when the request's clocks give one; the client's value only when they give
 * none (no such target, or a customer-caused pause holding the clock).
 */
export async function shownExtrasOf(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, TicketExtras>> {
  const [extras, deadlines] = await Promise.all([extrasOf(db, ids), expectedResolutionOf(db, ids)]);
  for (const [id, at] of deadlines)
    extras.set(id, { ...(extras.get(id) ?? NO_EXTRAS), expectedResolutionDate: at.toISOString() });
  return extras;
}

export const extrasFor = async (db: Executor, id: string) => (await extrasOf(db, [id])).get(id) ?? NO_EXTRAS;

export async function writeExtras(db: Executor, id: string, e: TicketExtras, now: Date): Promise<void> {
  const values = {
    severity: e.severity,
    requested_resolution_date: e.requestedResolutionDate,
    expected_resolution_date: e.expectedResolutionDate,
    attributes: JSON.stringify(e.attributes),
    updated_at: now,
  };
  await db
    .insertInto('service_request_tmf_tickets')
    .values({ request_id: id, ...values })
    .onConflict((oc) => oc.column('request_id').doUpdateSet(values))
    .execute();
}
