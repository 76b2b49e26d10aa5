// Database rows → API shapes (identity.schemas.ts). Dates become ISO strings; e-mail is masked.
import type { Selectable } from 'kysely';
import { maskEmail } from './domain/masking.ts';
import type { ApiToken, OrgUnit, Role, SkillGroup, User } from './identity.schemas.ts';
import type { OrgUnitsTable, RolesTable, SkillGroupsTable, UsersTable } from './identity.tables.ts';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function toOrgUnit(r: Selectable<OrgUnitsTable>): OrgUnit {
  return {
    id: r.id,
    parentId: r.parent_id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    level: r.level,
    kind: r.kind,
    functionType: r.function_type as OrgUnit['functionType'],
    timeZone: r.time_zone,
    active: r.active,
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toUser(r: Selectable<UsersTable> & { org_unit_name: string }, roles: string[]): User {
  return {
    id: r.id,
    login: r.login,
    displayName: r.display_name,
    orgUnitId: r.org_unit_id,
    orgUnitName: r.org_unit_name,
    roles,
    status: r.status,
    email: r.email === null ? null : maskEmail(r.email),
    employeeNo: r.employee_no,
    supportLine: r.support_line as User['supportLine'],
    lastLoginAt: isoOrNull(r.last_login_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    version: r.version,
  };
}

export function toRole(r: Selectable<RolesTable>): Role {
  return {
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    permissions: [...r.permissions].sort(),
    builtin: r.builtin,
    version: r.version,
  };
}

export function toSkillGroup(
  r: Selectable<SkillGroupsTable> & { member_count: string | number },
): SkillGroup {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    orgUnitId: r.org_unit_id,
    description: r.description,
    skills: r.skills,
    active: r.active,
    memberCount: Number(r.member_count),
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  login: string;
  name: string;
  token_prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export function toApiToken(r: ApiTokenRow): ApiToken {
  return {
    id: r.id,
    userId: r.user_id,
    login: r.login,
    name: r.name,
    prefix: r.token_prefix,
    createdAt: iso(r.created_at),
    expiresAt: isoOrNull(r.expires_at),
    revokedAt: isoOrNull(r.revoked_at),
    lastUsedAt: isoOrNull(r.last_used_at),
  };
}
