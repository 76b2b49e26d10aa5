/** A customer's contact people: list, add, change, remove (each change audited and evented). */
import { sql, type Selectable, type Updateable } from 'kysely';
import type { Tx } from './customers.tables.ts';
import { notFound } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { appendAudit } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import type { CustomerDeps } from './caller.ts';
import { assertNotErased, loadForChange, loadInScope } from './customer-checks.ts';
import { eventView } from './customer-read.ts';
import { contactPhones, contactRow } from './customers.bulk.ts';
import { recordCustomerEvent } from './customers.events.ts';
import { contactsOf, replacePhones, type CustomerRow } from './customers.repository.ts';
import type { ContactInput, ContactPatch, ContactView } from './customers.schemas.ts';
import type { CustomerContactsTable } from './customers.tables.ts';
import { contactView } from './customers.views.ts';
import { withContact, withoutContact, type ContactRef } from './domain/contacts.ts';
import { restoreMaskedFreeText } from './domain/pii.ts';

type ContactRow = Selectable<CustomerContactsTable>;

const refOf = (c: ContactRow): ContactRef => ({
  id: c.id,
  name: c.name,
  role: c.role,
  primary: c.is_primary,
  at: new Date(c.created_at).toISOString(),
});

/** The customer's event after a contact change, from the row and contacts the use case holds. */
async function recordContactsChanged(trx: Tx, caller: Caller, row: CustomerRow, contacts: ContactRef[]) {
  const view = await eventView(trx, row);
  await recordCustomerEvent(trx, { view, contacts, row }, 'CustomerAttributeValueChangeEvent', caller.now);
}

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
  const { contact_refs: contacts, ...row } = await loadForChange(deps.db, caller, customerId);
  assertNotErased(row);
  const values = contactRow(row.id, input);
  return deps.db.transaction().execute(async (trx) => {
    if (values.is_primary)
      await trx
        .updateTable('customer_contacts')
        .set({ is_primary: false })
        .where('customer_id', '=', row.id)
        .execute();
    const saved = await trx
      .insertInto('customer_contacts')
      .values(values)
      .returningAll()
      .executeTakeFirstOrThrow();
    const phones = contactPhones(row.id, values.id, input);
    if (phones.length) await trx.insertInto('customer_phones').values(phones).execute();
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_add',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId: values.id, role: input.role },
    });
    await recordContactsChanged(trx, caller, row, withContact(contacts, refOf(saved)));
    return contactView(saved);
  });
}

function columnsFor(
  patch: ContactPatch,
  stored: { title: string | null },
): Updateable<CustomerContactsTable> {
  const set: Updateable<CustomerContactsTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.role !== undefined) set.role = patch.role;
  // Read masked: a mask sent back stands for what it hides (restoreMaskedFreeText).
  if (patch.title !== undefined)
    set.title = patch.title == null ? null : restoreMaskedFreeText(patch.title, stored.title);
  if (patch.mobile !== undefined) set.mobile = patch.mobile ?? null;
  if (patch.officePhone !== undefined) set.office_phone = patch.officePhone ?? null;
  if (patch.email !== undefined) set.email = patch.email ?? null;
  if (patch.preferredChannel !== undefined) set.preferred_channel = patch.preferredChannel;
  if (patch.isPrimary !== undefined) set.is_primary = patch.isPrimary;
  if (patch.quietHours !== undefined) {
    set.quiet_hours_start = patch.quietHours?.start ?? null;
    set.quiet_hours_end = patch.quietHours?.end ?? null;
  }
  return set;
}

export async function updateContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  contactId: string,
  patch: ContactPatch,
): Promise<ContactView> {
  const { contact_refs: contacts, ...row } = await loadForChange(deps.db, caller, customerId);
  assertNotErased(row);
  const contact = await deps.db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('id', '=', contactId)
    .where('customer_id', '=', row.id)
    .executeTakeFirst();
  if (!contact) throw notFound('contact');
  checkVersion('contact', contact.version, patch.version);
  return deps.db.transaction().execute(async (trx) => {
    if (patch.isPrimary)
      await trx
        .updateTable('customer_contacts')
        .set({ is_primary: false })
        .where('customer_id', '=', row.id)
        .execute();
    // The version read above must still be current: two PATCHes with the same version both
    // succeeded before (the second silently overwrote the first).
    const saved = await trx
      .updateTable('customer_contacts')
      .set({ ...columnsFor(patch, contact), version: sql`version + 1`, updated_at: caller.now })
      .where('id', '=', contactId)
      .where('version', '=', contact.version)
      .returningAll()
      .executeTakeFirst();
    assertOneUpdated('contact', saved ? 1 : 0);
    if (patch.mobile !== undefined || patch.officePhone !== undefined) {
      await replacePhones(trx, row.id, contactId, [
        { phone: saved!.mobile, source: 'contact_mobile' },
        { phone: saved!.office_phone, source: 'contact_office' },
      ]);
    }
    await appendAudit(trx, caller.actor, {
      action: 'customer.contact_update',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { contactId, changed: Object.keys(patch).filter((k) => k !== 'version') },
    });
    await recordContactsChanged(trx, caller, row, withContact(contacts, refOf(saved!)));
    return contactView(saved!);
  });
}

export async function deleteContact(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  contactId: string,
) {
  const { contact_refs: contacts, ...row } = await loadForChange(deps.db, caller, customerId);
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
    await recordContactsChanged(trx, caller, row, withoutContact(contacts, contactId));
  });
}
