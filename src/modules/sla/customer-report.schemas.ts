/** Shapes of the customers' side of the SLA: the portal's promised times and the customer report. */
import { z } from 'zod';
import { TABLE_FORMATS } from '../../platform/table-file.ts';
import { COMMITMENT_STATUSES, LIMIT_UNITS } from './domain/commitments.ts';
import { EXPORT_LANGUAGES } from './domain/labels.ts';
import { LEVELS, TARGET_TYPES } from './domain/policy.ts';

const timestamp = z.iso.datetime({ offset: true });
const localDate = z.iso.date().describe('a local date (China time), YYYY-MM-DD');

const limit = z
  .object({ amount: z.number().int(), unit: z.enum(LIMIT_UNITS) })
  .nullable()
  .describe('the limit in plain words: 1 working day, 48 hours (round the clock), 4 working hours …');

/** One promised time of a request as the customer sees it: no policy row, calendar code or staff. */
export const requestCommitment = z.object({
  target: z.enum(TARGET_TYPES),
  limit,
  from: timestamp,
  promisedBy: timestamp
    .nullable()
    .describe('the promised time; null while paused at the customer’s request (客户原因挂起)'),
  status: z
    .enum(COMMITMENT_STATUSES)
    .describe(
      'met; missed (done late, or past the promised time and not done yet); running; paused (at the customer’s request); ended (the request closed before this step was needed)',
    ),
  doneAt: timestamp.nullable(),
  pausedMinutes: z.number().int(),
  provisional: z.boolean().describe('the holiday schedule of a year it reaches is not published yet'),
});

export const reportQuery = z.strictObject({
  from: localDate,
  to: localDate.describe('the last day of the period (inclusive); at most 366 days after from'),
});
export const reportExportQuery = reportQuery.extend({
  format: z.enum(TABLE_FORMATS).default('xlsx'),
  lang: z
    .enum(EXPORT_LANGUAGES)
    .optional()
    .describe('the language of the headers and words; default: Accept-Language, else zh-CN'),
});
export const reportParams = z.object({ customerId: z.uuid() });

const tally = {
  total: z.number().int(),
  met: z.number().int(),
  missed: z.number().int(),
  open: z.number().int().describe('running or paused: not decided yet'),
  ended: z.number().int().describe('the request closed before this step was needed'),
  metPercent: z.number().nullable().describe('met / (met + missed), one decimal; null when none decided'),
};
const row = {
  code: z.string(),
  name: z.string().nullable(),
  source: z.string().nullable(),
  level: z.enum(LEVELS).nullable(),
  contractId: z.string().nullable(),
};

export const customerSlaReportView = z.object({
  customer: z.object({
    id: z.uuid(),
    customerNo: z.string(),
    name: z.string(),
    tier: z.string().nullable(),
    accountManager: z.object({ id: z.string(), name: z.string() }).nullable(),
  }),
  period: z.object({ from: localDate, to: localDate, zone: z.string() }),
  generatedAt: timestamp,
  requests: z.number().int().describe('requests received in the period'),
  overall: z.object(tally),
  targets: z.array(
    z.object({
      target: z.enum(TARGET_TYPES),
      ...tally,
      rows: z
        .array(z.object({ ...row, duration: z.string(), limit, clocks: z.number().int() }))
        .describe('the policy rows that applied to this target, most used first'),
    }),
  ),
  branches: z
    .array(
      z.object({
        branchId: z.string().nullable().describe('null: the head office (no branch covers the site)'),
        name: z.string().nullable(),
        orgUnitName: z.string().nullable(),
        requests: z.number().int(),
        ...tally,
      }),
    )
    .describe('per branch (分支机构) when the customer has any; empty otherwise'),
  contracts: z
    .array(
      z.object({
        contractId: z.string(),
        requests: z.number().int(),
        rows: z.array(
          z.object({
            code: z.string(),
            name: z.string(),
            source: z.string(),
            active: z.boolean(),
            targets: z.array(
              z.object({ target: z.enum(TARGET_TYPES), duration: z.string(), calendar: z.string(), limit }),
            ),
          }),
        ),
      }),
    )
    .describe("the signed SLA's rows that the period's requests name or that applied; empty when none did"),
  missedTotal: z.number().int(),
  missed: z
    .array(
      z.object({
        requestId: z.uuid(),
        number: z.string(),
        kind: z.string(),
        receivedAt: timestamp,
        branch: z.string().nullable(),
        target: z.enum(TARGET_TYPES),
        limit,
        deadline: timestamp.nullable(),
        doneAt: timestamp.nullable(),
        lateMinutes: z
          .number()
          .int()
          .nullable()
          .describe('until done, or until now while still open; null: closed without it'),
        open: z.boolean(),
        policy: z.object(row),
      }),
    )
    .describe('the missed commitments, earliest promised time first (at most 500: the download has all)'),
});
