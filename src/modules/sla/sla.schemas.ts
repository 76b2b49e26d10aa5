import { z } from 'zod';
import { hasChange, NOTHING_TO_CHANGE } from '../../platform/http/patch.ts';
import { DAY_RULES, isTimeZone, parseClock } from './domain/calendar.ts';
import { PAUSE_CAUSES } from './domain/deadlines.ts';
import { LEVELS, LOCATION_CLASSES, POLICY_TIERS, TARGET_TYPES, type TargetType } from './domain/policy.ts';
import { slaReasonView } from './reasons.schemas.ts';

const timestamp = z.iso.datetime({ offset: true });
/** An instant with its offset or Z: `2025-09-30T18:00:00+08:00`. */
const instant = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 with an offset, e.g. 2025-09-30T18:00:00+08:00');
const localDate = z.iso.date().describe('a local date, YYYY-MM-DD');
const version = z.number().int().positive();
const calendarCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'must be lower-case letters, digits and - (2 to 64)');
const zone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai')
  .describe('IANA time zone; Asia/Shanghai by default');
const clock = z.string().refine((t) => parseClock(t) !== undefined, 'must be HH:mm from 00:00 to 24:00');
export const period = z.strictObject({ from: clock, to: clock });
const hours = z
  .array(period)
  .max(6)
  .describe(
    'working periods of each working day, in order (e.g. 08:30–12:00, 13:00–17:30); empty: the whole day',
  );
const BUILTINS = ['24x7', 'cn-workdays', 'cn-office'] as const;

export const calendarView = z.object({
  code: z.string(),
  name: z.string(),
  builtin: z.boolean(),
  description: z.string().nullable(),
  orgUnitId: z.string().nullable(),
  replaces: z.enum(BUILTINS).nullable(),
  zone: z.string(),
  days: z.enum(DAY_RULES),
  hours: z.array(z.object({ from: z.string(), to: z.string() })),
  honoursOverrides: z.boolean(),
  version: z.number().int().nullable(),
  updatedAt: timestamp.nullable(),
});
export type CalendarView = z.infer<typeof calendarView>;
export const calendarList = z.object({ items: z.array(calendarView) });

export const calendarInput = z.strictObject({
  code: calendarCode,
  name: z.string().trim().min(1).max(100),
  orgUnitId: z.uuid(),
  replaces: z
    .enum(BUILTINS)
    .nullish()
    .describe('a built-in calendar this one is used in place of, for work of its unit and below'),
  zone: zone.default('Asia/Shanghai'),
  days: z.enum(DAY_RULES).describe('national: national working days (holidays, 调休); every_day'),
  hours: hours.default([]),
});
export type CalendarInput = z.infer<typeof calendarInput>;

export const calendarPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    replaces: z.enum(BUILTINS).nullish(),
    zone: zone.optional(),
    days: z.enum(DAY_RULES).optional(),
    hours: hours.optional(),
    version: version.optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type CalendarPatch = z.infer<typeof calendarPatch>;

