/**
 * Business calendars on the database: the national schedule per year, unit calendars, overrides,
 * and the computations (`add`, `between`) other modules and the calendar check use. Every change
 * is one transaction with its audit entry.
 */
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { conflict, forbidden, invalidField, notFound, unprocessableField } from '../../platform/errors.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { withAuditEntry } from '../audit/index.ts';
import { unitPath } from '../identity/index.ts';
import { PACKAGE_SOURCE, packageYears } from './chinese-days.ts';
import { BUILTIN_CALENDARS, builtinCalendar } from './domain/builtins.ts';
import { scheduleWarnings } from './domain/schedule.ts';
import {
  CalendarScanError,
  formatClock,
  formatInZone,
  formatWorkingTime,
  parseClock,
  parseDuration,
  periodsProblem,
  WorkCalendar,
  type CalendarSpec,
  type NationalSchedule,
  type Overrides,
  type Period,
} from './domain/calendar.ts';
import type {
  AddView,
  BetweenView,
  CalendarInput,
  CalendarPatch,
  CalendarView,
  OverrideInput,
  OverridePatch,
  OverrideView,
  YearInput,
} from './sla.schemas.ts';
import type { Db, Executor, SlaCalendarOverridesTable, SlaCalendarsTable, SlaTables } from './sla.tables.ts';

// ---------------------------------------------------------------------------------------------
// The national schedule

/**
 * Imports the years chinese-days covers that the table lacks (all of them into an empty table);
 * a year already there — imported before or entered by an administrator — is never overwritten.
 * Idempotent, and safe when several processes start at once. Returns the years imported.
 */
export async function ensureNationalSchedule(db: Db, now: Date): Promise<number[]> {
  const have = new Set(
    (await db.selectFrom('sla_calendar_years').select('year').execute()).map((r) => r.year),
  );
  const wanted = packageYears().filter((y) => !have.has(y.year));
  if (!wanted.length) return [];
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('sla_calendar_years')
      .values(wanted.map((y) => ({ year: y.year, source: PACKAGE_SOURCE, updated_at: now })))
      .onConflict((oc) => oc.column('year').doNothing())
      .returning('year')
      .execute();
    const years = new Set(inserted.map((r) => r.year));
    const days = wanted
      .filter((y) => years.has(y.year))
      .flatMap((y) => y.days.map((d) => ({ day: d.date, year: y.year, kind: d.kind, name: d.name })));
    if (days.length) await trx.insertInto('sla_calendar_days').values(days).execute();
    return [...years].sort((a, b) => a - b);
  });
}

/** The whole national schedule (a few hundred rows: every known year's exceptions). */
export async function loadSchedule(db: Executor): Promise<NationalSchedule> {
  const [years, days] = await Promise.all([
    db.selectFrom('sla_calendar_years').select('year').execute(),
    db.selectFrom('sla_calendar_days').select(['day', 'kind']).execute(),
  ]);
  return {
    years: new Set(years.map((r) => r.year)),
    days: new Map(days.map((d) => [d.day, d.kind])),
  };
}

export async function listYears(db: Db, now: Date) {
  const rows = await db
    .selectFrom('sla_calendar_years as y')
    .select((eb) => [
      'y.year',
      'y.source',
      'y.updated_at',
      eb
        .selectFrom('sla_calendar_days as d')
        .whereRef('d.year', '=', 'y.year')
        .where('d.kind', '=', 'holiday')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('holidays'),
      eb
        .selectFrom('sla_calendar_days as d')
        .whereRef('d.year', '=', 'y.year')
        .where('d.kind', '=', 'workday')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('workdays'),
    ])
    .orderBy('y.year')
    .execute();
  return {
    items: rows.map((r) => ({
      year: r.year,
      source: r.source,
      holidays: Number(r.holidays ?? 0),
      workdays: Number(r.workdays ?? 0),
      updatedAt: r.updated_at.toISOString(),
    })),
    warnings: scheduleWarnings(new Set(rows.map((r) => r.year)), now),
  };
}

export async function getYear(db: Db, year: number) {
  const y = await db.selectFrom('sla_calendar_years').selectAll().where('year', '=', year).executeTakeFirst();
  if (!y) throw notFound(`national schedule for ${year}`);
  const days = await db
    .selectFrom('sla_calendar_days')
    .select(['day', 'kind', 'name'])
    .where('year', '=', year)
    .orderBy('day')
    .execute();
  return {
    year,
    source: y.source,
    holidays: days.filter((d) => d.kind === 'holiday').length,
    workdays: days.filter((d) => d.kind === 'workday').length,
    updatedAt: y.updated_at.toISOString(),
    days: days.map((d) => ({ date: d.day, kind: d.kind, name: d.name })),
  };
}

