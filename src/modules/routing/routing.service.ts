/** routeRequest and pickAssignee: what service requests call, in their own transaction. */
import { sql, type Selectable } from 'kysely';
import { systemClock } from '../../platform/clock.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { presenceOf, skillGroupForAssignment, skillGroupsOf, unitsAround } from '../identity/index.ts';
import { listProducts } from '../products/index.ts';
import { DEFAULT_SETTINGS, rankCandidates, type Candidate, type GroupSettings } from './domain/assignment.ts';
import {
  decide,
  groupByCode,
  type Priority,
  type RoutingDecision,
  type RoutingFacts,
  type RoutingRule,
  type SupportLine,
  type UnitInfo,
} from './domain/rules.ts';
import type { Executor, RoutingRulesTable } from './routing.tables.ts';

export function toRule(r: Selectable<RoutingRulesTable>): RoutingRule {
  return {
    id: r.id,
    position: r.position,
    // Free text an administrator typed: the explanation built from it is shown and stored, masked.
    name: maskFreeText(r.name),
    active: r.active,
    kinds: r.kinds,
    categories: r.categories,
    productCodes: r.product_codes,
    productCategories: r.product_categories,
    customerKinds: r.customer_kinds as RoutingRule['customerKinds'],
    customerTiers: r.customer_tiers,
    valueLevels: r.value_levels,
    channels: r.channels,
    regionUnitId: r.region_unit_id,
    anchor: r.target_anchor,
    functionType: r.target_function_type,
    unitId: r.target_unit_id,
    skillGroupCode: r.skill_group_code,
    supportLine: r.support_line as SupportLine,
    priority: r.priority as Priority | null,
  };
}

async function productCategory(caller: AnyExecutor, code: string | null): Promise<string | null> {
  if (code === null) return null;
  const products = await listProducts(caller, true);
  return products.find((p) => p.code === code)?.category ?? null;
}

/**
 * The active rules, in order. Read at most every RULES_TTL_MS per process and database handle
 * (every create routes: this saves a query and its parsing); a rule change made through this
 * process (rules.service.ts) is seen by the next create at once, one made through another API
 * node within RULES_TTL_MS. Inside a transaction the rules are always read fresh.
 */
export const RULES_TTL_MS = 30_000;
let rulesGeneration = 0;
const rulesCache = new WeakMap<object, { at: number; generation: number; rules: Promise<RoutingRule[]> }>();

async function readActiveRules(db: Executor): Promise<RoutingRule[]> {
  return (
    await db.selectFrom('routing_rules').selectAll().where('active', '=', true).orderBy('position').execute()
  ).map(toRule);
}

export async function activeRules(db: Executor, nowMs = Date.now()): Promise<readonly RoutingRule[]> {
  if (db.isTransaction) return readActiveRules(db);
  const hit = rulesCache.get(db);
  if (hit && hit.generation === rulesGeneration && nowMs - hit.at < RULES_TTL_MS) return hit.rules;
  const entry = { at: nowMs, generation: rulesGeneration, rules: readActiveRules(db) };
  rulesCache.set(db, entry);
  // A failed read is not remembered.
  entry.rules.catch(() => {
    if (rulesCache.get(db) === entry) rulesCache.delete(db);
  });
  return entry.rules;
}

/** After a rule change commits: every cached rule list of this process is read again. */
export function forgetRules(): void {
  rulesGeneration++;
}

/** Where a request goes: handling unit, skill group, support line, priority, and why. */
export async function routeRequest(caller: AnyExecutor, facts: RoutingFacts): Promise<RoutingDecision> {
  const db: Executor = caller;
  const rules = await activeRules(db);
  const unitIds = [facts.siteUnitId, facts.homeUnitId, facts.intakeUnitId];
  for (const r of rules) unitIds.push(r.regionUnitId, r.unitId);
  const around = await unitsAround(
    caller,
    unitIds.filter((u): u is string => u !== null),
  );
  const units = new Map<string, UnitInfo>(around.map((u) => [u.id, u]));
  const placement = decide(
    rules,
    { ...facts, productCategory: await productCategory(caller, facts.productCode) },
    units,
  );
  let skillGroupId: string | null = null;
  let explanation = placement.explanation;
  if (placement.skillGroupCode !== null) {
    const group = groupByCode(
      await skillGroupsOf(caller, [placement.handlingUnitId]),
      placement.skillGroupCode,
    );
    skillGroupId = group?.id ?? null;
    explanation += group
      ? `; skill group ${group.code} (${group.name})`
      : `; no active skill group ${placement.skillGroupCode} in that unit: the unit's dispatcher assigns`;
  }
  return {
    handlingUnitId: placement.handlingUnitId,
    skillGroupId,
    supportLine: placement.supportLine,
    priority: placement.priority,
    ruleId: placement.ruleId,
    explanation,
  };
}

