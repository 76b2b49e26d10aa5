/**
 * Which workspace each user may open: one pure table from roles and permissions to workspaces.
 * The menu, the route guards and the home page all read it, so they can never disagree.
 */
export type WorkspaceId =
  | 'agent'
  | 'requests'
  | 'customers'
  | 'monitoring'
  | 'dispatch'
  | 'field'
  | 'supervisor'
  | 'quality'
  | 'admin'
  | 'security'
  | 'audit'
  | 'portal';

export interface Workspace {
  id: WorkspaceId;
  /** Route path of the workspace's first page. */
  path: string;
  /** Roles that open it (the built-in role codes; administrators' own roles use permissions). */
  roles: readonly string[];
  /** Any one of these permissions opens it too (for roles an administrator defines). */
  anyPermission?: readonly string[];
  /** The customer portal has its own, simpler layout. */
  layout: 'staff' | 'portal';
}

/** In menu order. The admin role opens every workspace. */
export const WORKSPACES: readonly Workspace[] = [
  {
    id: 'agent',
    path: '/agent',
    roles: ['agent', 'supervisor', 'account_manager', 'billing_specialist'],
    layout: 'staff',
  },
  // 工单: the service requests in the user's scope and the request page.
  { id: 'requests', path: '/requests', roles: [], anyPermission: ['request.read'], layout: 'staff' },
  // 客户: search and the customer 360 view, for every role that may read customers.
  { id: 'customers', path: '/customers', roles: [], anyPermission: ['customer.read'], layout: 'staff' },
  { id: 'monitoring', path: '/monitoring', roles: ['monitor'], layout: 'staff' },
  { id: 'dispatch', path: '/dispatch', roles: ['dispatcher'], layout: 'staff' },
  { id: 'field', path: '/field', roles: ['technician'], layout: 'staff' },
  { id: 'supervisor', path: '/supervisor', roles: ['supervisor'], layout: 'staff' },
  { id: 'quality', path: '/quality', roles: ['supervisor', 'quality_inspector'], layout: 'staff' },
  {
    id: 'admin',
    path: '/admin',
    roles: [],
    // user.grant: the security administrator assigns roles on the users screen (三员分立).
    anyPermission: ['org.manage', 'user.manage', 'role.manage', 'user.grant'],
    layout: 'staff',
  },
  // 安全管理: security alerts and the incident register, for the security administrator.
  {
    id: 'security',
    path: '/security',
    roles: ['security_admin'],
    anyPermission: ['security.alert.read', 'security.incident.read'],
    layout: 'staff',
  },
  // 审计日志: the audit log, read-only, for the audit administrator (and any holder of audit.read).
  { id: 'audit', path: '/audit', roles: ['audit_admin'], anyPermission: ['audit.read'], layout: 'staff' },
  { id: 'portal', path: '/portal', roles: ['customer'], layout: 'portal' },
];

export const SUPERUSER_ROLE = 'admin';

export interface Grants {
  roles: readonly string[];
  permissions: readonly string[];
}

export function canOpen(workspace: Workspace, who: Grants): boolean {
  if (who.roles.includes(SUPERUSER_ROLE)) return true;
  if (workspace.roles.some((r) => who.roles.includes(r))) return true;
  return (workspace.anyPermission ?? []).some((p) => who.permissions.includes(p));
}

/** The workspaces a user may open, in menu order (administration also for its guest screens). */
export function workspacesFor(who: Grants): Workspace[] {
  return WORKSPACES.filter((w) => canOpen(w, who) || (w.id === 'admin' && guestScreens(who).length > 0));
}

