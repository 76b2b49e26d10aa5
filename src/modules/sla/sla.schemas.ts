import { z } from 'zod';
import { hasChange, NOTHING_TO_CHANGE } from '../../platform/http/patch.ts';
import { DAY_RULES, isTimeZone, parseClock } from './domain/calendar.ts';
import { PAUSE_CAUSES } from './domain/deadlines.ts';
import { LEVELS, LOCATION_CLASSES, POLICY_TIERS, TARGET_TYPES, type TargetType } from './domain/policy.ts';

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
  version: z.number().int(),
  updatedAt: timestamp,
});
export const policyList = z.object({ items: z.array(policyView) });

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
  explanation: z.array(z.string()),
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
