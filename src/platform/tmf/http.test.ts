import { describe, expect, it } from 'vitest';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createHttpApp } from '../http/app.ts';
import { createLogger } from '../logger.ts';
import { parseFilters } from './filters.ts';
import { publicBaseUrl } from './href.ts';
import { addMergePatchParser, TMF_PATCH_BODY_TYPES } from './http.ts';
import { applyMergePatch } from './merge-patch.ts';
import { sendPage, tmfListQuery } from './paging.ts';

// A made-up TMF API over an in-memory list: the plumbing end to end through HTTP, no database.
async function thingApi(publicUrl?: string) {
  const app = await createHttpApp({
    logger: createLogger('silent'),
    authenticator: { authenticate: async () => undefined },
    bodyLimitBytes: 4096,
    rateLimitPerMinute: 1000,
    corsOrigins: [],
    ready: async () => {},
    version: 'test',
  });
  let thing: Record<string, unknown> = { id: '1', '@type': 'Thing', name: 'a', note: 'n' };
  await app.register(
    async (plugin) => {
      const api = plugin.withTypeProvider<ZodTypeProvider>();
      addMergePatchParser(api);
      addMergePatchParser(api); // twice is harmless
      api.get(
        '/thing',
        {
          schema: { querystring: z.looseObject(tmfListQuery({ maxLimit: 2 })) },
          config: { access: { public: true } },
        },
        async (request, reply) => {
          const filters = parseFilters(request.query, { name: { type: 'string' } });
          const base = publicBaseUrl(publicUrl, request);
          const all = [1, 2, 3].map((i) => ({ id: String(i), href: `${base}/tmf-api/thing/v1/thing/${i}` }));
          return sendPage(reply, all.slice(0, request.query.limit), filters.length ? 0 : all.length);
        },
      );
      api.patch(
        '/thing/1',
        { config: { access: { public: true }, bodyTypes: TMF_PATCH_BODY_TYPES } },
        async (request) => {
          thing = applyMergePatch(thing, request.body) as Record<string, unknown>;
          return thing;
        },
      );
    },
    { prefix: '/tmf-api/thing/v1' },
  );
  await app.ready();
  return app;
}

describe('TMF plumbing over HTTP', () => {
  it('pages with the count headers, caps the limit, and builds hrefs from the request', async () => {
    const app = await thingApi();
    const res = await app.inject({
      url: '/tmf-api/thing/v1/thing?limit=500',
      headers: { host: 'op.lan:8080' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('3');
    expect(res.headers['x-result-count']).toBe('2');
    expect(res.json()[0].href).toBe('http://op.lan:8080/tmf-api/thing/v1/thing/1');
    const bad = await app.inject({ url: '/tmf-api/thing/v1/thing?colour=red' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      '@type': 'Error',
      code: 'ERR400',
      status: '400',
      reason: 'BAD_REQUEST',
      message: expect.stringMatching(/"colour" is not supported/),
    });
    await app.close();
  });

  it('uses the configured public URL when there is one', async () => {
    const app = await thingApi('https://crm.example.cn/op');
    const res = await app.inject({ url: '/tmf-api/thing/v1/thing' });
    expect(res.json()[0].href).toBe('https://crm.example.cn/op/tmf-api/thing/v1/thing/1');
    await app.close();
  });

  it('PATCH takes merge-patch+json and plain JSON (null removes); JSON Patch is a 415 Error', async () => {
    const app = await thingApi();
    const patch = (type: string, body: unknown) =>
      app.inject({
        method: 'PATCH',
        url: '/tmf-api/thing/v1/thing/1',
        headers: { 'content-type': type },
        payload: JSON.stringify(body),
      });
    const merge = await patch('application/merge-patch+json', { name: 'b', note: null });
    expect(merge.statusCode).toBe(200);
    expect(merge.json()).toEqual({ id: '1', '@type': 'Thing', name: 'b' });
    expect((await patch('application/json; charset=utf-8', { name: 'c' })).json().name).toBe('c');
    const jsonPatch = await patch('application/json-patch+json', [{ op: 'remove', path: '/name' }]);
    expect(jsonPatch.statusCode).toBe(415);
    expect(jsonPatch.json()).toMatchObject({ '@type': 'Error', code: 'ERR415', status: '415' });
    await app.close();
  });
});
