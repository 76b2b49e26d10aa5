// The real registry: existing databases keep their migration names and order, and what modules
// declare matches what the system checks.
import { describe, expect, it } from 'vitest';
import { modules } from '../src/modules.ts';
import { builtinRoles } from '../src/modules/identity/index.ts';
import { permissionCatalogue } from '../src/platform/module.ts';
import { migrations } from '../src/server.ts';

describe('the module registry (src/modules.ts)', () => {
  it('applies the migrations databases already have under the same names, first and in order', () => {
    const names = migrations.map(([name]) => name);
    expect(names.slice(0, 4)).toEqual([
      '0001_identity_init',
      '0002_audit_init',
      '0003_customers_init',
      '0004_events_init',
    ]);
    expect([...names].sort()).toEqual(names);
  });

  it('gives the built-in roles what they held before permissions moved into the modules', () => {
    const roles = Object.fromEntries(
      builtinRoles(permissionCatalogue(modules)).map((r) => [r.code, [...r.permissions].sort()]),
    );
    const staff = ['org.read', 'skillgroup.read'];
    // Issue 10's agent tools (attachments, canned phrases, caller identification), apart.
    const isTool = (p: string) => /^(attachment|phrase)\./.test(p) || p === 'customer.identify';
    const tools = Object.fromEntries(Object.entries(roles).map(([r, ps]) => [r, ps.filter(isTool)]));
    for (const r of Object.keys(roles)) roles[r] = roles[r]!.filter((p) => !isTool(p));
    const attach = ['attachment.read', 'attachment.upload'];
    const phrases = ['phrase.manage.personal', 'phrase.read'];
    expect(tools).toEqual({
      admin: [
        'attachment.manage',
        ...attach,
        'customer.identify',
        'phrase.manage.personal',
        'phrase.manage.unit',
        'phrase.read',
      ],
      system_admin: [],
      security_admin: [],
      audit_admin: [],
      agent: [...attach, 'customer.identify', ...phrases],
      monitor: [...attach, 'customer.identify', ...phrases],
      dispatcher: [...attach, 'customer.identify', ...phrases],
      technician: attach,
      account_manager: [...attach, 'customer.identify', ...phrases],
      supervisor: [...attach, 'phrase.manage.personal', 'phrase.manage.unit', 'phrase.read'],
      quality_inspector: ['attachment.read', 'phrase.read'],
      billing_specialist: [...attach, ...phrases],
      customer: attach,
    });
    // Service requests (issue 10): read, create (受理), work, dispatch/transfer, admin.
    const rq = (...p: string[]) => p.map((x) => `request.${x}`);
    expect(roles).toEqual({
      admin: [
        'audit.read',
        'channels.admin',
        'channels.message',
        'customer.erase',
        'customer.import',
        'customer.manage',
        'customer.portal_link',
        'customer.read',
        'events.read',
        // New since the move: registering TMF hub listeners (administrators only).
        'events.subscribe',
        'org.manage',
        'org.read',
        'pii.reveal',
        'product.manage',
        ...rq('admin', 'create', 'dispatch', 'portal', 'read', 'work'),
        'role.manage',
        'role.read',
        // The routing module (issue 10): routing rules and group strategies.
        'routing.manage',
        'routing.read',
        'scope.national',
        // The security module (issue 9): alerts and the incident register.
        'security.alert.manage',
        'security.alert.read',
        'security.incident.manage',
        'security.incident.read',
        'skillgroup.manage',
        'skillgroup.read',
        // The SLA module (issue 12): business calendars, the policy matrix, customers' reports.
        'sla.calendar.manage',
        'sla.calendar.read',
        'sla.customer_report.read',
        'sla.policy.manage',
        'sla.report.read',
        'token.manage',
        'mfa.reset',
        'user.grant',
        'user.manage',
        'user.read',
        'user.unlock',
        // Outbound webhooks (issue 11).
        'webhook.manage',
      ].sort(),
      // 三员分立 (issue 9): three administrators whose permissions do not overlap.
      system_admin: [
        'channels.admin',
        'channels.message',
        // Accounts are the system administrator's: which customer a portal login speaks for too.
        'customer.portal_link',
        'events.read',
        'events.subscribe',
        'org.manage',
        'org.read',
        'product.manage',
        ...rq('admin'),
        'routing.manage',
        'skillgroup.manage',
        'skillgroup.read',
        'sla.calendar.manage',
        'sla.policy.manage',
        'token.manage',
        'user.manage',
        'user.read',
        'webhook.manage',
      ],
      security_admin: [
        'mfa.reset',
        'role.manage',
        'role.read',
        'security.alert.manage',
        'security.alert.read',
        'security.incident.manage',
        'security.incident.read',
        'user.grant',
        'user.unlock',
      ],
      audit_admin: ['audit.read', 'scope.national'],
      agent: [
        'customer.manage',
        'customer.read',
        ...staff,
        ...rq('create', 'dispatch', 'read', 'work'),
      ].sort(),
      monitor: [
        'customer.read',
        ...staff,
        ...rq('create', 'dispatch', 'read', 'work'),
        'sla.calendar.read',
        'sla.report.read',
      ].sort(),
      dispatcher: [
        'customer.read',
        ...staff,
        'routing.read',
        'sla.calendar.read',
        'user.read',
        ...rq('create', 'dispatch', 'read', 'work'),
      ].sort(),
      technician: ['org.read', ...rq('read', 'work')],
      account_manager: [
        'customer.manage',
        'customer.read',
        ...staff,
        ...rq('create', 'read', 'work'),
        'sla.calendar.read',
        'sla.customer_report.read',
      ].sort(),
      supervisor: [
        'audit.read',
        'customer.read',
        'org.read',
        'pii.reveal',
        ...rq('create', 'dispatch', 'read', 'work'),
        'role.read',
        'routing.manage',
        'routing.read',
        'skillgroup.manage',
        'skillgroup.read',
        'sla.calendar.read',
        'sla.customer_report.read',
        'sla.report.read',
        'user.read',
      ],
      quality_inspector: [...staff, 'user.read', ...rq('read')].sort(),
      billing_specialist: ['customer.read', ...staff, ...rq('create', 'read', 'work')].sort(),
      // The portal (issue 10): my own requests only.
      customer: rq('portal'),
    });
  });

  it('refuses a permission that names a built-in role that does not exist', () => {
    const catalogue = [{ code: 'x.read', module: 'x', description: 'x', roles: ['agnet'] }];
    expect(() => builtinRoles(catalogue)).toThrow(
      'permission x.read (module x) names an unknown built-in role agnet',
    );
  });

  it('has the identity module first: the others read the org tree it owns', () => {
    expect(modules[0].name).toBe('identity');
  });
});
