/** Request and response schemas (Zod): validation names the field, never the value. */
import { z } from 'zod';
import { parsePhone } from '../../platform/pii/phone.ts';
import { queueClockView } from '../sla/index.ts';
import {
  ACCESS_NUMBERS,
  CHANNELS,
  KINDS,
  PRIORITIES,
  STATES,
  TIMELINE_KINDS,
  VISIBILITIES,
  type State,
} from './domain/catalogue.ts';
import { QUEUES } from './domain/queues.ts';
import { DESKS } from './domain/desks.ts';
import { ACTIONS } from './domain/workflow.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const version = z.number().int().positive().optional();

export const callerPhoneInput = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const p = parsePhone(v);
    if ('problem' in p) {
      ctx.addIssue({ code: 'custom', message: p.problem });
      return z.NEVER;
    }
    return p.value;
  });

export const categoryCode = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{1,63}$/, 'lower-case code, e.g. broadband.slow');

export const createInput = z.strictObject({
  kind: z.enum(KINDS),
  title: text(200),
  description: z.string().trim().max(10000),
  channel: z.enum(CHANNELS),
  channelRef: text(100).optional(),
  accessNumber: z.enum(ACCESS_NUMBERS).optional(),
  customerId: z.uuid().optional(),
  productInstanceId: z.uuid().optional(),
  category: categoryCode.optional(),
  priority: z.enum(PRIORITIES).optional(),
  callerPhone: callerPhoneInput.optional(),
  deputyUserId: z.uuid().optional(),
  /** Answered on the call (一次解决): closed at intake with this resolution. */
  resolveAtIntake: z.strictObject({ resolution: text(10000) }).optional(),
});
export type CreateInput = z.infer<typeof createInput>;

export const transitionInput = z.strictObject({
  action: z.enum(ACTIONS),
  reason: text(2000).optional(),
  result: text(10000).optional(),
  /** With `dispatch`: the person to assign (else the routing's pick, or nobody). */
  assigneeId: z.uuid().optional(),
  /** With `reopen`/`callback`: the customer's words, shown to the customer. */
  customerVisible: z.boolean().optional(),
  /**
   * With `suspend`: who the wait is for. `customer` (客户原因挂起: the customer is away, asked to wait,
   * must provide something) pauses the SLA clocks; `operator` (default: waiting on our own side,
   * parts, another team) does not.
   */
  cause: z.enum(['customer', 'operator']).optional(),
  version,
});
export type TransitionInput = z.infer<typeof transitionInput>;

export const noteInput = z.strictObject({
  body: text(10000),
  visibility: z.enum(VISIBILITIES),
  /** `note` (internal or a reply to the customer) or a contact attempt (联系客户). */
  kind: z.enum(['note', 'contact_attempt']).optional(),
  version,
});

export const urgeInput = z.strictObject({ reason: text(2000).optional(), version });

export const transferInput = z
  .strictObject({
    toUnitId: z.uuid().optional(),
    supportLine: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    skillGroupId: z.uuid().nullable().optional(),
    reason: text(2000),
    version,
  })
  .refine((v) => v.toUnitId !== undefined || v.supportLine !== undefined, {
    message: 'send toUnitId, supportLine or both',
    path: ['toUnitId'],
  });

export const ownerHandoverInput = z.strictObject({
  toUserId: z.uuid(),
  reason: text(2000),
  deputyUserId: z.uuid().nullable().optional(),
  version,
});

export const followUpInput = z.strictObject({
  body: text(10000),
  /** The agent taking the follow-up says the owner cannot be reached (on leave, off shift). */
  ownerAway: z.boolean().optional(),
  version,
});

export const idParams = z.object({ id: z.uuid() });
export const kindParams = z.object({ kind: z.enum(KINDS) });

/** `accepted,triage,returned`: states, comma-separated, each known (the field names a bad one). */
export const statesList = z
  .string()
  .max(200)
  .transform((v, ctx) => {
    const parts = [...new Set(v.split(',').map((x) => x.trim()))];
    const bad = parts.filter((x) => !(STATES as readonly string[]).includes(x));
    if (parts.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `states, comma-separated, each one of: ${STATES.join(', ')}` });
      return z.NEVER;
    }
    return parts as State[];
  });

export const listQuery = z.strictObject({
  /** An agent's queue (open requests): domain/queues.ts, conditions in find-requests.ts. */
  queue: z.enum(QUEUES).optional(),
  kind: z.enum(KINDS).optional(),
  status: z.enum(STATES).optional(),
  /** Any of these states, comma-separated (a board's column: `accepted,triage,returned`). */
  statuses: statesList.optional(),
  /** A desk's own requests: `monitoring` = the faults the monitoring centre handles. */
  desk: z.enum(DESKS).optional(),
  priority: z.enum(PRIORITIES).optional(),
  /** `me`: assigned to the caller. */
  assignee: z.literal('me').optional(),
  unassigned: z.enum(['true', 'false']).optional(),
  /** Open (not closed) only. */
  open: z.enum(['true', 'false']).optional(),
  handlingUnit: z.uuid().optional(),
  customerId: z.uuid().optional(),
  /** Repeats (重复) only. */
  repeat: z.enum(['true', 'false']).optional(),
  /** Requests carrying this tag. */
  tag: z.string().trim().min(1).max(32).optional(),
  /**
   * A request number, a phone (full or last four digits), an account number or circuit id, or
   * words (exact; Chinese words of two characters or more) in the title, description and notes.
   */
  q: z.string().trim().min(1).max(100).optional(),
  /** Keyset paging: the `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

/** An org unit or skill group by name (the English name when there is one). */
const namedRef = z.object({ name: z.string(), nameEn: z.string().nullable() });
/** A person by display name and unit (a portal customer's name masked, no unit). */
const personRef = z.object({ name: z.string(), unit: namedRef.nullable() });

const customerSummary = z
  .object({ id: z.string(), customerNo: z.string(), name: z.string(), kind: z.string() })
  .nullable();

export const listItem = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.string(),
  categoryCode: z.string().nullable(),
  channel: z.string(),
  title: z.string(),
  status: z.string(),
  priority: z.string(),
  supportLine: z.number(),
  urgeCount: z.number(),
  handlingUnitId: z.string(),
  /** Names of the handling unit, skill group and assignee (null when unknown or on a write's answer). */
  handlingUnit: namedRef.nullable(),
  skillGroupId: z.string().nullable(),
  skillGroup: namedRef.nullable(),
  assigneeId: z.string().nullable(),
  assignee: personRef.nullable(),
  customer: customerSummary,
  callerPhone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  /** 重复: an earlier request about the same instance (or customer) and category in the window. */
  repeat: z.boolean(),
  tags: z.array(z.string()),
});

