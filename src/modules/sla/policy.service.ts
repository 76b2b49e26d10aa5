/**
 * The policy matrix on stored data: listing it, changing it (administrators, audited) and the
 * policy check (which row applies, and the deadlines).
 */
import { sql, type Selectable } from 'kysely';
import { conflict, invalidField, notFound, unprocessableField } from '../../platform/errors.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { withAuditEntry } from '../audit/index.ts';
import { contractExists } from '../customers/index.ts';
import { listProducts, PRODUCT_CATEGORIES } from '../products/index.ts';
import { loadSchedule, resolveCalendar } from './calendar.service.ts';
import { builtinCalendar } from './domain/builtins.ts';
import { CalendarScanError, formatInZone, parseDuration, type WorkCalendar } from './domain/calendar.ts';
import { computeDeadlines, type PauseInterval } from './domain/deadlines.ts';
import {
  levelOf,
  resolvePolicy,
  TARGET_TYPES,
  type PolicyFacts,
  type PolicyMatch,
  type PolicyRow,
  type PolicyTarget,
  type TargetType,
} from './domain/policy.ts';
import type { SlaRequestPort } from './scheduler.ts';
import type { PolicyInput, PolicyPatch, PolicyView } from './sla.schemas.ts';
import type { Db, Executor, SlaPoliciesTable, SlaTables } from './sla.tables.ts';

type Stored = Pick<
  SlaPoliciesTable,
  | 'code'
  | 'name'
  | 'source'
  | 'contract_id'
  | 'product_code'
  | 'product_family'
  | 'tier'
  | 'kind'
  | 'category'
  | 'priority'
  | 'location_class'
> & { targets: PolicyRow['targets'] };

function toRow(r: Stored): PolicyRow {
  const match: PolicyRow['match'] = {};
  if (r.contract_id !== null) match.contractId = r.contract_id;
  if (r.product_code !== null) match.productCode = r.product_code;
  if (r.product_family !== null) match.productFamily = r.product_family;
  if (r.tier !== null) match.tier = r.tier;
  if (r.kind !== null) match.kind = r.kind;
  if (r.category !== null) match.category = r.category;
  if (r.priority !== null) match.priority = r.priority;
  if (r.location_class !== null) match.locationClass = r.location_class;
  return { code: r.code, name: r.name, source: r.source, match, targets: r.targets };
}

/** The active rows, in their listed order. */
export async function activeRows(db: Executor) {
  const rows = await db
    .selectFrom('sla_policies')
    .select([
      'code',
      'name',
      'source',
      'position',
      'version',
      'updated_at',
      'contract_id',
      'product_code',
      'product_family',
      'tier',
      'kind',
      'category',
      'priority',
      'location_class',
      'targets',
    ])
    .where('active', '=', true)
    .orderBy('position')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ stored: r, row: toRow(r) }));
}

type PolicyRecord = Selectable<SlaPoliciesTable>;

