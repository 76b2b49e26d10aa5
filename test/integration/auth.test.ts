import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe(`auth (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('signs in with the demo password and returns the user with roles and permissions', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'supervisor', password: DEMO_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user.login).toBe('supervisor');
    expect(body.user.roles).toEqual(['supervisor']);
    expect(body.user.permissions).toContain('skillgroup.manage');
    expect(body.token).toMatch(/^ops_/);
    const cookie = res.cookies.find((c) => c.name === 'op_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
  });

  it('refuses a wrong password with 401 and the stable code', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'agent', password: 'wrong-password-1' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects unknown fields and names the field', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'agent', password: DEMO_PASSWORD, admin: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().message).toContain('admin');
  });

  it('logout ends the session', async () => {
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'agent', password: DEMO_PASSWORD },
    });
    const headers = { authorization: `Bearer ${login.json().token}` };
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode).toBe(
      204,
    );
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
  });

  it('a cookie session must echo the CSRF token on unsafe methods', async () => {
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'agent', password: DEMO_PASSWORD },
    });
    const { token, csrfToken } = login.json();
    const cookies = { op_session: token };
    const noCsrf = await s.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies });
    expect(noCsrf.statusCode).toBe(403);
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies });
    expect(me.statusCode).toBe(200);
    const ok = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies,
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(ok.statusCode).toBe(204);
  });
});
