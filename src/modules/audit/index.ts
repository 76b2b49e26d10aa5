import { defineModule } from '../../platform/module.ts';
import { auditMigrations } from './audit.migrations.ts';
import { auditRoutes } from './audit.routes.ts';
import { startAuditSealer } from './audit.sealer.ts';
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
  // The sealer runs where workers run; it stops after the jobs, sealing their last entries.
  start: async (ctx) => ({ ...startAuditSealer(ctx), stopsAfterJobs: true }),
  permissions: {
    // Supervisors read their team's log (who looked at which customer, and why: first-line
    // oversight); the audit administrator reads everyone's. Reasoning: src/modules/identity/README.md.
    'audit.read': {
      description: 'Read the audit log in scope, the customer access log and reveal reasons',
      roles: ['supervisor', 'audit_admin'],
    },
  },
});

export {
  appendAudit,
  auditHead,
  countAudit,
  listAudit,
  systemActor,
  withAuditEntry,
} from './audit.service.ts';
export {
  sealPending,
  pendingCount,
  startAuditSealer,
  type AuditSealer,
  type SealResult,
} from './audit.sealer.ts';
export { verifyAuditChain, type VerifyOptions, type VerifyResult, type EntryRef } from './audit.verify.ts';
export { appendAnchor, readAnchorFile } from './audit.anchors.ts';
export {
  formatAnchor,
  parseAnchor,
  type ChainAnchor,
  type ChainBreak,
  type SealKey,
} from './domain/chain.ts';
export type { AuditActor, AuditEntry, AuditQuery } from './audit.service.ts';
export type { AuditTables } from './audit.tables.ts';
export { auditRoutes, type AuditRouteDeps } from './audit.routes.ts';
