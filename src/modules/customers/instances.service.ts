/** Service (product) instances: a customer's subscriptions and the alarm-impact lookup. */
import { sql } from 'kysely';
import type { Executor } from '../../db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { assertActiveProducts } from '../products/index.ts';
import { appendAudit } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import { scopeOf, type Caller, type CustomerDeps } from './caller.ts';
import { assertNotErased, assertUnitExists, loadInScope } from './customer-checks.ts';
import { instanceRow } from './customers.bulk.ts';
import { recordCustomerEvent } from './customers.events.ts';
import { instancesOf, instancesOnResource, type ResourceQuery } from './customers.repository.ts';
import type { InstanceInput, InstancePatch, InstanceView } from './customers.schemas.ts';
import { instanceView } from './customers.views.ts';
import { normaliseCode } from './domain/search.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';

export async function listInstances(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
): Promise<InstanceView[]> {
  const row = await loadInScope(deps.db, caller, customerId);
  const rows = await instancesOf(deps.db, row.id);
  await logAccess(deps.db, caller.actor, [row.id], 'view', 'instances');
  return rows.map(instanceView);
}

async function loadInstance(db: Executor, id: string) {
  return db
    .selectFrom('product_instances as i')
    .leftJoin('products as p', 'p.code', 'i.product_code')
    .selectAll('i')
    .select('p.name as product_name')
    .where('i.id', '=', id)
    .executeTakeFirstOrThrow();
}

export async function addInstance(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  input: InstanceInput,
): Promise<InstanceView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  await assertActiveProducts(deps.db, [input.productCode]);
  if (input.orgUnitId) await assertUnitExists(deps.db, input.orgUnitId, 'orgUnitId');
  const values = instanceRow(row.id, row.org_unit_id, input);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('product_instances')
      .values({ ...values, attributes: JSON.stringify(values.attributes) })
      .execute();
    await appendAudit(trx, caller.actor, {
      action: 'customer.instance_add',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { instanceId: values.id, productCode: input.productCode },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  return instanceView(await loadInstance(deps.db, values.id));
}

const INSTANCE_COLUMNS: Record<string, string> = {
  accountNo: 'account_no',
  status: 'status',
  orgUnitId: 'org_unit_id',
  serviceAddress: 'service_address',
  accessType: 'access_type',
  exchange: 'exchange',
  deviceType: 'device_type',
  deviceId: 'device_id',
  devicePort: 'device_port',
  routeLengthKm: 'route_length_km',
  switchOccupancy: 'switch_occupancy',
  stbId: 'stb_id',
  circuitId: 'circuit_id',
  bandwidthMbps: 'bandwidth_mbps',
  aEnd: 'a_end',
  zEnd: 'z_end',
  startedOn: 'started_on',
  endedOn: 'ended_on',
};

export async function updateInstance(
  deps: CustomerDeps,
  caller: Caller,
  customerId: string,
  instanceId: string,
  patch: InstancePatch,
): Promise<InstanceView> {
  const row = await loadInScope(deps.db, caller, customerId);
  assertNotErased(row);
  const inst = await deps.db
    .selectFrom('product_instances')
    .select(['id', 'version', 'status'])
    .where('id', '=', instanceId)
    .where('customer_id', '=', row.id)
    .executeTakeFirst();
  if (!inst) throw notFound('service instance');
  checkVersion('service instance', inst.version, patch.version);
  if (patch.orgUnitId) await assertUnitExists(deps.db, patch.orgUnitId, 'orgUnitId');
  const set: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(INSTANCE_COLUMNS)) {
    const v = (patch as Record<string, unknown>)[field];
    if (v !== undefined) set[column] = v ?? null;
  }
  if (patch.attributes !== undefined) set.attributes = JSON.stringify(patch.attributes);
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('product_instances')
      .set({ ...set, version: sql`version + 1`, updated_at: deps.clock.now() })
      .where('id', '=', instanceId)
      .where('version', '=', inst.version)
      .executeTakeFirst();
    assertOneUpdated('service instance', updated.numUpdatedRows);
    await appendAudit(trx, caller.actor, {
      action: 'customer.instance_update',
      entityType: 'customer',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: {
        instanceId,
        changed: Object.keys(patch).filter((k) => k !== 'version'),
        ...(patch.status ? { status: { from: inst.status, to: patch.status } } : {}),
      },
    });
    await recordCustomerEvent(trx, row.id, 'CustomerAttributeValueChangeEvent');
  });
  return instanceView(await loadInstance(deps.db, instanceId));
}

/** Instances on a device, port, exchange or circuit (for alarms: which customers are affected). */
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
  const rows = await instancesOnResource(
    deps.db,
    norm,
    caller ? scopeOf(caller.principal) : undefined,
    limit,
  );
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
