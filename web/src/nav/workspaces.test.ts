import { describe, expect, it } from 'vitest';
import {
  adminScreensFor,
  hasPermission,
  homePath,
  isPortalOnly,
  workspaceOfPath,
  workspacesFor,
} from './workspaces.ts';

// Permissions of the built-in roles as the server seeds them (src/modules/identity/domain/permissions.ts).
const staffBase = ['org.read', 'skillgroup.read'];
const ALL = [
  'org.read',
  'org.manage',
  'user.read',
  'user.manage',
  'role.read',
  'role.manage',
  'skillgroup.read',
  'skillgroup.manage',
  'token.manage',
  'audit.read',
  'scope.national',
  'pii.reveal',
  'customer.read',
  'customer.manage',
  'customer.import',
  'customer.erase',
  'product.manage',
  'events.read',
  'events.subscribe',
  'request.read',
  'request.create',
  'request.work',
  'request.dispatch',
  'request.admin',
];
const customerRead = ['customer.read'];
const customerWork = ['customer.read', 'customer.manage'];
// The service-requests module's grants (src/modules/service-requests/index.ts).
const requestAll = ['request.read', 'request.create', 'request.work', 'request.dispatch'];
const BUILTIN: Record<string, string[]> = {
  admin: ALL,
  agent: [...staffBase, ...customerWork, ...requestAll],
  monitor: [...staffBase, ...customerRead, ...requestAll, 'sla.report.read'],
  dispatcher: [...staffBase, 'user.read', 'sla.calendar.read', ...customerRead, ...requestAll],
  technician: ['org.read', 'request.read', 'request.work'],
  account_manager: [...staffBase, ...customerWork, 'request.read', 'request.create', 'request.work'],
  supervisor: [
    ...staffBase,
    'sla.calendar.read',
    'sla.report.read',
    'user.read',
    'role.read',
    'skillgroup.manage',
    'audit.read',
    ...customerRead,
    'pii.reveal',
    ...requestAll,
  ],
  quality_inspector: [...staffBase, 'user.read', 'request.read'],
  billing_specialist: [...staffBase, ...customerRead, 'request.read', 'request.create', 'request.work'],
  customer: [],
};
const as = (role: string) => ({ roles: [role], permissions: BUILTIN[role]! });
const menu = (role: string) => workspacesFor(as(role)).map((w) => w.id);

