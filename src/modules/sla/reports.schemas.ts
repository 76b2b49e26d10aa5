import { z } from 'zod';
import { TABLE_FORMATS } from '../../platform/table-file.ts';
import { TARGET_TYPES } from './domain/policy.ts';
import { EXPORT_LANGUAGES } from './domain/labels.ts';
import { GROUP_BYS, REPORT_TARGETS } from './domain/report.ts';
import { slaReasonView } from './reasons.schemas.ts';

const shown = z.string().describe('ISO 8601 in the report’s zone with its offset');
// Dates are checked by the service (a real date, the range) so that the message names the rule.
const localDate = z.string().max(10).describe('a local date in the zone, YYYY-MM-DD (both ends included)');
// The runtime's canonical IANA names (both engines know each of them): not an offset, which the
// database would read with the POSIX sign.
const ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const zone = z
  .string()
  .min(1)
  .max(64)
  .refine((v) => ZONES.has(v), 'must be an IANA time zone, e.g. Asia/Shanghai')
  .optional()
  .describe('IANA time zone of the dates and periods; the server’s (Asia/Shanghai) by default');

const filters = {
  from: localDate.optional().describe('first day (default: 29 days before `to`)'),
  to: localDate.optional().describe('last day (default: today)'),
  zone,
  orgUnitId: z.uuid().optional().describe('requests handled by this unit or a unit under it'),
  kind: z.string().min(1).max(64).optional().describe('request kind, e.g. fault'),
  desk: z.enum(['monitoring']).optional().describe('monitoring: the faults the monitoring centre handles'),
};

export const metQuery = z.strictObject({
  ...filters,
  groupBy: z
    .enum(GROUP_BYS)
    .default('orgUnit')
    .describe(
      'orgUnit (handling unit), agent (assignee), product, tier, kind, or a period: day, week (from Monday), month',
    ),
  target: z.enum(REPORT_TARGETS).optional(),
});
/** The language of a file's headers and labels; without it, Accept-Language, else zh-CN. */
const lang = z
  .enum(EXPORT_LANGUAGES)
  .optional()
  .describe("the file's language (headers, labels); default: Accept-Language, else zh-CN");
export const metExportQuery = metQuery.extend({ format: z.enum(TABLE_FORMATS).default('csv'), lang });

export const breachQuery = z.strictObject({
  ...filters,
  target: z.enum(REPORT_TARGETS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export const breachExportQuery = breachQuery
  .omit({ limit: true, cursor: true })
  .extend({ format: z.enum(TABLE_FORMATS).default('csv'), lang });

export const atRiskQuery = z.strictObject({
  zone,
  orgUnitId: filters.orgUnitId,
  kind: filters.kind,
  desk: filters.desk,
  target: z.enum(TARGET_TYPES).optional(),
  horizonMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60)
    .describe('clocks whose deadline comes within this many minutes (and those past it)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const openStatesQuery = z.strictObject({
  zone,
  orgUnitId: filters.orgUnitId,
  kind: filters.kind,
  desk: filters.desk,
});

const count = z.number().int();
const cell = z.object({
  met: count,
  missed: count,
  openOnTrack: count.describe('open within the deadline (or paused by the customer): not decided yet'),
  openBreached: count.describe('open and past the deadline: already missed'),
  decided: count.describe('the base of the percentage: met + missed + openBreached'),
  metPercent: z.number().nullable().describe('met / decided, one decimal; null without a base'),
});
const byTarget = z.array(cell.extend({ target: z.enum(REPORT_TARGETS) }));

export const metResponse = z.object({
  groupBy: z.enum(GROUP_BYS),
  from: z.string(),
  to: z.string(),
  zone: z.string(),
  asOf: shown,
  targets: z.array(z.enum(REPORT_TARGETS)),
  rows: z.array(
    z.object({
      key: z
        .string()
        .nullable()
        .describe('unit or user id, product code, tier, kind, or the period; null: none'),
      name: z.string().nullable(),
      nameEn: z.string().nullable(),
      byTarget,
      all: cell,
    }),
  ),
  total: z.object({ byTarget, all: cell }),
});

const ref = z.object({
  id: z.string(),
  name: z.string().nullable(),
  nameEn: z.string().nullable().optional(),
});
const requestSide = {
  handlingUnit: ref.nullable(),
  group: ref.nullable().describe('skill group'),
  assignee: ref.nullable(),
  owner: ref.nullable().describe('首问 owner'),
};

export const breachResponse = z.object({
  from: z.string(),
  to: z.string(),
  zone: z.string(),
  nextCursor: z.string().nullable(),
  items: z.array(
    z.object({
      requestId: z.uuid(),
      number: z.string(),
      kind: z.string(),
      requestStatus: z.string(),
      target: z.enum(REPORT_TARGETS),
      policy: z.object({ code: z.string(), duration: z.string(), calendar: z.string() }),
      start: shown,
      deadline: shown,
      metAt: shown.nullable(),
      open: z.boolean(),
      lateMinutes: z.number().int().nullable(),
      ...requestSide,
      cause: z.object({
        pausedMinutes: z.number().int(),
        statusAtDeadline: z.string().nullable(),
        breachStep: z.object({ dueAt: shown, actedAt: shown, actions: z.array(z.string()) }).nullable(),
        warnings: z.array(z.object({ percent: z.number().int(), actedAt: shown })),
        escalation: z
          .object({
            priority: z.object({ from: z.string(), to: z.string() }).optional(),
            supportLine: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
          })
          .nullable(),
        recomputed: z.array(
          z.object({
            at: shown,
            reason: z.string().describe('in English'),
            reasonCoded: slaReasonView.describe('the reason as a code and parameters'),
          }),
        ),
      }),
    }),
  ),
});

export const atRiskResponse = z.object({
  asOf: shown,
  horizonMinutes: z.number().int(),
  total: z.number().int(),
  items: z.array(
    z.object({
      requestId: z.uuid(),
      number: z.string(),
      kind: z.string(),
      requestStatus: z.string(),
      priority: z.string(),
      target: z.enum(TARGET_TYPES),
      state: z.enum(['running', 'missed']),
      deadline: shown,
      minutesLeft: z.number().int().describe('until the deadline, rounded down; negative: past it'),
      breached: z.boolean(),
      ...requestSide,
    }),
  ),
});

export const openStatesResponse = z.object({
  asOf: shown,
  total: z.number().int(),
  states: z.object({ onTrack: count, warned: count, breached: count, paused: count }),
});
