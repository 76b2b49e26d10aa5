/** What administrators are told about the national schedule's coverage (pure). */
import { DEFAULT_ZONE } from './builtins.ts';
import { formatInZone } from './calendar.ts';

export interface ScheduleWarning {
  code: 'NATIONAL_SCHEDULE_MISSING';
  year: number;
  message: string;
}

/**
 * This year missing, or — from 1 November (local time), when the State Council publishes it —
 * next year missing: deadlines set now already reach into it.
 */
export function scheduleWarnings(years: ReadonlySet<number>, now: Date): ScheduleWarning[] {
  const [y, m] = formatInZone(now, DEFAULT_ZONE).split('-');
  const year = Number(y);
  const warnings: ScheduleWarning[] = [];
  for (const wanted of Number(m) >= 11 ? [year, year + 1] : [year]) {
    if (!years.has(wanted))
      warnings.push({
        code: 'NATIONAL_SCHEDULE_MISSING',
        year: wanted,
        message:
          `The national holiday schedule for ${wanted} is not entered: deadlines reaching into ${wanted} ` +
          'count Monday–Friday as working days and are marked provisional. Enter it under ' +
          `PUT /api/v1/sla/calendar-years/${wanted} once the State Council has published it.`,
      });
  }
  return warnings;
}