export function workspaceById(id: WorkspaceId): Workspace {
  const w = WORKSPACES.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workspace ${id}`);
  return w;
}

// Where a user lands after signing in: the most specific workspace they have.
const HOME_ORDER: readonly WorkspaceId[] = [
  'admin',
  'security',
  'supervisor',
  'audit',
  'monitoring',
  'dispatch',
  'field',
  'quality',
  'agent',
  'requests',
  'customers',
  'portal',
];

/** The path a user lands on after signing in; undefined if they may open nothing. */
export function homePath(who: Grants): string | undefined {
  // A guest of administration (a supervisor for the SLA screens) does not land there.
  const open = new Set(WORKSPACES.filter((w) => canOpen(w, who)).map((w) => w.id));
  const id = HOME_ORDER.find((w) => open.has(w));
  return id ? workspaceById(id).path : undefined;
}

/** A customer account that may use nothing but the portal. */
export function isPortalOnly(who: Grants): boolean {
  const open = workspacesFor(who);
  return open.length > 0 && open.every((w) => w.layout === 'portal');
}

/** The workspace a path belongs to (longest matching prefix), if any. */
export function workspaceOfPath(pathname: string): Workspace | undefined {
  return WORKSPACES.filter((w) => pathname === w.path || pathname.startsWith(`${w.path}/`)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
}

/** Administration screens inside the admin workspace, each behind its own permission. */
export type AdminScreen =
  | 'org'
  | 'users'
  | 'roles'
  | 'skillGroups'
  | 'noticeTemplates'
  | 'mailboxes'
  | 'slaPolicies'
  | 'slaCalendars';

export const ADMIN_SCREENS: ReadonlyArray<{
  id: AdminScreen;
  path: string;
  /** Any one of these opens the screen. */
  read: readonly string[];
  manage: string;
  /** A narrower change than manage the screen offers on its own (the users' roles: user.grant). */
  grant?: string;
  /**
   * Built-in roles that see this screen (holding its read permission) without administering
   * anything else: the workspace opens for them with these screens only (the supervisor's SLA).
   */
  guestRoles?: readonly string[];
}> = [
  { id: 'org', path: '/admin/org', read: ['org.read'], manage: 'org.manage' },
  {
    id: 'users',
    path: '/admin/users',
    read: ['user.read', 'user.grant'],
    manage: 'user.manage',
    grant: 'user.grant',
  },
  { id: 'roles', path: '/admin/roles', read: ['role.read'], manage: 'role.manage' },
  { id: 'skillGroups', path: '/admin/skill-groups', read: ['skillgroup.read'], manage: 'skillgroup.manage' },
  // 通知模板: the channels module's templates (reading them is administering them).
  {
    id: 'noticeTemplates',
    path: '/admin/notice-templates',
    read: ['channels.admin'],
    manage: 'channels.admin',
  },
  // 邮箱设置: mailboxes, IMAP sources and how notices go out (the channels module).
  { id: 'mailboxes', path: '/admin/mailboxes', read: ['channels.admin'], manage: 'channels.admin' },
  // 服务时限策略 and 工作日历: the SLA module's matrix and calendars, for administrators and supervisors.
  {
    id: 'slaPolicies',
    path: '/admin/sla-policies',
    read: ['sla.calendar.read', 'sla.policy.manage'],
    manage: 'sla.policy.manage',
    guestRoles: ['supervisor'],
  },
  {
    id: 'slaCalendars',
    path: '/admin/sla-calendars',
    read: ['sla.calendar.read', 'sla.calendar.manage'],
    manage: 'sla.calendar.manage',
    guestRoles: ['supervisor'],
  },
];

/** The admin screens a user sees as a guest (by a guest role), without administering anything else. */
function guestScreens(who: Grants) {
  return ADMIN_SCREENS.filter(
    (s) =>
      s.guestRoles?.some((r) => who.roles.includes(r)) && s.read.some((p) => who.permissions.includes(p)),
  );
}

/**
 * Admin screens a user may see; editing needs the screen's manage permission too, and a holder of
 * its grant permission (users: user.grant) gets that one action only.
 */
export function adminScreensFor(who: Grants) {
  const screens = canOpen(workspaceById('admin'), who)
    ? ADMIN_SCREENS.filter((s) => s.read.some((p) => who.permissions.includes(p)))
    : guestScreens(who);
  return screens.map((s) => ({
    ...s,
    canManage: who.permissions.includes(s.manage),
    canGrant: s.grant !== undefined && who.permissions.includes(s.grant),
  }));
}

/** Whether a user holds a permission (the built-in administrator holds every one). */
export function hasPermission(who: Grants, permission: string): boolean {
  return who.roles.includes(SUPERUSER_ROLE) || who.permissions.includes(permission);
}
