/**
 * TMF629 customer events into the outbox, in the caller's transaction. The payload is the customer
 * exactly as TMF629 GET shows it — masked: events never carry raw personal information.
 */
import type { Db, Tx } from '../../db.ts';
import { recordEvent } from '../events/index.ts';
import { contactsOf } from './customers.repository.ts';
import { customerViews } from './customers.service.ts';
import { toTmfCustomer } from './customers.tmf.ts';

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
  const customer = toTmfCustomer(
    view!,
    contacts.map((k) => ({ id: k.id, name: k.name, role: k.role })),
  );
  return recordEvent(trx, {
    subject: `customer.${eventType}`,
    eventType,
    aggregateType: 'customer',
    aggregateId: customerId,
    event: { customer },
  });
}

/**
 * One summary event per committed import, in the import's own transaction. The importer appends
 * its `customer.import` audit entry last in that transaction, under the audit chain's lock, so the
 * newest audit entry seen there is that import's (counts and format; no file name, no rows).
 */
async function recordImportSummary(trx: Tx): Promise<void> {
  const last = await trx
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last?.action !== 'customer.import') return;
  const d = last.details as Record<string, unknown>;
  const n = (k: string) => (typeof d[k] === 'number' ? d[k] : 0);
  await recordEvent(trx, {
    subject: 'customer.CustomerBatchImportEvent',
    eventType: 'CustomerBatchImportEvent',
    aggregateType: 'customer',
    aggregateId: 'import',
    event: {
      import: {
        format: typeof d.format === 'string' ? d.format : null,
        rows: n('rows'),
        customers: n('customers'),
        contacts: n('contacts'),
        instances: n('instances'),
      },
    },
  });
}

const bound = (target: object, prop: string | symbol) => {
  const v = Reflect.get(target, prop, target) as unknown;
  return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
};

/**
 * The database handle for the importer (which owns its transaction): every transaction it runs
 * also records the import's summary event before committing.
 */
export function withImportEvent(db: Db): Db {
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'transaction') return bound(target, prop);
      return () => {
        const builder = target.transaction();
        return new Proxy(builder, {
          get(b, p) {
            if (p !== 'execute') return bound(b, p);
            return <T>(fn: (trx: Tx) => Promise<T>) =>
              b.execute(async (trx) => {
                const result = await fn(trx);
                await recordImportSummary(trx);
                return result;
              });
          },
        });
      };
    },
  });
}
