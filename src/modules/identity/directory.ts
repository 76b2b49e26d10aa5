/**
 * What other modules read about the org tree and the staff, through identity's index.ts: they
 * cannot query identity's tables themselves (their database handle does not type them). Each
 * function takes the caller's handle or transaction and reads identity's tables through it.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Principal } from '../../platform/http/auth.ts';
import { unitIdsUnder } from './identity.repository.ts';
import type { Executor } from './identity.tables.ts';

/**
 * The ids of the org units at or below a path, as a subquery for another module's SQL:
 * `x.org_unit_id in ${unitsUnder(path)}` is the data-scope filter (PostgreSQL runs it once, hashed).
 */
export function unitsUnder(scopePath: string): RawBuilder<unknown> {
  return sql`(select id from org_units where path like ${`${scopePath}%`})`;
}

/**
 * The ids of the org units of a function (`monitoring_centre`, `dispatch_centre` …), as a
 * subquery for another module's SQL (`x.unit_id in ${unitsOfFunction('monitoring_centre')}`).
 */
export function unitsOfFunction(functionType: string): RawBuilder<unknown> {
  return sql`(select id from org_units where function_type = ${functionType})`;
}

/**
 * The org units a caller's data scope covers, for modules that filter by unit id (the audit log),
 * or undefined when the caller sees everything ('scope.national'), rows tied to no unit included.
 */
export async function scopeUnitIds(caller: AnyExecutor, principal: Principal): Promise<string[] | undefined> {
  if (principal.permissions.has('scope.national')) return undefined;
  const db: Executor = caller;
  return unitIdsUnder(db, principal.scopePath);
}

/** The unit's materialised path (`/<root id>/…/<id>/`), or undefined when there is no such unit. */
export async function unitPath(caller: AnyExecutor, id: string): Promise<string | undefined> {
  const db: Executor = caller;
  const row = await db.selectFrom('org_units').select('path').where('id', '=', id).executeTakeFirst();
  return row?.path;
}

/** Id, code and path of org units: the active ones, or those with the given codes (active or not). */
export async function orgUnits(
  caller: AnyExecutor,
  filter: { activeOnly?: boolean; codes?: readonly string[] } = {},
): Promise<Array<{ id: string; code: string; path: string }>> {
  const db: Executor = caller;
  if (filter.codes?.length === 0) return [];
  let q = db.selectFrom('org_units').select(['id', 'code', 'path']);
  if (filter.activeOnly) q = q.where('active', '=', true);
  if (filter.codes) q = q.where('code', 'in', filter.codes);
  return q.execute();
}

/** Display names of org units and users by id (missing ids are left out). */
export async function displayNames(
  caller: AnyExecutor,
  unitIds: readonly string[],
  userIds: readonly string[],
): Promise<{ unit: Map<string, string>; user: Map<string, string> }> {
  const db: Executor = caller;
  const [units, users] = await Promise.all([
    unitIds.length
      ? db.selectFrom('org_units').select(['id', 'name']).where('id', 'in', unitIds).execute()
      : Promise.resolve([]),
    userIds.length
      ? db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute()
      : Promise.resolve([]),
  ]);
  return {
    unit: new Map(units.map((u) => [u.id, u.name])),
    user: new Map(users.map((u) => [u.id, u.display_name])),
  };
}

/** An org unit or skill group as a screen names it (the English name when there is one). */
export interface NamedRef {
  name: string;
  nameEn: string | null;
}

/** A person as a screen names them: display name and unit; `customer` for a portal login. */
export interface PersonRef {
  name: string;
  unit: NamedRef | null;
  customer: boolean;
}

/**
 * Names of people (with their unit), org units and skill groups by id, in at most three queries:
 * what a screen shows instead of ids. Missing ids are left out.
 */
