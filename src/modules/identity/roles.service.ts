import type { Db, Executor } from './identity.tables.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { invalidField, versionConflict, type Caller } from './caller.ts';
import { missingPermissions } from './domain/escalation.ts';
import type { PermissionCatalogue } from '../../platform/module.ts';
import { administrationPermissions, builtinRoles, isPermission } from './domain/permissions.ts';
import type { CreateRoleInput, Role, UpdateRoleInput } from './identity.schemas.ts';
import { toRole } from './views.ts';

/**
 * Built-in roles always exist and carry the permissions the code defines for them (a release may
 * add permissions). Administrators change custom roles, not these.
 */
export async function syncBuiltinRoles(db: Executor, catalogue: PermissionCatalogue): Promise<void> {
  for (const role of builtinRoles(catalogue)) {
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

// ---- administration ----------------------------------------------------------------------------

export function listPermissions(
  catalogue: PermissionCatalogue,
): Array<{ code: string; description: string }> {
  return catalogue.map(({ code, description }) => ({ code, description }));
}

export async function listRoles(db: Db): Promise<Role[]> {
  const rows = await db.selectFrom('roles').selectAll().orderBy('builtin', 'desc').orderBy('code').execute();
  return rows.map(toRole);
}

/** Permissions must come from the catalogue, and the caller must hold each administration one (no escalation). */
function assertPermissions(
  catalogue: PermissionCatalogue,
  caller: Caller,
  permissions: readonly string[],
  what: string,
) {
  const index = permissions.findIndex((p) => !isPermission(catalogue, p));
  if (index >= 0) {
    throw invalidField(`body.permissions.${index}`, `${permissions[index]} is not a known permission`);
  }
  // Business permissions go into roles from the authoriser without holding them (三员分立);
  // administration permissions only from someone who holds them.
  const missing = missingPermissions(
    caller.principal.permissions,
    permissions,
    administrationPermissions(catalogue),
  );
  if (missing.length > 0) {
    throw new AppError('FORBIDDEN', `${what} needs permissions you do not hold: ${missing.join(', ')}`, {
      missingPermissions: missing,
    });
  }
}

export async function createRole(
  db: Db,
  catalogue: PermissionCatalogue,
  caller: Caller,
  input: CreateRoleInput,
): Promise<Role> {
  assertPermissions(catalogue, caller, input.permissions, 'A role with these permissions');
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('roles')
      .select('code')
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (existing) {
      throw new AppError('CONFLICT', `A role with code ${input.code} already exists`, {
        fields: [{ field: 'body.code', message: 'is taken' }],
      });
    }
    const permissions = [...input.permissions].sort();
    const row = await trx
      .insertInto('roles')
      .values({
        code: input.code,
        name: input.name,
        name_en: input.nameEn,
        permissions: JSON.stringify(permissions),
        builtin: false,
        created_at: caller.now,
        updated_at: caller.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // Roles are global; the entry carries the acting user's unit so their scope sees it.
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'role.create',
        entityType: 'role',
        entityId: input.code,
        orgUnitId: caller.principal.orgUnitId,
        details: { name: input.name, nameEn: input.nameEn, permissions },
      },
      caller.now,
    );
    return toRole(row);
  });
}

export async function updateRole(
  db: Db,
  catalogue: PermissionCatalogue,
  caller: Caller,
  code: string,
  input: UpdateRoleInput,
): Promise<Role> {
  return db.transaction().execute(async (trx) => {
    const role = await trx
      .selectFrom('roles')
      .selectAll()
      .where('code', '=', code)
      .forUpdate()
      .executeTakeFirst();
    if (!role) throw notFound('role');
    if (role.builtin) {
      throw new AppError(
        'UNPROCESSABLE',
        `The built-in role ${code} cannot be changed; create a custom role`,
      );
    }
    if (role.version !== input.version) throw versionConflict('role', role.version);
    // Changing a role changes everyone holding it: the caller must hold what it carries now, too.
    assertPermissions(catalogue, caller, role.permissions, 'Changing this role');
    const changes: Record<string, unknown> = {};
    if (input.name !== undefined && input.name !== role.name)
      changes.name = { from: role.name, to: input.name };
    if (input.nameEn !== undefined && input.nameEn !== role.name_en) {
      changes.nameEn = { from: role.name_en, to: input.nameEn };
    }
    let permissions: string[] | undefined;
    if (input.permissions !== undefined) {
      assertPermissions(catalogue, caller, input.permissions, 'A role with these permissions');
      permissions = [...input.permissions].sort();
      const before = new Set(role.permissions);
      const added = permissions.filter((p) => !before.has(p));
      // Business permissions need not be held to be put into a role: not into one's own role, then.
      if (added.length > 0 && caller.principal.roles.includes(code))
        throw new AppError('FORBIDDEN', 'You cannot add permissions to a role you hold');
      const removed = [...before].filter((p) => !permissions!.includes(p)).sort();
      if (added.length > 0 || removed.length > 0) changes.permissions = { added, removed };
      else permissions = undefined;
    }
    if (Object.keys(changes).length === 0) return toRole(role);
    const row = await trx
      .updateTable('roles')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.nameEn !== undefined ? { name_en: input.nameEn } : {}),
        ...(permissions ? { permissions: JSON.stringify(permissions) } : {}),
        version: role.version + 1,
        updated_at: caller.now,
      })
      .where('code', '=', code)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'role.update',
        entityType: 'role',
        entityId: code,
        orgUnitId: caller.principal.orgUnitId,
        details: { changes },
      },
      caller.now,
    );
    return toRole(row);
  });
}
