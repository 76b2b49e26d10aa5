import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Where an attachment's bytes are: in attachment_contents, or a file under ONEPOINT_ATTACHMENTS_DIR. */
export type StorageKind = 'database' | 'directory';

/** A file attached to something another module owns (a service request, a work order …). */
export interface AttachmentsTable {
  id: string;
  /** The owning record's kind (`service_request` …) and id, as the owning module names them. */
  owner_type: string;
  owner_id: string;
  file_name: string;
  /** The type found in the bytes (never the client's header). */
  content_type: string;
  size_bytes: ColumnType<string, number, number>;
  /** SHA-256 of the bytes, hex: checked again on every download. */
  sha256: string;
  storage: StorageKind;
  uploaded_by: string | null;
  uploaded_by_login: string | null;
  /** The uploader's org unit, for the audit log's scope. */
  org_unit_id: string | null;
  uploaded_at: Timestamp;
  deleted_at: NullableTimestamp;
  deleted_by: string | null;
}

/** The bytes of attachments kept in the database. */
export interface AttachmentContentsTable {
  attachment_id: string;
  bytes: ColumnType<Uint8Array, Uint8Array, never>;
}

export interface AttachmentsTables {
  attachments: AttachmentsTable;
  attachment_contents: AttachmentContentsTable;
}

export type Db = Kysely<AttachmentsTables>;
export type Tx = Transaction<AttachmentsTables>;
export type Executor = OwnExecutor<AttachmentsTables>;
export type ModuleContext = PlatformModuleContext<AttachmentsTables>;
