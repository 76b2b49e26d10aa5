/** The customer itself: read one, create, change, erase (PIPL Art. 47). */
import { tierChanged } from './tier-change.ts';
import { sql, type QueryCreator, type Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from './customers.tables.ts';
import { conflict, invalidField } from '../../platform/errors.ts';
import { maskPiiInText } from '../../platform/logger.ts';
import { maskFreeTextDeep } from '../../platform/pii/free-text.ts';
import { assertActiveProducts } from '../products/index.ts';
import { appendAudit, withAuditEntry } from '../audit/index.ts';
import { withEvents, type NewEvent } from '../events/index.ts';
import { logAccess } from './access-log.service.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import {
  assertAccountManager,
  assertNotErased,
  assertPlaceChangeInScope,
  assertUnitExists,
  assertUnitInScope,
  loadInScope,
} from './customer-checks.ts';
import { customerViews } from './customer-read.ts';
import {
  claimUniqueValues,
  loggingRefusals,
  recordDuplicates,
  type UniqueValues,
} from './customer-uniqueness.ts';
import {
  insertPrepared,
  nextCustomerNumbers,
  normaliseIdNumber,
  prepareCustomer,
  protectIdNumber,
} from './customers.bulk.ts';
import { customerEvent, recordCustomerEvent } from './customers.events.ts';
import { contactRefsOf, replacePhones, type CustomerRow } from './customers.repository.ts';
import type { CustomersTable, CustomersTables } from './customers.tables.ts';
import {
  idNumberProblem,
  type CustomerInput,
  type CustomerPatch,
  type CustomerView,
} from './customers.schemas.ts';
import { normaliseName, searchVector } from './domain/search.ts';
import { restoreMaskedFreeText } from './domain/pii.ts';
import {
  branchesAllowed,
  erasedName,
  idTypeChangeNeedsNumber,
  tierProblem,
} from './domain/customer-rules.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';

/** The unique values a write sets (an ID number as its keyed hashes under every key). */
function uniqueValuesOf(
  deps: CustomerDeps,
  v: {
    idType: string | null | undefined;
    idNumber: string | null | undefined;
    creditCode: string | null | undefined;
    accounts?: ReadonlyArray<{ productCode: string; accountNo: string }>;
  },
): UniqueValues {
  const normalised = v.idNumber ? normaliseIdNumber(v.idType, v.idNumber) : undefined;
  return {
    idNumber: normalised ? { normalised, hashes: deps.vault.blindIndexes(normalised) } : undefined,
    creditCode: v.creditCode ?? undefined,
    accounts: v.accounts,
  };
}

export async function getCustomer(deps: CustomerDeps, caller: Caller, id: string): Promise<CustomerView> {
  const row = await loadInScope(deps.db, caller, id);
  const [view] = await customerViews(deps.db, [row]);
  await logAccess(deps.db, caller.actor, [row.id], 'view');
  return view!;
}

export async function createCustomer(
  deps: CustomerDeps,
  caller: Caller,
  input: CustomerInput,
  /** More to write in the same transaction (what TMF629 keeps beyond our model). */
  also?: (trx: Tx, id: string) => Promise<void>,
): Promise<CustomerView> {
  const scope = caller.scope;
  await assertUnitInScope(deps.db, scope, input.orgUnitId, 'orgUnitId');
  if (input.accountManagerId) await assertAccountManager(deps.db, input.accountManagerId);
  // A branch makes the customer visible in its unit's scope: only units the caller has.
  for (const b of input.branches ?? [])
    await assertUnitInScope(deps.db, scope, b.orgUnitId, 'branches.orgUnitId');
  for (const i of input.instances ?? [])
    if (i.orgUnitId) await assertUnitExists(deps.db, i.orgUnitId, 'instances.orgUnitId');
  await assertActiveProducts(
    deps.db,
    (input.instances ?? []).map((i) => i.productCode),
  );
  const unique = uniqueValuesOf(deps, {
    idType: input.idType,
    idNumber: input.idNumber,
    creditCode: input.creditCode,
    accounts: (input.instances ?? []).filter((i) => i.status !== 'terminated'),
  });
  const id = uuidv7();
  let view: CustomerView | undefined;
  await loggingRefusals(deps.db, caller.actor, () =>
    deps.db.transaction().execute(async (trx) => {
      const elsewhere = await claimUniqueValues(trx, scope, unique);
      const customerNo = input.customerNo?.toUpperCase() ?? (await nextCustomerNumbers(trx, 1))[0]!;
      const prepared = prepareCustomer(deps.vault, input, customerNo, id);
      await insertPrepared(trx, [prepared]);
      await recordDuplicates(trx, caller.actor, elsewhere, { id, orgUnitId: input.orgUnitId });
      if (also) await also(trx, id);
      await appendAudit(trx, caller.actor, {
        action: 'customer.create',
        entityType: 'customer',
        entityId: id,
        orgUnitId: input.orgUnitId,
        details: {
          customerNo,
          kind: input.kind,
          tier: input.tier ?? null,
          contacts: prepared.contacts.length,
          instances: prepared.instances.length,
        },
      });
      // Read back once: the response and the event both show the customer as stored.
      const row = await trx
        .selectFrom('customers as c')
        .selectAll('c')
        .select(contactRefsOf('c').as('contact_refs'))
        .where('c.id', '=', id)
        .executeTakeFirstOrThrow();
      [view] = await customerViews(trx, [row]);
      await recordCustomerEvent(
        trx,
        { view: view!, contacts: row.contact_refs, row },
        'CustomerCreateEvent',
        caller.now,
      );
    }),
  );
  await logAccess(deps.db, caller.actor, [id], 'view');
  return view!;
}
/**
 * A PATCH checked against the stored row and what it refers to, before anything is written. An
 * ID number is checked against the type it will be stored with (the stored one unless the PATCH
 * changes it); a type change alone would leave a number of the old type under the new one.
 */
