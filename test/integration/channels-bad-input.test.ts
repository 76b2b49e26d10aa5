// Bad input on the channels administration (mailboxes, notice templates): every malformed body or
// path is refused with a clear 4xx naming the field, and nothing stored changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { bodyCases, fieldsFromOpenApi, runCases } from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
let admin: { authorization: string };
beforeAll(async () => {
  s = await createTestServer();
  admin = await s.as('sysadmin');
});
afterAll(async () => {
  await s?.close();
});

const stored = async () => ({
  mailboxes: await s.ctx.db.selectFrom('channel_mailboxes').selectAll().orderBy('address').execute(),
  templates: await s.ctx.db
    .selectFrom('notice_templates')
    .selectAll()
    .orderBy('event')
    .orderBy('lang')
    .execute(),
});

describe(`channels administration: bad input (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('refuses wrong types, missing and unknown fields, oversize strings — changing nothing', async () => {
    const doc = s.app.swagger();
    const routes = [
      {
        method: 'PUT' as const,
        url: '/api/v1/channel-mailboxes/service@onepoint.local',
        valid: { kind: 'consultation', ownerUserId: demoId('user', 'agent') },
        fields: fieldsFromOpenApi(doc, 'PUT', '/api/v1/channel-mailboxes/{address}'),
      },
      {
        method: 'PUT' as const,
        url: '/api/v1/notice-templates/accepted/zh-CN',
        valid: { subject: '已受理', body: '您的请求 {number} 已受理。' },
        fields: fieldsFromOpenApi(doc, 'PUT', '/api/v1/notice-templates/{event}/{lang}'),
      },
    ];
    const before = await stored();
    const { problems } = await runCases(s.app, routes.flatMap(bodyCases), () => admin);
    expect(problems).toEqual([]);
    // Bad paths: not an address, an unknown event or language.
    for (const [url, body] of [
      ['/api/v1/channel-mailboxes/not-an-address', { kind: 'fault', ownerUserId: demoId('user', 'agent') }],
      ['/api/v1/notice-templates/nonsense/zh-CN', { subject: 'x', body: 'y' }],
      ['/api/v1/notice-templates/accepted/fr', { subject: 'x', body: 'y' }],
    ] as const) {
      const res = await s.app.inject({ method: 'PUT', url, headers: admin, payload: body });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(await stored()).toEqual(before);
  });
});
