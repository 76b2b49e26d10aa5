/**
 * Attachments on requests (附件: a fault photo, a bill): the attachments module stores them under
 * owner type `service_request`; who sees and who attaches is this module's rule — read: whoever may
 * read the request (request.read and in scope); attach: whoever may work on it (request.work and in
 * scope). The console lists them with `GET /attachments?ownerType=service_request&ownerId=<id>`.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { registerAttachmentOwner } from '../attachments/index.ts';
import { requestInScope } from './requests.repository.ts';
import type { Executor } from './service-requests.tables.ts';

export const REQUEST_OWNER_TYPE = 'service_request';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Another way in (the portal's own customers): checked when the staff rule says no. */
export type ExtraAttachmentRule = (
  db: Executor,
  caller: Caller,
  id: string,
  attach: boolean,
) => Promise<boolean>;

const extraRules: ExtraAttachmentRule[] = [];

export function addAttachmentRule(rule: ExtraAttachmentRule): void {
  extraRules.push(rule);
}

async function staffMay(db: Executor, caller: Caller, id: string, permission: string): Promise<boolean> {
  if (!caller.principal.permissions.has(permission)) return false;
  const row = await db
    .selectFrom('service_requests')
    .select('id')
    .where('id', '=', id)
    .where(requestInScope(caller))
    .executeTakeFirst();
  return row !== undefined;
}

async function may(handle: AnyExecutor, caller: Caller, id: string, attach: boolean): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const db: Executor = handle;
  if (await staffMay(db, caller, id, attach ? 'request.work' : 'request.read')) return true;
  for (const rule of extraRules) if (await rule(db, caller, id, attach)) return true;
  return false;
}

export function registerRequestAttachments(): void {
  registerAttachmentOwner(
    REQUEST_OWNER_TYPE,
    (db, caller, id) => may(db, caller, id, false),
    (db, caller, id) => may(db, caller, id, true),
  );
}