export async function checkPatch(deps: CustomerDeps, caller: Caller, row: CustomerRow, patch: CustomerPatch) {
  assertNotErased(row);
  checkVersion('customer', row.version, patch.version);
  if (patch.orgUnitId && patch.orgUnitId !== row.org_unit_id)
    await assertUnitInScope(deps.db, caller.scope, patch.orgUnitId, 'orgUnitId');
  if (patch.accountManagerId) await assertAccountManager(deps.db, patch.accountManagerId);
  for (const b of patch.branches ?? []) await assertUnitExists(deps.db, b.orgUnitId, 'branches.orgUnitId');
  await assertPlaceChangeInScope(deps.db, caller.scope, row, patch);
  const tier = patch.tier !== undefined ? tierProblem(row.kind, patch.tier) : undefined;
  if (tier) throw invalidField('tier', tier.message);
  if (patch.idNumber && patch.idType === undefined) {
    const problem = idNumberProblem(row.id_type, patch.idNumber);
    if (problem) throw invalidField('body.idNumber', problem);
  }
  if (idTypeChangeNeedsNumber({ idType: row.id_type, hasNumber: !!row.id_number_hash }, patch))
    throw invalidField('body.idType', 'send idNumber with it (the stored number is of the old type)');
  if (!branchesAllowed(row.kind, patch.branches?.length ?? 0))
    throw invalidField('branches', 'applies to enterprise customers only');
}

/** The fields a PATCH changes, in the order the audit entry lists them. */
const PATCH_FIELDS = [
  'name',
  'tier',
  'orgUnitId',
  'accountManagerId',
  'status',
  'phone',
  'email',
  'address',
  'creditCode',
  'industry',
  'valueLevel',
  'membershipLevel',
  'notes',
  'tags',
  'consents',
  'idType',
  'idNumber',
  'branches',
] as const satisfies ReadonlyArray<keyof CustomerPatch>;

/**
 * The customers row's new column values for a checked PATCH (an ID number encrypted here). Exported
 * with `checkPatch` for the write benchmark's ceiling, which makes the same change unaudited.
 */
export async function columnsFor(
  deps: CustomerDeps,
  row: CustomerRow,
  patch: CustomerPatch,
): Promise<Updateable<CustomersTable>> {
  const set: Updateable<CustomersTable> = {};
  if (patch.name !== undefined) {
    set.name = patch.name;
    set.name_norm = normaliseName(patch.name);
    set.search_vector = searchVector(patch.name);
  }
  if (patch.tier !== undefined) set.tier = patch.tier ?? null;
  if (patch.orgUnitId !== undefined) set.org_unit_id = patch.orgUnitId;
  if (patch.accountManagerId !== undefined) set.account_manager_id = patch.accountManagerId ?? null;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.phone !== undefined) set.phone = patch.phone ?? null;
  if (patch.email !== undefined) set.email = patch.email ?? null;
  if (patch.address !== undefined) set.address = patch.address ?? null;
  if (patch.creditCode !== undefined) set.credit_code = patch.creditCode ?? null;
  // Free text was read masked: the masks sent back stand for what they hide (restoreMaskedFreeText).
  const text = (v: string | null | undefined, stored: string | null) =>
    v == null ? null : restoreMaskedFreeText(v, stored);
  if (patch.industry !== undefined) set.industry = text(patch.industry, row.industry);
  if (patch.valueLevel !== undefined) set.value_level = patch.valueLevel ?? null;
  if (patch.membershipLevel !== undefined)
    set.membership_level = text(patch.membershipLevel, row.membership_level);
  if (patch.notes !== undefined) set.notes = text(patch.notes, row.notes);
  if (patch.tags !== undefined)
    set.tags = JSON.stringify(patch.tags.map((t) => restoreMaskedFreeText(t, row.tags.join('\n'))));
  if (patch.consents !== undefined) set.consents = JSON.stringify({ ...row.consents, ...patch.consents });
  if (patch.idType !== undefined) set.id_type = patch.idType ?? null;
  if (patch.idNumber) {
    const normalised = normaliseIdNumber(patch.idType ?? row.id_type, patch.idNumber);
    Object.assign(set, protectIdNumber(deps.vault, row.id, normalised));
    if (!row.id_type && patch.idType === undefined) set.id_type = 'resident_id';
  } else if (patch.idNumber !== undefined)
    Object.assign(set, {
      id_number_enc: null,
      id_number_hash: null,
      id_number_masked: null,
      pii_key_id: null,
    });
  return set;
}

