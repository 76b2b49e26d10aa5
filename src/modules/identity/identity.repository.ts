import { sql } from 'kysely';
import type { Executor } from '../../db.ts';
import { pathIds, type UnitRef } from './domain/scope.ts';

export async function findUnit(db: Executor, id: string) {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The unit and its ancestors, root first. */
export async function unitChain(db: Executor, unitPath: string): Promise<UnitRef[]> {
  const ids = pathIds(unitPath);
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'kind'])
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

/** Ids of every unit at or below a path: the org units a data scope covers. */
export async function unitIdsUnder(db: Executor, scopePath: string): Promise<string[]> {
  const rows = await db.selectFrom('org_units').select('id').where('path', 'like', `${scopePath}%`).execute();
  return rows.map((r) => r.id);
}

export async function rolesOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_roles')
    .select('role_code')
    .where('user_id', '=', userId)
    .orderBy('role_code')
    .execute();
  return rows.map((r) => r.role_code);
}

export async function permissionsOfRoles(db: Executor, roleCodes: string[]): Promise<Set<string>> {
  if (roleCodes.length === 0) return new Set();
  const rows = await db.selectFrom('roles').select('permissions').where('code', 'in', roleCodes).execute();
  return new Set(rows.flatMap((r) => r.permissions));
}

export async function findUserByLogin(db: Executor, login: string) {
  return db.selectFrom('users').selectAll().where('login', '=', login.toLowerCase()).executeTakeFirst();
}

export async function findUser(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function touchApiToken(db: Executor, id: string, now: Date) {
  // At most one write a minute per token: the hot path stays read-only.
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`${now}::timestamptz - interval '1 minute'`),
      ]),
    )
    .execute();
}
