// Every registered API route (ours and TM Forum's) × every demo login + anonymous: the declared
// access rule is enforced — 401 without a token, 403 without the permission, and past both with it.
// The identity matrix (identity-authz.test.ts) checks exact success answers for its routes; this
// one guards every route any module registers, so a new route cannot slip through unchecked.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { builtinRoles } from '../../src/modules/identity/index.ts';
import { permissionsOf as routePermissions } from '../../src/platform/http/auth.ts';
import { permissionCatalogue } from '../../src/platform/module.ts';
import { DEMO_LOGINS } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

const permissionsOf = (login: string): Set<string> => {
  const role = DEMO_LOGINS.find((d) => d.login === login)!.role;
  return new Set(builtinRoles(permissionCatalogue(modules)).find((r) => r.code === role)!.permissions);
};

/** A concrete URL for a route pattern: ids that exist nowhere, so nothing is changed. */
const concrete = (url: string) =>
  url.replace(/:(\w+)/g, (_, name: string) => (/id$/i.test(name) ? randomUUID() : 'no_such_code'));

describe(`every API route enforces its access rule (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('knows the routes of every module', () => {
    const urls = s.app.routeAccess.map((r) => r.url);
    expect(urls).toContain('/api/v1/users');
    expect(urls).toContain('/api/v1/customers/:id/reveal');
    expect(urls.some((u) => u.startsWith('/tmf-api/'))).toBe(true);
  });

  it('answers 401 / 403 / past-authorization for each route × caller', async () => {
    const callers = [...DEMO_LOGINS.map((d) => d.login), 'anonymous'];
    const mismatches: string[] = [];
    const cases = s.app.routeAccess.flatMap((route) => callers.map((login) => ({ route, login })));
    const check = async ({ route, login }: (typeof cases)[number]) => {
      const { method, url, access } = route;
      if ('public' in access) return;
      const anonymous = login === 'anonymous';
      const allowed =
        !anonymous &&
        ('authenticated' in access || routePermissions(access).some((p) => permissionsOf(login).has(p)));
      // Logging out would end the shared session the other cases use.
      if (allowed && url === '/api/v1/auth/logout') return;
      const res = await s.app.inject({
        method: method as 'GET',
        url: concrete(url),
        headers: anonymous ? {} : await s.as(login),
        ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: {} } : {}),
      });
      const want = anonymous ? 401 : allowed ? 'neither 401 nor 403' : 403;
      const ok = anonymous
        ? res.statusCode === 401
        : allowed
          ? res.statusCode !== 401 && res.statusCode !== 403
          : res.statusCode === 403;
      if (!ok)
        mismatches.push(
          `${method} ${url} as ${login}: want ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`,
        );
    };
    for (let i = 0; i < cases.length; i += 8) await Promise.all(cases.slice(i, i + 8).map(check));
    expect(cases.length).toBeGreaterThan(500);
    expect(mismatches).toEqual([]);
    // Every route × 15 demo logins: allow for a busy machine.
  }, 120_000);
});
