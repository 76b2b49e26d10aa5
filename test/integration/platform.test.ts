import net from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type ConnectionLimits } from '../../src/platform/http/app.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { startPlatform } from '../../src/server.ts';
import { createTestServer, DEMO_PASSWORD, openTestDatabase, type TestServer } from '../harness.ts';

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

// Raw sockets: what a slow, idle or oversized client does to the listening server.
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server writes to the socket until it closes it, or `waitMs` passes. */
function received(
  socket: net.Socket,
  waitMs: number,
): Promise<{ text: string; closed: boolean; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    let text = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      resolve({ text, closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (d) => (text += String(d)));
    socket.once('close', () => done(true));
    socket.on('error', () => {});
  });
}

const limitedApp = (limits: Partial<ConnectionLimits>) =>
  createHttpApp({
    logger: createLogger('silent'),
    authenticator: { authenticate: async () => undefined },
    bodyLimitBytes: 1024,
    rateLimitPerMinute: 100_000,
    corsOrigins: [],
    ready: async () => {},
    version: 'test',
    limits: {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5000,
      maxRequestsPerSocket: 0,
      maxConnections: 0,
      ...limits,
    },
  });

describe('resource limits on a listening server', () => {
  it('an oversized JSON body is refused with 413 in our error shape before it is sent in full', async () => {
    const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(address).port);
    const socket = await connect(port);
    const answer = received(socket, 10_000);
    // Says 100 MB, sends 1 KB of it and then nothing: the answer cannot have waited for the rest.
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${100 * 1024 * 1024}\r\n\r\n{"login":"agent","password":"${'x'.repeat(1000)}`,
    );
    const { text } = await answer;
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    // An upload over the attachment limit, from a signed-in agent: the same, before the bytes.
    const upload = await connect(port);
    const uploadAnswer = received(upload, 10_000);
    upload.write(
      'POST /api/v1/attachments?entityType=service_request&entityId=00000000-0000-7000-8000-000000000000&fileName=a.png HTTP/1.1\r\n' +
        `Host: t\r\nAuthorization: Bearer ${await s.token('agent')}\r\nContent-Type: image/png\r\n` +
        `Content-Length: ${1024 * 1024 * 1024}\r\n\r\n\x89PNG`,
    );
    const up = await uploadAnswer;
    upload.destroy();
    expect(up.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(up.text).toContain('PAYLOAD_TOO_LARGE');
  });

  it('a client dribbling its headers (slowloris) is cut off while others are still served', async () => {
    const app = await limitedApp({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    app.get('/api/v1/ping', { config: { access: { public: true } } }, async () => ({ pong: true }));
    const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
    try {
      const slow = await connect(port);
      const slowEnd = received(slow, 15_000);
      slow.write('GET /api/v1/ping HTTP/1.1\r\nHost: t\r\n');
      // One header line every 200 ms, for ever: each keeps the socket busy, none ends the headers.
      let n = 0;
      const drip = setInterval(() => slow.writable && slow.write(`X-Drip-${n++}: a\r\n`), 200);
      // Meanwhile an ordinary client is answered at once.
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/ping`);
      expect(await res.json()).toEqual({ pong: true });
      const end = await slowEnd;
      clearInterval(drip);
      expect(end.closed).toBe(true);
      expect(end.text).not.toContain('pong');
      // Cut off at the headers timeout (1 s, checked every 200 ms), far from the 15 s wait.
      expect(end.ms).toBeLessThan(8000);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/ping`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('many idle connections are closed at the timeouts and do not stop others being served', async () => {
    const app = await limitedApp({ headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 500 });
    app.get('/api/v1/ping', { config: { access: { public: true } } }, async () => ({ pong: true }));
    const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
    try {
      // 200 connections that never send a byte, and one that made a request and then idles.
      const idle = await Promise.all(Array.from({ length: 200 }, () => connect(port)));
      const ends = idle.map((socket) => received(socket, 15_000));
      const kept = await connect(port);
      const keptEnd = received(kept, 15_000);
      kept.write('GET /api/v1/ping HTTP/1.1\r\nHost: t\r\n\r\n');
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/ping`);
      expect(res.status).toBe(200);
      const closed = await Promise.all(ends);
      expect(closed.every((e) => e.closed)).toBe(true);
      expect(Math.max(...closed.map((e) => e.ms))).toBeLessThan(8000);
      const k = await keptEnd;
      expect(k.text).toContain('pong');
      expect(k.closed).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('start-up order', () => {
  it('loads what comes before the workers (the demo) with every module prepared and no worker running yet', async () => {
    const { database, dispose } = await openTestDatabase();
    const messages: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean))
          messages.push((JSON.parse(line) as { msg: string }).msg);
        done();
      },
    });
    const config = loadConfig({ ONEPOINT_DEMO_PASSWORD: DEMO_PASSWORD, LOG_LEVEL: 'info' });
    let rolesBefore = 0;
    const p = await startPlatform(config, createLogger('info', sink), {
      command: 'test',
      jobs: true,
      database,
      beforeStart: async (ctx) => {
        ctx.logger.info('before start');
        // Built-in roles are synced by identity's prepare: the demo's users need them.
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from roles`.execute(ctx.db);
        rolesBefore = rows[0]!.n;
      },
    });
    await p.close();
    await dispose();
    expect(rolesBefore).toBeGreaterThan(0);
    const before = messages.indexOf('before start');
    expect(before).toBeGreaterThanOrEqual(0);
    // The SLA scheduler (which may raise a request's priority) starts only after it.
    expect(messages.indexOf('SLA scheduler started')).toBeGreaterThan(before);
  });
});
