/** The administrators' side: rules and group strategies, each change one transaction with its audit entry. */
import { sql, type Insertable, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { AppError, forbidden, invalidField, notFound, unprocessableField } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { withAuditEntry } from '../audit/index.ts';
import { skillGroupForAssignment, skillGroupsOf, unitPath, unitsAround } from '../identity/index.ts';
import type { RoutingFacts } from './domain/rules.ts';
import { forgetRules, routeRequest } from './routing.service.ts';
import type { RuleInput, RulePatch, RuleView, StrategyInput, StrategyView } from './routing.schemas.ts';
import type {
  Db,
  Executor,
  RoutingGroupSettingsTable,
  RoutingRulesTable,
  RoutingTables,
} from './routing.tables.ts';

type RuleRow = Selectable<RoutingRulesTable>;

export function ruleView(r: RuleRow): RuleView {
  return {
    id: r.id,
    position: r.position,
    // Free text an administrator typed: masked on the way out like every other (a contact's phone).
    name: maskFreeText(r.name),
    description: r.description === null ? null : maskFreeText(r.description),
    active: r.active,
    kinds: r.kinds,
    categories: r.categories,
    productCodes: r.product_codes,
    productCategories: r.product_categories,
    customerKinds: r.customer_kinds as RuleView['customerKinds'],
    customerTiers: r.customer_tiers,
    valueLevels: r.value_levels,
    channels: r.channels,
    regionUnitId: r.region_unit_id,
    targetAnchor: r.target_anchor,
    targetFunctionType: r.target_function_type,
    targetUnitId: r.target_unit_id,
    skillGroupCode: r.skill_group_code,
    supportLine: r.support_line,
    priority: r.priority,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const list = (l: readonly string[] | null | undefined) => (l ? JSON.stringify(l) : null);

/** The rule's columns from a full input (create, or a patch merged onto the stored rule). */
function columns(input: RuleInput): Omit<Insertable<RoutingRulesTable>, 'id' | 'created_at' | 'updated_at'> {
  return {
    position: input.position,
    name: input.name,
    description: input.description ?? null,
    active: input.active,
    kinds: list(input.kinds),
    categories: list(input.categories),
    product_codes: list(input.productCodes),
    product_categories: list(input.productCategories),
    customer_kinds: list(input.customerKinds),
    customer_tiers: list(input.customerTiers),
    value_levels: list(input.valueLevels),
    channels: list(input.channels),
    region_unit_id: input.regionUnitId ?? null,
    target_anchor: input.targetAnchor,
    target_function_type: input.targetFunctionType ?? null,
    target_unit_id: input.targetUnitId ?? null,
    skill_group_code: input.skillGroupCode ?? null,
    support_line: input.supportLine,
    priority: input.priority ?? null,
  };
}

/** Rules between fields (400) and against the org tree and the caller's scope (422 / 403). */
async function checkRule(db: Executor, caller: Caller, input: RuleInput): Promise<void> {
  if (input.targetAnchor === 'fixed' && !input.targetUnitId)
    throw invalidField('body.targetUnitId', "is required when targetAnchor is 'fixed'");
  if (input.targetAnchor !== 'fixed' && input.targetUnitId)
    throw invalidField('body.targetUnitId', "is only for targetAnchor 'fixed'");
  if (input.targetAnchor === 'fixed' && input.targetFunctionType)
    throw invalidField('body.targetFunctionType', "does not apply to targetAnchor 'fixed'");
  for (const field of ['regionUnitId', 'targetUnitId'] as const) {
    const id = input[field];
    if (!id) continue;
    const path = await unitPath(db, id);
    if (path === undefined) throw unprocessableField(`body.${field}`, 'no such org unit');
    if (!caller.scope.all && !path.startsWith(caller.scope.path))
      throw forbidden(`The org unit in ${field} is outside your data scope`);
  }
  // A rule for everywhere is for administrators who see everything; others rule their region.
  if (!caller.scope.all && !input.regionUnitId)
    throw forbidden('A rule without a region applies everywhere: set regionUnitId to a unit in your scope');
}

/** The rule in the shape of an input, for merging a patch onto it. */
function asInput(r: RuleRow): RuleInput {
  const v = ruleView(r);
  return { ...v, supportLine: v.supportLine };
}

export async function listRules(db: Db): Promise<RuleView[]> {
  return (await db.selectFrom('routing_rules').selectAll().orderBy('position').orderBy('id').execute()).map(
    ruleView,
  );
}

export async function getRule(db: Executor, id: string): Promise<RuleView> {
  const row = await db.selectFrom('routing_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('routing rule');
  return ruleView(row);
}

export async function createRule(db: Db, caller: Caller, input: RuleInput): Promise<RuleView> {
  await checkRule(db, caller, input);
  const id = uuidv7();
  const row = await db.transaction().execute(async (trx) =>
    withAuditEntry<RoutingTables>(
      trx,
      caller.actor,
      {
        action: 'routing_rule.create',
        entityType: 'routing_rule',
        entityId: id,
        orgUnitId: input.regionUnitId ?? null,
        details: { ...input },
      },
      caller.now,
    )
      .insertInto('routing_rules')
      .values({ id, ...columns(input), created_at: caller.now, updated_at: caller.now })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  forgetRules();
  return ruleView(row);
}

export async function updateRule(
  db: Db,
  caller: Caller,
  id: string,
  patch: RulePatch,
  expectedVersion: number | undefined,
): Promise<RuleView> {
  const row = await db.selectFrom('routing_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('routing rule');
  checkVersion('routing rule', row.version, expectedVersion);
  const before = asInput(row);
  const { version: _, ...changes } = patch;
  const merged: RuleInput = { ...before, ...changes } as RuleInput;
  // Both the rule as it was and as it will be must be the caller's to change.
  await checkRule(db, caller, before).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'FORBIDDEN') throw e;
  });
  await checkRule(db, caller, merged);
  const updated = await db.transaction().execute(async (trx) =>
    withAuditEntry<RoutingTables>(
      trx,
      caller.actor,
      {
        action: 'routing_rule.update',
        entityType: 'routing_rule',
        entityId: id,
        orgUnitId: merged.regionUnitId ?? null,
        details: { changes, fromVersion: row.version },
      },
      caller.now,
    )
      .updateTable('routing_rules')
      .set({ ...columns(merged), version: sql`version + 1`, updated_at: caller.now })
      .where('id', '=', id)
      .where('version', '=', row.version)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!updated) assertOneUpdated('routing rule', 0);
  forgetRules();
  return ruleView(updated!);
}

export async function deleteRule(
  db: Db,
  caller: Caller,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const row = await db.selectFrom('routing_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('routing rule');
  checkVersion('routing rule', row.version, expectedVersion);
  await checkRule(db, caller, asInput(row));
  const gone = await db.transaction().execute(async (trx) =>
    withAuditEntry<RoutingTables>(
      trx,
      caller.actor,
      {
        action: 'routing_rule.delete',
        entityType: 'routing_rule',
        entityId: id,
        orgUnitId: row.region_unit_id,
        details: { rule: ruleView(row) },
      },
      caller.now,
    )
      .deleteFrom('routing_rules')
      .where('id', '=', id)
      .where('version', '=', row.version)
      .executeTakeFirst(),
  );
  assertOneUpdated('routing rule', gone.numDeletedRows);
  forgetRules();
}

/** The decision for some facts, with the names of the unit and group (nothing is written). */
export async function previewRoute(db: Db, facts: RoutingFacts) {
  for (const field of ['siteUnitId', 'homeUnitId', 'intakeUnitId'] as const) {
    const id = facts[field];
    if (id && (await unitPath(db, id)) === undefined)
      throw unprocessableField(`body.${field}`, 'no such org unit');
  }
  const decision = await routeRequest(db, facts);
  const [units, groups] = await Promise.all([
    unitsAround(db, [decision.handlingUnitId]),
    decision.skillGroupId ? skillGroupsOf(db, [decision.handlingUnitId]) : Promise.resolve([]),
  ]);
  const unit = units.find((u) => u.id === decision.handlingUnitId);
  const group = groups.find((g) => g.id === decision.skillGroupId);
  return {
    ...decision,
    handlingUnit: unit ? { id: unit.id, code: unit.code, name: unit.name } : null,
    skillGroup: group ? { id: group.id, code: group.code, name: group.name } : null,
  };
}

// ---- Strategies per skill group ----

function strategyView(r: Selectable<RoutingGroupSettingsTable>): StrategyView {
  return {
    skillGroupId: r.skill_group_id,
    strategy: r.strategy,
    capacity: r.capacity,
    reservedSlots: r.reserved_slots,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function listStrategies(db: Db): Promise<StrategyView[]> {
  return (await db.selectFrom('routing_group_settings').selectAll().orderBy('skill_group_id').execute()).map(
    strategyView,
  );
}

export async function setStrategy(
  db: Db,
  caller: Caller,
  groupId: string,
  input: StrategyInput,
): Promise<StrategyView> {
  const capacity = input.capacity ?? null;
  if (capacity !== null && input.reservedSlots >= capacity)
    throw invalidField('body.reservedSlots', 'must be below the capacity');
  if (capacity === null && input.reservedSlots > 0)
    throw invalidField('body.reservedSlots', 'needs a capacity to be kept from');
  const group = await skillGroupForAssignment(db, groupId);
  if (!group) throw notFound('skill group');
  const path = await unitPath(db, group.orgUnitId);
  if (!caller.scope.all && !path?.startsWith(caller.scope.path)) throw notFound('skill group');
  const row = await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('routing_group_settings')
      .select('version')
      .where('skill_group_id', '=', groupId)
      .forUpdate()
      .executeTakeFirst();
    checkVersion('group strategy', current?.version ?? 0, input.version);
    const values = {
      strategy: input.strategy,
      capacity,
      reserved_slots: input.reservedSlots,
      updated_at: caller.now,
    };
    const audited = withAuditEntry<RoutingTables>(
      trx,
      caller.actor,
      {
        action: 'routing_strategy.set',
        entityType: 'skill_group',
        entityId: groupId,
        orgUnitId: group.orgUnitId,
        details: { code: group.code, ...values, updated_at: undefined },
      },
      caller.now,
    );
    const written = current
      ? await audited
          .updateTable('routing_group_settings')
          .set({ ...values, version: sql`version + 1` })
          .where('skill_group_id', '=', groupId)
          .where('version', '=', current.version)
          .returningAll()
          .executeTakeFirst()
      : await audited
          .insertInto('routing_group_settings')
          .values({ skill_group_id: groupId, ...values })
          .returningAll()
          .executeTakeFirst();
    if (!written)
      throw new AppError('CONFLICT', 'The group strategy was changed by someone else; reload and retry');
    return written;
  });
  return strategyView(row);
}
