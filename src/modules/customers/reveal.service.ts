/** Reveal one personal field of one customer (pii.reveal), always audited, never logged. */
import { AppError, notFound } from '../../platform/errors.ts';
import { maskPiiInText } from '../../platform/logger.ts';
import { appendAudit } from '../audit/index.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { loadInScope } from './customer-checks.ts';
import { idNumberContext } from './customers.bulk.ts';
import type { RevealField } from './customers.schemas.ts';

const CUSTOMER_FIELDS: RevealField[] = ['phone', 'email', 'address', 'idNumber'];
const CONTACT_FIELDS: RevealField[] = ['mobile', 'officePhone', 'email'];
const INSTANCE_FIELDS: RevealField[] = ['serviceAddress', 'accountNo'];

export async function revealField(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  req: {
    field: RevealField;
    reason: string;
    contactId?: string | undefined;
    instanceId?: string | undefined;
  },
): Promise<{ field: RevealField; value: string | null }> {
  const row = await loadInScope(deps.db, caller, customerId);
  let value: string | null;
  if (req.contactId) {
    if (!CONTACT_FIELDS.includes(req.field))
      throw new AppError(
        'VALIDATION_FAILED',
        `field: a contact's revealable fields are ${CONTACT_FIELDS.join(', ')}`,
        { field: 'field' },
      );
    const c = await deps.db
      .selectFrom('customer_contacts')
      .select(['mobile', 'office_phone', 'email'])
      .where('id', '=', req.contactId)
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    if (!c) throw notFound('contact');
    value = req.field === 'mobile' ? c.mobile : req.field === 'officePhone' ? c.office_phone : c.email;
  } else if (req.instanceId) {
    if (!INSTANCE_FIELDS.includes(req.field))
      throw new AppError(
        'VALIDATION_FAILED',
        `field: an instance's revealable fields are ${INSTANCE_FIELDS.join(', ')}`,
        { field: 'field' },
      );
    const i = await deps.db
      .selectFrom('product_instances')
      .select(['service_address', 'account_no'])
      .where('id', '=', req.instanceId)
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    if (!i) throw notFound('service instance');
    value = req.field === 'serviceAddress' ? i.service_address : i.account_no;
  } else {
    if (!CUSTOMER_FIELDS.includes(req.field))
      throw new AppError(
        'VALIDATION_FAILED',
        `field: a customer's revealable fields are ${CUSTOMER_FIELDS.join(', ')}`,
        { field: 'field' },
      );
    value =
      req.field === 'idNumber'
        ? row.id_number_enc
          ? deps.vault.decrypt(row.id_number_enc, idNumberContext(row.id))
          : null
        : req.field === 'phone'
          ? row.phone
          : req.field === 'email'
            ? row.email
            : row.address;
  }
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