export const timelineEntry = z.object({
  id: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  visibility: z.enum(VISIBILITIES),
  actorId: z.string().nullable(),
  actorLogin: z.string().nullable(),
  /** Who did it, by name and unit (null for the system). */
  actor: personRef.nullable(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  body: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  /** On a merge target: the entry comes from this duplicate's timeline. */
  mergedFrom: z.object({ id: z.string(), number: z.string() }).optional(),
});

export const requestView = listItem.extend({
  description: z.string(),
  resolution: z.string().nullable(),
  channelRef: z.string().nullable(),
  accessNumber: z.string().nullable(),
  productInstanceId: z.string().nullable(),
  siteUnitId: z.string().nullable(),
  intakeUnitId: z.string(),
  ownerUserId: z.string().nullable(),
  ownerUnitId: z.string(),
  /** The first-contact owner (首问) and deputy by name and unit. */
  owner: personRef.nullable(),
  ownerUnit: namedRef.nullable(),
  deputyUserId: z.string().nullable(),
  deputy: personRef.nullable(),
  escalationLevel: z.number(),
  reopenCount: z.number(),
  firstContactResolution: z.boolean(),
  suspendedReason: z.string().nullable(),
  routing: z.object({ ruleId: z.string().nullable(), explanation: z.string().nullable() }),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  allowedActions: z.array(z.string()),
  repeatOf: z.array(z.string()),
  relatedIds: z.array(z.string()),
  mergedIntoId: z.string().nullable(),
});
export type RequestView = z.infer<typeof requestView>;

/** Others who had the request open in the last minute (viewing.ts). */
export const viewers = z.array(z.object({ userId: z.string(), login: z.string(), seenAt: z.string() }));

export const requestWithTimeline = requestView.extend({
  timeline: z.array(timelineEntry),
  /** Linked requests the caller may see: repeat_of, related, linked_from, merged_from, merged_into. */
  links: z.array(z.object({ id: z.string(), number: z.string(), status: z.string(), relation: z.string() })),
  viewers,
});

// Merge, links, tags (merge-requests.ts).
export const mergeInput = z.strictObject({ targetId: z.uuid(), reason: text(2000), version });
export const linkInput = z.strictObject({ relatedId: z.uuid(), version });
export const linkParams = z.object({ id: z.uuid(), relatedId: z.uuid() });
export const tag = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_ .-]{0,31}$/u, 'letters, digits, _ . - and spaces, at most 32');
export const tagsInput = z.strictObject({ tags: z.array(tag).max(20), version });

// The list's rows carry the countdown of their nearest SLA deadline (the sla module's, one read a page).
export const listResponse = z.object({
  items: z.array(listItem.extend({ sla: queueClockView.nullable() })),
  nextCursor: z.string().nullable(),
});

export const createdView = requestView;

// Categories and workflows (administrators).
export const categoryView = z.object({
  id: z.string(),
  kind: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  sortOrder: z.number(),
  active: z.boolean(),
  version: z.number(),
});
export const categoryInput = z.strictObject({
  kind: z.enum(KINDS),
  code: categoryCode,
  name: text(100),
  nameEn: text(100),
  sortOrder: z.number().int().min(0).max(100000).optional(),
});
export const categoryPatch = z
  .strictObject({
    name: text(100).optional(),
    nameEn: text(100).optional(),
    sortOrder: z.number().int().min(0).max(100000).optional(),
    active: z.boolean().optional(),
    version,
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'version'), { message: 'nothing to change' });
export const categoryQuery = z.strictObject({
  kind: z.enum(KINDS).optional(),
  includeInactive: z.enum(['true', 'false']).optional(),
});

export const workflowDefinition = z.strictObject({
  initial: z.enum(STATES),
  states: z.array(z.enum(STATES)).min(2).max(STATES.length),
  transitions: z
    .array(
      z.strictObject({
        action: z.enum(ACTIONS),
        from: z.array(z.enum(STATES)).min(1).max(STATES.length),
        to: z.enum(STATES),
      }),
    )
    .min(1)
    .max(100),
  closeAtIntake: z.boolean(),
});
export const workflowView = z.object({
  kind: z.string(),
  definition: workflowDefinition,
  version: z.number(),
  updatedAt: z.string(),
});
export const workflowPut = z.strictObject({ definition: workflowDefinition, version });
