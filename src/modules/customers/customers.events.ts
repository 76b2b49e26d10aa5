/**
 * TMF629 customer events into the outbox, in the caller's transaction. The payload is the customer
 * exactly as TMF629 GET shows it — masked: events never carry raw personal information. It is built
 * from what the use case holds (the customer after the change and its contacts): recording an event
 * reads nothing.
 */
import type { Tx } from './customers.tables.ts';
import { recordEvent } from '../events/index.ts';
import type { ContactRef } from './domain/contacts.ts';
import type { CustomerView } from './customers.schemas.ts';
import { toTmfCustomer } from './tmf/tmf629.mapper.ts';

export type CustomerEventType =
  | 'CustomerCreateEvent'
  | 'CustomerAttributeValueChangeEvent'
  | 'CustomerStateChangeEvent'
  | 'CustomerDeleteEvent';

/** The customer as it stands after the change (only what TMF629 shows of it is used). */
export interface CustomerEventSource {
  view: CustomerView;
  contacts: readonly ContactRef[];
}

/** Records `eventType` for the customer; `at` is the use case's now. */
export async function recordCustomerEvent(
  trx: Tx,
  source: CustomerEventSource,
  eventType: CustomerEventType,
  at: Date,
): Promise<string> {
  const customer = toTmfCustomer(source.view, [...source.contacts]);
  return recordEvent(trx, {
    subject: `customer.${eventType}`,
    eventType,
    aggregateType: 'customer',
    aggregateId: source.view.id,
    at,
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
