import { z } from 'zod';
import { hasChange, NOTHING_TO_CHANGE } from '../../platform/http/patch.ts';
import {
  ACCESS_TYPES,
  CHANNELS,
  CONTACT_ROLES,
  CUSTOMER_STATUSES,
  DEVICE_TYPES,
  ID_TYPES,
  INSTANCE_STATUSES,
  LOCATION_CLASSES,
  TIERS,
  VALUE_LEVELS,
} from './domain/catalogue.ts';
import { IMPORT_PROBLEM_CODES, issueParams, type ImportProblemCode } from './customers.import-problems.ts';
import { branchesAllowed, tierProblem } from './domain/customer-rules.ts';
import { creditCodeIssue, emailProblem, normaliseEmail, parsePhone, residentIdIssue } from './domain/pii.ts';
import { normaliseCode } from './domain/search.ts';

// Validation with the field named and the value never echoed (it may be personal information).

export const phoneInput = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const p = parsePhone(v);
    if ('problem' in p) {
      ctx.addIssue({ code: 'custom', message: p.problem, params: issueParams(p.code) });
      return z.NEVER;
    }
    return p.value;
  });

// What a client read is masked (z***@example.com, 江苏省南京市玄武区****): sent back, it would
// replace the real value with the mask. Refused, naming the field.
const MASKED = /\*{3}/;
const MASKED_MESSAGE = 'is a masked value: send the full value, or leave the field out to keep it';

export const emailInput = z
  .string()
  .max(254)
  .transform((v, ctx) => {
    const masked = MASKED.test(v);
    const problem = masked ? MASKED_MESSAGE : emailProblem(v);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: problem,
        params: issueParams(masked ? 'MASKED_VALUE' : 'EMAIL_INVALID'),
      });
      return z.NEVER;
    }
    return normaliseEmail(v);
  });

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish();
const addressText = z
  .string()
  .trim()
  .max(300)
  .refine((v) => !MASKED.test(v), { message: MASKED_MESSAGE, params: issueParams('MASKED_VALUE') })
  .nullish();
const code = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .transform((v) => normaliseCode(v));

const creditCode = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const problem = creditCodeIssue(v);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem.message, params: issueParams(problem.code) });
      return z.NEVER;
    }
    return v.toUpperCase();
  });

const consents = z.strictObject({
  marketing: z.boolean().optional(),
  satisfactionSurvey: z.boolean().optional(),
  sms: z.boolean().optional(),
  thirdPartySharing: z.boolean().optional(),
});

const tags = z.array(z.string().trim().min(1).max(32)).max(30);

const quietHours = z
  .strictObject({
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
    end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
  })
  .nullish();

export const contactInput = z.strictObject({
  name: text(100),
  role: z.enum(CONTACT_ROLES).default('other'),
  title: optionalText(100),
  mobile: phoneInput.nullish(),
  officePhone: phoneInput.nullish(),
  email: emailInput.nullish(),
  preferredChannel: z.enum(CHANNELS).default('phone'),
  quietHours,
  isPrimary: z.boolean().default(false),
});
export type ContactInput = z.infer<typeof contactInput>;

