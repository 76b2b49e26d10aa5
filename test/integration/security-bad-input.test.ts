// Bad input on every security route with a body, params or a query: a 4xx with the stable code and
// the offending field named, and nothing in the security tables changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseSecurityAlert } from '../../src/modules/security/index.ts';
import {
  badQuery as query,
  bodyCases,
  fieldsFromOpenApi,
  runCases,
  type BodyRoute,
  type Case,
} from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1/security';
let s: TestServer;
let admin: { authorization: string };
let incidentId: string;
let alertId: string;

beforeAll(async () => {
  s = await createTestServer();
  admin = await s.as('admin');
  const res = await s.app.inject({
    method: 'POST',
    url: `${API}/incidents`,
    headers: admin,
    payload: {
      title: '样例',
      description: '样例事件',
      category: 'other',
      discoveredAt: '2026-12-01T00:00:00Z',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  incidentId = res.json().id;
  await raiseSecurityAlert(s.ctx.db, { kind: 'test.bad_input', userId: null, summary: 'x', at: new Date() });
  alertId = (await s.ctx.db.selectFrom('security_alerts').select('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await s?.close();
});

async function snapshot() {
  const db = s.ctx.db;
  return {
    alerts: await db.selectFrom('security_alerts').selectAll().orderBy('id').execute(),
    incidents: await db.selectFrom('security_incidents').selectAll().orderBy('id').execute(),
    links: await db.selectFrom('security_incident_customers').selectAll().orderBy('customer_id').execute(),
  };
}

function bodyRoutes(doc: unknown): BodyRoute[] {
  const route = (method: BodyRoute['method'], path: string, url: string, valid: Record<string, unknown>) => ({
    method,
    url,
    valid,
    fields: fieldsFromOpenApi(doc, method, path),
  });
  return [
    route('POST', `${API}/alerts/{id}/acknowledge`, `${API}/alerts/${alertId}/acknowledge`, {
      note: '已核实',
      version: 1,
    }),
    route('POST', `${API}/alerts/{id}/close`, `${API}/alerts/${alertId}/close`, {
      note: '已处理',
      version: 1,
    }),
    route('POST', `${API}/incidents`, `${API}/incidents`, {
      title: '导出文件外泄',
      description: '经过',
      category: 'leak',
      cause: '原因',
      occurredAt: '2026-11-30T00:00:00Z',
      discoveredAt: '2026-12-01T00:00:00Z',
      dataKinds: ['name'],
      estimatedAffected: 10,
      severity: 'minor',
      harm: '危害',
      measures: '措施',
      advice: '建议',
      decidedBy: '负责人',
      notifyIndividuals: true,
      noNoticeReason: '理由',
      customerIds: ['0191d7b4-0000-7000-8000-000000000000'],
    }),
    route('PATCH', `${API}/incidents/{id}`, `${API}/incidents/${incidentId}`, {
      title: '导出文件外泄',
      description: '经过',
      category: 'leak',
      cause: '原因',
      occurredAt: '2026-11-30T00:00:00Z',
      discoveredAt: '2026-12-01T00:00:00Z',
      dataKinds: ['name'],
      estimatedAffected: 10,
      severity: 'minor',
      harm: '危害',
      measures: '措施',
      advice: '建议',
      decidedBy: '负责人',
      notifyIndividuals: true,
      noNoticeReason: '理由',
      state: 'open',
      notificationNote: '记录',
      closeNote: '结案',
      version: 1,
    }),
    route('POST', `${API}/incidents/{id}/customers`, `${API}/incidents/${incidentId}/customers`, {
      customerIds: ['0191d7b4-0000-7000-8000-000000000000'],
    }),
  ];
}

const PARAM_AND_QUERY_CASES = (): Case[] => [
  query(`${API}/alerts/not-a-uuid`, 'params.id'),
  query(`${API}/incidents/not-a-uuid`, 'params.id'),
  query(`${API}/incidents/not-a-uuid/notice`, 'params.id'),
  query(`${API}/incidents/not-a-uuid/customers`, 'params.id'),
  query(`${API}/alerts?state=bogus`, 'querystring.state'),
  query(`${API}/alerts?kind=Not%20A%20Kind`, 'querystring.kind'),
  query(`${API}/alerts?userId=agent`, 'querystring.userId'),
  query(`${API}/alerts?limit=0`, 'querystring.limit'),
  query(`${API}/alerts?limit=201`, 'querystring.limit'),
  query(`${API}/alerts?before=x`, 'querystring.before'),
  query(`${API}/alerts?unknown=1`, 'querystring'),
  query(`${API}/incidents?state=bogus`, 'querystring.state'),
  query(`${API}/incidents?category=bogus`, 'querystring.category'),
  query(`${API}/incidents?severity=bogus`, 'querystring.severity'),
  query(`${API}/incidents?limit=abc`, 'querystring.limit'),
  query(`${API}/incidents/${incidentId}/notice?limit=501`, 'querystring.limit'),
  query(`${API}/incidents/${incidentId}/notice?after=x`, 'querystring.after'),
  query(`${API}/incidents/${incidentId}/customers?limit=0`, 'querystring.limit'),
  {
    what: 'unlink with a customer id that is not one',
    req: { method: 'DELETE', url: `${API}/incidents/${incidentId}/customers/not-a-uuid` },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'params.customerId',
  },
];

describe(`security bad input (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('the valid requests the cases are derived from pass validation', async () => {
    for (const r of bodyRoutes(s.app.swagger())) {
      const res = await s.app.inject({
        method: r.method,
        url: r.url,
        payload: r.valid,
        headers: await s.as('agent'),
      });
      expect(res.statusCode, `${r.method} ${r.url} ${res.body}`).toBe(403);
      const checked = await s.app.inject({
        method: r.method,
        url: r.url.replace(/[0-9a-f-]{36}/g, '00000000-0000-7000-8000-000000000000'),
        payload: r.valid,
        headers: admin,
      });
      expect([201, 404, 422], `${r.method} ${r.url} ${checked.body}`).toContain(checked.statusCode);
    }
  });

  it('refuses wrong types, missing and unknown fields, oversize strings, bad params and queries — naming the field, changing nothing', async () => {
    const before = await snapshot();
    const cases = [...bodyRoutes(s.app.swagger()).flatMap(bodyCases), ...PARAM_AND_QUERY_CASES()];
    const { problems } = await runCases(s.app, cases, () => admin);
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThan(200);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses repeated data kinds or customers, naming the field', async () => {
    for (const [payload, field] of [
      [{ dataKinds: ['name', 'name'] }, 'body.dataKinds'],
      [{ dataKinds: ['password'] }, 'body.dataKinds.0'],
      [{ title: '   ' }, 'body.title'],
    ] as const) {
      const res = await s.app.inject({
        method: 'PATCH',
        url: `${API}/incidents/${incidentId}`,
        headers: admin,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const id = '0191d7b4-0000-7000-8000-000000000000';
    const res = await s.app.inject({
      method: 'POST',
      url: `${API}/incidents/${incidentId}/customers`,
      headers: admin,
      payload: { customerIds: [id, id] },
    });
    expect(res.statusCode).toBe(400);
    const empty = await s.app.inject({
      method: 'POST',
      url: `${API}/incidents/${incidentId}/customers`,
      headers: admin,
      payload: { customerIds: [] },
    });
    expect(empty.statusCode).toBe(400);
  });
});
