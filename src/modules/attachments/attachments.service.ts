/**
 * Attachments (附件): upload with the size and content checks, read the metadata and the bytes,
 * list a record's, delete. One transaction per change with its audit entry; never the file name in
 * the audit log (names such as 张三身份证.jpg are personal).
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { withAuditEntry } from '../audit/index.ts';
import { displayNames } from '../identity/index.ts';
import type { AttachmentsTable, AttachmentsTables, Db, Executor } from './attachments.tables.ts';
import { cleanFileName } from './domain/file-name.ts';
import { sniff } from './domain/sniff.ts';
import { ownerRules } from './owners.ts';
import type { Stores } from './storage.ts';

type Row = Selectable<AttachmentsTable>;

export interface AttachmentDeps {
  db: Db;
  stores: Stores;
  maxBytes: number;
}

export interface AttachmentView {
  id: string;
  ownerType: string;
  ownerId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storage: 'database' | 'directory';
  uploadedAt: string;
  uploadedBy: { id: string; name: string } | null;
}

const MANAGE = 'attachment.manage';

async function views(db: Executor, rows: Row[]): Promise<AttachmentView[]> {
  const ids = [...new Set(rows.flatMap((r) => (r.uploaded_by ? [r.uploaded_by] : [])))];
  const { user } = await displayNames(db, [], ids);
  return rows.map((r) => ({
    id: r.id,
    ownerType: r.owner_type,
    ownerId: r.owner_id,
    // A file name can carry a phone or ID number: masked like any free text.
    fileName: maskFreeText(r.file_name),
    contentType: r.content_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    storage: r.storage,
    uploadedAt: new Date(r.uploaded_at).toISOString(),
    uploadedBy: r.uploaded_by
      ? { id: r.uploaded_by, name: user.get(r.uploaded_by) ?? r.uploaded_by_login ?? '' }
      : null,
  }));
}

/** The uploader, holders of attachment.manage, and whoever the owning module lets read the record. */
async function canSee(db: Executor, caller: Caller, row: Row): Promise<boolean> {
  if (row.uploaded_by !== null && row.uploaded_by === caller.principal.userId) return true;
  if (caller.principal.permissions.has(MANAGE)) return true;
  const rules = ownerRules(row.owner_type);
  return rules ? rules.canRead(db, caller, row.owner_id) : false;
}

/** The row if the caller may see it; otherwise 404 (an attachment one may not see does not exist). */
async function visible(db: Executor, caller: Caller, id: string): Promise<Row> {
  const row = await db
    .selectFrom('attachments')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row || !(await canSee(db, caller, row))) throw notFound('attachment');
  return row;
}

export interface Upload {
  ownerType: string;
  ownerId: string;
  fileName?: string | undefined;
  declaredType?: string | undefined;
  bytes: Buffer;
}