export interface AssignmentInput {
  skillGroupId: string;
  requiredSkills: string[];
  enterpriseOrHighValue: boolean;
  /** Open items per user (the service-request module counts them); users left out count 0. */
  loadOf: (userIds: readonly string[]) => Promise<Map<string, number>>;
  /** The caller's "now" (presence until-times); the system clock when left out. */
  now?: Date;
}

async function settingsOf(db: Executor, groupId: string): Promise<GroupSettings> {
  const row = await db
    .selectFrom('routing_group_settings')
    .select(['strategy', 'capacity', 'reserved_slots'])
    .where('skill_group_id', '=', groupId)
    .executeTakeFirst();
  return row
    ? { strategy: row.strategy, capacity: row.capacity, reservedSlots: row.reserved_slots }
    : DEFAULT_SETTINGS;
}

/**
 * Claims the first ranked member not being assigned by a concurrent transaction right now (their
 * turn rows are locked): FOR UPDATE SKIP LOCKED, so parallel intakes in one group never queue on
 * one row. If every candidate is being assigned, the best one is taken anyway (no waiting).
 */
async function claimTurn(
  db: Executor,
  groupId: string,
  ranked: readonly Candidate[],
  hasRow: ReadonlySet<string>,
): Promise<Candidate> {
  const ids = ranked.map((c) => c.userId);
  const missing = ids.filter((id) => !hasRow.has(id));
  if (missing.length)
    await db
      .insertInto('routing_member_turns')
      .values(missing.map((user_id) => ({ skill_group_id: groupId, user_id, last_turn: null })))
      .onConflict((oc) => oc.columns(['skill_group_id', 'user_id']).doNothing())
      .execute();
  // Ranked order in SQL, LIMIT 1: only the row taken is locked (rows are locked as they are read).
  const rank = sql<number>`case user_id ${sql.join(
    ids.map((id, i) => sql`when ${id} then ${i}`),
    sql` `,
  )} end`;
  const free = await db
    .selectFrom('routing_member_turns')
    .select('user_id')
    .where('skill_group_id', '=', groupId)
    .where('user_id', 'in', ids)
    .orderBy(rank)
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  const pick = ranked.find((c) => c.userId === free?.user_id) ?? ranked[0]!;
  await db
    .updateTable('routing_member_turns')
    .set({ last_turn: sql`nextval('routing_turn_seq')` })
    .where('skill_group_id', '=', groupId)
    .where('user_id', '=', pick.userId)
    .execute();
  return pick;
}

/** Who in the group takes the request (null: nobody available, the group's dispatcher assigns). */
export async function pickAssignee(
  caller: AnyExecutor,
  input: AssignmentInput,
): Promise<{ userId: string | null; explanation: string }> {
  const db: Executor = caller;
  const group = await skillGroupForAssignment(caller, input.skillGroupId);
  if (!group || !group.active) return { userId: null, explanation: 'no such active skill group' };
  if (group.members.length === 0) return { userId: null, explanation: `${group.code} has no members` };
  const settings = await settingsOf(db, group.id);
  const ids = group.members.map((m) => m.userId);
  const now = input.now ?? systemClock.now();
  const [presence, turns] = await Promise.all([
    presenceOf(caller, ids, now),
    db
      .selectFrom('routing_member_turns')
      .select(['user_id', 'last_turn'])
      .where('skill_group_id', '=', group.id)
      .where('user_id', 'in', ids)
      .execute(),
  ]);
  const reachable = group.members.filter(
    (m) => m.active && (presence.get(m.userId)?.status ?? 'available') === 'available',
  );
  const needLoad = settings.capacity !== null || settings.strategy !== 'round_robin';
  const load =
    needLoad && reachable.length
      ? await input.loadOf(reachable.map((m) => m.userId))
      : new Map<string, number>();
  const lastTurn = new Map(turns.map((t) => [t.user_id, t.last_turn === null ? null : Number(t.last_turn)]));
  const candidates: Candidate[] = group.members.map((m) => ({
    userId: m.userId,
    login: m.login,
    proficiency: m.proficiency,
    active: m.active,
    presence: presence.get(m.userId)?.status ?? 'available',
    load: load.get(m.userId) ?? 0,
    lastTurn: lastTurn.get(m.userId) ?? null,
  }));
  const { ranked, explanation } = rankCandidates({
    settings,
    candidates,
    priorityCustomer: input.enterpriseOrHighValue,
    groupSkills: group.skills,
    requiredSkills: input.requiredSkills,
  });
  if (ranked.length === 0) return { userId: null, explanation: `${group.code} ${explanation}` };
  const pick = await claimTurn(db, group.id, ranked, new Set(lastTurn.keys()));
  return { userId: pick.userId, explanation: `${group.code} ${explanation}; assigned to ${pick.login}` };
}
