import type { Executor } from '../../db.ts';
import type { Principal } from '../../platform/http/auth.ts';
import { unitIdsUnder } from './identity.repository.ts';

/**
 * The org units a caller's data scope covers, for modules that filter by unit id (the audit log),
 * or undefined when the caller sees everything ('scope.national'), rows tied to no unit included.
 */
export async function scopeUnitIds(db: Executor, principal: Principal): Promise<string[] | undefined> {
  if (principal.permissions.has('scope.national')) return undefined;
  return unitIdsUnder(db, principal.scopePath);
}
