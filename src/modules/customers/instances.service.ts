/** Service (product) instances: a customer's subscriptions and the alarm-impact lookup. */
import { sql, type Updateable } from 'kysely';
import type { Executor, Tx } from './customers.tables.ts';
import type { DataScope } from '../../platform/http/caller.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { assertActiveProducts } from '../products/index.ts';
import { appendAudit } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import { logMiss, searchPurpose } from './search-guard.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { assertNotErased, assertUnitExists, loadForChange, loadInScope } from './customer-checks.ts';
import { eventView, withProductNames } from './customer-read.ts';
import { claimUniqueValues, loggingRefusals, recordDuplicates } from './customer-uniqueness.ts';
import { instanceRow } from './customers.bulk.ts';
import { recordCustomerEvent } from './customers.events.ts';
import {
  instancesOf,
  instancesOnResourceRows,
  type CustomerRow,
  type ResourceQuery,
} from './customers.repository.ts';
import type { ProductInstancesTable } from './customers.tables.ts';
import type { ContactRef } from './domain/contacts.ts';
import type { InstanceInput, InstancePatch, InstanceView } from './customers.schemas.ts';
import { instanceView } from './customers.views.ts';
import { normaliseCode } from './domain/search.ts';
import { restoreMaskedFreeText } from './domain/pii.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { serviceFactsChanged } from './service-facts.ts';

export async function listInstances(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
): Promise<InstanceView[]> {
  const row = await loadInScope(deps.db, caller, customerId);
  const rows = await withProductNames(deps.db, await instancesOf(deps.db, row.id));
  await logAccess(deps.db, caller.actor, [row.id], 'view', 'instances');
  return rows.map(instanceView);
}

/**
 * The customer's event after a change to its instances (TMF629 shows none of them, but a listener
 * learns that the customer changed), from the row and contacts the use case holds.
 */
async function recordInstancesChanged(trx: Tx, caller: Caller, row: CustomerRow, contacts: ContactRef[]) {
  const view = await eventView(trx, row);
  await recordCustomerEvent(trx, { view, contacts, row }, 'CustomerAttributeValueChangeEvent', caller.now);
}

export async function addInstance(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  input: InstanceInput,
): Promise<InstanceView> {
  const { contact_refs: contacts, ...row } = await loadForChange(deps.db, caller, customerId);
  assertNotErased(row);
  await assertActiveProducts(deps.db, [input.productCode]);
  if (input.orgUnitId) await assertUnitExists(deps.db, input.orgUnitId, 'orgUnitId');
  const values = instanceRow(row.id, row.org_unit_id, input);
  const live = input.status !== 'terminated';
  const unique = { accounts: live ? [{ productCode: input.productCode, accountNo: input.accountNo }] : [] };
  const saved = await loggingRefusals(deps.db, caller.actor, () =>
    deps.db.transaction().execute(async (trx) => {
      const elsewhere = await claimUniqueValues(trx, caller.scope, unique);
      const inserted = await trx
        .insertInto('product_instances')
        .values({ ...values, attributes: JSON.stringify(values.attributes) })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(trx, caller.actor, {
        action: 'customer.instance_add',
        entityType: 'customer',
        entityId: row.id,
        orgUnitId: row.org_unit_id,
        details: { instanceId: values.id, productCode: input.productCode },
      });
      await recordDuplicates(trx, caller.actor, elsewhere, { id: row.id, orgUnitId: row.org_unit_id });
      await recordInstancesChanged(trx, caller, row, contacts);
      return inserted;
    }),
  );
  return (await withProductNames(deps.db, [saved])).map(instanceView)[0]!;
}

/** Free text read masked: a mask sent back stands for what it hides (restoreMaskedFreeText). */
type StoredText = Pick<ProductInstancesTable, 'a_end' | 'z_end'> & { attributes: Record<string, unknown> };
const restored = (v: string | null | undefined, stored: string | null) =>
  v == null ? null : restoreMaskedFreeText(v, stored);

function columnsFor(patch: InstancePatch, stored: StoredText): Updateable<ProductInstancesTable> {
  const set: Updateable<ProductInstancesTable> = {};
  if (patch.accountNo !== undefined) set.account_no = patch.accountNo;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.orgUnitId !== undefined) set.org_unit_id = patch.orgUnitId ?? undefined;
  if (patch.serviceAddress !== undefined) set.service_address = patch.serviceAddress ?? null;
  if (patch.accessType !== undefined) set.access_type = patch.accessType ?? null;
  if (patch.exchange !== undefined) set.exchange = patch.exchange ?? null;
  if (patch.deviceType !== undefined) set.device_type = patch.deviceType ?? null;
  if (patch.deviceId !== undefined) set.device_id = patch.deviceId ?? null;
  if (patch.devicePort !== undefined) set.device_port = patch.devicePort ?? null;
  if (patch.routeLengthKm !== undefined) set.route_length_km = patch.routeLengthKm ?? null;
  if (patch.switchOccupancy !== undefined) set.switch_occupancy = patch.switchOccupancy ?? null;
  if (patch.stbId !== undefined) set.stb_id = patch.stbId ?? null;
  if (patch.circuitId !== undefined) set.circuit_id = patch.circuitId ?? null;
  if (patch.bandwidthMbps !== undefined) set.bandwidth_mbps = patch.bandwidthMbps ?? null;
  if (patch.aEnd !== undefined) set.a_end = restored(patch.aEnd, stored.a_end);
  if (patch.zEnd !== undefined) set.z_end = restored(patch.zEnd, stored.z_end);
  if (patch.startedOn !== undefined) set.started_on = patch.startedOn ?? null;
  if (patch.endedOn !== undefined) set.ended_on = patch.endedOn ?? null;
  if (patch.locationClass !== undefined) set.location_class = patch.locationClass ?? null;
  if (patch.attributes !== undefined) {
    const was = stored.attributes;
    const attributes = Object.fromEntries(
      Object.entries(patch.attributes).map(([k, v]) => [
        k,
        typeof v === 'string' && typeof was[k] === 'string' ? restoreMaskedFreeText(v, was[k]) : v,
      ]),
    );
    set.attributes = JSON.stringify(attributes);
  }
  return set;
}