export const overrideView = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  date: z.string(),
  kind: z.enum(['closed', 'working']),
  reason: z.string(),
  version: z.number().int(),
  updatedAt: timestamp,
});
export type OverrideView = z.infer<typeof overrideView>;
export const overrideList = z.object({ items: z.array(overrideView) });
export const overrideQuery = z.strictObject({
  orgUnitId: z.uuid().optional(),
  from: localDate.optional(),
  to: localDate.optional(),
});
export const overrideInput = z.strictObject({
  orgUnitId: z.uuid(),
  date: localDate,
  kind: z
    .enum(['closed', 'working'])
    .describe('closed: not worked (typhoon day); working: an extra working day'),
  reason: z.string().trim().min(1).max(200),
});
export type OverrideInput = z.infer<typeof overrideInput>;
export const overridePatch = z
  .strictObject({
    kind: z.enum(['closed', 'working']).optional(),
    reason: z.string().trim().min(1).max(200).optional(),
    version: version.optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type OverridePatch = z.infer<typeof overridePatch>;

const scheduleDay = z.strictObject({ date: localDate, name: z.string().trim().min(1).max(50).nullish() });
export const yearInput = z.strictObject({
  holidays: z
    .array(scheduleDay)
    .min(1)
    .max(100)
    .describe('statutory holidays (days off), weekends within them too'),
  workdays: z
    .array(scheduleDay)
    .max(30)
    .default([])
    .describe('adjusted working days (调休): Saturdays or Sundays that are worked'),
});
export type YearInput = z.infer<typeof yearInput>;
export const yearParams = z.object({ year: z.coerce.number().int().min(1990).max(2200) });

export const warningView = z.object({ code: z.string(), year: z.number().int(), message: z.string() });
export const yearSummary = z.object({
  year: z.number().int(),
  source: z.string(),
  holidays: z.number().int(),
  workdays: z.number().int(),
  updatedAt: timestamp,
});
export const yearList = z.object({ items: z.array(yearSummary), warnings: z.array(warningView) });
export const yearView = yearSummary.extend({
  days: z.array(
    z.object({ date: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string().nullable() }),
  ),
});

const checkCommon = {
  calendar: z
    .string()
    .min(1)
    .max(64)
    .describe('a calendar code: 24x7, cn-workdays, cn-office or a unit calendar'),
  orgUnitId: z
    .uuid()
    .optional()
    .describe(
      "the unit whose overrides (and stand-in for a built-in calendar) apply; a unit calendar's own by default",
    ),
};
export const addInput = z.strictObject({
  ...checkCommon,
  from: instant,
  duration: z
    .string()
    .min(1)
    .max(16)
    .describe('3wd (working days), 2d (calendar days), 4h, 90m (working time)'),
});
export const betweenInput = z.strictObject({ ...checkCommon, from: instant, to: instant });
const checkView = {
  calendar: z.string().describe('the calendar used (a unit stand-in for a built-in one names itself)'),
  zone: z.string(),
  orgUnitId: z.string().nullable(),
  provisional: z.boolean().describe('a year the national schedule lacks was counted as Monday–Friday'),
  missingYears: z.array(z.number().int()),
  warnings: z.array(z.string()),
};
export const addView = z.object({
  ...checkView,
  from: z.string(),
  countedFrom: z.string().describe('the start, or the next working time after it'),
  duration: z.string(),
  result: z.string().describe('ISO 8601 with the zone offset'),
});
export type AddView = z.infer<typeof addView>;
export const betweenView = z.object({
  ...checkView,
  from: z.string(),
  to: z.string(),
  milliseconds: z.number().int(),
  minutes: z.number(),
  workingTime: z.string().describe('e.g. 6h30m'),
});
export type BetweenView = z.infer<typeof betweenView>;

// ---- the policy matrix ----
const token = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, 'must be a code: letters, digits, . _ - (at most 64)');
const policyTarget = z.object({
  duration: z.string(),
  calendar: z.string(),
  counting: z.literal('civil-code').optional(),
});
const policyTargets = z.object(
  Object.fromEntries(TARGET_TYPES.map((t) => [t, policyTarget.optional()])) as Record<
    TargetType,
    z.ZodOptional<typeof policyTarget>
  >,
);
const policyMatch = z.object({
  contractId: z.string().optional(),
  productCode: z.string().optional(),
  productFamily: z.string().optional(),
  tier: z.enum(POLICY_TIERS).optional(),
  kind: z.string().optional(),
  category: z.string().optional(),
  priority: z.string().optional(),
  locationClass: z.enum(LOCATION_CLASSES).optional(),
});
export const policyView = z.object({
  code: z.string(),
  name: z.string(),
  source: z.string(),
  level: z.enum(LEVELS),
  match: policyMatch,
  targets: policyTargets,
  position: z.number().int(),
  active: z.boolean(),
  version: z.number().int(),
  updatedAt: timestamp,
});
export type PolicyView = z.infer<typeof policyView>;
export const policyList = z.object({ items: z.array(policyView) });
export const policyQuery = z.strictObject({
  includeInactive: z.enum(['true', 'false']).optional().describe('true: deactivated rows too'),
});
export const policyParams = z.object({ code: z.string().min(1).max(64) });

const targetInput = z.strictObject({
  duration: z
    .string()
    .trim()
    .min(1)
    .max(16)
    .describe('3wd (working days), 15d (calendar days), 4h, 90m (working time on the calendar)'),
  calendar: z
    .string()
    .min(1)
    .max(64)
    .describe('24x7, cn-workdays, cn-office or a unit calendar’s code; it must exist'),
  counting: z
    .literal('civil-code')
    .optional()
    .describe('days only: counted as the Civil Code says (from the next day, to 24:00 of a working day)'),
});
const targetsInput = z
  .strictObject(
    Object.fromEntries(TARGET_TYPES.map((t) => [t, targetInput.optional()])) as Record<
      TargetType,
      z.ZodOptional<typeof targetInput>
    >,
  )
  .refine((t) => Object.values(t).some((v) => v !== undefined), {
    message: 'set at least one target (response, feedback, arrival, restoration, resolution, progress)',
  })
  .describe('per target type: its duration and calendar; a type left out is left to less specific rows');
const matchInput = z
  .strictObject({
    contractId: token.optional().describe('a contract: the most specific level'),
    productCode: token.optional().describe('an active product of the catalogue (app.logistics_et)'),
    productFamily: token.optional().describe('a product category (industry_app)'),
    tier: z.enum(POLICY_TIERS).optional(),
    kind: token
      .optional()
      .describe("a service-request kind (fault, complaint …): checked against service requests' catalogue"),
    category: token.optional().describe('an active request category (of the kind, if one is set)'),
    priority: token
      .optional()
      .describe("a service-request priority: checked against service requests' catalogue"),
    locationClass: z.enum(LOCATION_CLASSES).optional(),
  })
  .describe('what the row applies to; an absent field matches anything');
export const policyInput = z.strictObject({
  code: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}$/, 'must be letters, digits, . _ - (2 to 64)')
    .describe('stable code, e.g. contract.C-001 or product.dedicated-line'),
  name: z.string().trim().min(1).max(100),
  source: z.string().trim().min(1).max(300).describe('where the figures come from: a contract, a regulation'),
  position: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .describe('listed order (breaks a tie between equally specific rows); after the last by default'),
  match: matchInput,
  targets: targetsInput,
});
export type PolicyInput = z.infer<typeof policyInput>;
export const policyPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    source: z.string().trim().min(1).max(300).optional(),
    position: z.number().int().min(0).max(1_000_000).optional(),
    match: matchInput.optional().describe('replaces the whole match (an absent field matches anything)'),
    targets: targetsInput.optional().describe('replaces every target'),
    active: z.boolean().optional().describe('false: deactivated (no longer applies); true: applies again'),
    version: version.optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type PolicyPatch = z.infer<typeof policyPatch>;

