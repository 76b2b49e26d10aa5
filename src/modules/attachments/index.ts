// The attachments module's public face: other modules import only from here.
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { defineModule } from '../../platform/module.ts';
import { attachmentsMigrations } from './attachments.migrations.ts';
import { attachmentRoutes } from './attachments.routes.ts';
import type { AttachmentsTables } from './attachments.tables.ts';
import { uploadAttachment, type AttachmentView, type Upload } from './attachments.service.ts';
import type { Db } from './attachments.tables.ts';
import { DirectoryStore, storesFor } from './storage.ts';

/** Staff who attach files to the records they work on (a fault photo, a bill, a signed form). */
const STAFF = [
  'agent',
  'supervisor',
  'monitor',
  'dispatcher',
  'technician',
  'account_manager',
  'billing_specialist',
];

/**
 * Files attached to other modules' records (附件): size limit, type read from the bytes,
 * checksum, kept in the database or a directory behind one interface (storage.ts).
 */
export const attachments = defineModule<AttachmentsTables>({
  name: 'attachments',
  migrations: attachmentsMigrations,
  routes: [{ plugin: attachmentRoutes }],
  prepare: async (ctx) => {
    // Leftovers of a process stopped mid-write (never a finished attachment: those are renamed).
    if (ctx.config.attachmentsDir)
      await new DirectoryStore(ctx.config.attachmentsDir).removeStaleParts(
        ctx.clock.now().getTime(),
        ctx.logger,
      );
  },
  permissions: {
    'attachment.read': {
      description: 'See and download the attachments of records you may read, and your own uploads',
      roles: [...STAFF, 'quality_inspector', 'customer'],
    },
    'attachment.upload': {
      description: 'Attach files to records you may work on, and delete your own uploads',
      roles: [...STAFF, 'customer'],
    },
    'attachment.manage': {
      // No built-in role: attachments hold customers' documents (ID card photos, bills), which
      // administrators (三员分立) do not see; the trial's all-permissions admin holds it.
      description: 'See and delete any attachment',
    },
  },
});

export { registerAttachmentOwner, type OwnerCheck } from './owners.ts';
export type { AttachmentView } from './attachments.service.ts';
export type { AttachmentsTables } from './attachments.tables.ts';

/**
 * For modules that take files in themselves (mail intake): the upload use case with the
 * configured store and size limit — the same checks (size, type from the bytes, the owner's rule).
 */
export function attachFile(
  ctx: { db: AnyExecutor; config: { attachmentsDir: string | undefined; attachmentMaxBytes: number } },
  caller: Caller,
  upload: Upload,
): Promise<AttachmentView> {
  return uploadAttachment(
    {
      db: ctx.db as Db,
      stores: storesFor(ctx.config.attachmentsDir),
      maxBytes: ctx.config.attachmentMaxBytes,
    },
    caller,
    upload,
  );
}
