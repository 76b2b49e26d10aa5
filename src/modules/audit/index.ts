export { appendAudit, auditHead, listAudit, systemActor } from './audit.service.ts';
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
export { auditInit as auditMigration, auditSeal as auditSealMigration } from './audit.migrations.ts';
export { auditRoutes, type AuditRouteDeps } from './audit.routes.ts';