export const policyCheckInput = z.strictObject({
  kind: token.describe('request kind: fault, complaint, business_order …'),
  tier: z.enum(POLICY_TIERS).describe('customer tier; public for consumers'),
  productCode: token.optional(),
  productFamily: token.optional().describe("the product's category (industry_app …)"),
  category: token.optional().describe('request category (suspend_resume …)'),
  priority: token.optional(),
  locationClass: z.enum(LOCATION_CLASSES).optional(),
  contractId: token.optional(),
  from: instant.describe('when the clock starts (the report, or the payment for a restoration)'),
  orgUnitId: z.uuid().optional().describe("the handling unit: its calendars' stand-ins and overrides apply"),
  pauses: z
    .array(
      z.strictObject({
        from: instant,
        to: instant.optional().describe('absent while still suspended'),
        cause: z.enum(PAUSE_CAUSES).describe('customer (客户原因挂起) pauses the clock; operator does not'),
      }),
    )
    .max(100)
    .optional(),
});
export const policyCheckView = z.object({
  facts: z.record(z.string(), z.string()),
  from: z.string(),
  rows: z.array(z.object({ code: z.string(), level: z.enum(LEVELS), narrowness: z.number().int() })),
  explanation: z.array(z.string()).describe('in English, one sentence per reason'),
  reasons: z.array(slaReasonView).describe('the explanation as codes and parameters, in the same order'),
  deadlines: z.array(
    z.object({
      type: z.enum(TARGET_TYPES),
      row: z.string(),
      duration: z.string(),
      calendar: z.string(),
      counting: z.literal('civil-code').nullable(),
      at: z.string().nullable().describe('absent (null) while a customer-caused pause is open'),
      unpausedAt: z.string(),
      pausedMinutes: z.number().nullable(),
      pauses: z.array(z.object({ from: z.string(), to: z.string().nullable() })),
      provisional: z.boolean(),
    }),
  ),
  provisional: z.boolean(),
  missingYears: z.array(z.number().int()),
});

