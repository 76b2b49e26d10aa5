import type { ColumnType } from 'kysely';

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
