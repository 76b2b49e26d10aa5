/** The policy matrix on stored data: listing it, and the policy check (which row applies, and the deadlines). */
import { unprocessableField } from '../../platform/errors.ts';
import { loadSchedule, resolveCalendar } from './calendar.service.ts';
import { formatInZone, type WorkCalendar } from './domain/calendar.ts';
import { computeDeadlines, type PauseInterval } from './domain/deadlines.ts';
import { levelOf, resolvePolicy, type PolicyFacts, type PolicyRow } from './domain/policy.ts';
import type { Executor, SlaPoliciesTable } from './sla.tables.ts';

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
async function activeRows(db: Executor) {
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

export async function listPolicies(db: Executor) {
  return (await activeRows(db)).map(({ stored, row }) => ({
    ...row,
    level: levelOf(row.match),
    position: stored.position,
    version: stored.version,
    updatedAt: stored.updated_at.toISOString(),
  }));
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
  const deadlines = computeDeadlines(resolution, from, (code) => calendars.get(code)!.calendar, pauses);
  const missing = [...new Set(deadlines.flatMap((d) => d.missingYears))].sort((a, b) => a - b);
  return {
    facts,
    from: formatInZone(from, 'Asia/Shanghai'),
    rows: resolution.rows,
    explanation: resolution.explanation,
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
