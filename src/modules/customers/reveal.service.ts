/** Reveal one personal field of one customer (pii.reveal), always audited, never logged. */
import type { Executor } from './customers.tables.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { maskPiiInText } from '../../platform/logger.ts';
import { appendAudit } from '../audit/index.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { loadInScope } from './customer-checks.ts';
import { idNumberContext } from './customers.bulk.ts';
import type { CustomerRow } from './customers.repository.ts';
import type { RevealField } from './customers.schemas.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { revealProblem, revealRecord } from './domain/reveal.ts';

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
  await deps.db.transaction().execute(async (trx) => {
    await appendAudit(trx, caller.actor, {
      action: 'customer.pii_reveal',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: {
        field: req.field,
        reason: maskPiiInText(req.reason),
        ...(req.contactId ? { contactId: req.contactId } : {}),
        ...(req.instanceId ? { instanceId: req.instanceId } : {}),
      },
    });
  });
  return { field: req.field, value };
}
