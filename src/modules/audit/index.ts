export { appendAudit, auditHead, listAudit, systemActor, verifyAuditChain } from './audit.service.ts';
export { formatAnchor, parseAnchor, type ChainAnchor } from './domain/chain.ts';
export type { AuditActor, AuditEntry, AuditQuery, VerifyResult } from './audit.service.ts';
export type { AuditTables } from './audit.tables.ts';
export { auditInit as auditMigration } from './audit.migrations.ts';
export { auditRoutes, type AuditRouteDeps } from './audit.routes.ts';