export const contactPatch = z
  .strictObject({
    name: text(100).optional(),
    role: z.enum(CONTACT_ROLES).optional(),
    title: optionalText(100),
    mobile: phoneInput.nullish(),
    officePhone: phoneInput.nullish(),
    email: emailInput.nullish(),
    preferredChannel: z.enum(CHANNELS).optional(),
    quietHours,
    isPrimary: z.boolean().optional(),
    version: z.number().int().positive().optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type ContactPatch = z.infer<typeof contactPatch>;

/** The columns are numeric(…, 2): a third decimal would be rounded away silently. */
const hundredths = z
  .number()
  .min(0)
  // The sign is min(0)'s to refuse: one problem per value, not two.
  .refine((v) => /^-?\d+(\.\d{1,2})?$/.test(String(v)), {
    message: 'at most 2 decimal places',
    params: { ...issueParams('TOO_MANY_DECIMALS'), max: 2 },
  });

const instanceFields = {
  accountNo: code(64),
  status: z.enum(INSTANCE_STATUSES).default('active'),
  orgUnitId: z.uuid().nullish(),
  serviceAddress: addressText,
  accessType: z.enum(ACCESS_TYPES).nullish(),
  exchange: optionalText(100),
  deviceType: z.enum(DEVICE_TYPES).nullish(),
  deviceId: code(100).nullish(),
  devicePort: z.string().trim().min(1).max(50).nullish(),
  routeLengthKm: hundredths.max(9999).nullish(),
  switchOccupancy: hundredths.max(100).nullish(),
  stbId: code(64).nullish(),
  circuitId: code(100).nullish(),
  bandwidthMbps: z.number().int().positive().max(10_000_000).nullish(),
  aEnd: optionalText(200),
  zEnd: optionalText(200),
  attributes: z
    .record(z.string().min(1).max(64), z.union([z.string().max(500), z.number(), z.boolean()]))
    .refine((a) => Object.keys(a).length <= 50, 'at most 50 attributes')
    .optional(),
  startedOn: z.iso.date().nullish(),
  endedOn: z.iso.date().nullish(),
  /** 城市 / 县城 / 农村: which repair time limit applies to the site (SLA). */
  locationClass: z
    .enum(LOCATION_CLASSES)
    .nullish()
    .describe("where the site is: urban 城市, county 县城, rural 农村 (the SLA's 48 h vs 72 h repair)"),
};

export const instanceInput = z
  .strictObject({ productCode: z.string().min(1).max(64), ...instanceFields })
  .superRefine((v, ctx) => {
    if (v.devicePort && !v.deviceId)
      ctx.addIssue({
        code: 'custom',
        path: ['devicePort'],
        message: 'needs deviceId (the device the port is on)',
        params: issueParams('DEVICE_PORT_NEEDS_DEVICE'),
      });
  });
export type InstanceInput = z.infer<typeof instanceInput>;

export const instancePatch = z
  .strictObject({
    ...Object.fromEntries(Object.entries(instanceFields).map(([k, v]) => [k, v.optional()])),
    // Not the create default: a PATCH without status must keep the instance's status (it used to
    // reactivate a terminated service whenever another field changed).
    status: z.enum(INSTANCE_STATUSES).optional(),
    // 拆机 says why (kept in the audit entry, shown in the customer's history); nothing else uses it.
    reason: text(500).optional(),
    version: z.number().int().positive().optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE)
  .superRefine((v, ctx) => {
    if (v.status === 'terminated' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'terminating a service needs a reason' });
    if (v.reason && !v.status)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a reason goes with a status change' });
  }) as unknown as z.ZodType<InstancePatch>;
export type InstancePatch = Partial<Omit<InstanceInput, 'productCode'>> & {
  version?: number;
  reason?: string;
};

const branchInput = z.strictObject({
  orgUnitId: z.uuid(),
  name: text(200),
  address: addressText,
});

const customerFields = {
  name: text(200),
  tier: z.enum(TIERS).nullish(),
  orgUnitId: z.uuid(),
  accountManagerId: z.uuid().nullish(),
  status: z.enum(CUSTOMER_STATUSES).exclude(['erased']).optional(),
  phone: phoneInput.nullish(),
  email: emailInput.nullish(),
  address: addressText,
  idType: z.enum(ID_TYPES).nullish(),
  idNumber: z.string().trim().max(32).nullish(),
  creditCode: creditCode.nullish(),
  industry: optionalText(100),
  valueLevel: z.enum(VALUE_LEVELS).nullish(),
  membershipLevel: optionalText(50),
  tags: tags.optional(),
  notes: optionalText(4000),
  consents: consents.optional(),
};

/**
 * Repeats inside one request, named at the repeated item: the database's unique indexes would
 * refuse them anyway, but only as an anonymous 409.
 */
function checkRepeats(
  v: {
    branches?: Array<{ orgUnitId: string }> | undefined;
    instances?: Array<{ productCode: string; accountNo: string; status?: string }> | undefined;
    contacts?: Array<{ isPrimary?: boolean }> | undefined;
  },
  ctx: z.RefinementCtx,
) {
  const seen = new Set<string>();
  v.branches?.forEach((b, i) => {
    if (seen.has(b.orgUnitId))
      ctx.addIssue({ code: 'custom', path: ['branches', i, 'orgUnitId'], message: 'has a branch already' });
    seen.add(b.orgUnitId);
  });
  const accounts = new Set<string>();
  v.instances?.forEach((inst, i) => {
    const key = `${inst.productCode} ${inst.accountNo}`;
    if (inst.status !== 'terminated' && accounts.has(key))
      ctx.addIssue({
        code: 'custom',
        path: ['instances', i, 'accountNo'],
        message: 'is given twice for the same product',
        params: issueParams('DUPLICATE_ACCOUNT'),
      });
    if (inst.status !== 'terminated') accounts.add(key);
  });
  const primaries = (v.contacts ?? []).flatMap((c, i) => (c.isPrimary ? [i] : []));
  for (const i of primaries.slice(1))
    ctx.addIssue({
      code: 'custom',
      path: ['contacts', i, 'isPrimary'],
      message: 'only one contact can be the primary one',
    });
}

/** ID number rules depend on the ID type: a resident ID is checked digit by digit. */
export function idNumberIssue(
  idType: string | null | undefined,
  idNumber: string,
): { code: ImportProblemCode; message: string } | undefined {
  if ((idType ?? 'resident_id') === 'resident_id') return residentIdIssue(idNumber);
  return /^[A-Za-z0-9]{5,20}$/.test(idNumber)
    ? undefined
    : { code: 'ID_NUMBER_OTHER_FORMAT', message: 'must be 5–20 letters and digits' };
}

export const idNumberProblem = (idType: string | null | undefined, idNumber: string): string | undefined =>
  idNumberIssue(idType, idNumber)?.message;

function checkIdNumber(
  v: { idType?: string | null | undefined; idNumber?: string | null | undefined },
  ctx: z.RefinementCtx,
) {
  if (!v.idNumber) return;
  const problem = idNumberIssue(v.idType, v.idNumber);
  if (problem)
    ctx.addIssue({
      code: 'custom',
      path: ['idNumber'],
      message: problem.message,
      params: issueParams(problem.code),
    });
}

export const customerInput = z
  .strictObject({
    kind: z.enum(['individual', 'enterprise']),
    customerNo: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _')
      .optional(),
    ...customerFields,
    contacts: z.array(contactInput).max(50).optional(),
    branches: z.array(branchInput).max(40).optional(),
    instances: z.array(instanceInput).max(200).optional(),
  })
  .superRefine((v, ctx) => {
    const tier = tierProblem(v.kind, v.tier);
    if (tier)
      ctx.addIssue({ code: 'custom', path: ['tier'], message: tier.message, params: issueParams(tier.code) });
    if (!branchesAllowed(v.kind, v.branches?.length ?? 0))
      ctx.addIssue({ code: 'custom', path: ['branches'], message: 'applies to enterprise customers only' });
    checkIdNumber(v, ctx);
    checkRepeats(v, ctx);
  });
export type CustomerInput = z.infer<typeof customerInput>;

export const customerPatch = z
  .strictObject({
    ...Object.fromEntries(Object.entries(customerFields).map(([k, v]) => [k, v.optional()])),
    branches: z.array(branchInput).max(40).optional(),
    version: z.number().int().positive().optional(),
  })
  .superRefine((v, ctx) => {
    // Without idType the stored type applies: the service checks the number against it.
    if ((v as { idType?: unknown }).idType !== undefined)
      checkIdNumber(v as Parameters<typeof checkIdNumber>[0], ctx);
    checkRepeats(v as Parameters<typeof checkRepeats>[0], ctx);
  })
  .refine(hasChange, NOTHING_TO_CHANGE) as unknown as z.ZodType<
  Partial<Omit<CustomerInput, 'kind' | 'customerNo' | 'contacts' | 'instances'>> & { version?: number }
>;
export type CustomerPatch = Partial<Omit<CustomerInput, 'kind' | 'customerNo' | 'contacts' | 'instances'>> & {
  version?: number;
};

// ---- Responses: only the fields declared here leave the server (masked values). ----

export const branchView = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  orgUnitName: z.string().nullable(),
  name: z.string(),
  address: z.string().nullable(),
});