/** Replaces a year's schedule with what an administrator entered (source `admin`); audited. */
export async function putYear(db: Db, caller: Caller, year: number, input: YearInput) {
  const seen = new Set<string>();
  const days: Array<{ day: string; year: number; kind: 'holiday' | 'workday'; name: string | null }> = [];
  for (const [list, kind] of [
    ['holidays', 'holiday'],
    ['workdays', 'workday'],
  ] as const) {
    for (const [i, d] of input[list].entries()) {
      const field = `body.${list}[${i}].date`;
      if (Number(d.date.slice(0, 4)) !== year) throw invalidField(field, `must be a day of ${year}`);
      if (seen.has(d.date)) throw invalidField(field, 'is listed twice');
      seen.add(d.date);
      const wd = new Date(`${d.date}T00:00:00Z`).getUTCDay();
      if (kind === 'workday' && wd !== 0 && wd !== 6)
        throw invalidField(field, 'must be a Saturday or Sunday (an adjusted working day, 调休)');
      days.push({ day: d.date, year, kind, name: d.name ?? null });
    }
  }
  await db.transaction().execute(async (trx) => {
    await withAuditEntry<SlaTables>(
      trx,
      caller.actor,
      {
        action: 'sla.calendar_year.set',
        entityType: 'sla_calendar_year',
        entityId: String(year),
        details: { year, holidays: input.holidays.length, workdays: input.workdays.length },
      },
      caller.now,
    )
      .insertInto('sla_calendar_years')
      .values({ year, source: 'admin', updated_at: caller.now })
      .onConflict((oc) => oc.column('year').doUpdateSet({ source: 'admin', updated_at: caller.now }))
      .execute();
    await trx.deleteFrom('sla_calendar_days').where('year', '=', year).execute();
    await trx.insertInto('sla_calendar_days').values(days).execute();
  });
  return getYear(db, year);
}

// ---------------------------------------------------------------------------------------------
// Calendars

type CalendarRow = Selectable<SlaCalendarsTable>;

const toPeriods = (hours: ReadonlyArray<{ from: string; to: string }>): Period[] =>
  hours.map((h) => ({ from: parseClock(h.from)!, to: parseClock(h.to)! }));
const toHours = (periods: readonly Period[]) =>
  periods.map((p) => ({ from: formatClock(p.from), to: formatClock(p.to) }));

function rowSpec(r: CalendarRow): CalendarSpec {
  return { code: r.code, zone: r.zone, days: r.days, periods: r.periods, honoursOverrides: true };
}

