/** Reveal one personal field of one customer (pii.reveal), always audited, never logged. */
import { sql } from 'kysely';
import type { Executor, Tx } from './customers.tables.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { maskPiiInText } from '../../platform/logger.ts';
import { appendAudit, countAudit } from '../audit/index.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { loadInScope } from './customer-checks.ts';
import { idNumberContext } from './customers.bulk.ts';
import type { CustomerRow } from './customers.repository.ts';
import type { RevealField } from './customers.schemas.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { chinaDayStart, revealProblem, revealRecord } from './domain/reveal.ts';

export const REVEAL_ACTION = 'customer.pii_reveal';
export const REVEAL_REFUSED_ACTION = 'customer.pii_reveal_refused';
/** Audit actions that carry reveal reasons: shown only to holders of audit.read. */
export const REVEAL_ACTIONS = [REVEAL_ACTION, REVEAL_REFUSED_ACTION] as const;
export const DEFAULT_REVEAL_DAILY_CAP = 50;

/**
 * Today's reveals by this user (China calendar day), counted from the audit log under a per-user
 * transaction lock, so two reveals at once cannot both take the last one.
 */
async function revealsToday(trx: Tx, userId: string, now: Date): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext('customer.pii_reveal'), hashtext(${userId}))`.execute(trx);
  return countAudit(trx, { actorId: userId, action: REVEAL_ACTION, since: chinaDayStart(now) });
}

export interface RevealRequest {
  field: RevealField;
  reason: string;
  contactId?: string | undefined;
  instanceId?: string | undefined;
}

async function contactValue(db: Executor, customerId: string, contactId: string, field: RevealField) {
  const c = await db
    .selectFrom('customer_contacts')
    .select(['mobile', 'office_phone', 'email', 'title'])
    .where('id', '=', contactId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!c) throw notFound('contact');
  if (field === 'title') return c.title;
  return field === 'mobile' ? c.mobile : field === 'officePhone' ? c.office_phone : c.email;
}

async function instanceValue(db: Executor, customerId: string, instanceId: string, field: RevealField) {
  const i = await db
    .selectFrom('product_instances')
    .select(['service_address', 'account_no', 'a_end', 'z_end'])
    .where('id', '=', instanceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!i) throw notFound('service instance');
  if (field === 'aEnd') return i.a_end;
  if (field === 'zEnd') return i.z_end;
  return field === 'serviceAddress' ? i.service_address : i.account_no;
}

async function customerValue(
  db: Executor,
  vault: PiiVault,
  row: CustomerRow,
  field: RevealField,
): Promise<string | null> {
  if (field === 'idNumber')
    return row.id_number_enc ? vault.decrypt(row.id_number_enc, idNumberContext(row.id)) : null;
  if (field === 'notes') return row.notes;
  if (field === 'description') {
    const kept = await db
      .selectFrom('customer_tmf_attributes')
      .select('description')
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    return kept?.description ?? null;
  }
  return field === 'phone' ? row.phone : field === 'email' ? row.email : row.address;
}

export async function revealField(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  req: RevealRequest,
): Promise<{ field: RevealField; value: string | null }> {
  const row = await loadInScope(deps.db, caller, customerId);
  const problem = revealProblem(revealRecord(req), req.field);
  if (problem) throw invalidField('field', problem);
  const value = req.contactId
    ? await contactValue(deps.db, row.id, req.contactId, req.field)
    : req.instanceId
      ? await instanceValue(deps.db, row.id, req.instanceId, req.field)
      : await customerValue(deps.db, deps.vault, row, req.field);
  const cap = deps.revealDailyCap ?? DEFAULT_REVEAL_DAILY_CAP;
  // Counted per acting user (the audit entries' actor); the system actor has no cap.
  const userId = caller.actor.actorId;
  const entry = {
    entityType: 'customer',
    entityId: row.id,
    orgUnitId: row.org_unit_id,
    details: {
      field: req.field,
      reason: maskPiiInText(req.reason),
      ...(req.contactId ? { contactId: req.contactId } : {}),
      ...(req.instanceId ? { instanceId: req.instanceId } : {}),
    },
  };
  const allowed = await deps.db.transaction().execute(async (trx) => {
    if (userId === null || (await revealsToday(trx, userId, caller.now)) < cap) {
      await appendAudit(trx, caller.actor, { action: REVEAL_ACTION, ...entry }, caller.now);
      return true;
    }
    // Over the cap: refused, audited, and the security administrator is told (one alert a day,
    // counted up by each further attempt).
    await appendAudit(
      trx,
      caller.actor,
      { action: REVEAL_REFUSED_ACTION, ...entry, details: { ...entry.details, dailyCap: cap } },
      caller.now,
    );
    await deps.raiseSecurityAlert?.(trx, {
      kind: 'reveal.cap',
      userId,
      summary: `Reached the daily cap of ${cap} personal-information reveals`,
      detail: { cap, field: req.field },
      at: caller.now,
    });
    return false;
  });
  if (!allowed)
    throw new AppError(
      'RATE_LIMITED',
      `You have made today's ${cap} reveals of personal information; the security administrator has been told. The count starts again at midnight (China time)`,
      { dailyCap: cap },
    );
  return { field: req.field, value };
}
