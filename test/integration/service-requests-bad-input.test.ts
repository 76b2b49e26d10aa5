// Bad input on every service-request route with a body, params or a query: a 4xx with the stable
// code and the offending field named, and nothing in the module's tables changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
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
let s: TestServer;
let admin: { authorization: string };
let requestId: string;
let categoryId: string;

beforeAll(async () => {
  s = await createTestServer();
  admin = await s.as('admin');
  const res = await s.app.inject({
    method: 'POST',
    url: `${API}/service-requests`,
    headers: admin,
    payload: { kind: 'fault', title: '宽带慢', description: '晚上网速慢', channel: 'web' },
  });
  expect(res.statusCode, res.body).toBe(201);
  requestId = res.json().id;
  categoryId = (
    await s.ctx.db.selectFrom('service_request_categories').select('id').executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  await s?.close();
});

async function snapshot() {
  const db = s.ctx.db;
  return {
    requests: await db.selectFrom('service_requests').selectAll().orderBy('id').execute(),
    timeline: await db.selectFrom('service_request_timeline').selectAll().orderBy('id').execute(),
    categories: await db.selectFrom('service_request_categories').selectAll().orderBy('id').execute(),
    workflows: await db.selectFrom('service_request_workflows').selectAll().orderBy('kind').execute(),
    keys: await db.selectFrom('service_request_idempotency').selectAll().orderBy('key').execute(),
  };
}

const definition = {
  initial: 'accepted',
  states: ['accepted', 'dispatched', 'taken', 'in_progress', 'resolved', 'closed'],
  transitions: [
    { action: 'dispatch', from: ['accepted'], to: 'dispatched' },
    { action: 'take', from: ['dispatched'], to: 'taken' },
    { action: 'start', from: ['taken'], to: 'in_progress' },
    { action: 'resolve', from: ['in_progress'], to: 'resolved' },
    { action: 'close', from: ['resolved'], to: 'closed' },
  ],
  closeAtIntake: true,
};

function bodyRoutes(doc: unknown): BodyRoute[] {
  const route = (method: BodyRoute['method'], path: string, url: string, valid: Record<string, unknown>) => ({
    method,
    url,
    valid,
    fields: fieldsFromOpenApi(doc, method, path),
  });
  const one = `${API}/service-requests/${requestId}`;
  return [
    route('POST', `${API}/service-requests`, `${API}/service-requests`, {
      kind: 'fault',
      title: '宽带无法上网',
      description: '光猫红灯',
      channel: 'hotline',
      channelRef: 'call-1',
      accessNumber: '10000',
      customerId: '0191d7b4-0000-7000-8000-000000000000',
      productInstanceId: '0191d7b4-0000-7000-8000-000000000001',
      category: 'broadband.no_connection',
      priority: 'high',
      callerPhone: '13912345678',
      deputyUserId: demoId('user', 'supervisor'),
      resolveAtIntake: { resolution: '已答复' },
    }),
    route('POST', `${API}/service-requests/{id}/transitions`, `${one}/transitions`, {
      action: 'resolve',
      reason: '原因',
      result: '结果',
      assigneeId: demoId('user', 'agent'),
      customerVisible: true,
      version: 1,
    }),
    route('POST', `${API}/service-requests/{id}/urges`, `${one}/urges`, { reason: '催', version: 1 }),
    route('POST', `${API}/service-requests/{id}/notes`, `${one}/notes`, {
      body: '备注',
      visibility: 'internal',
      kind: 'note',
      version: 1,
    }),
    route('POST', `${API}/service-requests/{id}/follow-ups`, `${one}/follow-ups`, {
      body: '再次来电',
      ownerAway: true,
      version: 1,
    }),
    route('POST', `${API}/service-requests/{id}/transfers`, `${one}/transfers`, {
      toUnitId: demoId('org', 'CT.JS.NJ'),
      supportLine: 2,
      skillGroupId: null,
      reason: '属地处理',
      version: 1,
    }),
    route('POST', `${API}/service-requests/{id}/owner-handover`, `${one}/owner-handover`, {
      toUserId: demoId('user', 'supervisor'),
      reason: '交班',
      deputyUserId: null,
      version: 1,
    }),
    // merge-requests.ts
    route('POST', `${API}/service-requests/{id}/merge-into`, `${one}/merge-into`, {
      targetId: demoId('user', 'agent'),
      reason: '重复申告',
      version: 1,
    }),
    route('POST', `${API}/service-requests/{id}/links`, `${one}/links`, {
      relatedId: demoId('user', 'agent'),
      version: 1,
    }),
    route('PUT', `${API}/service-requests/{id}/tags`, `${one}/tags`, { tags: ['大面积故障'], version: 1 }),
    // portal.routes.ts
    route('POST', `${API}/portal/service-requests`, `${API}/portal/service-requests`, {
      productInstanceId: demoId('user', 'agent'),
      title: '宽带断网',
      description: '光猫红灯',
      category: 'broadband.no_connection',
    }),
    route(
      'POST',
      `${API}/portal/service-requests/{id}/notes`,
      `${API}/portal/service-requests/${requestId}/notes`,
      {
        body: '有人在家',
        version: 1,
      },
    ),
    route(
      'POST',
      `${API}/portal/service-requests/{id}/decision`,
      `${API}/portal/service-requests/${requestId}/decision`,
      { accept: false, reason: '没修好', version: 1 },
    ),
    route('POST', `${API}/service-request-categories`, `${API}/service-request-categories`, {
      kind: 'fault',
      code: 'wifi.weak',
      name: 'Wi-Fi 弱',
      nameEn: 'Weak Wi-Fi',
      sortOrder: 5,
    }),
    route(
      'PATCH',
      `${API}/service-request-categories/{id}`,
      `${API}/service-request-categories/${categoryId}`,
      {
        name: '改名',
        nameEn: 'Renamed',
        sortOrder: 1,
        active: true,
        version: 1,
      },
    ),
    route('PUT', `${API}/service-request-workflows/{kind}`, `${API}/service-request-workflows/consultation`, {
      definition,
      version: 1,
    }),
  ];
}

const PARAM_AND_QUERY_CASES = (): Case[] => [
  query(`${API}/service-requests/not-a-uuid`, 'params.id'),
  query(`${API}/service-requests?kind=bogus`, 'querystring.kind'),
  query(`${API}/service-requests?status=bogus`, 'querystring.status'),
  query(`${API}/service-requests?priority=bogus`, 'querystring.priority'),
  query(`${API}/service-requests?assignee=someone`, 'querystring.assignee'),
  query(`${API}/service-requests?unassigned=yes`, 'querystring.unassigned'),
  query(`${API}/service-requests?handlingUnit=x`, 'querystring.handlingUnit'),
  query(`${API}/service-requests?limit=0`, 'querystring.limit'),
  query(`${API}/service-requests?limit=101`, 'querystring.limit'),
  query(`${API}/service-requests?cursor=bm9wZQ`, 'querystring.cursor'),
  query(`${API}/service-requests?q=${'x'.repeat(101)}`, 'querystring.q'),
  query(`${API}/service-requests?unknown=1`, 'querystring'),
  query(`${API}/service-requests?repeat=yes`, 'querystring.repeat'),
  query(`${API}/portal/service-requests?open=yes`, 'querystring.open'),
  query(`${API}/portal/service-requests?limit=0`, 'querystring.limit'),
  query(`${API}/portal/service-requests/not-a-uuid`, 'params.id'),
  {
    ...query(`${API}/service-requests/not-a-uuid/viewing`, 'params.id'),
    req: { method: 'POST', url: `${API}/service-requests/not-a-uuid/viewing` },
  },
  query(`${API}/service-requests?tag=${'x'.repeat(33)}`, 'querystring.tag'),
  {
    ...query(`${API}/service-requests/${requestId}/links/not-a-uuid`, 'params.relatedId'),
    req: { method: 'DELETE', url: `${API}/service-requests/${requestId}/links/not-a-uuid` },
  },
  query(`${API}/service-request-categories?kind=bogus`, 'querystring.kind'),
  query(`${API}/service-request-workflows/bogus`, 'params.kind'),
  {
    what: 'an Idempotency-Key with spaces',
    req: {
      method: 'POST',
      url: `${API}/service-requests`,
      headers: { 'idempotency-key': 'a b' },
      payload: { kind: 'fault', title: 't', description: 'd', channel: 'web' },
    },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'headers.idempotency-key',
  },
  {
    what: 'an If-Match that is not a version',
    req: {
      method: 'POST',
      url: `${API}/service-requests/${requestId}/urges`,
      headers: { 'if-match': 'abc' },
      payload: {},
    },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'headers.if-match',
  },
  {
    what: 'a phone that is not one',
    req: {
      method: 'POST',
      url: `${API}/service-requests`,
      payload: { kind: 'fault', title: 't', description: 'd', channel: 'web', callerPhone: '12345' },
    },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.callerPhone',
  },
];

describe(`service-request bad input (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('the valid requests the cases are derived from pass validation', async () => {
    for (const r of bodyRoutes(s.app.swagger())) {
      const res = await s.app.inject({
        method: r.method,
        url: r.url.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '00000000-0000-7000-8000-000000000000'),
        payload: r.valid,
        headers: admin,
      });
      expect([200, 201, 404, 409, 422], `${r.method} ${r.url} ${res.body}`).toContain(res.statusCode);
    }
  });

  it('refuses wrong types, missing and unknown fields, oversize strings, bad params and queries — naming the field, changing nothing', async () => {
    const before = await snapshot();
    const cases = [
      ...bodyRoutes(s.app.swagger())
        .flatMap(bodyCases)
        // An urge may say nothing: `{}` is a valid urge (sent to a request that does not exist here).
        .map((c) =>
          c.what === 'an empty object' && String(c.req.url).endsWith('/urges')
            ? {
                ...c,
                req: {
                  ...c.req,
                  url: String(c.req.url).replace(requestId, '00000000-0000-7000-8000-000000000000'),
                },
                status: 404,
                code: 'NOT_FOUND',
                field: undefined,
              }
            : c,
        ),
      ...PARAM_AND_QUERY_CASES(),
    ];
    const { problems } = await runCases(s.app, cases, () => admin);
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThan(200);
    expect(await snapshot()).toEqual(before);
  });
});
