// Bad input on the SLA exports' `lang`: the OpenAPI document lists the languages (zh-CN, en), so
// anything else is a 400 naming querystring.lang — never a file in a language nobody asked for.
// Only Accept-Language falls back (documented: "default: Accept-Language, else zh-CN").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badQuery, runCases, type Case } from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
let supervisor: { authorization: string };
let exports: string[];

const BAD_LANGS = [
  'fr',
  'EN',
  'zh',
  'zh-cn',
  'en-US',
  'zh-Hans',
  '',
  '%20en',
  'en%00',
  'en,zh-CN',
  'x'.repeat(5000),
  "en'%20or%20'1'='1",
];

beforeAll(async () => {
  s = await createTestServer();
  supervisor = await s.as('supervisor');
  const customers = await s.app.inject({
    method: 'GET',
    url: '/api/v1/customers?kind=enterprise&limit=1',
    headers: supervisor,
  });
  expect(customers.statusCode, customers.body).toBe(200);
  const customerId = (customers.json().items as Array<{ id: string }>)[0]!.id;
  const period = 'from=2026-12-01&to=2026-12-07';
  exports = [
    `/api/v1/sla/reports/met/export?groupBy=day&${period}`,
    `/api/v1/sla/reports/breaches/export?${period}`,
    `/api/v1/sla/customer-reports/${customerId}/export?${period}&format=csv`,
  ];
});
afterAll(async () => {
  await s?.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  s.app.inject({ method: 'GET', url, headers: { ...supervisor, ...headers } });
const headerLine = (body: string) => body.replace(/^\uFEFF/, '').split(/\r?\n/)[0];

describe(`SLA exports: lang (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('each export answers the languages it lists, each in its own words', async () => {
    for (const url of exports) {
      const [zh, en] = await Promise.all([get(`${url}&lang=zh-CN`), get(`${url}&lang=en`)]);
      expect([zh.statusCode, en.statusCode], `${url} ${zh.body.slice(0, 200)}`).toEqual([200, 200]);
      expect(headerLine(en.body), url).not.toEqual(headerLine(zh.body));
    }
  });

  it('refuses a language it does not list, or a malformed one, naming lang', async () => {
    const cases: Case[] = exports.flatMap((url) => [
      ...BAD_LANGS.map((lang) => badQuery(`${url}&lang=${lang}`, 'querystring.lang')),
      badQuery(`${url}&lang=en&lang=zh-CN`, 'querystring.lang'),
      badQuery(`${url}&lang[]=en`, 'querystring'),
    ]);
    const { problems } = await runCases(s.app, cases, () => supervisor);
    expect(problems).toEqual([]);
  });

  it('falls back to zh-CN on an Accept-Language it cannot use, as documented', async () => {
    for (const url of exports) {
      const zh = headerLine((await get(`${url}&lang=zh-CN`)).body);
      for (const accept of ['fr-FR, de;q=0.8', 'garbage;;q=x,,', '*', 'en;q=0']) {
        const res = await get(url, { 'accept-language': accept });
        expect(res.statusCode, `${url} ${accept}`).toBe(200);
        expect(headerLine(res.body), `${url} ${accept}`).toEqual(zh);
      }
    }
  });
});
