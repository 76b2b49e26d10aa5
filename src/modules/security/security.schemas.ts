import { z } from 'zod';
import { hasChange, NOTHING_TO_CHANGE } from '../../platform/http/patch.ts';
import { ALERT_STATES } from './domain/alerts.ts';
import { DATA_KINDS, INCIDENT_CATEGORIES, INCIDENT_STATES, SEVERITIES } from './domain/incidents.ts';

const timestamp = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
const limit = z.coerce.number().int().min(1).max(200).default(50);
const person = z.object({ id: z.string(), name: z.string() }).nullable();

// ---- Alerts ----

export const alertListQuery = z.strictObject({
  state: z.enum(ALERT_STATES).optional(),
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be <area>.<what> in lower case')
    .max(64)
    .optional(),
  userId: z.uuid().optional(),
  limit,
  /** The last id of the previous page (newest first). */
  before: z.uuid().optional(),
});

export const alertView = z.object({
  id: z.string(),
  kind: z.string(),
  user: person.describe('whom the alert is about'),
  summary: z.string(),
  detail: z.record(z.string(), z.unknown()).describe('kinds and counts; never a phone or ID number'),
  occurrences: z.number().int(),
  firstAt: timestamp,
  lastAt: timestamp,
  state: z.enum(ALERT_STATES),
  acknowledgedAt: timestamp.nullable(),
  acknowledgedBy: person,
  acknowledgeNote: z.string().nullable(),
  closedAt: timestamp.nullable(),
  closedBy: person,
  closeNote: z.string().nullable(),
  version: z.number().int(),
});
export type AlertView = z.infer<typeof alertView>;

export const alertList = z.object({ items: z.array(alertView), nextBefore: z.string().nullable() });

export const acknowledgeBody = z.strictObject({
  note: text(2000),
  version: z.number().int().positive().optional(),
});
export const closeAlertBody = z.strictObject({
  note: text(2000),
  version: z.number().int().positive().optional(),
});

// ---- Incidents ----

const dataKinds = z
  .array(z.enum(DATA_KINDS))
  .max(DATA_KINDS.length)
  .refine((a) => new Set(a).size === a.length, 'must not repeat a kind');
const customerIds = z
  .array(z.uuid())
  .max(1000)
  .refine((a) => new Set(a).size === a.length, 'must not repeat a customer');

const incidentFields = {
  title: text(200),
  description: text(10000).describe('What happened; link the customers affected, do not name them here'),
  category: z.enum(INCIDENT_CATEGORIES).describe('leak 泄露, tampering 篡改, loss 丢失, other'),
  cause: text(5000).nullish(),
  occurredAt: timestamp.nullish().describe('When it happened, if known'),
  discoveredAt: timestamp.describe('When it was found'),
  dataKinds: dataKinds.optional(),
  estimatedAffected: z.number().int().min(0).max(2_000_000_000).nullish(),
  severity: z.enum(SEVERITIES).nullish(),
  harm: text(5000).nullish().describe('The likely harm (assessment)'),
  measures: text(5000).nullish().describe('The remedial measures taken'),
  advice: text(5000).nullish().describe('What the people affected can do to reduce the harm'),
  decidedBy: text(200).nullish().describe('Who decided the assessment and the notice (name, position)'),
  notifyIndividuals: z.boolean().optional(),
  noNoticeReason: text(5000).nullish().describe('Why individuals are not notified (PIPL Art. 57 para. 2)'),
};

export const incidentInput = z.strictObject({
  ...incidentFields,
  customerIds: customerIds.optional().describe('Customers affected (ids), linked at once'),
});
export type IncidentInput = z.infer<typeof incidentInput>;

