/**
 * `onepoint calendar add|between`: the calendar check on the command line, on the database the
 * command line opens (the embedded data directory is locked for the command like any other: a
 * running server holding it makes the command refuse with exit 2).
 */
import type { Command } from 'commander';
import { CliError, moduleCli, type ModuleCliDeps } from '../../platform/module-cli.ts';
import { orgUnits } from '../identity/index.ts';
import { checkAdd, checkBetween, resolveCalendar } from './calendar.service.ts';
import { builtinCalendar } from './domain/builtins.ts';
import { parseDuration, parseLocal } from './domain/calendar.ts';
import type { Executor, SlaTables } from './sla.tables.ts';

const OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant with an offset, or a local date-time read in the calendar's zone. */
function parseInstant(text: string, zone: string, what: string): Date {
  const t = OFFSET.test(text) ? new Date(text) : parseLocal(text, zone);
  if (!t || Number.isNaN(t.getTime()))
    throw new CliError(
      `${what} "${text}" is not an ISO 8601 instant (2025-09-30T18:00:00+08:00, or 2025-09-30T18:00 in the calendar's zone)`,
      2,
    );
  return t;
}

/** `--unit` as a unit code (CT.ZJ) or id. */
async function unitId(db: Executor, unit: string | undefined): Promise<string | undefined> {
  if (!unit) return undefined;
  if (/^[0-9a-f-]{36}$/i.test(unit)) return unit;
  const [found] = await orgUnits(db, { codes: [unit] });
  if (!found) throw new CliError(`no org unit with code ${unit}`, 1);
  return found.id;
}

async function zoneOf(db: Executor, calendar: string, unit: string | undefined): Promise<string> {
  const b = builtinCalendar(calendar);
  if (b && !unit) return b.zone;
  const r = await resolveCalendar(db, calendar, unit);
  if (!r) throw new CliError(`no calendar ${calendar} (onepoint lists them at GET /api/v1/sla/calendars)`, 1);
  return r.calendar.spec.zone;
}

export function registerSlaCommands(program: Command, deps: ModuleCliDeps<SlaTables>): Command {
  const { out, err, withPlatform } = moduleCli(deps);
  const calendar = program
    .command('calendar')
    .description('Business calendars: check a deadline before publishing a policy');

  const warn = (warnings: string[]) => {
    for (const w of warnings) {
      err(`warning: ${w}\n`);
      out(`provisional: ${w}\n`);
    }
  };

  calendar
    .command('add')
    .description(
      'The instant a duration after a start ends on a calendar; the last line is that instant (ISO 8601 with offset)',
    )
    .argument('<calendar>', '24x7, cn-workdays, cn-office or a unit calendar')
    .argument('<instant>', '2025-09-30T18:00:00+08:00 (without an offset: in the calendar’s zone)')
    .argument('<duration>', '3wd (working days), 2d (calendar days), 4h or 90m (working time)')
    .option(
      '--unit <code>',
      'an org unit (code or id): its overrides and its stand-in for a built-in calendar',
    )
    .action(async (code: string, instant: string, duration: string, opts: { unit?: string }) => {
      const d = parseDuration(duration);
      if ('error' in d) throw new CliError(`duration "${duration}" ${d.error}`, 2);
      await withPlatform('calendar add', async (p) => {
        const db = p.context.db;
        const unit = await unitId(db, opts.unit);
        const from = parseInstant(instant, await zoneOf(db, code, unit), 'instant');
        const r = await checkAdd(db, { calendar: code, orgUnitId: unit, from, duration });
        out(`calendar: ${r.calendar} (${r.zone})${r.orgUnitId ? `, org unit ${r.orgUnitId}` : ''}\n`);
        out(`from: ${r.from}\n`);
        if (r.countedFrom !== r.from) out(`counted from: ${r.countedFrom} (the next working time)\n`);
        warn(r.warnings);
        out(`${r.result}\n`);
      });
    });

  calendar
    .command('between')
    .description(
      'The working time between two instants on a calendar; the last line is that time (e.g. 6h30m)',
    )
    .argument('<calendar>', '24x7, cn-workdays, cn-office or a unit calendar')
    .argument('<from>', 'ISO 8601 instant')
    .argument('<to>', 'ISO 8601 instant')
    .option(
      '--unit <code>',
      'an org unit (code or id): its overrides and its stand-in for a built-in calendar',
    )
    .action(async (code: string, a: string, b: string, opts: { unit?: string }) => {
      await withPlatform('calendar between', async (p) => {
        const db = p.context.db;
        const unit = await unitId(db, opts.unit);
        const zone = await zoneOf(db, code, unit);
        const r = await checkBetween(db, {
          calendar: code,
          orgUnitId: unit,
          from: parseInstant(a, zone, 'from'),
          to: parseInstant(b, zone, 'to'),
        });
        out(`calendar: ${r.calendar} (${r.zone})${r.orgUnitId ? `, org unit ${r.orgUnitId}` : ''}\n`);
        out(`from: ${r.from}\nto: ${r.to}\nminutes: ${r.minutes}\n`);
        warn(r.warnings);
        out(`${r.workingTime}\n`);
      });
    });
  return calendar;
}
