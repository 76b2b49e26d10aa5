// The SLA module's public face: other modules import only from here. So far the business
// calendars (issue 12's calendar half) and the policy matrix; clocks and timers come next.
import { defineModule } from '../../platform/module.ts';
import { ensureNationalSchedule } from './calendar.service.ts';
import { registerSlaCommands } from './sla.cli.ts';
import { slaMigrations } from './sla.migrations.ts';
import { slaRoutes } from './sla.routes.ts';
import type { SlaTables } from './sla.tables.ts';

/** Service commitments: business calendars on Chinese statutory holidays and 调休. */
export const sla = defineModule<SlaTables>({
  name: 'sla',
  migrations: slaMigrations,
  routes: [{ plugin: slaRoutes }],
  cli: registerSlaCommands,
  async start(ctx) {
    const years = await ensureNationalSchedule(ctx.db, ctx.clock.now());
    if (years.length)
      ctx.logger.info(
        { years: [years[0], years.at(-1)] },
        `national holiday schedule imported for ${years.length} year(s)`,
      );
  },
  permissions: {
    'sla.calendar.read': {
      description:
        'See business calendars, overrides, the national holiday schedule and the SLA policy matrix; run the calendar and policy checks',
      roles: ['supervisor', 'dispatcher', 'monitor', 'account_manager'],
    },
    'sla.calendar.manage': {
      description:
        "Define org units' calendars and overrides (closures, extra working days) and enter a year's national holiday schedule",
      roles: ['system_admin'],
    },
  },
});

export {
  checkAdd,
  checkBetween,
  loadSchedule,
  resolveCalendar,
  type ResolvedCalendar,
} from './calendar.service.ts';
export { listPolicies, policyCheck, type PolicyCheckInput } from './policy.service.ts';
export {
  LOCATION_CLASSES,
  POLICY_TIERS,
  resolvePolicy,
  TARGET_TYPES,
  type LocationClass,
  type PolicyFacts,
  type PolicyRow,
  type PolicyTier,
  type Resolution,
  type TargetType,
} from './domain/policy.ts';
export { DEFAULT_POLICIES } from './domain/matrix.ts';
export { computeDeadlines, deadlineOf, type Deadline, type PauseInterval } from './domain/deadlines.ts';
export { scheduleWarnings, type ScheduleWarning } from './domain/schedule.ts';
export { BUILTIN_CALENDARS, DEFAULT_ZONE } from './domain/builtins.ts';
export {
  formatInZone,
  parseDuration,
  WorkCalendar,
  type CalendarSpec,
  type Duration,
  type NationalSchedule,
} from './domain/calendar.ts';
