/**
 * Exact lookups for the service-requests module's search: which customers and product instances
 * an identifier names. Whole values only (a phone: the full number or its last four digits, as
 * masks show them), index-backed, capped; the caller applies its own scope to what it finds.
 */
import { sql } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Executor } from './customers.tables.ts';
import { idsByPhone } from './customers.repository.ts';
import { normaliseCode, type PhoneQuery } from './domain/search.ts';

export type { PhoneQuery };

/** Customers with this phone (their own, a contact's, a voice/mobile service number). */
export async function customerIdsByPhone(
  callerDb: AnyExecutor,
  phone: PhoneQuery,
  limit: number,
): Promise<string[]> {
  const db: Executor = callerDb;
  if (phone.kind === 'full') return idsByPhone(db, phone.value, limit);
  // The expressions match migration 0012's indexes on right(…, 4).
  const r = await sql<{ id: string }>`
    (select customer_id as id from customer_phones where right(phone, 4) = ${phone.value} limit ${limit})
    union
    (select customer_id from product_instances
      where right(account_no, 4) = ${phone.value} and account_no ~ '^(1[3-9][0-9]{9}|0[0-9]{9,11})$'
      limit ${limit})`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Product instances with this account number (业务号码) or circuit id, compared without case or spaces. */
export async function instanceIdsByCode(
  callerDb: AnyExecutor,
  code: string,
  limit: number,
): Promise<string[]> {
  const db: Executor = callerDb;
  const c = normaliseCode(code);
  const r = await sql<{ id: string }>`
    (select id from product_instances where account_no = ${c} limit ${limit})
    union
    (select id from product_instances where circuit_id = ${c} limit ${limit})`.execute(db);
  return r.rows.map((x) => x.id);
}