export async function namesByIds(
  caller: AnyExecutor,
  ids: { users?: readonly string[]; units?: readonly string[]; skillGroups?: readonly string[] },
): Promise<{
  users: Map<string, PersonRef>;
  units: Map<string, NamedRef>;
  skillGroups: Map<string, NamedRef>;
}> {
  const db: Executor = caller;
  const uniq = (v: readonly string[] | undefined) => [...new Set(v ?? [])];
  const [userIds, unitIds, groupIds] = [uniq(ids.users), uniq(ids.units), uniq(ids.skillGroups)];
  const [users, units, groups] = await Promise.all([
    userIds.length
      ? db
          .selectFrom('users as u')
          .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
          .select((eb) => [
            'u.id',
            'u.display_name',
            'o.name',
            'o.name_en',
            eb
              .exists(
                eb
                  .selectFrom('user_roles as r')
                  .select('r.user_id')
                  .whereRef('r.user_id', '=', 'u.id')
                  .where('r.role_code', '=', 'customer'),
              )
              .as('customer'),
          ])
          .where('u.id', 'in', userIds)
          .execute()
      : Promise.resolve([]),
    unitIds.length
      ? db.selectFrom('org_units').select(['id', 'name', 'name_en']).where('id', 'in', unitIds).execute()
      : Promise.resolve([]),
    groupIds.length
      ? db.selectFrom('skill_groups').select(['id', 'name', 'name_en']).where('id', 'in', groupIds).execute()
      : Promise.resolve([]),
  ]);
  return {
    users: new Map(
      users.map((u) => [
        u.id,
        { name: u.display_name, unit: { name: u.name, nameEn: u.name_en }, customer: Boolean(u.customer) },
      ]),
    ),
    units: new Map(units.map((u) => [u.id, { name: u.name, nameEn: u.name_en }])),
    skillGroups: new Map(groups.map((g) => [g.id, { name: g.name, nameEn: g.name_en }])),
  };
}

/** True when the user exists and may sign in (an account manager must be such a user). */
export async function isActiveUser(caller: AnyExecutor, id: string): Promise<boolean> {
  const db: Executor = caller;
  const u = await db.selectFrom('users').select('status').where('id', '=', id).executeTakeFirst();
  return u?.status === 'active';
}

/** Users by id with their login, name, status and whether they hold `role` (portal logins: customer). */
export async function usersWithRoleFlag(
  caller: AnyExecutor,
  ids: readonly string[],
  role: string,
): Promise<Map<string, { login: string; displayName: string; active: boolean; hasRole: boolean }>> {
  if (ids.length === 0) return new Map();
  const db: Executor = caller;
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('user_roles as r', (j) => j.onRef('r.user_id', '=', 'u.id').on('r.role_code', '=', role))
    .select(['u.id', 'u.login', 'u.display_name', 'u.status', 'r.role_code'])
    .where('u.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        login: r.login,
        displayName: r.display_name,
        active: r.status === 'active',
        hasRole: r.role_code !== null,
      },
    ]),
  );
}

/** Active users' ids by login (the import's account-manager column). */
export async function activeUserLogins(caller: AnyExecutor): Promise<Array<{ id: string; login: string }>> {
  const db: Executor = caller;
  return db.selectFrom('users').select(['id', 'login']).where('status', '=', 'active').execute();
}

/** Active users holding a role, with the path of their org unit (e.g. account managers by province). */
export async function activeUsersWithRole(
  caller: AnyExecutor,
  role: string,
): Promise<Array<{ id: string; unitPath: string }>> {
  const db: Executor = caller;
  return db
    .selectFrom('users as u')
    .innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select(['u.id', 'o.path as unitPath'])
    .where('r.role_code', '=', role)
    .where('u.status', '=', 'active')
    .execute();
}

