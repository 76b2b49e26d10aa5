// Bad input on every routing route with a body, params or a query, and on /me/presence: a 4xx with
// the stable code and the offending field named, and nothing in the routing tables changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/modules/identity/index.ts';
import {
  badQuery as query,
  bodyCases,
  fieldsFromOpenApi,
  runCases,
  type BodyRoute,
  type Case,
} from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1';
const unit = (code: string) => demoId('org', code);
const GROUP = demoId('skill', 'JS.BROADBAND');
let s: TestServer;
let admin: { authorization: string };
let ruleId: string;

beforeAll(async () => {
  s = await createTestServer();
  admin = await s.as('admin');
  ruleId = (
    await s.ctx.db.selectFrom('routing_rules').select('id').orderBy('position').executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  await s?.close();
});

async function snapshot() {
  const db = s.ctx.db;
  return {
    rules: await db.selectFrom('routing_rules').selectAll().orderBy('id').execute(),
    settings: await db.selectFrom('routing_group_settings').selectAll().execute(),
    presence: await db.selectFrom('user_presence').selectAll().execute(),
  };
}

const validRule = {
  position: 42,
  name: '测试',
  description: '说明',
  active: true,
  kinds: ['fault'],
  categories: ['fault.broadband.down'],
  productCodes: ['broadband.ftth'],
  productCategories: ['broadband'],
  customerKinds: ['individual'],
  customerTiers: ['gold'],
  valueLevels: ['high'],
  channels: ['web'],
  regionUnitId: unit('CT.JS'),
  targetAnchor: 'site',
  targetFunctionType: 'dispatch_centre',
  targetUnitId: null,
  skillGroupCode: 'LOCAL_FAULT',
  supportLine: 1,
  priority: 'normal',
};

function bodyRoutes(doc: unknown): BodyRoute[] {
  const route = (method: BodyRoute['method'], path: string, url: string, valid: Record<string, unknown>) => ({
    method,
    url,
    valid,
    fields: fieldsFromOpenApi(doc, method, path),
  });
  return [
    route('POST', `${API}/routing-rules`, `${API}/routing-rules`, validRule),
    route('PATCH', `${API}/routing-rules/{id}`, `${API}/routing-rules/${ruleId}`, {
      ...validRule,
      version: 1,
    }),
    route('POST', `${API}/routing-rules/preview`, `${API}/routing-rules/preview`, {
      kind: 'fault',
      category: 'fault.broadband.down',
      productCode: 'broadband.ftth',
      customerKind: 'individual',
      customerTier: 'gold',
      valueLevel: 'high',
      channel: 'web',
      siteUnitId: unit('CT.JS.NJ'),
      homeUnitId: unit('CT.JS.NJ'),
      intakeUnitId: unit('CT.JS.10000'),
    }),
    route('PUT', `${API}/routing-strategies/{skillGroupId}`, `${API}/routing-strategies/${GROUP}`, {
      strategy: 'least_loaded',
      capacity: 5,
      reservedSlots: 1,
      version: 1,
    }),
    route('PUT', `${API}/me/presence`, `${API}/me/presence`, {
      status: 'away',
      until: '2099-01-01T00:00:00Z',
      deputyUserId: demoId('user', 'supervisor'),
      version: 1,
    }),
  ];
}

const PARAM_CASES = (): Case[] => [
  query(`${API}/routing-rules/not-a-uuid`, 'params.id'),
  {
    what: 'delete a rule by a non-id',
    req: { method: 'DELETE', url: `${API}/routing-rules/x` },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'params.id',
  },
  {
    what: 'a strategy for a non-id',
    req: { method: 'PUT', url: `${API}/routing-strategies/x`, payload: { strategy: 'skill' } },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'params.skillGroupId',
  },
  {
    what: 'a malformed If-Match',
    req: { method: 'DELETE', url: `${API}/routing-rules/${ruleId}`, headers: { 'if-match': '"abc"' } },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'headers.if-match',
  },
];

describe(`routing bad input (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('the valid requests the cases are derived from pass validation', async () => {
    for (const r of bodyRoutes(s.app.swagger())) {
      const res = await s.app.inject({ method: r.method, url: r.url, payload: r.valid, headers: admin });
      expect([200, 201, 409], `${r.method} ${r.url} ${res.body}`).toContain(res.statusCode);
    }
  });

  it('refuses wrong types, missing and unknown fields, oversize strings, bad params — naming the field, changing nothing', async () => {
    const before = await snapshot();
    const cases = [...bodyRoutes(s.app.swagger()).flatMap(bodyCases), ...PARAM_CASES()];
    const { problems } = await runCases(s.app, cases, () => admin);
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThan(200);
    expect(await snapshot()).toEqual(before);
  });
});
