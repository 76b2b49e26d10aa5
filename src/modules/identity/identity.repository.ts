import { sql } from 'kysely';
import type { Executor } from './identity.tables.ts';
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

/**
 * A user's grants as columns of a query over users aliased "u": role codes, the union of their
 * permissions, and the org unit chain (root first). One statement, so authenticating a request
 * is one round trip.
 */
export function grantColumns() {
  return [
    sql<string[]>`coalesce((select json_agg(ur.role_code order by ur.role_code)
      from user_roles ur where ur.user_id = u.id), '[]'::json)`.as('grant_roles'),
    sql<string[]>`coalesce((select json_agg(distinct p.value)
      from user_roles ur join roles r on r.code = ur.role_code
      cross join jsonb_array_elements_text(r.permissions) p
      where ur.user_id = u.id), '[]'::json)`.as('grant_permissions'),
    sql<UnitRef[]>`(select json_agg(json_build_object('id', c.id, 'path', c.path, 'kind', c.kind)
        order by length(c.path))
      from org_units own join org_units c
        on c.id = any(string_to_array(trim(both '/' from own.path), '/')::uuid[])
      where own.id = u.org_unit_id)`.as('grant_unit_chain'),
  ] as const;
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

/** Marks a session used now, at most once a minute (the idle timeout counts from it). */
export async function touchSession(db: Executor, id: string, now: Date) {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where('last_seen_at', '<', sql<Date>`${now}::timestamptz - interval '1 minute'`)
    .execute();
}

// ---- administration queries --------------------------------------------------------------------

/** Every unit at or below a path, in code order. */
export async function unitsUnder(db: Executor, scopePath: string) {
  return db
    .selectFrom('org_units')
    .selectAll()
    .where('path', 'like', `${scopePath}%`)
    .orderBy('code')
    .execute();
}

/** Locks a unit row for the rest of the transaction (concurrent edits queue up behind it). */
export async function lockUnit(db: Executor, id: string) {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function unitCodeTaken(db: Executor, code: string): Promise<boolean> {
  const row = await db.selectFrom('org_units').select('id').where('code', '=', code).executeTakeFirst();
  return row !== undefined;
}

/** Active users in a unit or anywhere below it. */
export async function countActiveUsersUnder(db: Executor, path: string): Promise<number> {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('o.path', 'like', `${path}%`)
    .where('u.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Rewrites the path of every unit in a subtree (a move); returns how many rows changed. */
export async function rewriteSubtreePaths(db: Executor, oldPrefix: string, newPrefix: string) {
  const result = await db
    .updateTable('org_units')
    .set({ path: sql<string>`${newPrefix}::text || substr(path, ${oldPrefix.length + 1}::int)` })
    .where('path', 'like', `${oldPrefix}%`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

const userColumns = [
  'u.id',
  'u.login',
  'u.display_name',
  'u.org_unit_id',
  'u.password_hash',
  'u.status',
  'u.email',
  'u.employee_no',
  'u.support_line',
  'u.last_login_at',
  'u.version',
  'u.created_at',
  'u.updated_at',
  'o.name as org_unit_name',
  'o.path as org_unit_path',
] as const;

/** A user with their unit's name and path (for scope checks). */
export async function findUserWithUnit(db: Executor, id: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select(userColumns)
    .where('u.id', '=', id)
    .executeTakeFirst();
}

export async function lockUser(db: Executor, id: string) {
  return db.selectFrom('users').select(['id', 'version']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface UserFilter {
  scopePath: string;
  orgUnitId?: string | undefined;
  role?: string | undefined;
  status?: 'active' | 'disabled' | undefined;
  /** A LIKE pattern (already escaped) matched against login and display name. */
  likePattern?: string | undefined;
  afterLogin?: string | undefined;
  limit: number;
}

/** One page of users in login order (keyset: login is unique). */
export async function listUsers(db: Executor, f: UserFilter) {
  let q = db
    .selectFrom('users as u')
    .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select(userColumns)
    .where('o.path', 'like', `${f.scopePath}%`)
    .orderBy('u.login')
    .limit(f.limit);
  if (f.orgUnitId) q = q.where('u.org_unit_id', '=', f.orgUnitId);
  if (f.status) q = q.where('u.status', '=', f.status);
  if (f.role) {
    const role = f.role;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as ur')
          .select('ur.user_id')
          .whereRef('ur.user_id', '=', 'u.id')
          .where('ur.role_code', '=', role),
      ),
    );
  }
  if (f.likePattern) {
    const p = f.likePattern;
    q = q.where((eb) => eb.or([eb('u.login', 'ilike', p), eb('u.display_name', 'ilike', p)]));
  }
  if (f.afterLogin !== undefined) q = q.where('u.login', '>', f.afterLogin);
  return q.execute();
}

/** Roles of many users at once: user id → role codes (sorted). */
export async function rolesOfUsers(db: Executor, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_roles')
    .select(['user_id', 'role_code'])
    .where('user_id', 'in', userIds)
    .orderBy('role_code')
    .execute();
  for (const r of rows) map.get(r.user_id)?.push(r.role_code);
  return map;
}

export async function findRoles(db: Executor, codes: readonly string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom('roles')
    .selectAll()
    .where('code', 'in', [...codes])
    .execute();
}

export async function replaceUserRoles(db: Executor, userId: string, roles: readonly string[]) {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roles.length > 0) {
    await db
      .insertInto('user_roles')
      .values(roles.map((role_code) => ({ user_id: userId, role_code })))
      .execute();
  }
}

/** Ends a user's sessions (all, or all but one); returns how many were still open. */
export async function revokeSessions(db: Executor, userId: string, now: Date, exceptSessionId?: string) {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Of the given user ids, those that exist in the scope. */
export async function userIdsInScope(db: Executor, scopePath: string, ids: readonly string[]) {
  if (ids.length === 0) return new Set<string>();
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select('u.id')
    .where('u.id', 'in', [...ids])
    .where('o.path', 'like', `${scopePath}%`)
    .execute();
  return new Set(rows.map((r) => r.id));
}

// ---- skill groups ------------------------------------------------------------------------------

function skillGroupsQuery(db: Executor) {
  return db
    .selectFrom('skill_groups as g')
    .innerJoin('org_units as o', 'o.id', 'g.org_unit_id')
    .selectAll('g')
    .select((eb) => [
      'o.path as org_unit_path',
      eb
        .selectFrom('skill_group_members as m')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('m.skill_group_id', '=', 'g.id')
        .as('member_count'),
    ]);
}

export async function listSkillGroups(db: Executor, scopePath: string, orgUnitId?: string) {
  let q = skillGroupsQuery(db).where('o.path', 'like', `${scopePath}%`).orderBy('g.code');
  if (orgUnitId) q = q.where('g.org_unit_id', '=', orgUnitId);
  return (await q.execute()).map((r) => ({ ...r, member_count: r.member_count ?? '0' }));
}

export async function findSkillGroup(db: Executor, id: string) {
  const r = await skillGroupsQuery(db).where('g.id', '=', id).executeTakeFirst();
  return r ? { ...r, member_count: r.member_count ?? '0' } : undefined;
}

export async function lockSkillGroup(db: Executor, id: string) {
  return db
    .selectFrom('skill_groups')
    .select(['id', 'version'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function skillGroupCodeTaken(db: Executor, code: string): Promise<boolean> {
  const row = await db.selectFrom('skill_groups').select('id').where('code', '=', code).executeTakeFirst();
  return row !== undefined;
}

export async function skillGroupMembers(db: Executor, groupId: string) {
  return db
    .selectFrom('skill_group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.login', 'u.display_name', 'm.proficiency'])
    .where('m.skill_group_id', '=', groupId)
    .orderBy('u.login')
    .execute();
}

// ---- API tokens --------------------------------------------------------------------------------

function apiTokensQuery(db: Executor) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select([
      't.id',
      't.user_id',
      'u.login',
      'u.org_unit_id',
      'o.path as org_unit_path',
      't.name',
      't.token_prefix',
      't.created_at',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
    ]);
}

/**
 * API tokens, newest first: in a data scope for the admin API, or all of them for the system
 * (the command line passes no scope and no limit, oldest first).
 */
export async function listApiTokens(
  db: Executor,
  opts: { scopePath?: string; userId?: string; oldestFirst?: boolean; limit?: number },
) {
  const dir = opts.oldestFirst ? 'asc' : 'desc';
  let q = apiTokensQuery(db).orderBy('t.created_at', dir).orderBy('t.id', dir);
  if (opts.scopePath !== undefined) q = q.where('o.path', 'like', `${opts.scopePath}%`);
  if (opts.userId !== undefined) q = q.where('t.user_id', '=', opts.userId);
  if (opts.limit !== undefined) q = q.limit(opts.limit);
  return q.execute();
}

export async function findApiToken(db: Executor, id: string) {
  return apiTokensQuery(db).where('t.id', '=', id).executeTakeFirst();
}