/** How many users there are, active or not (the demo seed's check for an operator's database). */
export async function countUsers(caller: AnyExecutor): Promise<number> {
  const db: Executor = caller;
  const { n } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Users' org unit (id and path) and status by id (missing ids are left out). */
export async function userUnits(
  caller: AnyExecutor,
  ids: readonly string[],
): Promise<Map<string, { orgUnitId: string; unitPath: string; active: boolean }>> {
  if (ids.length === 0) return new Map();
  const db: Executor = caller;
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select(['u.id', 'u.org_unit_id', 'o.path', 'u.status'])
    .where('u.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [r.id, { orgUnitId: r.org_unit_id, unitPath: r.path, active: r.status === 'active' }]),
  );
}

/** An org unit as routing sees it. */
export interface RoutingUnit {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  level: 'national' | 'province' | 'city' | 'district';
  kind: 'administrative' | 'functional';
  functionType: string | null;
  path: string;
  active: boolean;
}

/**
 * The units routing needs around some units: each of them, every unit above them, and the direct
 * children of those (the functional units beside the line, e.g. a province's monitoring centre).
 */
export async function unitsAround(caller: AnyExecutor, unitIds: readonly string[]): Promise<RoutingUnit[]> {
  const db: Executor = caller;
  const ids = [...new Set(unitIds)];
  if (ids.length === 0) return [];
  // One statement (every create routes): the units on the lines from the root down to `ids`,
  // then those units and their children by primary key and the parent index.
  const columns = sql`id, parent_id, code, name, level, kind, function_type, path, active`;
  const { rows } = await sql<{
    id: string;
    parent_id: string | null;
    code: string;
    name: string;
    level: RoutingUnit['level'];
    kind: RoutingUnit['kind'];
    function_type: string | null;
    path: string;
    active: boolean;
  }>`
    with line as (
      select distinct unnest(string_to_array(trim(both '/' from path), '/'))::uuid as id
      from org_units where id in (${sql.join(ids)}))
    select ${columns} from org_units where id in (select id from line)
    union
    select ${columns} from org_units where parent_id in (select id from line)`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    parentId: r.parent_id,
    code: r.code,
    name: r.name,
    level: r.level,
    kind: r.kind,
    functionType: r.function_type,
    path: r.path,
    active: r.active,
  }));
}

/** Active skill groups of some units (routing resolves a rule's group code within a unit). */
export async function skillGroupsOf(
  caller: AnyExecutor,
  unitIds: readonly string[],
): Promise<Array<{ id: string; code: string; name: string; orgUnitId: string; skills: string[] }>> {
  const db: Executor = caller;
  if (unitIds.length === 0) return [];
  const rows = await db
    .selectFrom('skill_groups')
    .select(['id', 'code', 'name', 'org_unit_id', 'skills'])
    .where('org_unit_id', 'in', [...new Set(unitIds)])
    .where('active', '=', true)
    .execute();
  return rows.map((g) => ({
    id: g.id,
    code: g.code,
    name: g.name,
    orgUnitId: g.org_unit_id,
    skills: g.skills,
  }));
}

/** A skill group with its members (active users or not) for assignment; undefined if there is none. */
export async function skillGroupForAssignment(
  caller: AnyExecutor,
  groupId: string,
): Promise<
  | {
      id: string;
      code: string;
      orgUnitId: string;
      active: boolean;
      skills: string[];
      members: Array<{ userId: string; login: string; proficiency: number; active: boolean }>;
    }
  | undefined
> {
  const db: Executor = caller;
  const g = await db
    .selectFrom('skill_groups')
    .select(['id', 'code', 'org_unit_id', 'active', 'skills'])
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (!g) return undefined;
  const members = await db
    .selectFrom('skill_group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.login', 'm.proficiency', 'u.status'])
    .where('m.skill_group_id', '=', groupId)
    .orderBy('m.user_id')
    .execute();
  return {
    id: g.id,
    code: g.code,
    orgUnitId: g.org_unit_id,
    active: g.active,
    skills: g.skills,
    members: members.map((m) => ({
      userId: m.user_id,
      login: m.login,
      proficiency: m.proficiency,
      active: m.status === 'active',
    })),
  };
}