export const incidentPatch = z
  .strictObject({
    ...incidentFields,
    title: incidentFields.title.optional(),
    description: incidentFields.description.optional(),
    category: incidentFields.category.optional(),
    discoveredAt: incidentFields.discoveredAt.optional(),
    state: z
      .enum(INCIDENT_STATES)
      .optional()
      .describe('Move to the next state (open → assessed → notified → closed)'),
    notificationNote: text(5000).nullish().describe('Who was notified, how and when (needed for notified)'),
    closeNote: text(5000).nullish().describe('Needed to close'),
    version: z.number().int().positive().optional(),
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type IncidentPatch = z.infer<typeof incidentPatch>;

export const incidentView = z.object({
  id: z.string(),
  incidentNo: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.enum(INCIDENT_CATEGORIES),
  cause: z.string().nullable(),
  occurredAt: timestamp.nullable(),
  discoveredAt: timestamp,
  dataKinds: z.array(z.enum(DATA_KINDS)),
  estimatedAffected: z.number().int().nullable(),
  severity: z.enum(SEVERITIES).nullable(),
  harm: z.string().nullable(),
  measures: z.string().nullable(),
  advice: z.string().nullable(),
  decidedBy: z.string().nullable(),
  notifyIndividuals: z.boolean(),
  noNoticeReason: z.string().nullable(),
  notificationNote: z.string().nullable(),
  closeNote: z.string().nullable(),
  state: z.enum(INCIDENT_STATES),
  affectedCustomers: z.number().int().describe('Customers linked to the incident'),
  createdAt: timestamp,
  createdBy: person,
  assessedAt: timestamp.nullable(),
  assessedBy: person,
  notifiedAt: timestamp.nullable(),
  notifiedBy: person,
  closedAt: timestamp.nullable(),
  closedBy: person,
  updatedAt: timestamp,
  version: z.number().int(),
});
export type IncidentView = z.infer<typeof incidentView>;

export const incidentListQuery = z.strictObject({
  state: z.enum(INCIDENT_STATES).optional(),
  category: z.enum(INCIDENT_CATEGORIES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  limit,
  before: z.uuid().optional(),
});
export const incidentList = z.object({ items: z.array(incidentView), nextBefore: z.string().nullable() });

export const linkCustomersBody = z.strictObject({
  customerIds: customerIds.refine((a) => a.length > 0, 'must name at least one customer'),
});
export const linkCustomersResult = z.object({
  added: z.number().int(),
  alreadyLinked: z.number().int(),
  affectedCustomers: z.number().int(),
});

export const recipientView = z.object({
  customerId: z.string(),
  inScope: z.boolean().describe('false: linked by someone whose data scope covers it, not yours'),
  customerNo: z.string().nullable(),
  kind: z.enum(['individual', 'enterprise']).nullable(),
  name: z.string().nullable().describe('masked for an individual'),
  status: z.enum(['active', 'suspended', 'closed', 'erased']).nullable(),
  contactName: z.string().nullable(),
  phone: z.string().nullable().describe('masked'),
  email: z.string().nullable().describe('masked'),
  preferredChannel: z.string().nullable(),
  reachable: z.boolean(),
});
export type RecipientView = z.infer<typeof recipientView>;

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The last customer id of the previous page. */
  after: z.uuid().optional(),
});

export const recipientPage = z.object({
  items: z.array(recipientView),
  total: z.number().int(),
  nextAfter: z.string().nullable(),
});

export const noticeView = z.object({
  incidentId: z.string(),
  incidentNo: z.string(),
  state: z.enum(INCIDENT_STATES),
  sending: z.object({
    built: z.literal(false),
    message: z.string(),
  }),
  missing: z
    .array(z.string())
    .describe('what the texts still lack (fields or settings), shown as 【待填写…】'),
  individuals: z.object({
    notify: z.boolean(),
    noNoticeReason: z.string().nullable(),
    text: z.string(),
    recipients: recipientPage,
  }),
  regulator: z.object({ to: z.string().nullable(), text: z.string() }),
});
export type NoticeView = z.infer<typeof noticeView>;
