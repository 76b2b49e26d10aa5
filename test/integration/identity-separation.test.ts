// 三员分立 (等保2.0 level 3): the system, security and audit administrators, as demo logins, hold
// permissions that do not overlap, each what its duty needs, and none can do another's work.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { administrationPermissions } from '../../src/modules/identity/index.ts';
import { permissionCatalogue } from '../../src/platform/module.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

const ADMINS = ['sysadmin', 'secadmin', 'auditor'] as const;
const userId = (login: string) => demoId('user', login);

async function call(login: string, method: InjectOptions['method'], url: string, payload?: object) {
  return s.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await s.as(login),
    ...(payload ? { payload } : {}),
  });
}

async function permissionsOf(login: string): Promise<Set<string>> {
  const me = await call(login, 'GET', '/auth/me');
  expect(me.statusCode, login).toBe(200);
  return new Set(me.json().permissions as string[]);
}

describe(`three administrators (三员分立) (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('sign in as demo logins and share no permission, each holding what its duty needs', async () => {
    const held = Object.fromEntries(
      await Promise.all(ADMINS.map(async (login) => [login, await permissionsOf(login)] as const)),
    );
    for (const a of ADMINS)
      for (const b of ADMINS)
        if (a < b)
          expect(
            [...held[a]!].filter((p) => held[b]!.has(p)),
            `${a} ∩ ${b}`,
          ).toEqual([]);
    // System administrator: org units, accounts, integration tokens, the product catalogue.
    expect([...held.sysadmin!]).toEqual(
      expect.arrayContaining(['org.manage', 'user.manage', 'user.read', 'token.manage', 'product.manage']),
    );
    // Security administrator: roles, authorisation, second-factor resets.
    expect([...held.secadmin!]).toEqual(
      expect.arrayContaining(['role.manage', 'role.read', 'user.grant', 'mfa.reset', 'user.unlock']),
    );
    // Audit administrator: the audit log, everywhere; nothing else.
    expect([...held.auditor!].sort()).toEqual(['audit.read', 'scope.national']);
    // None of them reads customers or reveals personal information.
    for (const login of ADMINS) {
      expect(held[login]!.has('customer.read'), login).toBe(false);
      expect(held[login]!.has('pii.reveal'), login).toBe(false);
    }
    // Every administration permission belongs to one of the three (or to the trial admin alone).
    const guarded = administrationPermissions(permissionCatalogue(modules));
    for (const p of ['org.manage', 'user.manage', 'user.grant', 'role.manage', 'mfa.reset', 'token.manage'])
      expect(guarded.has(p), p).toBe(true);
    expect(guarded.has('customer.read')).toBe(false);
  });

  it('the system administrator keeps accounts but assigns no roles; the security administrator assigns them', async () => {
    const base = {
      displayName: '新坐席',
      orgUnitId: demoId('org', 'CT.JS.10000'),
      password: 'new-agent-pass-1',
    };
    const withRoles = await call('sysadmin', 'POST', '/users', { ...base, login: 'sep.a', roles: ['agent'] });
    expect(withRoles.statusCode).toBe(403);
    expect(withRoles.json().details.missingPermissions).toEqual(['user.grant']);
    const created = await call('sysadmin', 'POST', '/users', { ...base, login: 'sep.b', roles: [] });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    // The system administrator cannot assign roles, by PATCH or by the roles route.
    const patch = await call('sysadmin', 'PATCH', `/users/${id}`, { roles: ['agent'], version: 1 });
    expect(patch.statusCode).toBe(403);
    expect(
      (await call('sysadmin', 'PUT', `/users/${id}/roles`, { roles: ['agent'], version: 1 })).statusCode,
    ).toBe(403);
    // The security administrator sees the user and assigns a business role it cannot use itself.
    expect((await call('secadmin', 'GET', `/users/${id}`)).statusCode).toBe(200);
    const granted = await call('secadmin', 'PUT', `/users/${id}/roles`, { roles: ['agent'], version: 1 });
    expect(granted.statusCode).toBe(200);
    expect(granted.json().roles).toEqual(['agent']);
    const signIn = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'sep.b', password: 'new-agent-pass-1' },
    });
    expect(signIn.json().user.permissions).toContain('customer.read');
    // …but not an administrator's role it does not hold, nor anything to itself.
    const admin = await call('secadmin', 'PUT', `/users/${id}/roles`, {
      roles: ['system_admin'],
      version: 2,
    });
    expect(admin.statusCode).toBe(403);
    expect(admin.json().details.missingPermissions).toContain('user.manage');
    const me = (await call('secadmin', 'GET', `/users/${userId('secadmin')}`)).json();
    const self = await call('secadmin', 'PUT', `/users/${me.id}/roles`, {
      roles: ['security_admin', 'supervisor'],
      version: me.version,
    });
    expect(self.statusCode).toBe(403);
    // Nor does it keep accounts: no edits, no password resets.
    expect(
      (await call('secadmin', 'PATCH', `/users/${id}`, { displayName: 'x', version: 2 })).statusCode,
    ).toBe(403);
    expect(
      (await call('secadmin', 'POST', `/users/${id}/password`, { password: 'taken-over-12' })).statusCode,
    ).toBe(403);
  });

  it('the system administrator cannot take over another administrator’s account', async () => {
    for (const login of ['secadmin', 'auditor']) {
      const reset = await call('sysadmin', 'POST', `/users/${userId(login)}/password`, {
        password: 'taken-over-12',
      });
      expect(reset.statusCode, login).toBe(403);
      const token = await call('sysadmin', 'POST', '/api-tokens', {
        userId: userId(login),
        name: 'backdoor',
      });
      expect(token.statusCode, login).toBe(403);
    }
    const again = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'auditor', password: DEMO_PASSWORD },
    });
    expect(again.statusCode).toBe(200);
  });

  it('the audit administrator reads everyone’s audit entries, those of the other administrators included, and changes nothing', async () => {
    const log = await call('auditor', 'GET', '/audit-log?limit=200');
    expect(log.statusCode).toBe(200);
    const items = log.json().items as Array<{
      actorLogin: string | null;
      action: string;
      orgUnitId: string | null;
    }>;
    expect(items.some((e) => e.actorLogin === 'sysadmin' && e.action === 'user.create')).toBe(true);
    expect(items.some((e) => e.actorLogin === 'secadmin' && e.action === 'user.update')).toBe(true);
    // Entries tied to no org unit (the demo seed) too: national scope.
    expect(
      (await call('auditor', 'GET', '/audit-log?entityType=system'))
        .json()
        .items.map((e: { action: string }) => e.action),
    ).toContain('demo.seed');
    for (const [method, url] of [
      ['GET', '/users'],
      ['GET', '/roles'],
      ['POST', '/org-units'],
      ['GET', '/customers'],
    ] as const)
      expect((await call('auditor', method, url, method === 'POST' ? {} : undefined)).statusCode, url).toBe(
        403,
      );
    // And the other two cannot read the audit log.
    for (const login of ['sysadmin', 'secadmin'])
      expect((await call(login, 'GET', '/audit-log')).statusCode, login).toBe(403);
  });
});
