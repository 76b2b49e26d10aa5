/** The SLA's reasons as the API gives them beside their English sentences (domain/reasons.ts). */
import { z } from 'zod';
import { LEVELS, TARGET_TYPES } from './domain/policy.ts';
import { POLICY_CHANGES } from './domain/reasons.ts';

const none = z.object({});
const fromTo = z.object({ from: z.string().nullable(), to: z.string().nullable() });
const matchView = z
  .object({
    contractId: z.string(),
    productCode: z.string(),
    productFamily: z.string(),
    tier: z.string(),
    kind: z.string(),
    category: z.string(),
    priority: z.string(),
    locationClass: z.string(),
  })
  .partial()
  .describe("the row's match (absent fields match anything)");

export const slaReasonView = z
  .discriminatedUnion('code', [
    z.object({
      code: z.literal('rows_matching'),
      params: z.object({
        rows: z.array(z.object({ row: z.string(), level: z.enum(LEVELS), match: matchView })),
      }),
    }),
    z.object({ code: z.literal('no_row_matches'), params: none }),
    z.object({
      code: z.literal('target_row'),
      params: z.object({
        target: z.enum(TARGET_TYPES),
        duration: z.string(),
        calendar: z.string(),
        counting: z.literal('civil-code').nullable(),
        row: z.string(),
        level: z.enum(LEVELS),
        tiedWith: z.string().nullable().describe('a row as specific; the one listed first wins'),
        overrides: z.array(z.object({ row: z.string(), duration: z.string() })),
      }),
    }),
    z.object({ code: z.literal('row_inactive'), params: z.object({ row: z.string() }) }),
    z.object({ code: z.literal('tier_changed'), params: fromTo }),
    z.object({ code: z.literal('location_class_changed'), params: fromTo }),
    z.object({
      code: z.literal('contract_changed'),
      params: z.object({ contractNo: z.string(), contractId: z.string().nullable() }),
    }),
    z.object({ code: z.literal('reopened'), params: none }),
    z.object({ code: z.literal('reopened_recomputed'), params: none }),
    z.object({
      code: z.literal('policy_changed'),
      params: z.object({
        row: z.string(),
        change: z.enum(POLICY_CHANGES),
        version: z.number().int().nullable(),
        policies: z.array(z.string()).describe('the rows the recompute looked at'),
      }),
    }),
    z.object({
      code: z.literal('text'),
      params: z.object({ text: z.string(), policies: z.array(z.string()) }),
    }),
  ])
  .describe('a reason as a stable code and its parameters, for words in the reader’s language');