/** A request's SLA clocks as `GET /service-requests/{id}/sla` shows them. */
const shown = z.string().describe('ISO 8601 in the calendar zone, e.g. 2025-10-09T10:00:00+08:00');
export const requestSlaResponse = z.object({
  requestId: z.uuid(),
  facts: z.object({
    kind: z.string(),
    tier: z.enum(POLICY_TIERS).nullable(),
    productCode: z.string().nullable(),
    productFamily: z.string().nullable(),
    category: z.string().nullable(),
    priority: z.string().nullable(),
    locationClass: z.enum(LOCATION_CLASSES).nullable(),
    contractId: z.string().nullable(),
    orgUnitId: z.string().nullable(),
  }),
  open: z.boolean(),
  explanation: z.array(z.string()).describe('in English, one sentence per reason'),
  reasons: z.array(slaReasonView).describe('the explanation as codes and parameters, in the same order'),
  clocks: z.array(
    z.object({
      target: z.enum(TARGET_TYPES),
      name: z.string(),
      policy: z.object({
        code: z.string(),
        name: z.string().nullable(),
        source: z.string().nullable(),
        level: z.enum(LEVELS).nullable(),
      }),
      why: z.string().describe('in English'),
      whyCoded: slaReasonView.describe('why, as a code and parameters'),
      calendar: z.string(),
      calendarUsed: z.string(),
      duration: z.string(),
      counting: z.enum(['civil-code']).nullable(),
      period: z.number().int(),
      start: shown,
      pauses: z.array(z.object({ from: shown, to: shown.nullable() })),
      pausedMinutes: z.number().int(),
      deadline: shown.nullable(),
      unpausedDeadline: shown,
      state: z.enum(['running', 'paused', 'met', 'missed', 'stopped']),
      metAt: shown.nullable(),
      provisional: z.boolean(),
      steps: z.array(
        z.object({
          percent: z.number().int(),
          kind: z.enum(['warning', 'breach']),
          at: shown.nullable(),
          actedAt: shown.nullable(),
          skipped: z.boolean(),
        }),
      ),
      nextStepAt: shown.nullable(),
      recomputeReason: z.string().nullable().describe('in English'),
      recomputeReasonCoded: slaReasonView
        .nullable()
        .describe('the recompute reason as a code and parameters'),
    }),
  ),
  changes: z.array(
    z.object({
      target: z.enum(TARGET_TYPES),
      at: shown,
      reason: z.string().describe('in English'),
      reasonCoded: slaReasonView.describe('the reason as a code and parameters'),
      policyFrom: z.string().nullable(),
      policyTo: z.string().nullable(),
      deadlineFrom: shown.nullable(),
      deadlineTo: shown.nullable(),
    }),
  ),
});
