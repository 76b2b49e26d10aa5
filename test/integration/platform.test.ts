import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/platform/http/app.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('HTTP platform', () => {
  it('liveness and readiness answer without a token', async () => {
    expect((await s.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await s.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('serves the OpenAPI document and the interactive docs', async () => {
    const doc = await s.app.inject({ url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toMatch(/^3\./);
    expect(Object.keys(doc.json().paths)).toContain('/api/v1/auth/login');
    const ui = await s.app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/html/);
  });

  it('sends secure headers and a request id, and keeps CORS closed by default', async () => {
    const res = await s.app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an unknown route is a JSON 404 with a stable code', async () => {
    const res = await s.app.inject({ url: '/api/v1/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an API call without a token is 401 in the one error model', async () => {
    const res = await s.app.inject({ url: '/api/v1/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
  });

  it('a body that is not JSON, and an oversized body, get clear 4xx answers', async () => {
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"login": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('BAD_REQUEST');
    const big = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'a', password: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(xml.statusCode).toBe(415);
  });
});

describe('HTTP platform (standalone app)', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });

  it('unexpected errors become a 500 without internals; the log keeps the detail', async () => {
    const app = await createHttpApp({
      logger: createLogger('info', sink),
      authenticator: { authenticate: async () => undefined },
      bodyLimitBytes: 1024,
      rateLimitPerMinute: 1000,
      corsOrigins: [],
      ready: async () => {
        throw new Error('db down');
      },
      version: 'test',
    });
    app.get('/api/v1/boom', { config: { access: { public: true } } }, async () => {
      throw new Error('secret internal detail: password=hunter2');
    });
    const res = await app.inject({ url: '/api/v1/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'INTERNAL', message: 'An unexpected error occurred' });
    expect(res.body).not.toContain('hunter2');
    expect(lines.join('')).toContain('secret internal detail');
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    await app.close();
  });

  it('refuses to register an API route that declares no access rule (deny by default)', async () => {
    const app = await createHttpApp({
      logger: createLogger('silent'),
      authenticator: { authenticate: async () => undefined },
      bodyLimitBytes: 1024,
      rateLimitPerMinute: 1000,
      corsOrigins: [],
      ready: async () => {},
      version: 'test',
    });
    expect(() => app.get('/api/v1/open', async () => ({}))).toThrow(/declares no access rule/);
    await app.close();
  });

  it('a serialization failure from the database becomes 503 with Retry-After', async () => {
    const app = await createHttpApp({
      logger: createLogger('silent'),
      authenticator: { authenticate: async () => undefined },
      bodyLimitBytes: 1024,
      rateLimitPerMinute: 1000,
      corsOrigins: [],
      ready: async () => {},
      version: 'test',
    });
    app.get('/api/v1/busy', { config: { access: { public: true } } }, async () => {
      throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    const res = await app.inject({ url: '/api/v1/busy' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().code).toBe('SERVICE_UNAVAILABLE');
    await app.close();
  });
});

describe('login protection', () => {
  it('rate-limits repeated login attempts from one address', async () => {
    const limited = await createTestServer({ env: { ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { login: 'agent', password: 'wrong-password-1' },
        });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      expect(codes.slice(3)).toEqual([429, 429]);
      const last = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login: 'agent', password: DEMO_PASSWORD },
      });
      expect(last.statusCode).toBe(429);
      expect(last.json().code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it('failed logins are audited without the password', async () => {
    await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'dispatcher', password: 'not-the-password-9' },
    });
    const rows = await s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'auth.login_failed')
      .where('actor_login', '=', 'dispatcher')
      .execute();
    expect(rows.length).toBe(1);
    expect(JSON.stringify(rows[0])).not.toContain('not-the-password-9');
    expect(rows[0]!.details).toEqual({ reason: 'bad_password', failures: 1 });
  });
});
