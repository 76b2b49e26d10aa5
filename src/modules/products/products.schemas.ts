import { z } from 'zod';
import { hasChange, NOTHING_TO_CHANGE } from '../../platform/http/patch.ts';
import { PRODUCT_CATEGORIES, RESOURCE_KINDS, SEGMENTS } from './domain/catalogue.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();

export const productInput = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_.-]{1,63}$/, 'must be lowercase letters, digits, . _ -'),
  name: text(100),
  nameEn: text(100),
  category: z.enum(PRODUCT_CATEGORIES),
  segment: z.enum(SEGMENTS),
  resourceKind: z.enum(RESOURCE_KINDS),
  description: optionalText(2000),
  active: z.boolean().default(true),
  sortOrder: z.number().int().min(0).max(1_000_000).default(1000),
});
export type ProductInput = z.infer<typeof productInput>;

// .partial() keeps .default(): without the overrides a PATCH of the name reactivated the product
// and reset its sort order.
export const productPatch = productInput
  .omit({ code: true })
  .partial()
  .extend({
    active: z.boolean().optional(),
    sortOrder: z.number().int().min(0).max(1_000_000).optional(),
    version: z.number().int().positive().optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type ProductPatch = z.infer<typeof productPatch>;

// ---- Responses ----

export const productView = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  category: z.string(),
  segment: z.enum(SEGMENTS),
  resourceKind: z.enum(RESOURCE_KINDS),
  description: z.string().nullable(),
  active: z.boolean(),
  sortOrder: z.number(),
  version: z.number(),
});
export type ProductView = z.infer<typeof productView>;
