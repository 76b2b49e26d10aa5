import type { ModuleContext } from './audit.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { requirePrincipal, type Principal } from '../../platform/http/auth.ts';
import { maskFreeTextDeep } from '../../platform/pii/free-text.ts';
import { auditList, auditListQuery, type AuditEntry } from './audit.schemas.ts';
import { listAudit } from './audit.service.ts';

export interface AuditRouteDeps {
  /**
   * The org units whose entries the caller may read, or undefined for everything (national scope,
   * including entries tied to no org unit). Supplied by identity, which owns the org tree.
   */
  scopeUnitIds(principal: Principal): Promise<string[] | undefined>;
}

export function auditRoutes(ctx: ModuleContext, deps: AuditRouteDeps) {
  return async (app: App) => {
    app.get(
      '/audit-log',
      {
        schema: {
          tags: ['audit'],
          summary: 'The audit log in your data scope, newest first',
          querystring: auditListQuery,
          response: { 200: auditList },
        },
        config: { access: { permission: 'audit.read' } },
      },
      async (request) => {
        const q = request.query;
        const orgUnitIds = await deps.scopeUnitIds(requirePrincipal(request));
        const rows = await listAudit(ctx.db, {
          entityType: q.entityType,
          entityId: q.entityId,
          actorId: q.actorId,
          action: q.action,
          beforeSeq: q.before,
          orgUnitIds,
          limit: q.limit,
        });
        const items: AuditEntry[] = rows.map((r) => ({
          seq: r.seq,
          occurredAt: r.occurred_at.toISOString(),
          actorId: r.actor_id,
          actorLogin: r.actor_login,
          actorKind: r.actor_kind,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          orgUnitId: r.org_unit_id,
          ip: r.ip,
          requestId: r.request_id,
          // Reasons are typed text: a phone or ID number in one leaves masked (maskFreeText).
          details: maskFreeTextDeep((r.details ?? {}) as Record<string, unknown>),
        }));
        return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.seq : null };
      },
    );
  };
}