function policyView(r: PolicyRecord): PolicyView {
  const row = toRow(r);
  return {
    ...row,
    level: levelOf(row.match),
    position: r.position,
    active: r.active,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The rows in their listed order: the active ones, or every one with `includeInactive`. */
export async function listPolicies(db: Executor, includeInactive = false): Promise<PolicyView[]> {
  let q = db.selectFrom('sla_policies').selectAll().orderBy('position').orderBy('code');
  if (!includeInactive) q = q.where('active', '=', true);
  return (await q.execute()).map(policyView);
}

export async function getPolicy(db: Executor, code: string): Promise<PolicyView> {
  const row = await db.selectFrom('sla_policies').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('policy');
  return policyView(row);
}

/**
 * A row's match names what exists: a request kind and priority (the schema's enums), an active
 * category (of the kind, when one is set), an active product and its family, a customer's signed
 * contract — read through the owning modules. 422 naming the field otherwise.
 */
async function checkMatch(db: Executor, m: PolicyMatch, requests: RequestCatalogue): Promise<void> {
  // Kinds and priorities are service requests' (given through the port: they import this module).
  if (m.kind !== undefined && !requests.kinds.includes(m.kind))
    throw invalidField('body.match.kind', `must be one of ${requests.kinds.join(', ')}`);
  if (m.priority !== undefined && !requests.priorities.includes(m.priority))
    throw invalidField('body.match.priority', `must be one of ${requests.priorities.join(', ')}`);
  if (m.category !== undefined) {
    const categories = await requests.activeCategories(db as AnyExecutor);
    if (!categories.some((c) => c.code === m.category && (m.kind === undefined || c.kind === m.kind)))
      throw unprocessableField(
        'body.match.category',
        m.kind ? `is not an active category of kind ${m.kind}` : 'is not an active request category',
      );
  }
  if (m.contractId !== undefined && !(await contractExists(db as AnyExecutor, m.contractId)))
    throw unprocessableField(
      'body.match.contractId',
      "is not a customer's contract: add it to the customer first (POST /api/v1/customers/{id}/contracts)",
    );
  if (m.productFamily !== undefined && !(PRODUCT_CATEGORIES as readonly string[]).includes(m.productFamily))
    throw unprocessableField(
      'body.match.productFamily',
      `is not a product category (${PRODUCT_CATEGORIES.join(', ')})`,
    );
  if (m.productCode !== undefined) {
    const product = (await listProducts(db as AnyExecutor, false)).find((p) => p.code === m.productCode);
    if (!product)
      throw unprocessableField('body.match.productCode', 'is not an active product of the catalogue');
    if (m.productFamily !== undefined && m.productFamily !== product.category)
      throw unprocessableField(
        'body.match.productFamily',
        `is not the family of product ${product.code} (${product.category}): the row would never apply`,
      );
  }
}

/** Each target's duration parses, civil-code counting has days, and its calendar exists. */
async function checkTargets(db: Executor, targets: Partial<Record<TargetType, PolicyTarget>>) {
  const out: Partial<Record<TargetType, PolicyTarget>> = {};
  for (const type of TARGET_TYPES) {
    const t = targets[type];
    if (!t) continue;
    const d = parseDuration(t.duration);
    if ('error' in d) throw invalidField(`body.targets.${type}.duration`, d.error);
    if (t.counting === 'civil-code' && d.unit !== 'd')
      throw invalidField(
        `body.targets.${type}.counting`,
        'civil-code counting needs a duration in days (15d)',
      );
    if (!builtinCalendar(t.calendar)) {
      const unit = await db
        .selectFrom('sla_calendars')
        .select('code')
        .where('code', '=', t.calendar)
        .executeTakeFirst();
      if (!unit) throw unprocessableField(`body.targets.${type}.calendar`, 'no such calendar');
    }
    out[type] = {
      duration: t.duration,
      calendar: t.calendar,
      ...(t.counting ? { counting: t.counting } : {}),
    };
  }
  return out;
}

const matchColumns = (m: PolicyMatch) => ({
  contract_id: m.contractId ?? null,
  product_code: m.productCode ?? null,
  product_family: m.productFamily ?? null,
  tier: m.tier ?? null,
  kind: m.kind ?? null,
  category: m.category ?? null,
  priority: m.priority ?? null,
  location_class: m.locationClass ?? null,
});

/** A row as the audit keeps it (before / after). */
const audited = (v: PolicyView) => ({
  name: v.name,
  source: v.source,
  position: v.position,
  active: v.active,
  match: v.match,
  targets: v.targets,
  version: v.version,
});

/** Adds a row to the matrix (audited `sla.policy.create`). */
export type RequestCatalogue = Pick<SlaRequestPort, 'kinds' | 'priorities' | 'activeCategories'>;

export async function createPolicy(
  db: Db,
  caller: Caller,
  input: PolicyInput,
  requests: RequestCatalogue,
): Promise<PolicyView> {
  await checkMatch(db, input.match, requests);
  const targets = await checkTargets(db, input.targets);
  const position =
    input.position ??
    Number(
      (
        await db
          .selectFrom('sla_policies')
          .select(sql<number>`coalesce(max(position), 0) + 10`.as('next'))
          .executeTakeFirstOrThrow()
      ).next,
    );
  const values = {
    code: input.code,
    name: input.name,
    source: input.source,
    position,
    ...matchColumns(input.match),
    targets: JSON.stringify(targets),
    created_at: caller.now,
    updated_at: caller.now,
  };
  const after = policyView({ ...values, targets, active: true, version: 1 });
  // A plain INSERT: on a taken code the unique violation aborts the statement, audit entry and all
  // (ON CONFLICT DO NOTHING would still write the entry in the WITH clause).
  const row = await db
    .transaction()
    .execute(async (trx) =>
      withAuditEntry<SlaTables>(
        trx,
        caller.actor,
        {
          action: 'sla.policy.create',
          entityType: 'sla_policy',
          entityId: input.code,
          details: { before: null, after: audited(after) },
        },
        caller.now,
      )
        .insertInto('sla_policies')
        .values(values)
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    .catch((err: unknown) => {
      if ((err as { code?: string })?.code === '23505')
        throw conflict(`A policy with the code ${input.code} exists`, { field: 'body.code' });
      throw err;
    });
  return policyView(row);
}

/** What changed in a patch, for the job's reason and the audit action. */
export type PolicyChange = 'update' | 'deactivate' | 'reactivate';

/**
 * Changes a row (If-Match / version: a stale one gets 409), audited with the row before and after:
 * `sla.policy.deactivate` / `reactivate` when `active` flips, `sla.policy.update` otherwise.
 * `affectsDeadlines`: the match, targets, order or state changed (not just the name or source).
 */
export async function updatePolicy(
  db: Db,
  caller: Caller,
  code: string,
  patch: PolicyPatch,
  expectedVersion: number | undefined,
  requests: RequestCatalogue,
): Promise<{ view: PolicyView; change: PolicyChange; affectsDeadlines: boolean }> {
  const row = await db.selectFrom('sla_policies').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('policy');
  checkVersion('policy', row.version, expectedVersion);
  if (patch.match) await checkMatch(db, patch.match, requests);
  const targets = patch.targets ? await checkTargets(db, patch.targets) : row.targets;
  const before = policyView(row);
  const next: PolicyRecord = {
    ...row,
    name: patch.name ?? row.name,
    source: patch.source ?? row.source,
    position: patch.position ?? row.position,
    active: patch.active ?? row.active,
    ...(patch.match ? matchColumns(patch.match) : {}),
    targets,
    version: row.version + 1,
    updated_at: caller.now,
  };
  const after = policyView(next);
  const change: PolicyChange =
    patch.active === false && row.active
      ? 'deactivate'
      : patch.active === true && !row.active
        ? 'reactivate'
        : 'update';
  const affectsDeadlines =
    change !== 'update' ||
    (row.active &&
      (before.position !== after.position ||
        JSON.stringify(before.match) !== JSON.stringify(after.match) ||
        JSON.stringify(before.targets) !== JSON.stringify(after.targets)));
  const updated = await db.transaction().execute(async (trx) =>
    withAuditEntry<SlaTables>(
      trx,
      caller.actor,
      {
        action: `sla.policy.${change}`,
        entityType: 'sla_policy',
        entityId: code,
        details: { before: audited(before), after: audited(after) },
      },
      caller.now,
    )
      .updateTable('sla_policies')
      .set({
        name: next.name,
        source: next.source,
        position: next.position,
        active: next.active,
        ...matchColumns(after.match),
        targets: JSON.stringify(targets),
        version: sql`version + 1`,
        updated_at: caller.now,
      })
      .where('code', '=', code)
      .where('version', '=', row.version)
      .returningAll()
      .executeTakeFirst()
      .then((r) => {
        // Lost a race: the entry the WITH clause wrote must not commit without the change.
        if (!r) assertOneUpdated('policy', 0);
        return r!;
      }),
  );
  return { view: policyView(updated), change, affectsDeadlines };
}

export interface PolicyCheckInput extends PolicyFacts {
  from: Date;
  orgUnitId?: string | undefined;
  pauses?: PauseInterval[] | undefined;
}

/** Which rows apply to the facts, why, and the deadlines from `from` (with customer-caused pauses). */
export async function policyCheck(db: Executor, input: PolicyCheckInput) {
  const { from, orgUnitId, pauses, ...facts } = input;
  const rows = await activeRows(db);
  const resolution = resolvePolicy(
    rows.map((r) => r.row),
    facts,
  );
  const schedule = await loadSchedule(db);
  const calendars = new Map<string, { calendar: WorkCalendar; code: string }>();
  for (const t of Object.values(resolution.targets)) {
    if (calendars.has(t.calendar)) continue;
    const r = await resolveCalendar(db, t.calendar, orgUnitId, schedule);
    if (!r)
      throw unprocessableField(
        orgUnitId ? 'body.orgUnitId' : 'body',
        orgUnitId ? 'no such org unit' : `policy ${t.row} names calendar ${t.calendar}, which does not exist`,
      );
    calendars.set(t.calendar, r);
  }
  let deadlines: ReturnType<typeof computeDeadlines>;
  try {
    deadlines = computeDeadlines(resolution, from, (code) => calendars.get(code)!.calendar, pauses);
  } catch (err) {
    // A pause or start decades away: the calendar scan is bounded, so say which input is too far.
    if (err instanceof CalendarScanError)
      throw unprocessableField(
        pauses?.length ? 'body.pauses' : 'body.from',
        'reaches too far for the calendar to count (more than 30 years)',
      );
    throw err;
  }
  const missing = [...new Set(deadlines.flatMap((d) => d.missingYears))].sort((a, b) => a - b);
  return {
    facts,
    from: formatInZone(from, 'Asia/Shanghai'),
    rows: resolution.rows,
    explanation: resolution.explanation,
    reasons: resolution.reasons,
    deadlines: deadlines.map((d) => {
      const cal = calendars.get(d.calendar)!;
      const zone = cal.calendar.spec.zone;
      return {
        type: d.type,
        row: d.row,
        duration: d.duration,
        calendar: cal.code,
        counting: d.counting ?? null,
        at: d.at ? formatInZone(d.at, zone) : null,
        unpausedAt: formatInZone(d.unpausedAt, zone),
        pausedMinutes: d.pausedMs === undefined ? null : Math.round(d.pausedMs / 60_000),
        pauses: d.pauses.map((p) => ({
          from: formatInZone(p.from, zone),
          to: p.to ? formatInZone(p.to, zone) : null,
        })),
        provisional: d.provisional,
      };
    }),
    provisional: missing.length > 0,
    missingYears: missing,
  };
}
