import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

export interface AuditLogTable {
  /** From a sequence: the order rows were appended in (listings page on it); not gap-free. */
  seq: ColumnType<string, never, never>;
  /** Defaults to the database's time when the caller gives none. */
  occurred_at: ColumnType<Date, Date | undefined, never>;
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
  /** Legacy sha256 chain (rows from before sealing); null on rows appended since. */
  prev_hash: ColumnType<string | null, never, never>;
  hash: ColumnType<string | null, never, never>;
}

/** One link of the sealed chain (append-only, like audit_log). */
export interface AuditSealTable {
  chain_seq: string;
  audit_seq: string;
  sealed_at: Date;
  key_id: string;
  mac: string;
}

/** Rows appended but not sealed yet. */
export interface AuditPendingTable {
  seq: string;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_seal: AuditSealTable;
  audit_pending: AuditPendingTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<AuditTables>;
export type Tx = Transaction<AuditTables>;
export type Executor = OwnExecutor<AuditTables>;
export type ModuleContext = PlatformModuleContext<AuditTables>;
