/** A customer's contact people: list, add, change, remove (each change audited and evented). */
import { sql } from 'kysely';
import { notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { assertNotErased, loadInScope } from './customer-checks.ts';
import { contactPhones, contactRow } from './customers.bulk.ts';
import { recordCustomerEvent } from './customers.events.ts';
import { contactsOf, replacePhones } from './customers.repository.ts';
import type { ContactInput, ContactPatch, ContactView } from './customers.schemas.ts';
import { contactView } from './customers.views.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';

export async function listContacts(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
): Promise<ContactView[]> {
  const row = await loadInScope(deps.db, caller, customerId);
  const contacts = await contactsOf(deps.db, row.id);
  await logAccess(deps.db, caller.actor, [row.id], 'view', 'contacts');
  return contacts.map(contactView);
}

export async function addContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  input: ContactInput,
): Promise<ContactView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  const values = contactRow(row.id, input);
  await deps.db.transaction().execute(async (trx) => {
    if (values.is_primary)
      await trx
        .updateTable('customer_contacts')
        .set({ is_primary: false })
        .where('customer_id', '=', row.id)
        .execute();
    await trx.insertInto('customer_contacts').values(values).execute();
    const phones = contactPhones(row.id, values.id, input);
    if (phones.length)
      await trx
        .insertInto('customer_phones')
        .values(phones as never)
        .execute();
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_add',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId: values.id, role: input.role },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  const saved = await deps.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('id', '=', values.id)
    .executeTakeFirstOrThrow();
  return contactView(saved);
}

export async function updateContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  contactId: string,
  patch: ContactPatch,
): Promise<ContactView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  const contact = await deps.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('id', '=', contactId)
    .where('customer_id', '=', row.id)
    .executeTakeFirst();
  if (!contact) throw notFound('contact');
  checkVersion('contact', contact.version, patch.version);
  const set: Record<string, unknown> = {};
  const map: Array<[keyof ContactPatch, string]> = [
    ['name', 'name'],
    ['role', 'role'],
    ['title', 'title'],
    ['mobile', 'mobile'],
    ['officePhone', 'office_phone'],
    ['email', 'email'],
    ['preferredChannel', 'preferred_channel'],
    ['isPrimary', 'is_primary'],
  ];
  for (const [field, column] of map) if (patch[field] !== undefined) set[column] = patch[field] ?? null;
  if (patch.quietHours !== undefined) {
    set.quiet_hours_start = patch.quietHours?.start ?? null;
    set.quiet_hours_end = patch.quietHours?.end ?? null;
  }
  await deps.db.transaction().execute(async (trx) => {
    if (patch.isPrimary)
      await trx
        .updateTable('customer_contacts')
        .set({ is_primary: false })
        .where('customer_id', '=', row.id)
        .execute();
    // The version read above must still be current: two PATCHes with the same version both
    // succeeded before (the second silently overwrote the first).
    const updated = await trx
      .updateTable('customer_contacts')
      .set({ ...set, version: sql`version + 1`, updated_at: deps.clock.now() })
      .where('id', '=', contactId)
      .where('version', '=', contact.version)
      .executeTakeFirst();
    assertOneUpdated('contact', updated.numUpdatedRows);
    if (patch.mobile !== undefined || patch.officePhone !== undefined) {
      await replacePhones(trx, row.id, contactId, [
        { phone: patch.mobile !== undefined ? patch.mobile : contact.mobile, source: 'contact_mobile' },
        {
          phone: patch.officePhone !== undefined ? patch.officePhone : contact.office_phone,
          source: 'contact_office',
        },
      ]);
    }
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_update',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId, changed: Object.keys(patch).filter((k) => k !== 'version') },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  const saved = await deps.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('id', '=', contactId)
    .executeTakeFirstOrThrow();
  return contactView(saved);
}

export async function deleteContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  contactId: string,
) {
  const row = await loadInScope(deps.db, caller, customerId);
  await deps.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom('customer_contacts')
      .where('id', '=', contactId)
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw notFound('contact');
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_delete',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
}
