/**
 * TMF629 customer events into the outbox, in the caller's transaction. The payload is the customer
 * exactly as TMF629 GET shows it — masked: events never carry raw personal information. It is built
 * from what the use case holds (the customer after the change and its contacts): recording an event
 * reads nothing — except, for a customer that TMF629 keeps more of (`tmf_kept`), that kept data.
 */
import type { Tx } from './customers.tables.ts';
import { recordEvent, type NewEvent } from '../events/index.ts';
import type { ContactRef } from './domain/contacts.ts';
import type { CustomerRow } from './customers.repository.ts';
import type { CustomerView } from './customers.schemas.ts';
import { mediaFromColumns, toTmfMedium } from './tmf/contact-media.ts';
import { toTmfCustomer } from './tmf/tmf629.mapper.ts';
import { attributesOf, maskedMediaOf, NO_ATTRIBUTES } from './tmf/tmf629.store.ts';

export type CustomerEventType =
  | 'CustomerCreateEvent'
  | 'CustomerAttributeValueChangeEvent'
  | 'CustomerStateChangeEvent'
  | 'CustomerDeleteEvent';

/** The customer as it stands after the change (only what TMF629 shows of it is used). */
export interface CustomerEventSource {
  view: CustomerView;
  contacts: readonly ContactRef[];
  /** The row (clear columns, never sent): its contact media; none given, the customer has none. */
  row?: Pick<CustomerRow, 'id' | 'phone' | 'email' | 'address' | 'tmf_kept'>;
}

/** What TMF629 shows beside our view: kept attributes and every contact medium, masked. */
async function tmfExtras(trx: Tx, source: CustomerEventSource) {
  const row = source.row;
  const contacts = source.contacts.map((k) => ({ id: k.id, name: k.name, role: k.role }));
  if (!row) return { contacts, attributes: NO_ATTRIBUTES, contactMedium: [] };
  if (!row.tmf_kept)
    return { contacts, attributes: NO_ATTRIBUTES, contactMedium: mediaFromColumns(row).map(toTmfMedium) };
  const [attributes, media] = await Promise.all([
    attributesOf(trx, [row.id]),
    maskedMediaOf(trx, undefined, [row]),
  ]);
  return {
    contacts,
    attributes: attributes.get(row.id) ?? NO_ATTRIBUTES,
    contactMedium: media.get(row.id) ?? [],
  };
}

/** The event `eventType` for the customer, to record; `at` is the use case's now. */
export async function customerEvent(
  trx: Tx,
  source: CustomerEventSource,
  eventType: CustomerEventType,
  at: Date,
): Promise<NewEvent> {
  // No request here: the href is the path (the hub delivering it can make it absolute).
  const customer = toTmfCustomer(source.view, await tmfExtras(trx, source), '');
  return {
    subject: `customer.${eventType}`,
    eventType,
    aggregateType: 'customer',
    aggregateId: source.view.id,
    at,
    event: { customer },
  };
}

/** Records `eventType` for the customer; `at` is the use case's now. */
export async function recordCustomerEvent(
  trx: Tx,
  source: CustomerEventSource,
  eventType: CustomerEventType,
  at: Date,
): Promise<string> {
  return recordEvent(trx, await customerEvent(trx, source, eventType, at));
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
