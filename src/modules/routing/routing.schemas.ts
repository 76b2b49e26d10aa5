import { z } from 'zod';
import { hasChange, NOTHING_TO_CHANGE } from '../../platform/http/patch.ts';
import { STRATEGIES } from './domain/assignment.ts';
import { ANCHORS, CUSTOMER_KINDS, PRIORITIES } from './domain/rules.ts';

const timestamp = z.iso.datetime({ offset: true });
const code = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be letters, digits, . _ - (at most 64)');
/** "One of these" (null: any); no repeats. */
const codeList = z
  .array(code)
  .min(1)
  .max(50)
  .refine((l) => new Set(l).size === l.length, 'lists a value twice')
  .nullish();
const supportLine = z.number().int().min(1).max(3);

export const ruleInput = z.strictObject({
  position: z.number().int().min(1).max(1_000_000).describe('lower first; the first matching rule wins'),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullish(),
  active: z.boolean().default(true),
  kinds: codeList,
  categories: codeList,
  productCodes: codeList,
  productCategories: codeList.describe('product families: the catalogue categories (data_circuit …)'),
  customerKinds: z
    .array(z.enum(CUSTOMER_KINDS))
    .min(1)
    .max(2)
    .refine((l) => new Set(l).size === l.length, 'lists a value twice')
    .nullish(),
  customerTiers: codeList,
  valueLevels: codeList,
  channels: codeList,
  regionUnitId: z.uuid().nullish().describe("the need's unit must be this one or under it"),
  targetAnchor: z.enum(ANCHORS),
  targetFunctionType: code.nullish().describe('nearest unit of this function type from the anchor'),
  targetUnitId: z.uuid().nullish().describe("the unit, when targetAnchor is 'fixed'"),
  skillGroupCode: code.nullish(),
  supportLine,
  priority: z.enum(PRIORITIES).nullish(),
});
export type RuleInput = z.infer<typeof ruleInput>;

export const rulePatch = ruleInput
  .partial()
  .extend({ active: z.boolean().optional(), version: z.number().int().positive().optional() })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type RulePatch = z.infer<typeof rulePatch>;

export const ruleView = z.object({
  id: z.string(),
  position: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  kinds: z.array(z.string()).nullable(),
  categories: z.array(z.string()).nullable(),
  productCodes: z.array(z.string()).nullable(),
  productCategories: z.array(z.string()).nullable(),
  customerKinds: z.array(z.enum(CUSTOMER_KINDS)).nullable(),
  customerTiers: z.array(z.string()).nullable(),
  valueLevels: z.array(z.string()).nullable(),
  channels: z.array(z.string()).nullable(),
  regionUnitId: z.string().nullable(),
  targetAnchor: z.enum(ANCHORS),
  targetFunctionType: z.string().nullable(),
  targetUnitId: z.string().nullable(),
  skillGroupCode: z.string().nullable(),
  supportLine,
  priority: z.enum(PRIORITIES).nullable(),
  version: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type RuleView = z.infer<typeof ruleView>;
export const ruleList = z.object({ items: z.array(ruleView) });

export const factsInput = z.strictObject({
  kind: code,
  category: code.nullish(),
  productCode: code.nullish(),
  customerKind: z.enum(CUSTOMER_KINDS).nullish(),
  customerTier: code.nullish(),
  valueLevel: code.nullish(),
  channel: code,
  siteUnitId: z.uuid().nullish(),
  homeUnitId: z.uuid().nullish(),
  intakeUnitId: z.uuid(),
});

const named = z.object({ id: z.string(), code: z.string(), name: z.string() });
export const previewView = z.object({
  handlingUnitId: z.string(),
  skillGroupId: z.string().nullable(),
  supportLine,
  priority: z.enum(PRIORITIES).nullable(),
  ruleId: z.string().nullable(),
  explanation: z.string(),
  handlingUnit: named.nullable(),
  skillGroup: named.nullable(),
});

export const strategyInput = z.strictObject({
  strategy: z.enum(STRATEGIES),
  capacity: z.number().int().min(1).max(10_000).nullish().describe('open items per person; null: no limit'),
  reservedSlots: z
    .number()
    .int()
    .min(0)
    .max(9_999)
    .default(0)
    .describe('of the capacity, kept for enterprise and high-value customers'),
  version: z.number().int().positive().optional(),
});
export type StrategyInput = z.infer<typeof strategyInput>;

export const strategyView = z.object({
  skillGroupId: z.string(),
  strategy: z.enum(STRATEGIES),
  capacity: z.number().int().nullable(),
  reservedSlots: z.number().int(),
  version: z.number().int(),
  updatedAt: timestamp,
});
export type StrategyView = z.infer<typeof strategyView>;
export const strategyList = z.object({ items: z.array(strategyView) });
