/**
 * Who may see a record's attachments is the owning module's rule: it registers a check per owner
 * type (the service-requests module: "the caller can read this request"). Until a type is
 * registered, an attachment is seen by its uploader and by holders of attachment.manage only.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Caller } from '../../platform/http/caller.ts';

/** Whether the caller may read (or attach to) the record `ownerId` of this owner type. */
export type OwnerCheck = (db: AnyExecutor, caller: Caller, ownerId: string) => Promise<boolean>;

interface OwnerRules {
  canRead: OwnerCheck;
  canAttach: OwnerCheck;
}

const owners = new Map<string, OwnerRules>();

export const OWNER_TYPE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

/**
 * Registers the owning module's checks for an owner type (once, at import or start-up; a second
 * registration of the same type replaces the first). `canAttach` defaults to `canRead`.
 */
export function registerAttachmentOwner(
  ownerType: string,
  canRead: OwnerCheck,
  canAttach?: OwnerCheck,
): void {
  if (!OWNER_TYPE_PATTERN.test(ownerType))
    throw new Error(`attachment owner type "${ownerType}" is not lower_case`);
  owners.set(ownerType, { canRead, canAttach: canAttach ?? canRead });
}

export const ownerRules = (ownerType: string): OwnerRules | undefined => owners.get(ownerType);
