import type { PermissionCatalogue, PermissionDeclaration } from '../../../platform/module.ts';

/**
 * Identity's own permissions. Every module declares the permissions its routes check in its
 * definition, with the built-in roles that hold them; the catalogue (every module's, from the
 * registry) is what roles are made of.
 */
export const IDENTITY_PERMISSIONS = {
  'org.read': { description: 'See org units in scope', roles: staff(['technician', 'system_admin']) },
  'org.manage': { description: 'Create and change org units', roles: ['system_admin'] },
  'user.read': {
    description: 'See staff users in scope',
    roles: ['dispatcher', 'supervisor', 'quality_inspector', 'system_admin'],
  },
  // 三员分立: the system administrator keeps accounts, the security administrator authorises them.
  'user.manage': {
    description: 'Create staff accounts, change them (unit, status, profile) and reset passwords',
    roles: ['system_admin'],
  },
  'user.grant': {
    description: 'Assign roles to staff users (授权); sees the users in scope to do so',
    roles: ['security_admin'],
  },
  // The unlock route comes with the sign-in hardening (branch auth): it should check this one.
  'user.unlock': {
    description: 'Unlock a login locked out by failed sign-ins',
    roles: ['security_admin'],
  },
  'mfa.reset': {
    description: "Reset a staff user's second factor (they enrol again at their next sign-in)",
    roles: ['security_admin'],
  },
  'role.read': {
    description: 'See roles and the permission catalogue',
    roles: ['supervisor', 'security_admin'],
  },
  'role.manage': { description: 'Create and change roles', roles: ['security_admin'] },
  'skillgroup.read': { description: 'See skill groups in scope', roles: staff(['system_admin']) },
  'skillgroup.manage': {
    description: 'Create and change skill groups and their members',
    roles: ['supervisor', 'system_admin'],
  },
  'token.manage': { description: 'Create and revoke API tokens for integrations', roles: ['system_admin'] },
  'scope.national': {
    description: 'See data of every org unit (widens the data scope to the whole tree)',
    // The audit administrator reads every entry, including those tied to no org unit (sign-ins).
    roles: ['audit_admin'],
  },
} satisfies Record<string, PermissionDeclaration>;

/** Staff roles that see the org tree and skill groups (technicians too, for org units only). */
function staff(extra: string[] = []): string[] {
  return [
    'agent',
    'monitor',
    'dispatcher',
    'account_manager',
    'supervisor',
    'quality_inspector',
    'billing_specialist',
    ...extra,
  ];
}

/**
 * The three administrators of 三员分立 (等保2.0 level 3): system, security and audit. Their
 * permissions do not overlap (a test says so); the trial's `admin` holds everything.
 */
export const ADMINISTRATOR_ROLES = ['system_admin', 'security_admin', 'audit_admin'] as const;

/**
 * Administration permissions: those that no ordinary built-in role holds, only the administrators
 * (or nobody but the trial's all-permissions `admin`). Nobody hands them out or acts on a holder of
 * them without holding them too, and with ONEPOINT_REQUIRE_MFA their holders need a second factor.
 */
export function administrationPermissions(catalogue: PermissionCatalogue): Set<string> {
  const admins: readonly string[] = ADMINISTRATOR_ROLES;
  return new Set(
    catalogue.filter((p) => (p.roles ?? []).every((r) => admins.includes(r))).map((p) => p.code),
  );
}

export function isPermission(catalogue: PermissionCatalogue, value: string): boolean {
  return catalogue.some((p) => p.code === value);
}

/** A built-in role: always present, with the permissions the code gives it. */
export interface RoleDefinition {
  code: string;
  name: string; // zh-CN
  nameEn: string;
  permissions: string[];
}

/** Built-in roles; administrators may add more. Their permissions come from the catalogue. */
export const BUILTIN_ROLE_NAMES: ReadonlyArray<Omit<RoleDefinition, 'permissions'>> = [
  // The trial's all-permissions account (the README's first steps); production separates the three
  // administrators below (三员分立, 等保2.0 level 3), whose permissions do not overlap.
  { code: 'admin', name: '超级管理员（试用）', nameEn: 'Trial super-administrator' },
  { code: 'system_admin', name: '系统管理员', nameEn: 'System administrator' },
  { code: 'security_admin', name: '安全管理员', nameEn: 'Security administrator' },
  { code: 'audit_admin', name: '审计管理员', nameEn: 'Audit administrator' },
  { code: 'agent', name: '坐席', nameEn: 'Agent' },
  { code: 'monitor', name: '监控中心值班员', nameEn: 'Monitoring-centre operator' },
  { code: 'dispatcher', name: '调度员', nameEn: 'Dispatcher' },
  // Technicians will see only the instances of their own work orders (fieldwork module), not customers.
  { code: 'technician', name: '装维人员', nameEn: 'Field technician' },
  { code: 'account_manager', name: '客户经理', nameEn: 'Account manager' },
  { code: 'supervisor', name: '班长/主管', nameEn: 'Supervisor' },
  { code: 'quality_inspector', name: '质检员', nameEn: 'Quality inspector' },
  { code: 'billing_specialist', name: '计费专员', nameEn: 'Billing specialist' },
  { code: 'customer', name: '客户', nameEn: 'Customer (portal)' },
];

/**
 * The built-in roles with their permissions: the administrator holds every permission, the others
 * those whose declaration names them. A declaration naming a role that does not exist is refused.
 */
export function builtinRoles(catalogue: PermissionCatalogue): RoleDefinition[] {
  const codes = new Set(BUILTIN_ROLE_NAMES.map((r) => r.code));
  for (const p of catalogue)
    for (const role of p.roles ?? [])
      if (!codes.has(role))
        throw new Error(`permission ${p.code} (module ${p.module}) names an unknown built-in role ${role}`);
  return BUILTIN_ROLE_NAMES.map((r) => ({
    ...r,
    permissions: catalogue
      .filter((p) => r.code === 'admin' || (p.roles ?? []).includes(r.code))
      .map((p) => p.code),
  }));
}