async function replaceBranches(
  trx: Tx,
  customerId: string,
  branches: NonNullable<CustomerPatch['branches']>,
) {
  const old = await trx
    .deleteFrom('customer_branches')
    .where('customer_id', '=', customerId)
    .returning(['org_unit_id', 'name'])
    .execute();
  // Names were read masked: a mask sent back stands for what it hides in that unit's old name.
  const oldName = (unit: string) => old.find((b) => b.org_unit_id === unit)?.name;
  if (branches.length)
    await trx
      .insertInto('customer_branches')
      .values(
        branches.map((b) => ({
          id: uuidv7(),
          customer_id: customerId,
          org_unit_id: b.orgUnitId,
          name: restoreMaskedFreeText(b.name, oldName(b.orgUnitId)),
          address: b.address ?? null,
        })),
      )
      .execute();
}

export async function updateCustomer(
  deps: CustomerDeps,
  caller: Caller,
  id: string,
  patch: CustomerPatch,
  /** More to write in the same transaction, and the attribute names it changes (for audit and events). */
  also?: { changed: readonly string[]; write: (trx: Tx) => Promise<void> },
): Promise<CustomerView> {
  const row = await loadInScope(deps.db, caller, id);
  await checkPatch(deps, caller, row, patch);
  let view: CustomerView | undefined;
  const set = await columnsFor(deps, row, patch);
  const changed: string[] = [...PATCH_FIELDS.filter((f) => patch[f] !== undefined), ...(also?.changed ?? [])];
  const unique = uniqueValuesOf(deps, {
    idType: patch.idType ?? row.id_type,
    idNumber: patch.idNumber,
    creditCode: patch.creditCode,
  });
  const orgUnitId = patch.orgUnitId ?? row.org_unit_id;
  await loggingRefusals(deps.db, caller.actor, () =>
    deps.db.transaction().execute(async (trx) => {
      const elsewhere = await claimUniqueValues(trx, caller.scope, unique, { customerId: id });
      // The audit entry rides in the UPDATE's statement, the events in the access log's (below):
      // audit and outbox add no round trip of their own.
      const audited = withAuditEntry(trx, caller.actor, {
        action: 'customer.update',
        entityType: 'customer',
        entityId: id,
        orgUnitId,
        // Field names only: values may be personal information.
        details: {
          changed,
          ...(patch.tier !== undefined ? { tier: { from: row.tier, to: patch.tier } } : {}),
          ...(patch.status !== undefined ? { status: { from: row.status, to: patch.status } } : {}),
          ...(patch.orgUnitId !== undefined
            ? { orgUnitId: { from: row.org_unit_id, to: patch.orgUnitId } }
            : {}),
        },
      });
      const updated = await updateCustomerRow(audited, row, set, caller.now);
      if (patch.tier !== undefined && (patch.tier ?? null) !== row.tier)
        await tierChanged(trx, { customerId: id, from: row.tier, to: patch.tier ?? null, at: caller.now });
      await recordDuplicates(trx, caller.actor, elsewhere, { id, orgUnitId });
      if (patch.phone !== undefined)
        await replacePhones(trx, id, null, [{ phone: patch.phone, source: 'customer' }]);
      if (patch.branches !== undefined) await replaceBranches(trx, id, patch.branches);
      if (also) await also.write(trx);
      // The response and the events show the row the UPDATE returned: nothing is read again.
      [view] = await customerViews(trx, [updated]);
      // A TMF629 write (`also`) may have just marked the customer as one it keeps more of.
      const source = {
        view: view!,
        contacts: updated.contact_refs,
        row: also ? { ...updated, tmf_kept: true } : updated,
      };
      const events: NewEvent[] = [];
      if (patch.status !== undefined && patch.status !== row.status)
        events.push(await customerEvent(trx, source, 'CustomerStateChangeEvent', caller.now));
      if (changed.some((f) => f !== 'status'))
        events.push(await customerEvent(trx, source, 'CustomerAttributeValueChangeEvent', caller.now));
      // The access log of the answer commits with the change (one commit, not two).
      await logAccess(withEvents(trx, events), caller.actor, [id], 'view');
    }),
  );
  return view!;
}

