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

describe(`merge, links and tags (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  const create = async (over: Record<string, unknown> = {}) => {
    const res = await call('POST', API, 'agent', fault({ customerId, category: 'broadband.drops', ...over }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });

  it('merges a duplicate: closed as merged, its timeline shown on the target, the customer told once', async () => {
    const target = await create({ title: '宽带频繁掉线' });
    const dup = await create({ title: '宽带老是断线' });
    await call('POST', `${API}/${dup.id}/notes`, 'agent', {
      body: '客户补充：晚上更严重',
      visibility: 'customer',
    });

    // A stale version is refused and nothing changes.
    const stale = await call(
      'POST',
      `${API}/${dup.id}/merge-into`,
      'agent',
      { targetId: target.id, reason: '同一故障重复申告' },
      ifMatch(dup.version + 5),
    );
    expect(stale.statusCode).toBe(409);
    expect((await call('GET', `${API}/${dup.id}`, 'agent')).json().status).toBe('accepted');

    const merged = await call(
      'POST',
      `${API}/${dup.id}/merge-into`,
      'agent',
      { targetId: target.id, reason: '同一故障重复申告' },
      ifMatch(dup.version),
    );
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({
      status: 'closed',
      mergedIntoId: target.id,
      version: dup.version + 1,
    });
    expect(merged.headers.etag).toBe(`"${dup.version + 1}"`);

    const t = (await call('GET', `${API}/${target.id}`, 'agent')).json();
    expect(t.version).toBe(target.version + 1);
    expect(t.customer.id).toBe(customerId);
    expect(t.links).toContainEqual({
      id: dup.id,
      number: dup.number,
      status: 'closed',
      relation: 'merged_from',
    });
    const fromDup = t.timeline.filter((e: { mergedFrom?: { id: string } }) => e.mergedFrom?.id === dup.id);
    expect(fromDup.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['created', 'reply', 'merge']),
    );
    const told = t.timeline.filter(
      (e: { kind: string; visibility: string; mergedFrom?: unknown }) =>
        e.kind === 'merge' && e.visibility === 'customer' && !e.mergedFrom,
    );
    expect(told).toHaveLength(1);
    expect(told[0].details).toMatchObject({ mergedFromId: dup.id, mergedFromNumber: dup.number });
    const d = (await call('GET', `${API}/${dup.id}`, 'agent')).json();
    expect(d.links).toContainEqual({
      id: target.id,
      number: target.number,
      status: 'accepted',
      relation: 'merged_into',
    });
    expect(d.customer.id).toBe(customerId);

    // Merged once: again, or into a closed request, is refused.
    expect(
      (await call('POST', `${API}/${dup.id}/merge-into`, 'agent', { targetId: target.id, reason: '再次' }))
        .statusCode,
    ).toBe(409);
    const other = await create();
    expect(
      (await call('POST', `${API}/${other.id}/merge-into`, 'agent', { targetId: dup.id, reason: '合并' }))
        .statusCode,
    ).toBe(422);
    // Audited, with an event for each side.
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'service_request.merge')
      .where('entity_id', '=', dup.id)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('links related requests (both sides see it) and unlinks; tags replace and filter the list', async () => {
    const a = await create({ title: '小区宽带大面积中断' });
    const b = await create({ title: '同小区另一户断网' });
    const linked = await call(
      'POST',
      `${API}/${a.id}/links`,
      'agent',
      { relatedId: b.id },
      ifMatch(a.version),
    );
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().relatedIds).toEqual([b.id]);
    expect((await call('GET', `${API}/${b.id}`, 'agent')).json().links).toContainEqual({
      id: a.id,
      number: a.number,
      status: 'accepted',
      relation: 'linked_from',
    });
    expect((await call('POST', `${API}/${a.id}/links`, 'agent', { relatedId: b.id })).statusCode).toBe(422);
    const stale = await call(
      'DELETE',
      `${API}/${a.id}/links/${b.id}`,
      'agent',
      undefined,
      ifMatch(a.version),
    );
    expect(stale.statusCode).toBe(409);
    const unlinked = await call(
      'DELETE',
      `${API}/${a.id}/links/${b.id}`,
      'agent',
      undefined,
      ifMatch(a.version + 1),
    );
    expect(unlinked.statusCode, unlinked.body).toBe(200);
    expect(unlinked.json().relatedIds).toEqual([]);
    expect((await call('DELETE', `${API}/${a.id}/links/${b.id}`, 'agent')).statusCode).toBe(404);

    const tagged = await call('PUT', `${API}/${a.id}/tags`, 'agent', {
      tags: ['大面积故障', 'VIP', '大面积故障'],
    });
    expect(tagged.statusCode, tagged.body).toBe(200);
    expect(tagged.json().tags).toEqual(['大面积故障', 'VIP']);
    const list = (
      await call('GET', `${API}?tag=${encodeURIComponent('大面积故障')}&limit=100`, 'agent')
    ).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect(
      (await call('PUT', `${API}/${a.id}/tags`, 'agent', { tags: ['x'] }, ifMatch(tagged.json().version - 1)))
        .statusCode,
    ).toBe(409);
    // Out of scope: the request does not exist.
    expect((await call('PUT', `${API}/${a.id}/tags`, 'zj.agent', { tags: ['x'] })).statusCode).toBe(404);
    const events = await s.ctx.db
      .selectFrom('outbox_events')
      .select('event_type')
      .where('aggregate_id', '=', a.id)
      .execute();
    expect(events.filter((e) => e.event_type === 'ServiceRequestAttributeValueChangeEvent').length).toBe(3);
  });
});

describe(`who else has a request open (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('names the others seen in the last minute, in the view and in the heartbeat answer', async () => {
    const r = (await call('POST', API, 'agent', fault({ customerId, category: 'broadband.slow' }))).json();
    const beat = (login: string) => call('POST', `${API}/${r.id}/viewing`, login);
    const first = await beat('agent');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().viewers).toEqual([]);
    const second = (await beat('supervisor')).json();
    expect(second.viewers.map((v: { login: string }) => v.login)).toEqual(['agent']);
    await beat('agent');
    const view = (await call('GET', `${API}/${r.id}`, 'agent')).json();
    expect(view.viewers.map((v: { login: string }) => v.login)).toEqual(['supervisor']);
    // Outside the scope: no such request.
    expect((await beat('zj.agent')).statusCode).toBe(404);
    // Two minutes later nobody is on it any more.
    daysAhead = 2 / 1440;
    expect((await call('GET', `${API}/${r.id}`, 'agent')).json().viewers).toEqual([]);
    daysAhead = 0;
  });
});