export const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes`, {
    reason: 'ATTACHMENT_TOO_LARGE',
    limitBytes: maxBytes,
  });

export async function uploadAttachment(
  deps: AttachmentDeps,
  caller: Caller,
  u: Upload,
): Promise<AttachmentView> {
  if (u.bytes.length > deps.maxBytes) throw tooLarge(deps.maxBytes);
  const fileName = cleanFileName(u.fileName);
  const kind = sniff(u.bytes, fileName, u.declaredType);
  if (!kind.ok)
    throw new AppError(
      kind.reason === 'ATTACHMENT_EMPTY' ? 'VALIDATION_FAILED' : 'UNSUPPORTED_MEDIA_TYPE',
      kind.message,
      { reason: kind.reason },
    );
  const rules = ownerRules(u.ownerType);
  if (rules && !(await rules.canAttach(deps.db, caller, u.ownerId)))
    throw notFound(u.ownerType.replace(/_/g, ' '));
  const id = uuidv7();
  const sha256 = createHash('sha256').update(u.bytes).digest('hex');
  const store = deps.stores.current;
  let undo: (() => Promise<void>) | undefined;
  try {
    const row = await deps.db.transaction().execute(async (trx) => {
      // The metadata first (the database store's content row refers to it), then the bytes.
      const inserted = await withAuditEntry<AttachmentsTables>(
        trx,
        caller.actor,
        {
          action: 'attachment.upload',
          entityType: 'attachment',
          entityId: id,
          orgUnitId: caller.principal.orgUnitId,
          details: {
            ownerType: u.ownerType,
            ownerId: u.ownerId,
            contentType: kind.contentType,
            sizeBytes: u.bytes.length,
            sha256,
          },
        },
        caller.now,
      )
        .insertInto('attachments')
        .values({
          id,
          owner_type: u.ownerType,
          owner_id: u.ownerId,
          file_name: fileName,
          content_type: kind.contentType,
          size_bytes: u.bytes.length,
          sha256,
          storage: store.kind,
          uploaded_by: caller.principal.userId,
          uploaded_by_login: caller.principal.login,
          org_unit_id: caller.principal.orgUnitId,
          uploaded_at: caller.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      undo = (await store.write(trx, id, u.bytes)).undo;
      return inserted;
    });
    return (await views(deps.db, [row]))[0]!;
  } catch (err) {
    await undo?.().catch(() => undefined);
    throw err;
  }
}

export async function getAttachment(
  deps: AttachmentDeps,
  caller: Caller,
  id: string,
): Promise<AttachmentView> {
  return (await views(deps.db, [await visible(deps.db, caller, id)]))[0]!;
}

/** The bytes, checked against the stored checksum (a changed or truncated file is not served). */
export async function attachmentContent(
  deps: AttachmentDeps,
  caller: Caller,
  id: string,
): Promise<{ row: Row; bytes: Buffer }> {
  const row = await visible(deps.db, caller, id);
  const bytes = await deps.stores.byKind(row.storage).read(deps.db, row.id);
  if (!bytes) throw new AppError('INTERNAL', 'The attachment’s content is missing from its storage');
  if (createHash('sha256').update(bytes).digest('hex') !== row.sha256)
    throw new AppError('INTERNAL', 'The attachment’s content does not match its checksum');
  return { row, bytes };
}

export async function listAttachments(
  deps: AttachmentDeps,
  caller: Caller,
  ownerType: string,
  ownerId: string,
): Promise<AttachmentView[]> {
  let q = deps.db
    .selectFrom('attachments')
    .selectAll()
    .where('owner_type', '=', ownerType)
    .where('owner_id', '=', ownerId)
    .where('deleted_at', 'is', null)
    .orderBy('uploaded_at')
    .orderBy('id')
    .limit(500);
  const rules = ownerRules(ownerType);
  const seesAll =
    caller.principal.permissions.has(MANAGE) ||
    (rules ? await rules.canRead(deps.db, caller, ownerId) : false);
  if (!seesAll) q = q.where('uploaded_by', '=', caller.principal.userId);
  return views(deps.db, await q.execute());
}

/** Deletes (the uploader or attachment.manage): the bytes go, the metadata stays marked deleted. */
export async function deleteAttachment(deps: AttachmentDeps, caller: Caller, id: string): Promise<void> {
  const row = await visible(deps.db, caller, id);
  if (row.uploaded_by !== caller.principal.userId && !caller.principal.permissions.has(MANAGE))
    throw forbidden('Only the uploader or an attachment administrator can delete an attachment');
  const store = deps.stores.byKind(row.storage);
  let afterCommit: (() => Promise<void>) | undefined;
  await deps.db.transaction().execute(async (trx) => {
    afterCommit = (await store.remove(trx, row.id)).afterCommit;
    const r = await withAuditEntry<AttachmentsTables>(
      trx,
      caller.actor,
      {
        action: 'attachment.delete',
        entityType: 'attachment',
        entityId: row.id,
        orgUnitId: row.org_unit_id,
        details: { ownerType: row.owner_type, ownerId: row.owner_id, sha256: row.sha256 },
      },
      caller.now,
    )
      .updateTable('attachments')
      .set({ deleted_at: caller.now, deleted_by: caller.principal.userId })
      .where('id', '=', row.id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw notFound('attachment');
  });
  await afterCommit?.();
}
