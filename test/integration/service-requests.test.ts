// Service requests through HTTP: intake, reading, lists, idempotent creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function call(
  method: string,
  url: string,
  login: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(await s.as(login)), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

/** A demo customer of 南京 with a broadband instance. */
async function njInstance() {
  return s.ctx.db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id as instanceId', 'c.id as customerId', 'i.org_unit_id as siteUnitId'])
    .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .where('i.product_code', 'like', 'broadband.%')
    .orderBy('i.id')
    .limit(1)
    .executeTakeFirstOrThrow();
}

const fault = (over: Record<string, unknown> = {}) => ({
  kind: 'fault',
  title: '宽带无法上网',
  description: '客户来电：光猫 LOS 灯红，联系电话 139 1234 5678',
  channel: 'hotline',
  accessNumber: '10000',
  channelRef: 'call-0001',
  category: 'broadband.no_connection',
  callerPhone: '13912345678',
  ...over,
});

describe(`service requests: intake and reading (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('accepts a fault call: a number read aloud, routed to the site unit, owner = the agent', async () => {
    const inst = await njInstance();
    const res = await call(
      'POST',
      '/api/v1/service-requests',
      'agent',
      fault({ productInstanceId: inst.instanceId }),
    );
    expect(res.statusCode).toBe(201);
    const v = res.json();
    expect(v.number).toMatch(/^JS\d{8}\d{6}$/);
    expect(v.status).toBe('accepted');
    expect(v.version).toBe(1);
    expect(v.customer.id).toBe(inst.customerId);
    expect(v.handlingUnitId).toBe(inst.siteUnitId);
    expect(v.ownerUnitId).toBe(demoId('org', 'CT.JS.10000'));
    expect(v.callerPhone).toBe('139****5678');
    expect(v.description).toContain('139****5678');
    expect(v.description).not.toContain('1234 5678');
    expect(res.headers.etag).toBe('"1"');

    const one = await call('GET', `/api/v1/service-requests/${v.id}`, 'agent');
    expect(one.statusCode).toBe(200);
    expect(one.headers.etag).toBe('"1"');
    expect(one.json().timeline.map((t: { kind: string }) => t.kind)).toEqual(['created']);
    expect(one.json().allowedActions).toEqual(['triage', 'dispatch']);
    // Never in clear in the database either.
    const row = await s.ctx.db
      .selectFrom('service_requests')
      .selectAll()
      .where('id', '=', v.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('13912345678');
    expect(row.caller_phone_last4).toBe('5678');

    const list = await call('GET', '/api/v1/service-requests?kind=fault', 'agent');
    expect(list.statusCode).toBe(200);
    expect(list.json().items[0]).toMatchObject({
      id: v.id,
      number: v.number,
      title: '宽带无法上网',
      status: 'accepted',
    });
    const byNumber = await call('GET', `/api/v1/service-requests?q=${v.number}`, 'agent');
    expect(byNumber.json().items.map((i: { id: string }) => i.id)).toEqual([v.id]);
  });

  it('closes a consultation answered on the call (一次解决)', async () => {
    const res = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'consultation',
      title: '咨询千兆宽带资费',
      description: '客户咨询千兆宽带套餐',
      channel: 'hotline',
      category: 'products_tariffs',
      resolveAtIntake: { resolution: '已介绍千兆套餐资费' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'closed', firstContactResolution: true });
    const fault422 = await call(
      'POST',
      '/api/v1/service-requests',
      'agent',
      fault({ resolveAtIntake: { resolution: '已解决' } }),
    );
    expect(fault422.statusCode).toBe(422);
  });

  it('refuses a category of another kind, an unknown customer', async () => {
    expect(
      (await call('POST', '/api/v1/service-requests', 'agent', fault({ category: 'products_tariffs' })))
        .statusCode,
    ).toBe(422);
    expect(
      (
        await call(
          'POST',
          '/api/v1/service-requests',
          'agent',
          fault({ customerId: '00000000-0000-7000-8000-000000000000' }),
        )
      ).statusCode,
    ).toBe(422);
  });

  it('a replayed create with the same Idempotency-Key returns the first answer; another body is refused', async () => {
    const key = { 'idempotency-key': 'retry-test-1' };
    const first = await call('POST', '/api/v1/service-requests', 'agent', fault(), key);
    const again = await call('POST', '/api/v1/service-requests', 'agent', fault(), key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().number).toBe(first.json().number);
    const other = await call(
      'POST',
      '/api/v1/service-requests',
      'agent',
      fault({ title: '另一个请求' }),
      key,
    );
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Parallel retries make one request too.
    const k2 = { 'idempotency-key': 'retry-test-2' };
    const parallel = await Promise.all(
      [1, 2, 3].map(() => call('POST', '/api/v1/service-requests', 'agent', fault(), k2)),
    );
    expect(parallel.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(parallel.map((r) => r.json().id)).size).toBe(1);
    // Keys are per caller: another agent's same key is another request.
    const zj = await call('POST', '/api/v1/service-requests', 'supervisor', fault(), key);
    expect(zj.statusCode).toBe(201);
    expect(zj.json().id).not.toBe(first.json().id);
  });
});
