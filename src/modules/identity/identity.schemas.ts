/**
 * Request and response shapes of the identity & organisation administration API.
 * Imports only zod: the web console imports these schemas and types too.
 */
import { z } from 'zod';

// ---- building blocks -------------------------------------------------------------------------

/** A required, trimmed, non-empty string of at most `max` characters. */
const text = (max: number) => z.string().trim().min(1).max(max);
const timestamp = z.iso.datetime({ offset: true });
/** Optimistic concurrency: the version the client last read. */
const version = z.number().int().min(1).max(2_147_483_647);

export const CODE_PATTERN = /^[A-Za-z0-9_.-]+$/;
const unitCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(CODE_PATTERN, 'may contain only letters, digits, "_", "." and "-"');

export const ORG_LEVELS = ['national', 'province', 'city', 'district'] as const;
export const ORG_KINDS = ['administrative', 'functional'] as const;
export const FUNCTION_TYPES = [
  'hotline_centre',
  'monitoring_centre',
  'field_service',
  'account_management',
  'billing_centre',
  'quality_team',
  'dispatch_centre',
  'support_line',
] as const;
export const USER_STATUSES = ['active', 'disabled'] as const;

export const orgLevel = z.enum(ORG_LEVELS);
export const orgKind = z.enum(ORG_KINDS);
export const functionType = z.enum(FUNCTION_TYPES);
export const userStatus = z.enum(USER_STATUSES);
export const supportLine = z.union([z.literal(1), z.literal(2), z.literal(3)]);

const timeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'is not a known IANA time zone');

const hasChange = (body: Record<string, unknown>) =>
  Object.keys(body).some((k) => k !== 'version' && body[k] !== undefined);
const NOTHING_TO_CHANGE = { message: 'nothing to change: send at least one field besides version' };

const unique = <T>(key: (item: T) => unknown) => ({
  check: (items: T[]) => new Set(items.map(key)).size === items.length,
});

export const idParams = z.strictObject({ id: z.uuid() });
export type IdParams = z.infer<typeof idParams>;

// ---- org units (组织) --------------------------------------------------------------------------

