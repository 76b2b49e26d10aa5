/** Request and response shapes of the audit-log API. Imports only zod (the web console uses them). */
import { z } from 'zod';

export const ACTOR_KINDS = ['user', 'api_token', 'system'] as const;

export const auditEntry = z.object({
  /** Append order (listings page on it), as a decimal string (int8); not gap-free. */
  seq: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
  actorId: z.string().nullable(),
  actorLogin: z.string().nullable(),
  actorKind: z.enum(ACTOR_KINDS),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  orgUnitId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntry>;

const filter = (max: number) => z.string().trim().min(1).max(max);

export const auditListQuery = z.strictObject({
  entityType: filter(64).optional(),
  entityId: filter(100).optional(),
  actorId: z.uuid().optional(),
  action: filter(100).optional(),
  /** Only entries older than this seq (the previous page's nextBefore). */
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/, 'must be a sequence number')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditListQuery = z.input<typeof auditListQuery>;

export const auditList = z.object({ items: z.array(auditEntry), nextBefore: z.string().nullable() });
export type AuditList = z.infer<typeof auditList>;
