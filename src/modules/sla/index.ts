// The SLA module's public face: other modules import only from here. Business calendars, the
// policy matrix, clocks per request, the scheduler of warnings and breaches, recompute jobs.
import { defineModule, type ModuleRuntime } from '../../platform/module.ts';
import { ensureNationalSchedule } from './calendar.service.ts';
import { configureSla } from './clocks.service.ts';
import { customerReportRoutes } from './customer-report.routes.ts';
import type { SlaCustomerPort } from './customer-report.service.ts';
import { defineRecomputeQueue, workRecompute } from './recompute-job.ts';
import { SLA_EVENT_TYPES, SlaScheduler, type SlaRequestPort } from './scheduler.ts';
import { registerSlaCommands } from './sla.cli.ts';
import { seedDemoPolicies } from './sla.demo.ts';
import { slaMigrations } from './sla.migrations.ts';
import { policyRoutes } from './policy.routes.ts';
import type { SlaReportPort } from './report-port.ts';
import { reportRoutes } from './reports.routes.ts';
import { slaRoutes } from './sla.routes.ts';
import type { SlaTables } from './sla.tables.ts';

/**
 * Service commitments: business calendars on Chinese statutory holidays and 调休, the policy
 * matrix, clocks per request and their warnings and breaches. `port`: service requests' side of a
 * step (timeline, priority, support line) and the kinds, priorities and categories a policy row
 * may name, and which requests are a customer's (its SLA report), wired by the registry (service
 * requests import this module, never the other way). `reports`: the requests a caller may see, for
 * the reports (service requests' data scope).
 */
export const slaModule = (port: SlaRequestPort & SlaCustomerPort, reports: SlaReportPort) =>
  defineModule<SlaTables>({
    name: 'sla',
    migrations: slaMigrations,
    routes: [
      { plugin: slaRoutes },
      { plugin: (ctx) => policyRoutes(ctx, port) },
      { plugin: (ctx) => customerReportRoutes(ctx, port) },
      { plugin: (ctx) => reportRoutes(ctx, reports) },
    ],
    cli: registerSlaCommands,
    demo: seedDemoPolicies,
    eventTypes: [...SLA_EVENT_TYPES],
    async prepare(ctx) {
      configureSla({ warnAt: ctx.config.slaWarnAt });
      const years = await ensureNationalSchedule(ctx.db, ctx.clock.now());
      if (years.length)
        ctx.logger.info(
          { years: [years[0], years.at(-1)] },
          `national holiday schedule imported for ${years.length} year(s)`,
        );
      // Policy changes are announced on this queue by any node (policy.routes.ts)…
      await defineRecomputeQueue(ctx.jobs);
    },
    async start(ctx) {
      // …and API-only nodes (ONEPOINT_JOBS=off) run no scheduler and no recompute worker.
      if (!ctx.supervise) return;
      await workRecompute({ db: ctx.db, jobs: ctx.jobs, clock: ctx.clock, logger: ctx.logger });
      const scheduler = new SlaScheduler({
        db: ctx.db,
        clock: ctx.clock,
        logger: ctx.logger.child({ component: 'sla-scheduler' }),
        port,
      });
      scheduler.start();
      const runtime: ModuleRuntime = { stop: () => scheduler.stop() };
      return runtime;
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
      'sla.customer_report.read': {
        description:
          "See an enterprise customer's SLA report (met/missed per target, the missed ones, the contract's rows) for customers in scope, and download it",
        // The account manager (客户经理) takes it to the customer; supervisors answer for it.
        roles: ['account_manager', 'supervisor'],
      },
      'sla.policy.manage': {
        description:
          'Change the SLA policy matrix: add rows, change their match and targets, deactivate and reactivate them',
        roles: ['system_admin'],
      },
      'sla.report.read': {
        description:
          'See SLA reports in scope (% met per target and group, breaches with their cause), the clocks about to breach and open requests by SLA state',
        roles: ['supervisor', 'monitor'],
      },
    },
  });

export {
  configureSla,
  expectedResolutionOf,
  invalidateSlaCache,
  planClocks,
  recomputeRequestClocks,
  requestSla,
  slaOnRequestChange,
  withSlaClocks,
  type ClockPlan,
  type RecomputeResult,
  type ReopenedClock,
  type RequestSlaChange,
  type SlaChangeOutcome,
  type RequestSlaView,
  type SlaFactsChange,
  type SlaRequestFacts,
} from './clocks.service.ts';
export {
  SLA_EVENT_TYPES,
  SlaScheduler,
  type DueStep,
  type SchedulerOptions,
  type SlaRequestPort,
  type StepOutcome,
} from './scheduler.ts';
export { requestSlaResponse } from './sla.schemas.ts';
// Queues' countdowns: the nearest open deadline of each request on a list page (one statement).
export {
  nearestClocks,
  queueClockOut,
  queueClockView,
  QUEUE_CLOCK_STATES,
  type QueueClock,
  type QueueClockView,
} from './queue-clocks.ts';
// The customers' side: the portal's promised times (service requests serve them) and the report's port.
export {
  requestCommitments,
  type CustomerRequestRef,
  type RequestCommitment,
  type SlaCustomerPort,
} from './customer-report.service.ts';
export { requestCommitment } from './customer-report.schemas.ts';
export {
  breachKey,
  type BreachContext,
  type BreachRef,
  type ReportRequestFilter,
  type ReportRequestRow,
  type SlaReportPort,
} from './report-port.ts';
export {
  recomputeEveryOpenRequest,
  recomputeForPolicies,
  type PolicyRecomputeOptions,
  type PolicyRecomputeResult,
} from './policy-recompute.ts';
export { RECOMPUTE_QUEUE, defineRecomputeQueue, type RecomputeJob } from './recompute-job.ts';
export {
  CLOCK_STATES,
  MILESTONES,
  raisedPriority,
  REOPENED_TARGETS,
  STEP_ACTIONS,
  type ClockState,
  type Milestone,
  type StepAction,
} from './domain/clocks.ts';
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
// Recompute reasons are stored as English text that the API reads back into codes: write them with this.
export { parseRecomputeReason, reasonText, SLA_REASON_CODES, type SlaReason } from './domain/reasons.ts';
export {
  computeDeadlines,
  deadlineOf,
  fractionTimes,
  type Deadline,
  type PauseInterval,
} from './domain/deadlines.ts';
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