export const customerView = z.object({
  id: z.string(),
  customerNo: z.string(),
  kind: z.enum(['individual', 'enterprise']),
  name: z.string(),
  tier: z.enum(TIERS).nullable(),
  orgUnitId: z.string(),
  orgUnitName: z.string().nullable(),
  accountManager: z.object({ id: z.string(), name: z.string() }).nullable(),
  status: z.enum(CUSTOMER_STATUSES),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  idType: z.enum(ID_TYPES).nullable(),
  idNumber: z.string().nullable(),
  creditCode: z.string().nullable(),
  industry: z.string().nullable(),
  valueLevel: z.enum(VALUE_LEVELS).nullable(),
  membershipLevel: z.string().nullable(),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  consents: z.record(z.string(), z.boolean()),
  branches: z.array(branchView),
  erasedAt: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomerView = z.infer<typeof customerView>;

export const customerListItem = customerView.pick({
  id: true,
  customerNo: true,
  kind: true,
  name: true,
  tier: true,
  orgUnitId: true,
  status: true,
  phone: true,
  valueLevel: true,
  tags: true,
  createdAt: true,
});
export type CustomerListItem = z.infer<typeof customerListItem>;

export const contactView = z.object({
  id: z.string(),
  customerId: z.string(),
  name: z.string(),
  role: z.enum(CONTACT_ROLES),
  title: z.string().nullable(),
  mobile: z.string().nullable(),
  officePhone: z.string().nullable(),
  email: z.string().nullable(),
  preferredChannel: z.enum(CHANNELS),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  isPrimary: z.boolean(),
  version: z.number(),
});
export type ContactView = z.infer<typeof contactView>;

export const instanceView = z.object({
  id: z.string(),
  customerId: z.string(),
  productCode: z.string(),
  productName: z.string().nullable(),
  accountNo: z.string(),
  status: z.enum(INSTANCE_STATUSES),
  orgUnitId: z.string(),
  serviceAddress: z.string().nullable(),
  accessType: z.string().nullable(),
  exchange: z.string().nullable(),
  deviceType: z.string().nullable(),
  deviceId: z.string().nullable(),
  devicePort: z.string().nullable(),
  routeLengthKm: z.number().nullable(),
  switchOccupancy: z.number().nullable(),
  stbId: z.string().nullable(),
  circuitId: z.string().nullable(),
  bandwidthMbps: z.number().nullable(),
  aEnd: z.string().nullable(),
  zEnd: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  startedOn: z.string().nullable(),
  endedOn: z.string().nullable(),
  locationClass: z.enum(LOCATION_CLASSES).nullable(),
  version: z.number(),
});
export type InstanceView = z.infer<typeof instanceView>;

// An enterprise's signed service agreement (SLA contract): its number names its policy rows.
const contractNo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-", at most 64')
  .describe('the contract number, e.g. JS-SLA-2026-0001: SLA policy rows name it (match.contractId)');
const contractDays = {
  validFrom: z.iso.date().describe('first day it applies (China date)'),
  validTo: z.iso.date().nullish().describe('last day it applies; null: open-ended'),
};
const validToAfterFrom = (
  v: { validFrom?: string | undefined; validTo?: string | null | undefined },
  ctx: z.RefinementCtx,
) => {
  if (v.validFrom && v.validTo && v.validTo < v.validFrom)
    ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
};

export const contractInput = z
  .strictObject({ contractNo, name: text(200), ...contractDays })
  .superRefine(validToAfterFrom);
export type ContractInput = z.infer<typeof contractInput>;

export const contractPatch = z
  .strictObject({
    name: text(200).optional(),
    validFrom: contractDays.validFrom.optional(),
    validTo: contractDays.validTo,
    version: z.number().int().positive().optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE)
  .superRefine(validToAfterFrom);
export type ContractPatch = z.infer<typeof contractPatch>;

export const contractParams = z.object({ id: z.uuid(), contractNo });

export const contractView = z.object({
  contractNo: z.string(),
  customerId: z.string(),
  name: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContractView = z.infer<typeof contractView>;

export const historyEntry = z.object({
  seq: z.string(),
  occurredAt: z.string(),
  actorLogin: z.string().nullable(),
  actorName: z.string().nullable().describe("the person's display name (null: a system actor)"),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const revealFields = [
  'accountNo',
  'phone',
  'email',
  'address',
  'idNumber',
  'mobile',
  'officePhone',
  'serviceAddress',
  // Free text (masked with maskFreeText), revealed whole.
  'notes',
  'description',
  'title',
  'aEnd',
  'zEnd',
] as const;
export type RevealField = (typeof revealFields)[number];

// ---- The import report (JSON body, 422 details, the NDJSON stream's last line) ----

export const importProblemView = z.object({
  row: z.number().int().describe('1-based file row (1 = the header row)'),
  column: z.string().nullable().describe('the import column (English name), or the header as written'),
  code: z
    .enum(IMPORT_PROBLEM_CODES)
    .describe('stable machine code: translate by it (the message is English); INVALID = see message'),
  params: z
    .record(z.string(), z.union([z.number(), z.array(z.string())]))
    .optional()
    .describe('max, min, otherRow, firstRow, allowed (never a value from the file)'),
  message: z.string().describe('English text'),
});

export const importReportView = z.object({
  ok: z.boolean(),
  dryRun: z.boolean(),
  rows: z.number().int(),
  customers: z.number().int(),
  contacts: z.number().int(),
  instances: z.number().int(),
  errors: z.array(importProblemView),
  truncated: z.boolean().describe('more problems exist than are listed (the first 1 000)'),
  ms: z.number(),
});

export const importStreamLine = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    phase: z.enum(['parse', 'validate', 'write']),
    done: z.number().int(),
    total: z.number().int(),
  }),
  importReportView.extend({ type: z.literal('result') }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
