import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/platform/http/static.ts';
import { createTestServer, type TestServer } from '../harness.ts';

// A small stand-in for web/dist, so these tests do not depend on a console build.
let dist: string;
let app: FastifyInstance;
const INDEX =
  '<!doctype html><title>console</title><script type="module" src="/assets/app-1a2b.js"></script>';
const APP_JS = `console.log(${JSON.stringify('x'.repeat(4000))});`;

beforeAll(async () => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-dist-'));
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dist, 'assets/app-1a2b.js'), APP_JS);
  fs.writeFileSync(path.join(dist, 'assets/app-1a2b.js.br'), zlib.brotliCompressSync(APP_JS));
  fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
  app = Fastify();
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${req.url}` }),
  );
  await app.register(consoleRoutes(dist));
  await app.ready();
});

afterAll(async () => {
  await app.close();
  fs.rmSync(dist, { recursive: true, force: true });
});

describe('serving the web console', () => {
  it('answers / and any client-side route with index.html, never cached', async () => {
    for (const url of ['/', '/login', '/admin/users', '/portal/requests?x=1']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
  });

  it('sends hashed assets precompressed and cached for a year', async () => {
    const res = await app.inject({ url: '/assets/app-1a2b.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toBe(APP_JS);
    const plain = await app.inject({ url: '/assets/app-1a2b.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(APP_JS);
  });

  it('keeps JSON 404s for API, TMF and docs paths, and for missing files', async () => {
    for (const url of [
      '/api/v1/nope',
      '/api',
      '/tmf-api/x',
      '/docs/nope',
      '/assets/gone.js',
      '/robots.txt',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('never serves files from outside the console directory', async () => {
    for (const url of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/%E0%A4%A',
    ]) {
      const res = await app.inject({ url });
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });

  it('says how to build the console when it is not built', async () => {
    const bare = Fastify();
    await bare.register(consoleRoutes(path.join(dist, 'missing')));
    const res = await bare.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });
});

describe('the real server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer();
  });
  afterAll(async () => s?.close());

  it('answers unknown API paths with the JSON error model and pages under the CSP', async () => {
    const api = await s.app.inject({ url: '/api/v1/no-such-thing' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ code: 'NOT_FOUND', message: 'No route GET /api/v1/no-such-thing' });
    const page = await s.app.inject({ url: '/agent' });
    expect([200, 503]).toContain(page.statusCode); // 503 only where web/dist was never built
    if (page.statusCode === 200) expect(page.body).toContain('<div id="root">');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    // Served over plain HTTP to LAN PCs, the console must not be sent to https:// for its scripts.
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});
