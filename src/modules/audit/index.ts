import { defineModule } from '../../platform/module.ts';
import { auditMigrations } from './audit.migrations.ts';
import { auditRoutes } from './audit.routes.ts';
import type { AuditTables } from './audit.tables.ts';

/** The tamper-evident audit log every module writes to in its own transactions. */
export const audit = defineModule<AuditTables>({
  name: 'audit',
  migrations: auditMigrations,
  routes: [
    {
      plugin: (ctx) => auditRoutes(ctx, { scopeUnitIds: (principal) => ctx.dataScope.unitIds(principal) }),
    },
  ],
  permissions: { 'audit.read': { description: 'Read the audit log in scope', roles: ['supervisor'] } },
});

export { appendAudit, auditHead, listAudit, systemActor, verifyAuditChain } from './audit.service.ts';
export { formatAnchor, parseAnchor, type ChainAnchor } from './domain/chain.ts';
export type { AuditActor, AuditEntry, AuditQuery, VerifyResult } from './audit.service.ts';
export { auditRoutes, type AuditRouteDeps } from './audit.routes.ts';