export const orgUnit = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  level: orgLevel,
  kind: orgKind,
  functionType: functionType.nullable(),
  timeZone: z.string(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type OrgUnit = z.infer<typeof orgUnit>;

export const orgUnitList = z.object({ items: z.array(orgUnit) });
export type OrgUnitList = z.infer<typeof orgUnitList>;

export const createOrgUnitBody = z
  .strictObject({
    parentId: z.uuid(),
    code: unitCode,
    name: text(100),
    nameEn: text(100).optional(),
    level: orgLevel,
    kind: orgKind,
    functionType: functionType.optional(),
    timeZone: timeZone.optional(),
  })
  .refine((b) => (b.kind === 'functional') === (b.functionType !== undefined), {
    message: 'is required for a functional unit and not allowed for an administrative one',
    path: ['functionType'],
  });
export type CreateOrgUnitInput = z.input<typeof createOrgUnitBody>;

export const updateOrgUnitBody = z
  .strictObject({
    name: text(100).optional(),
    nameEn: text(100).nullable().optional(),
    active: z.boolean().optional(),
    parentId: z.uuid().optional(),
    timeZone: timeZone.optional(),
    version,
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type UpdateOrgUnitInput = z.input<typeof updateOrgUnitBody>;

// ---- users (人员) ------------------------------------------------------------------------------

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9_.-]{1,63}$/;
const login = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(64)
  .regex(LOGIN_PATTERN, 'must start with a letter or digit and contain only a-z, 0-9, "_", "." and "-"');
export const ROLE_CODE_PATTERN = /^[a-z][a-z0-9_]{1,40}$/;
export const roleCode = z
  .string()
  .trim()
  .min(2)
  .max(41)
  .regex(ROLE_CODE_PATTERN, 'must start with a-z and contain only a-z, 0-9 and "_"');
const roleCodes = z
  .array(roleCode)
  .max(20)
  .refine(unique<string>((r) => r).check, 'lists a role twice');
/**
 * Passwords are not trimmed; the policy (length ≥ 10, three character classes, not the login, not
 * common) is checked by the server, which names the rule broken in `details.passwordRule`.
 */
const password = z.string().min(1).max(128);
const email = z.string().trim().max(254).pipe(z.email('is not a valid e-mail address'));
const employeeNo = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(CODE_PATTERN, 'may contain only letters, digits, "_", "." and "-"');

export const user = z.object({
  id: z.string(),
  login: z.string(),
  displayName: z.string(),
  orgUnitId: z.string(),
  orgUnitName: z.string(),
  roles: z.array(z.string()),
  status: userStatus,
  /** Always masked (zh***@example.com); the raw address is never sent. */
  email: z.string().nullable(),
  employeeNo: z.string().nullable(),
  supportLine: supportLine.nullable(),
  lastLoginAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  version: z.number().int(),
});
export type User = z.infer<typeof user>;

export const userListQuery = z.strictObject({
  orgUnitId: z.uuid().optional(),
  role: roleCode.optional(),
  status: userStatus.optional(),
  /** Matches part of the login or display name. */
  q: text(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(400).optional(),
});
export type UserListQuery = z.input<typeof userListQuery>;

export const userList = z.object({ items: z.array(user), nextCursor: z.string().nullable() });
export type UserList = z.infer<typeof userList>;

export const createUserBody = z.strictObject({
  login,
  displayName: text(100),
  orgUnitId: z.uuid(),
  roles: roleCodes,
  password,
  email: email.optional(),
  employeeNo: employeeNo.optional(),
  supportLine: supportLine.nullable().optional(),
});
export type CreateUserInput = z.input<typeof createUserBody>;

export const updateUserBody = z
  .strictObject({
    displayName: text(100).optional(),
    orgUnitId: z.uuid().optional(),
    roles: roleCodes.optional(),
    status: userStatus.optional(),
    email: email.nullable().optional(),
    employeeNo: employeeNo.nullable().optional(),
    supportLine: supportLine.nullable().optional(),
    version,
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type UpdateUserInput = z.input<typeof updateUserBody>;

export const setUserRolesBody = z.strictObject({ roles: roleCodes, version });

export const resetPasswordBody = z.strictObject({ password });
export type ResetPasswordInput = z.input<typeof resetPasswordBody>;

/** What an unlock lifted: the failed sign-ins forgotten, and the lock's end if one was running. */
export const unlockResult = z.object({
  login: z.string(),
  failures: z.number().int(),
  lockedUntil: timestamp.nullable(),
});
export type UnlockResultView = z.infer<typeof unlockResult>;

export const changeOwnPasswordBody = z.strictObject({ currentPassword: password, newPassword: password });
export type ChangeOwnPasswordInput = z.input<typeof changeOwnPasswordBody>;

// ---- roles and permissions (角色/权限) ----------------------------------------------------------

const permissionCodes = z
  .array(text(64))
  .max(200)
  .refine(unique<string>((p) => p).check, 'lists a permission twice');

export const role = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
  version: z.number().int(),
});
export type Role = z.infer<typeof role>;

export const roleList = z.object({ items: z.array(role) });
export const roleParams = z.strictObject({ code: roleCode });

export const createRoleBody = z.strictObject({
  code: roleCode,
  name: text(100),
  nameEn: text(100),
  permissions: permissionCodes,
});
export type CreateRoleInput = z.input<typeof createRoleBody>;

export const updateRoleBody = z
  .strictObject({
    name: text(100).optional(),
    nameEn: text(100).optional(),
    permissions: permissionCodes.optional(),
    version,
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type UpdateRoleInput = z.input<typeof updateRoleBody>;

export const permissionList = z.object({
  items: z.array(z.object({ code: z.string(), description: z.string() })),
});
export type PermissionList = z.infer<typeof permissionList>;

// ---- skill groups (技能组) ---------------------------------------------------------------------

const skill = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be a lowercase code: a-z, 0-9, "_", "." and "-"');
const skills = z
  .array(skill)
  .max(50)
  .refine(unique<string>((s) => s).check, 'lists a skill twice');

export const skillGroup = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  orgUnitId: z.string(),
  description: z.string().nullable(),
  skills: z.array(z.string()),
  active: z.boolean(),
  memberCount: z.number().int(),
  version: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type SkillGroup = z.infer<typeof skillGroup>;

export const skillGroupList = z.object({ items: z.array(skillGroup) });
export const skillGroupListQuery = z.strictObject({ orgUnitId: z.uuid().optional() });

export const createSkillGroupBody = z.strictObject({
  code: unitCode,
  name: text(100),
  nameEn: text(100).optional(),
  orgUnitId: z.uuid(),
  description: text(1000).optional(),
  skills: skills.default([]),
});
export type CreateSkillGroupInput = z.input<typeof createSkillGroupBody>;

export const updateSkillGroupBody = z
  .strictObject({
    name: text(100).optional(),
    nameEn: text(100).nullable().optional(),
    orgUnitId: z.uuid().optional(),
    description: text(1000).nullable().optional(),
    skills: skills.optional(),
    active: z.boolean().optional(),
    version,
  })
  .refine(hasChange, NOTHING_TO_CHANGE);
export type UpdateSkillGroupInput = z.input<typeof updateSkillGroupBody>;

export const skillGroupMember = z.object({
  userId: z.string(),
  login: z.string(),
  displayName: z.string(),
  proficiency: z.number().int(),
});
export type SkillGroupMember = z.infer<typeof skillGroupMember>;
export const skillGroupMemberList = z.object({ items: z.array(skillGroupMember) });

export const setSkillGroupMembersBody = z.strictObject({
  members: z
    .array(z.strictObject({ userId: z.uuid(), proficiency: z.number().int().min(1).max(5) }))
    .max(1000)
    .refine(unique<{ userId: string }>((m) => m.userId).check, 'lists a user twice'),
});
export type SetSkillGroupMembersInput = z.input<typeof setSkillGroupMembersBody>;

// ---- API tokens (接口令牌) ---------------------------------------------------------------------

export const apiToken = z.object({
  id: z.string(),
  userId: z.string(),
  login: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;

export const apiTokenList = z.object({ items: z.array(apiToken) });
export const apiTokenListQuery = z.strictObject({ userId: z.uuid().optional() });

/**
 * A token expires after 365 days unless the request says otherwise: `expiresInDays` (0 = never)
 * or an exact `expiresAt`, not both.
 */
export const createApiTokenBody = z
  .strictObject({
    userId: z.uuid(),
    name: text(100),
    expiresAt: timestamp.optional(),
    expiresInDays: z.number().int().min(0).max(3650).optional(),
  })
  .refine((b) => b.expiresAt === undefined || b.expiresInDays === undefined, {
    message: 'give expiresAt or expiresInDays, not both',
    path: ['expiresInDays'],
  });
export type CreateApiTokenInput = z.input<typeof createApiTokenBody>;

/**
 * The secret `token` appears in this response only; it is never stored or shown again.
 * `expiry` says in one sentence when it stops working (or that it never does).
 */
export const createdApiToken = apiToken.extend({ token: z.string(), expiry: z.string() });
export type CreatedApiToken = z.infer<typeof createdApiToken>;
