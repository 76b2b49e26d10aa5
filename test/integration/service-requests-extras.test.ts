// Service requests beyond the core: intake for a caller of another region (一点受理), attachments,
// repeats (重复), merge/links/tags, through HTTP on both engines.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const NJ = demoId('org', 'CT.JS.NJ');
const PHONE = '13951230001';
const PURPOSE = '来电报修宽带故障，受理申告';
const API = '/api/v1/service-requests';

let s: TestServer;
let customerId: string;
let instanceId: string;
/** Days the test clock is ahead of real time (the repeat window is tested by moving it). */
let daysAhead = 0;
beforeAll(async () => {
  s = await createTestServer({
    env: { ONEPOINT_REPEAT_WINDOW_DAYS: '10' },
    clock: { now: () => new Date(Date.now() + daysAhead * 86_400_000) },
  });
  const created = await call('POST', '/api/v1/customers', 'agent', {
    kind: 'individual',
    name: '钱立新',
    orgUnitId: NJ,
    phone: PHONE,
  });
  expect(created.statusCode, created.body).toBe(201);
  customerId = created.json().id;
  const inst = await call('POST', `/api/v1/customers/${customerId}/instances`, 'agent', {
    productCode: 'broadband.ftth',
    accountNo: 'NJFTTH0300001',
    orgUnitId: NJ,
  });
  expect(inst.statusCode, inst.body).toBe(201);
  instanceId = inst.json().id;
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

const fault = (over: Record<string, unknown> = {}) => ({
  kind: 'fault',
  title: '宽带无法上网',
  description: '客户来电：光猫 LOS 灯红',
  channel: 'hotline',
  accessNumber: '10000',
  category: 'broadband.no_connection',
  ...over,
});

const unitCode = async (id: string) =>
  (await s.ctx.db.selectFrom('org_units').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;

describe(`intake for a caller of another region (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('refuses a customer outside the scope without an identification, as an unknown one (404)', async () => {
    const res = await call('POST', API, 'zj.agent', fault({ customerId, productInstanceId: instanceId }));
    expect(res.statusCode, res.body).toBe(404);
    const unknown = await call(
      'POST',
      API,
      'zj.agent',
      fault({ customerId: '00000000-0000-7000-8000-000000000000' }),
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe(res.json().code);
    expect(unknown.json().message).toBe(res.json().message);
  });

  it('a Zhejiang agent identifies a Jiangsu caller by the whole phone, accepts a fault routed to Jiangsu and stays its owner', async () => {
    const found = await call('POST', '/api/v1/customers/identify', 'zj.agent', {
      kind: 'phone',
      value: PHONE,
      purpose: PURPOSE,
    });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items[0].customerId).toBe(customerId);

    const res = await call('POST', API, 'zj.agent', fault({ customerId, productInstanceId: instanceId }));
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(v.number).toMatch(/^ZJ/);
    expect(await unitCode(v.handlingUnitId)).toMatch(/^CT\.JS/);
    expect(v.ownerUserId).toBe(demoId('user', 'zj.agent'));
    expect(await unitCode(v.ownerUnitId)).toBe('CT.ZJ.10000');

    // The owner reads it (owner scope), the Jiangsu agent too (handling scope).
    expect((await call('GET', `${API}/${v.id}`, 'zj.agent')).statusCode).toBe(200);
    expect((await call('GET', `${API}/${v.id}`, 'agent')).statusCode).toBe(200);
    // Whoever did not identify the caller cannot take a request for them.
    const refused = await call('POST', API, 'zj.supervisor', fault({ customerId }));
    expect(refused.statusCode).toBe(404);

    const log = await s.ctx.db
      .selectFrom('customer_access_log')
      .select(['action', 'purpose', 'actor_login'])
      .where('customer_id', '=', customerId)
      .where('action', 'in', ['identify', 'intake'])
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.action)).toEqual(['identify', 'intake']);
    expect(log[1]).toMatchObject({ actor_login: 'zj.agent', purpose: `service_request.create:${v.number}` });
  });

  it('an intake in the agent’s own scope is not logged as a cross-scope access', async () => {
    const res = await call('POST', API, 'agent', fault({ customerId, productInstanceId: instanceId }));
    expect(res.statusCode, res.body).toBe(201);
    const logged = await s.ctx.db
      .selectFrom('customer_access_log')
      .select('id')
      .where('purpose', '=', `service_request.create:${res.json().number}`)
      .execute();
    expect(logged).toHaveLength(0);
  });
});

const png = () =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);

async function upload(login: string, requestId: string, name = '光猫.png') {
  return s.app.inject({
    method: 'POST',
    url: `/api/v1/attachments?ownerType=service_request&ownerId=${requestId}&fileName=${encodeURIComponent(name)}`,
    headers: { ...(await s.as(login)), 'content-type': 'application/octet-stream' },
    payload: png(),
  });
}
const attachmentsOf = async (login: string, requestId: string) =>
  call('GET', `/api/v1/attachments?ownerType=service_request&ownerId=${requestId}`, login);

describe(`attachments on requests (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('whoever works on a request attaches; whoever reads it lists and downloads; others see nothing', async () => {
    const req = (
      await call('POST', API, 'agent', fault({ customerId, productInstanceId: instanceId }))
    ).json();
    const up = await upload('agent', req.id);
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({ fileName: '光猫.png', contentType: 'image/png', sizeBytes: 508 });

    // A reader who may not work on it (the quality inspector) lists and downloads, but attaches nothing.
    const listed = await attachmentsOf('inspector', req.id);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((a: { id: string }) => a.id)).toEqual([up.json().id]);
    const content = await call('GET', `/api/v1/attachments/${up.json().id}/content`, 'supervisor');
    expect(content.statusCode).toBe(200);
    expect((await upload('inspector', req.id)).statusCode).toBe(403);

    // Outside the request's scope: attaching is refused as if it did not exist, nothing is listed.
    expect((await upload('zj.agent', req.id)).statusCode).toBe(404);
    expect((await attachmentsOf('zj.agent', req.id)).json().items).toEqual([]);
    expect((await call('GET', `/api/v1/attachments/${up.json().id}`, 'zj.agent')).statusCode).toBe(404);
    // Not a request id at all.
    expect((await upload('agent', 'not-a-request')).statusCode).toBe(404);
  });
});

describe(`repeat detection (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('flags a request about the same instance and category within the window and links the earlier ones', async () => {
    const inst = await call('POST', `/api/v1/customers/${customerId}/instances`, 'agent', {
      productCode: 'broadband.ftth',
      accountNo: 'NJFTTH0300002',
      orgUnitId: NJ,
    });
    const iid = inst.json().id;
    const first = (await call('POST', API, 'agent', fault({ productInstanceId: iid }))).json();
    expect(first.repeat).toBe(false);
    const other = (
      await call(
        'POST',
        API,
        'agent',
        fault({ productInstanceId: iid, category: 'broadband.slow', title: '网速慢' }),
      )
    ).json();
    expect(other.repeat).toBe(false);

    daysAhead = 5;
    const again = await call('POST', API, 'agent', fault({ productInstanceId: iid, title: '又断网了' }));
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ repeat: true, repeatOf: [first.id] });
    const view = (await call('GET', `${API}/${again.json().id}`, 'agent')).json();
    expect(view.repeatOf).toEqual([first.id]);
    expect(view.timeline.find((t: { kind: string }) => t.kind === 'repeat')).toMatchObject({
      visibility: 'internal',
      details: { repeatOf: [first.id] },
    });

    const repeats = (
      await call('GET', `${API}?repeat=true&customerId=${customerId}&limit=100`, 'agent')
    ).json();
    const ids = repeats.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(again.json().id);
    expect(ids).not.toContain(first.id);
    expect(repeats.items.every((i: { repeat: boolean }) => i.repeat)).toBe(true);

    // Past the window (10 days here) the first one no longer counts; the second repeat still does.
    daysAhead = 12;
    const later = (await call('POST', API, 'agent', fault({ productInstanceId: iid }))).json();
    expect(later.repeatOf).toEqual([again.json().id]);
    daysAhead = 30;
    expect((await call('POST', API, 'agent', fault({ productInstanceId: iid }))).json().repeat).toBe(false);
    daysAhead = 0;
  });
});
