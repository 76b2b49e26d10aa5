import type { Executor } from '../../db.ts';
import { BUILTIN_ROLES } from './domain/permissions.ts';

/**
 * Built-in roles always exist and carry the permissions the code defines for them (a release may
 * add permissions). Administrators change custom roles, not these.
 */
export async function syncBuiltinRoles(db: Executor): Promise<void> {
  for (const role of BUILTIN_ROLES) {
    await db
      .insertInto('roles')
      .values({
        code: role.code,
        name: role.name,
        name_en: role.nameEn,
        permissions: JSON.stringify(role.permissions),
        builtin: true,
      })
      .onConflict((oc) =>
        oc.column('code').doUpdateSet({
          name: role.name,
          name_en: role.nameEn,
          permissions: JSON.stringify(role.permissions),
          builtin: true,
        }),
      )
      .execute();
  }
}