export async function updateInstance(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  instanceId: string,
  patch: InstancePatch,
): Promise<InstanceView> {
  const { contact_refs: contacts, ...row } = await loadForChange(deps.db, caller, customerId);
  assertNotErased(row);
  const inst = await deps.db
    .selectFrom('product_instances')
    .select([
      'id',
      'version',
      'status',
      'product_code',
      'account_no',
      'a_end',
      'z_end',
      'attributes',
      'location_class',
    ])
    .where('id', '=', instanceId)
    .where('customer_id', '=', row.id)
    .executeTakeFirst();
  if (!inst) throw notFound('service instance');
  checkVersion('service instance', inst.version, patch.version);
  if (patch.orgUnitId) await assertUnitExists(deps.db, patch.orgUnitId, 'orgUnitId');
  // A new account number, or a terminated instance brought back, claims its number again.
  const accountNo = patch.accountNo ?? inst.account_no;
  const claims =
    (patch.status ?? inst.status) !== 'terminated' &&
    (accountNo !== inst.account_no || inst.status === 'terminated');
  const unique = { accounts: claims ? [{ productCode: inst.product_code, accountNo }] : [] };
  const saved = await loggingRefusals(deps.db, caller.actor, () =>
    deps.db.transaction().execute(async (trx) => {
      const elsewhere = await claimUniqueValues(trx, caller.scope, unique, { instanceId });
      const updated = await trx
        .updateTable('product_instances')
        .set({ ...columnsFor(patch, inst), version: sql`version + 1`, updated_at: caller.now })
        .where('id', '=', instanceId)
        .where('version', '=', inst.version)
        .returningAll()
        .executeTakeFirst();
      assertOneUpdated('service instance', updated ? 1 : 0);
      const relocated = patch.locationClass !== undefined && updated!.location_class !== inst.location_class;
      await appendAudit(trx, caller.actor, {
        action: 'customer.instance_update',
        entityType: 'customer',
        entityId: row.id,
        orgUnitId: row.org_unit_id,
        details: {
          instanceId,
          changed: Object.keys(patch).filter((k) => k !== 'version' && k !== 'reason'),
          ...(patch.status ? { status: { from: inst.status, to: patch.status } } : {}),
          ...(relocated ? { locationClass: { from: inst.location_class, to: updated!.location_class } } : {}),
          ...(patch.reason ? { reason: patch.reason } : {}),
        },
      });
      await recordDuplicates(trx, caller.actor, elsewhere, { id: row.id, orgUnitId: row.org_unit_id });
      await recordInstancesChanged(trx, caller, row, contacts);
      // The SLA of the service's open requests follows its site's class (48 h urban, 72 h rural).
      if (relocated)
        await serviceFactsChanged(trx, {
          kind: 'location_class',
          customerId: row.id,
          instanceId,
          from: inst.location_class,
          to: updated!.location_class,
          at: caller.now,
        });
      return updated!;
    }),
  );
  return (await withProductNames(deps.db, [saved])).map(instanceView)[0]!;
}

/** Instances on a network resource with their product's name (for other modules: alarm impact). */
export async function instancesOnResource(
  db: Executor,
  q: ResourceQuery,
  scope: DataScope | undefined,
  limit: number,
) {
  return withProductNames(db, await instancesOnResourceRows(db, q, scope, limit));
}

/**
 * Instances on a device, port, exchange or circuit (for alarms: which customers are affected). With
 * a caller, the customers listed are access-logged (MIIT Order 24) — or the miss, with its kinds.
 */
export async function affectedInstances(
  deps: CustomerDeps,
  caller: Caller | undefined,
  q: ResourceQuery,
  limit: number,
) {
  const norm = {
    ...q,
    deviceId: q.deviceId ? normaliseCode(q.deviceId) : undefined,
    circuitId: q.circuitId ? normaliseCode(q.circuitId) : undefined,
    stbId: q.stbId ? normaliseCode(q.stbId) : undefined,
  };
  if (!norm.deviceId && !norm.circuitId && !norm.exchange && !norm.stbId)
    throw new AppError('VALIDATION_FAILED', 'Give deviceId, circuitId, exchange or stbId');
  const rows = await withProductNames(
    deps.db,
    await instancesOnResourceRows(deps.db, norm, caller ? caller.scope : undefined, limit),
  );
  if (caller) {
    const kinds = (['deviceId', 'devicePort', 'exchange', 'circuitId', 'stbId'] as const).filter(
      (k) => norm[k],
    );
    const purpose = searchPurpose(kinds, 'productInstances');
    if (rows.length === 0) await logMiss(deps.db, caller, 'list', purpose);
    else
      await logAccess(deps.db, caller.actor, [...new Set(rows.map((r) => r.customer_id))], 'list', purpose!);
  }
  return rows.map((r) => ({
    ...instanceView(r),
    customer: {
      id: r.customer_id,
      customerNo: r.customer_no,
      name: r.customer_name,
      kind: r.kind,
      tier: r.tier,
    },
  }));
}
