/**
 * Reads for the security module's incident register (PIPL Art. 57): which of a list of customers
 * exist in the caller's scope, and how each of them can be told about an incident — masked, and
 * access-logged, because the list shows who is affected.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { maskMiddle } from '../../platform/pii/masking.ts';
import type { Caller } from './caller.ts';
import { logAccess } from './access-log.service.ts';
import { customerInScope } from './customers.repository.ts';
import type { Executor } from './customers.tables.ts';
import { maskEmail, maskPhone } from './domain/pii.ts';

/** The ids among `ids` of customers in the caller's data scope (out of scope looks like absent). */
export async function customerIdsInScope(
  callerDb: AnyExecutor,
  caller: Pick<Caller, 'scope'>,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const db: Executor = callerDb;
  let q = db
    .selectFrom('customers as c')
    .select('c.id')
    .where('c.id', 'in', [...ids]);
  if (!caller.scope.all) q = q.where(customerInScope(caller.scope));
  return new Set((await q.execute()).map((r) => r.id));
}

/** One affected customer as a notice list shows them: masked, with the channel they prefer if known. */
export interface NoticeRecipient {
  customerId: string;
  customerNo: string;
  kind: 'individual' | 'enterprise';
  /** An individual's name masked (王*芳); an enterprise's name as is (not personal information). */
  name: string;
  status: 'active' | 'suspended' | 'closed' | 'erased';
  /** The primary contact's name (masked), for an enterprise or a customer with contacts. */
  contactName: string | null;
  phone: string | null;
  email: string | null;
  /** The primary contact's preferred channel (phone, sms, email, wechat, none), if known. */
  preferredChannel: string | null;
  /** There is somewhere to send a notice (not erased, and a phone or an email is on file). */
  reachable: boolean;
}

const maskPersonName = (name: string) => {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars.length === 2 ? `${chars[0]}*` : maskMiddle(name, 1, 1);
};

/**
 * The customers among `ids` in the caller's scope, masked, in the order of `ids`; each read is
 * written to the access log (MIIT Order 24) with `purpose`.
 */
export async function noticeRecipients(
  callerDb: AnyExecutor,
  caller: Pick<Caller, 'scope' | 'actor'>,
  ids: readonly string[],
  purpose: string,
): Promise<NoticeRecipient[]> {
  if (ids.length === 0) return [];
  const db: Executor = callerDb;
  let q = db
    .selectFrom('customers as c')
    .leftJoin('customer_contacts as cc', (j) =>
      j.onRef('cc.customer_id', '=', 'c.id').on('cc.is_primary', '=', true),
    )
    .select([
      'c.id',
      'c.customer_no',
      'c.kind',
      'c.name',
      'c.status',
      'c.phone',
      'c.email',
      'cc.name as contact_name',
      'cc.mobile as contact_mobile',
      'cc.office_phone as contact_office',
      'cc.email as contact_email',
      'cc.preferred_channel',
    ])
    .where('c.id', 'in', [...ids]);
  if (!caller.scope.all) q = q.where(customerInScope(caller.scope));
  const rows = await q.execute();
  const byId = new Map<string, NoticeRecipient>();
  for (const r of rows) {
    if (byId.has(r.id)) continue; // one primary contact is the rule; keep the first if not
    const phone = r.phone ?? r.contact_mobile ?? r.contact_office;
    const email = r.email ?? r.contact_email;
    byId.set(r.id, {
      customerId: r.id,
      customerNo: r.customer_no,
      kind: r.kind,
      name: r.kind === 'individual' ? maskPersonName(r.name) : r.name,
      status: r.status,
      contactName: r.contact_name ? maskPersonName(r.contact_name) : null,
      phone: maskPhone(phone),
      email: maskEmail(email),
      preferredChannel: r.preferred_channel ?? null,
      reachable: r.status !== 'erased' && !!(phone || email),
    });
  }
  await logAccess(db, caller.actor, [...byId.keys()], 'list', purpose.slice(0, 100));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
