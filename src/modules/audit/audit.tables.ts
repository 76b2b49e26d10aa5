import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

export interface AuditLogTable {
  seq: string;
  occurred_at: ColumnType<Date, Date, never>;
  actor_id: string | null;
  actor_login: string | null;
  actor_kind: 'user' | 'api_token' | 'system';
  action: string;
  entity_type: string;
  entity_id: string | null;
  org_unit_id: string | null;
  ip: string | null;
  request_id: string | null;
  details: ColumnType<unknown, string, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<AuditTables>;
export type Tx = Transaction<AuditTables>;
export type Executor = OwnExecutor<AuditTables>;
export type ModuleContext = PlatformModuleContext<AuditTables>;
