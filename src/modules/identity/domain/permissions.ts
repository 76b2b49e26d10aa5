import type { PermissionCatalogue, PermissionDeclaration } from '../../../platform/module.ts';

/**
 * Identity's own permissions. Every module declares the permissions its routes check in its
 * definition, with the built-in roles that hold them; the catalogue (every module's, from the
 * registry) is what roles are made of.
 */
export const IDENTITY_PERMISSIONS = {
  'org.read': { description: 'See org units in scope', roles: staff(['technician']) },
  'org.manage': { description: 'Create and change org units' },
  'user.read': {
    description: 'See staff users in scope',
    roles: ['dispatcher', 'supervisor', 'quality_inspector'],
  },
  'user.manage': { description: 'Create and change staff users, reset passwords, assign roles' },
  'role.read': { description: 'See roles and the permission catalogue', roles: ['supervisor'] },
  'role.manage': { description: 'Create and change roles' },
  'skillgroup.read': { description: 'See skill groups in scope', roles: staff() },
  'skillgroup.manage': {
    description: 'Create and change skill groups and their members',
    roles: ['supervisor'],
  },
  'token.manage': { description: 'Create and revoke API tokens for integrations' },
  'scope.national': {
    description: 'See data of every org unit (widens the data scope to the whole tree)',
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