function calendarView(r: CalendarRow): CalendarView {
  return {
    code: r.code,
    name: maskFreeText(r.name),
    builtin: false,
    description: null,
    orgUnitId: r.org_unit_id,
    replaces: r.replaces as CalendarView['replaces'],
    zone: r.zone,
    days: r.days,
    hours: toHours(r.periods),
    honoursOverrides: true,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

const builtinViews: CalendarView[] = BUILTIN_CALENDARS.map((c) => ({
  code: c.code,
  name: c.name,
  builtin: true,
  description: c.description,
  orgUnitId: null,
  replaces: null,
  zone: c.zone,
  days: c.days,
  hours: toHours(c.periods),
  honoursOverrides: c.honoursOverrides,
  version: null,
  updatedAt: null,
}));

export async function listCalendars(db: Db): Promise<CalendarView[]> {
  const rows = await db.selectFrom('sla_calendars').selectAll().orderBy('code').execute();
  return [...builtinViews, ...rows.map(calendarView)];
}

export async function getCalendar(db: Db, code: string): Promise<CalendarView> {
  const b = builtinViews.find((c) => c.code === code);
  if (b) return b;
  const row = await db.selectFrom('sla_calendars').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('calendar');
  return calendarView(row);
}

/** The unit is known and in the caller's scope. */
async function checkUnit(db: AnyExecutor, caller: Caller, field: string, unitId: string): Promise<void> {
  const path = await unitPath(db, unitId);
  if (path === undefined) throw unprocessableField(field, 'no such org unit');
  if (!caller.scope.all && !path.startsWith(caller.scope.path))
    throw forbidden(`The org unit in ${field.replace(/^body\./, '')} is outside your data scope`);
}

function checkHours(hours: ReadonlyArray<{ from: string; to: string }>): Period[] {
  const periods = toPeriods(hours);
  const problem = periodsProblem(periods);
  if (problem) throw invalidField('body.hours', problem);
  return periods;
}

export async function createCalendar(db: Db, caller: Caller, input: CalendarInput): Promise<CalendarView> {
  if (builtinCalendar(input.code)) throw invalidField('body.code', 'is the code of a built-in calendar');
  const periods = checkHours(input.hours);
  await checkUnit(db, caller, 'body.orgUnitId', input.orgUnitId);
  const id = uuidv7();
  const row = await db
    .transaction()
    .execute(async (trx) =>
      withAuditEntry<SlaTables>(
        trx,
        caller.actor,
        {
          action: 'sla.calendar.create',
          entityType: 'sla_calendar',
          entityId: id,
          orgUnitId: input.orgUnitId,
          details: { ...input },
        },
        caller.now,
      )
        .insertInto('sla_calendars')
        .values({
          id,
          code: input.code,
          name: input.name,
          org_unit_id: input.orgUnitId,
          replaces: input.replaces ?? null,
          zone: input.zone,
          days: input.days,
          periods: JSON.stringify(periods),
          created_at: caller.now,
          updated_at: caller.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    .catch(uniqueAs);
  return calendarView(row);
}

/** A unique violation (code taken, a second stand-in) as a 409 naming what clashed. */
function uniqueAs(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e?.code === '23505') {
    if (String(e.constraint ?? '').includes('replaces'))
      throw conflict('This org unit already has a calendar standing in for that built-in calendar');
    if (String(e.constraint ?? '').includes('overrides'))
      throw conflict('This org unit already has an override on that date');
    throw conflict('A calendar with this code exists');
  }
  throw err;
}

export async function updateCalendar(
  db: Db,
  caller: Caller,
  code: string,
  patch: CalendarPatch,
  expectedVersion: number | undefined,
): Promise<CalendarView> {
  if (builtinCalendar(code)) throw forbidden('Built-in calendars cannot be changed; define a unit calendar');
  const row = await db.selectFrom('sla_calendars').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('calendar');
  checkVersion('calendar', row.version, expectedVersion);
  await checkUnit(db, caller, 'orgUnitId', row.org_unit_id);
  const periods = patch.hours ? checkHours(patch.hours) : row.periods;
  const { version: _, ...changes } = patch;
  const updated = await db
    .transaction()
    .execute(async (trx) =>
      withAuditEntry<SlaTables>(
        trx,
        caller.actor,
        {
          action: 'sla.calendar.update',
          entityType: 'sla_calendar',
          entityId: row.id,
          orgUnitId: row.org_unit_id,
          details: { code, changes, fromVersion: row.version },
        },
        caller.now,
      )
        .updateTable('sla_calendars')
        .set({
          name: patch.name ?? row.name,
          replaces: patch.replaces === undefined ? row.replaces : patch.replaces,
          zone: patch.zone ?? row.zone,
          days: patch.days ?? row.days,
          periods: JSON.stringify(periods),
          version: sql`version + 1`,
          updated_at: caller.now,
        })
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .returningAll()
        .executeTakeFirst(),
    )
    .catch(uniqueAs);
  if (!updated) assertOneUpdated('calendar', 0);
  return calendarView(updated!);
}

// ---------------------------------------------------------------------------------------------
// Overrides

type OverrideRow = Selectable<SlaCalendarOverridesTable>;

const overrideView = (r: OverrideRow): OverrideView => ({
  id: r.id,
  orgUnitId: r.org_unit_id,
  date: r.day,
  kind: r.kind,
  reason: maskFreeText(r.reason),
  version: r.version,
  updatedAt: r.updated_at.toISOString(),
});

export async function listOverrides(
  db: Db,
  filter: { orgUnitId?: string | undefined; from?: string | undefined; to?: string | undefined },
): Promise<OverrideView[]> {
  let q = db.selectFrom('sla_calendar_overrides').selectAll();
  if (filter.orgUnitId) q = q.where('org_unit_id', '=', filter.orgUnitId);
  if (filter.from) q = q.where('day', '>=', filter.from);
  if (filter.to) q = q.where('day', '<=', filter.to);
  return (await q.orderBy('day').orderBy('id').limit(1000).execute()).map(overrideView);
}

export async function createOverride(db: Db, caller: Caller, input: OverrideInput): Promise<OverrideView> {
  await checkUnit(db, caller, 'body.orgUnitId', input.orgUnitId);
  const id = uuidv7();
  const row = await db
    .transaction()
    .execute(async (trx) =>
      withAuditEntry<SlaTables>(
        trx,
        caller.actor,
        {
          action: 'sla.calendar_override.create',
          entityType: 'sla_calendar_override',
          entityId: id,
          orgUnitId: input.orgUnitId,
          details: { date: input.date, kind: input.kind },
        },
        caller.now,
      )
        .insertInto('sla_calendar_overrides')
        .values({
          id,
          org_unit_id: input.orgUnitId,
          day: input.date,
          kind: input.kind,
          reason: input.reason,
          created_at: caller.now,
          updated_at: caller.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    .catch(uniqueAs);
  return overrideView(row);
}

async function ownOverride(db: Db, caller: Caller, id: string): Promise<OverrideRow> {
  const row = await db
    .selectFrom('sla_calendar_overrides')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('calendar override');
  await checkUnit(db, caller, 'orgUnitId', row.org_unit_id);
  return row;
}

export async function updateOverride(
  db: Db,
  caller: Caller,
  id: string,
  patch: OverridePatch,
  expectedVersion: number | undefined,
): Promise<OverrideView> {
  const row = await ownOverride(db, caller, id);
  checkVersion('calendar override', row.version, expectedVersion);
  const updated = await db.transaction().execute(async (trx) =>
    withAuditEntry<SlaTables>(
      trx,
      caller.actor,
      {
        action: 'sla.calendar_override.update',
        entityType: 'sla_calendar_override',
        entityId: id,
        orgUnitId: row.org_unit_id,
        details: { date: row.day, kind: patch.kind ?? row.kind, fromVersion: row.version },
      },
      caller.now,
    )
      .updateTable('sla_calendar_overrides')
      .set({
        kind: patch.kind ?? row.kind,
        reason: patch.reason ?? row.reason,
        version: sql`version + 1`,
        updated_at: caller.now,
      })
      .where('id', '=', id)
      .where('version', '=', row.version)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!updated) assertOneUpdated('calendar override', 0);
  return overrideView(updated!);
}

export async function deleteOverride(
  db: Db,
  caller: Caller,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const row = await ownOverride(db, caller, id);
  checkVersion('calendar override', row.version, expectedVersion);
  const gone = await db.transaction().execute(async (trx) =>
    withAuditEntry<SlaTables>(
      trx,
      caller.actor,
      {
        action: 'sla.calendar_override.delete',
        entityType: 'sla_calendar_override',
        entityId: id,
        orgUnitId: row.org_unit_id,
        details: { date: row.day, kind: row.kind },
      },
      caller.now,
    )
      .deleteFrom('sla_calendar_overrides')
      .where('id', '=', id)
      .where('version', '=', row.version)
      .executeTakeFirst(),
  );
  assertOneUpdated('calendar override', gone.numDeletedRows);
}

// ---------------------------------------------------------------------------------------------
// Computing on a calendar

/** Unit ids from the root down to the unit (its materialised path), or undefined for no such unit. */
async function unitChain(db: AnyExecutor, unitId: string): Promise<string[] | undefined> {
  const path = await unitPath(db, unitId);
  return path?.split('/').filter(Boolean);
}

export interface ResolvedCalendar {
  calendar: WorkCalendar;
  /** The calendar used: the one asked for, or the unit's stand-in for that built-in calendar. */
  code: string;
  orgUnitId: string | null;
}

/**
 * The calendar to compute on, for work of an org unit: a built-in code resolves to the nearest
 * stand-in (`replaces`) at or above the unit; the unit's overrides, and its ancestors' (the
 * nearest unit's wins on a date), apply unless the calendar is 24x7. A unit calendar uses its own
 * unit when none is given. Undefined: no such calendar.
 */
export async function resolveCalendar(
  db: Executor,
  code: string,
  orgUnitId?: string | null,
  /** The national schedule loaded once for many computations (`loadSchedule`); read here without it. */
  schedule?: NationalSchedule,
): Promise<ResolvedCalendar | undefined> {
  let spec: CalendarSpec | undefined = builtinCalendar(code);
  let used = code;
  let unitId = orgUnitId ?? null;
  let chain: string[] = [];
  if (unitId) {
    chain = (await unitChain(db, unitId)) ?? [];
    if (!chain.length) return undefined;
  }
  if (spec && chain.length) {
    const standIns = await db
      .selectFrom('sla_calendars')
      .selectAll()
      .where('replaces', '=', code)
      .where('org_unit_id', 'in', chain)
      .execute();
    const nearest = standIns.sort((a, b) => chain.indexOf(b.org_unit_id) - chain.indexOf(a.org_unit_id))[0];
    if (nearest) {
      spec = rowSpec(nearest);
      used = nearest.code;
    }
  } else if (!spec) {
    const row = await db.selectFrom('sla_calendars').selectAll().where('code', '=', code).executeTakeFirst();
    if (!row) return undefined;
    spec = rowSpec(row);
    if (!unitId) {
      unitId = row.org_unit_id;
      chain = (await unitChain(db, unitId)) ?? [unitId];
    }
  }
  const overrides = new Map<string, 'closed' | 'working'>();
  if (spec.honoursOverrides && chain.length) {
    const rows = await db
      .selectFrom('sla_calendar_overrides')
      .select(['org_unit_id', 'day', 'kind'])
      .where('org_unit_id', 'in', chain)
      .execute();
    // Farthest first, so that the nearest unit's override of a date is the one kept.
    rows.sort((a, b) => chain.indexOf(a.org_unit_id) - chain.indexOf(b.org_unit_id));
    for (const r of rows) overrides.set(r.day, r.kind);
  }
  const calendar = new WorkCalendar(spec, schedule ?? (await loadSchedule(db)), overrides as Overrides);
  return { calendar, code: used, orgUnitId: unitId };
}

const provisionalWarnings = (years: number[]) =>
  years.map(
    (y) =>
      `No national holiday schedule for ${y}: its days were counted Monday–Friday; the result is provisional.`,
  );

async function resolveOrFail(db: Executor, code: string, orgUnitId: string | undefined) {
  if (orgUnitId && (await unitPath(db, orgUnitId)) === undefined)
    throw unprocessableField('body.orgUnitId', 'no such org unit');
  const r = await resolveCalendar(db, code, orgUnitId);
  if (!r) throw unprocessableField('body.calendar', 'no such calendar');
  return r;
}

function scanned<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CalendarScanError)
      throw unprocessableField('body.calendar', 'has no working time within the range computed');
    throw err;
  }
}

/** `add` for the calendar check (API and CLI): the result in the calendar's zone, explained. */
export async function checkAdd(
  db: Executor,
  input: { calendar: string; orgUnitId?: string | undefined; from: Date; duration: string },
): Promise<AddView> {
  const d = parseDuration(input.duration);
  if ('error' in d) throw invalidField('body.duration', d.error);
  const r = await resolveOrFail(db, input.calendar, input.orgUnitId);
  const zone = r.calendar.spec.zone;
  const out = scanned(() => r.calendar.add(input.from, d));
  return {
    calendar: r.code,
    zone,
    orgUnitId: r.orgUnitId,
    from: formatInZone(input.from, zone),
    countedFrom: formatInZone(out.countedFrom, zone),
    duration: `${d.amount}${d.unit}`,
    result: formatInZone(out.at, zone),
    provisional: out.provisional,
    missingYears: out.missingYears,
    warnings: provisionalWarnings(out.missingYears),
  };
}

/** `between` for the calendar check: the working time from `from` to `to`. */
export async function checkBetween(
  db: Executor,
  input: { calendar: string; orgUnitId?: string | undefined; from: Date; to: Date },
): Promise<BetweenView> {
  if (Math.abs(input.to.getTime() - input.from.getTime()) > 20 * 366 * 86_400_000)
    throw invalidField('body.to', 'must be within 20 years of from');
  const r = await resolveOrFail(db, input.calendar, input.orgUnitId);
  const zone = r.calendar.spec.zone;
  const out = scanned(() => r.calendar.between(input.from, input.to));
  return {
    calendar: r.code,
    zone,
    orgUnitId: r.orgUnitId,
    from: formatInZone(input.from, zone),
    to: formatInZone(input.to, zone),
    milliseconds: out.ms,
    minutes: out.ms / 60_000,
    workingTime: formatWorkingTime(out.ms),
    provisional: out.provisional,
    missingYears: out.missingYears,
    warnings: provisionalWarnings(out.missingYears),
  };
}
