/**
 * For the channels module: who wrote a mail (the customer whose or whose contact's address it is),
 * and where a customer's notices go (the primary contact's preferred channel and quiet hours, else
 * the customer's own phone and email). Values are clear here because they are sent to; the channels
 * module stores and shows them masked and never logs them.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Executor } from './customers.tables.ts';

/** The customer an email address belongs to (customer's own, else a contact's); none if several or none. */
export async function customerIdByEmail(callerDb: AnyExecutor, email: string): Promise<string | undefined> {
  const db: Executor = callerDb;
  const address = email.trim().toLowerCase();
  if (!address) return undefined;
  const own = await db
    .selectFrom('customers')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', address))
    .where('status', '!=', 'erased')
    .limit(2)
    .execute();
  if (own.length === 1) return own[0]!.id;
  if (own.length > 1) return undefined;
  const viaContact = await db
    .selectFrom('customer_contacts as cc')
    .innerJoin('customers as c', 'c.id', 'cc.customer_id')
    .select('cc.customer_id')
    .distinct()
    .where((eb) => eb(eb.fn('lower', ['cc.email']), '=', address))
    .where('c.status', '!=', 'erased')
    .limit(2)
    .execute();
  return viaContact.length === 1 ? viaContact[0]!.customer_id : undefined;
}

export interface NoticeContact {
  customerId: string;
  /** The contact notices go to (null: the customer's own phone and email). */
  contactId: string | null;
  phone: string | null;
  email: string | null;
  /** phone, sms, email, wechat or none. */
  preferredChannel: string;
  /** `HH:MM` in the platform's time zone; both or neither. */
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
}

/** Where a customer's notices go; undefined for an erased or unknown customer. */
export async function noticeContactOf(
  callerDb: AnyExecutor,
  customerId: string,
): Promise<NoticeContact | undefined> {
  const db: Executor = callerDb;
  const row = await db
    .selectFrom('customers as c')
    .leftJoin('customer_contacts as cc', (j) =>
      j.onRef('cc.customer_id', '=', 'c.id').on('cc.is_primary', '=', true),
    )
    .select([
      'c.id',
      'c.status',
      'c.phone',
      'c.email',
      'cc.id as contact_id',
      'cc.mobile',
      'cc.email as contact_email',
      'cc.preferred_channel',
      'cc.quiet_hours_start',
      'cc.quiet_hours_end',
    ])
    .where('c.id', '=', customerId)
    .executeTakeFirst();
  if (!row || row.status === 'erased') return undefined;
  return {
    customerId: row.id,
    contactId: row.contact_id,
    phone: row.mobile ?? row.phone,
    email: row.contact_email ?? row.email,
    preferredChannel: row.preferred_channel ?? (row.phone ? 'sms' : row.email ? 'email' : 'none'),
    quietHoursStart: row.quiet_hours_start,
    quietHoursEnd: row.quiet_hours_end,
  };
}