/**
 * The PATCH's UPDATE at the version read, returning the new row with its contacts' refs (what the
 * response and the events are built from); 409 when someone changed it meanwhile. Also the write
 * benchmark's ceiling, which makes the same change without audit and outbox.
 */
export async function updateCustomerRow(
  trx: QueryCreator<CustomersTables>,
  row: Pick<CustomerRow, 'id' | 'version'>,
  set: Updateable<CustomersTable>,
  now: Date,
) {
  const updated = await trx
    .updateTable('customers')
    .set({ ...set, version: sql`version + 1`, updated_at: now })
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .returningAll()
    .returning(contactRefsOf('customers').as('contact_refs'))
    .executeTakeFirst();
  assertOneUpdated('customer', updated ? 1 : 0);
  return updated!;
}

// ---- Erasure (PIPL Art. 47) ----

/**
 * A kept service instance keeps its numbers and network resources, not where the customer lives:
 * the service address and the circuit's ends go, and personal data inside its free-form
 * attributes (a contact's phone typed into a note) is masked for good.
 */
async function eraseInstanceAddresses(trx: Tx, customerId: string) {
  const rows = await trx
    .updateTable('product_instances')
    .set({ service_address: null, a_end: null, z_end: null })
    .where('customer_id', '=', customerId)
    .returning(['id', 'attributes'])
    .execute();
  for (const r of rows) {
    const masked = maskFreeTextDeep(r.attributes);
    if (JSON.stringify(masked) !== JSON.stringify(r.attributes))
      await trx
        .updateTable('product_instances')
        .set({ attributes: JSON.stringify(masked) })
        .where('id', '=', r.id)
        .execute();
  }
}

/**
 * Anonymises a customer on request. Kept: the customer row (id, number, kind, tier, org unit,
 * dates) so requests, bills and audit entries that refer to it stay valid; enterprise name and
 * credit code (not personal information); service instances with their account numbers and
 * network resources (billing disputes need them for 5 months — the billing module purges later);
 * the audit log and the access log (MIIT Order 24). Removed: name (individuals), phones, email,
 * addresses (the instances' service address and circuit ends too), ID number, notes, tags,
 * consents, membership, every contact person and personal data inside instance attributes.
 */
export async function eraseCustomer(deps: CustomerDeps, caller: Caller, id: string, reason: string) {
  const row = await loadInScope(deps.db, caller, id);
  assertNotErased(row);
  const live = await deps.db
    .selectFrom('product_instances')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_id', '=', row.id)
    .where('status', '<>', 'terminated')
    .executeTakeFirstOrThrow();
  if (Number(live.n) > 0)
    throw conflict(
      `Terminate the customer's services first: ${live.n} service instance(s) are still active or suspended`,
      { activeInstances: Number(live.n) },
    );
  const now = caller.now;
  const anonymousName = erasedName(row.kind, row.customer_no, row.name);
  let view: CustomerView | undefined;
  await deps.db.transaction().execute(async (trx: Tx) => {
    const contacts = await trx
      .deleteFrom('customer_contacts')
      .where('customer_id', '=', row.id)
      .executeTakeFirst();
    await trx.deleteFrom('customer_phones').where('customer_id', '=', row.id).execute();
    // What TMF629 kept: contact media, the engaged and related parties, description.
    await trx.deleteFrom('customer_contact_media').where('customer_id', '=', row.id).execute();
    await trx.deleteFrom('customer_tmf_attributes').where('customer_id', '=', row.id).execute();
    await trx
      .updateTable('customer_branches')
      .set({ address: null })
      .where('customer_id', '=', row.id)
      .execute();
    await eraseInstanceAddresses(trx, row.id);
    const erased = await trx
      .updateTable('customers')
      .set({
        name: anonymousName,
        name_norm: normaliseName(anonymousName),
        search_vector: row.kind === 'individual' ? '' : searchVector(row.name),
        phone: null,
        email: null,
        address: null,
        id_number_enc: null,
        id_number_hash: null,
        id_number_masked: null,
        pii_key_id: null,
        notes: null,
        tags: '[]',
        consents: '{}',
        membership_level: null,
        status: 'erased',
        tmf_kept: false,
        erased_at: now,
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, caller.actor, {
      action: 'customer.erase',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { reason: maskPiiInText(reason), contactsRemoved: Number(contacts.numDeletedRows) },
    });
    [view] = await customerViews(trx, [erased]);
    // Every contact person was removed above.
    await recordCustomerEvent(trx, { view: view!, contacts: [] }, 'CustomerDeleteEvent', caller.now);
  });
  await logAccess(deps.db, caller.actor, [id], 'view');
  return view!;
}