describe('role → workspace table', () => {
  it.each([
    [
      'admin',
      [
        'agent',
        'requests',
        'customers',
        'monitoring',
        'dispatch',
        'field',
        'supervisor',
        'quality',
        'admin',
        'security',
        'audit',
        'portal',
      ],
    ],
    ['agent', ['agent', 'requests', 'customers']],
    ['supervisor', ['agent', 'requests', 'customers', 'supervisor', 'quality', 'admin', 'audit']],
    ['monitor', ['requests', 'customers', 'monitoring']],
    ['dispatcher', ['requests', 'customers', 'dispatch']],
    ['technician', ['requests', 'field']],
    ['account_manager', ['agent', 'requests', 'customers']],
    ['quality_inspector', ['requests', 'quality']],
    ['billing_specialist', ['agent', 'requests', 'customers']],
    ['customer', ['portal']],
  ])('%s sees %j', (role, expected) => {
    expect(menu(role)).toEqual(expected);
  });

  it('a user with two roles sees the union, in menu order', () => {
    const who = { roles: ['technician', 'monitor'], permissions: ['org.read'] };
    expect(workspacesFor(who).map((w) => w.id)).toEqual(['monitoring', 'field']);
  });

  it('an administrator-defined role that may manage users opens administration', () => {
    const who = { roles: ['hr_clerk'], permissions: ['user.read', 'user.manage'] };
    expect(workspacesFor(who).map((w) => w.id)).toEqual(['admin']);
    expect(adminScreensFor(who).map((s) => [s.id, s.canManage])).toEqual([['users', true]]);
  });

  it('a role an administrator defines with customer.read opens customer search, and lands there', () => {
    const who = { roles: ['clerk'], permissions: ['customer.read'] };
    expect(workspacesFor(who).map((w) => w.id)).toEqual(['customers']);
    expect(homePath(who)).toBe('/customers');
  });

  it('customer screens follow their permissions: import and reveal are not for every reader', () => {
    expect(hasPermission(as('agent'), 'customer.read')).toBe(true);
    expect(hasPermission(as('agent'), 'pii.reveal')).toBe(false);
    expect(hasPermission(as('supervisor'), 'pii.reveal')).toBe(true);
    expect(hasPermission(as('supervisor'), 'customer.import')).toBe(false);
    // The built-in administrator holds everything, even a permission added after their role.
    expect(hasPermission({ roles: ['admin'], permissions: [] }, 'customer.import')).toBe(true);
    expect(hasPermission(as('technician'), 'customer.read')).toBe(false);
  });

  it('the security administrator opens security and lands there; a role with an alert permission too', () => {
    const secadmin = {
      roles: ['security_admin'],
      permissions: ['security.alert.read', 'security.incident.read'],
    };
    expect(workspacesFor(secadmin).map((w) => w.id)).toEqual(['security']);
    expect(homePath(secadmin)).toBe('/security');
    expect(workspacesFor({ roles: ['soc'], permissions: ['security.alert.read'] }).map((w) => w.id)).toEqual([
      'security',
    ]);
    expect(workspaceOfPath('/security/incidents')?.id).toBe('security');
  });

  it('the security administrator assigns roles on the users screen; the audit administrator reads the audit log', () => {
    const secadmin = {
      roles: ['security_admin'],
      permissions: [
        'user.grant',
        'user.unlock',
        'mfa.reset',
        'role.read',
        'role.manage',
        'security.alert.read',
      ],
    };
    expect(workspacesFor(secadmin).map((w) => w.id)).toEqual(['admin', 'security']);
    expect(adminScreensFor(secadmin).map((s) => [s.id, s.canManage, s.canGrant])).toEqual([
      ['users', false, true],
      ['roles', true, false],
    ]);
    const auditor = { roles: ['audit_admin'], permissions: ['audit.read', 'scope.national'] };
    expect(workspacesFor(auditor).map((w) => w.id)).toEqual(['audit']);
    expect(homePath(auditor)).toBe('/audit');
    expect(adminScreensFor(auditor)).toEqual([]);
  });

  it('a user with no known role or permission opens nothing', () => {
    const who = { roles: ['unknown'], permissions: [] };
    expect(workspacesFor(who)).toEqual([]);
    expect(homePath(who)).toBeUndefined();
  });

  it('lands each role on its most specific workspace', () => {
    expect(homePath(as('admin'))).toBe('/admin');
    expect(homePath(as('supervisor'))).toBe('/supervisor');
    expect(homePath(as('quality_inspector'))).toBe('/quality');
    expect(homePath(as('billing_specialist'))).toBe('/agent');
    expect(homePath(as('customer'))).toBe('/portal');
    // The request list is a menu entry, never a landing page that hides a role's own workspace.
    expect(homePath(as('technician'))).toBe('/field');
    expect(homePath({ roles: ['reader'], permissions: ['request.read'] })).toBe('/requests');
  });

  it('only a customer is portal-only', () => {
    expect(isPortalOnly(as('customer'))).toBe(true);
    expect(isPortalOnly(as('admin'))).toBe(false);
    expect(isPortalOnly(as('agent'))).toBe(false);
  });

  it('administration screens follow read permissions; editing needs manage', () => {
    expect(adminScreensFor(as('admin')).every((s) => s.canManage)).toBe(true);
    // A supervisor may read users and manage skill groups, but administration is not theirs: only
    // the SLA screens (read-only), and they still land on their own workspace.
    expect(adminScreensFor(as('supervisor')).map((s) => [s.id, s.canManage])).toEqual([
      ['slaPolicies', false],
      ['slaCalendars', false],
    ]);
    expect(homePath(as('supervisor'))).toBe('/supervisor');
    // A dispatcher reads the matrix through the API but has no administration screen.
    expect(adminScreensFor(as('dispatcher'))).toEqual([]);
    const sysadmin = {
      roles: ['system_admin'],
      permissions: ['org.read', 'org.manage', 'sla.calendar.manage', 'sla.policy.manage'],
    };
    expect(
      adminScreensFor(sysadmin)
        .filter((s) => s.id.startsWith('sla'))
        .map((s) => [s.id, s.canManage]),
    ).toEqual([
      ['slaPolicies', true],
      ['slaCalendars', true],
    ]);
  });

  it('finds the workspace of a deep path', () => {
    expect(workspaceOfPath('/admin/users')?.id).toBe('admin');
    expect(workspaceOfPath('/portal/requests')?.id).toBe('portal');
    expect(workspaceOfPath('/customers/import')?.id).toBe('customers');
    expect(workspaceOfPath('/requests/0b6f6f3e-0000-4000-8000-000000000001')?.id).toBe('requests');
    expect(workspaceOfPath('/agents')).toBeUndefined();
    expect(workspaceOfPath('/')).toBeUndefined();
  });
});
