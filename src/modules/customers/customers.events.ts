/**
 * TMF629 customer events into the outbox, in the caller's transaction. The payload is the customer
 * exactly as TMF629 GET shows it — masked: events never carry raw personal information.
 */
import type { Tx } from '../../db.ts';
import { recordEvent } from '../events/index.ts';
import { contactsOf } from './customers.repository.ts';
import { customerViews } from './customer-read.ts';
import { toTmfCustomer } from './tmf/tmf629.mapper.ts';
import { attributesOf, maskedMediaOf, NO_ATTRIBUTES } from './tmf/tmf629.store.ts';

export type CustomerEventType =
  | 'CustomerCreateEvent'
  | 'CustomerAttributeValueChangeEvent'
  | 'CustomerStateChangeEvent'
  | 'CustomerDeleteEvent';

/** Records `eventType` for the customer as it stands inside `trx` (after the change). */
export async function recordCustomerEvent(
  trx: Tx,
  customerId: string,
  eventType: CustomerEventType,
): Promise<string> {
  const row = await trx
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  const [view] = await customerViews(trx, [row]);
  const contacts = await contactsOf(trx, customerId);
  const attributes = (await attributesOf(trx, [customerId])).get(customerId) ?? NO_ATTRIBUTES;
  const media = await maskedMediaOf(trx, undefined, [row]);
  // No request here: the href is relative to the server (the hub delivering it makes it absolute).
  const customer = toTmfCustomer(
    view!,
    {
      contacts: contacts.map((k) => ({ id: k.id, name: k.name, role: k.role })),
      attributes,
      contactMedium: media.get(customerId) ?? [],
    },
    '',
  );
  return recordEvent(trx, {
    subject: `customer.${eventType}`,
    eventType,
    aggregateType: 'customer',
    aggregateId: customerId,
    event: { customer },
  });
}

/** One summary event per committed import, written by the importer in its own transaction. */
export async function recordImportEvent(
  trx: Tx,
  summary: { format: 'csv' | 'xlsx'; rows: number; customers: number; contacts: number; instances: number },
): Promise<string> {
  // Counts and format only: no file name, no rows.
  return recordEvent(trx, {
    subject: 'customer.CustomerBatchImportEvent',
    eventType: 'CustomerBatchImportEvent',
    aggregateType: 'customer',
    aggregateId: 'import',
    event: { import: summary },
  });
}
