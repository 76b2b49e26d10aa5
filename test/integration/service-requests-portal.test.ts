// The customer's portal API: report a fault on my own service, follow my requests (customer-visible
// timeline only), add a note, reject then confirm a resolution; nobody else's request, ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const PORTAL = '/api/v1/portal/service-requests';
const STAFF = '/api/v1/service-requests';
let s: TestServer;
let customerId: string;
let instanceId: string;

beforeAll(async () => {
  s = await createTestServer();
  const link = await s.ctx.db
    .selectFrom('customer_portal_accounts')
    .select('customer_id')
    .where('user_id', '=', demoId('user', 'customer'))
    .executeTakeFirstOrThrow();
  customerId = link.customer_id;
  instanceId = (
    await s.ctx.db
      .selectFrom('product_instances')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('product_code', 'like', 'broadband.%')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  await s?.close();
});

async function call(method: string, url: string, login: string, payload?: unknown) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: await s.as(login),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

const kinds = (timeline: Array<{ kind: string }>) => timeline.map((t) => t.kind);

describe(`the customer's portal (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('reports a fault on my service, follows it without internal notes, rejects then confirms the resolution', async () => {
    const created = await call('POST', PORTAL, 'customer', {
      productInstanceId: instanceId,
      title: '家里宽带上不了网',
      description: '光猫红灯一直闪',
      category: 'broadband.no_connection',
    });
    expect(created.statusCode, created.body).toBe(201);
    const r = created.json();
    expect(r).toMatchObject({ kind: 'fault', status: 'accepted', productInstanceId: instanceId });
    expect(r).not.toHaveProperty('ownerUserId');
    expect(r).not.toHaveProperty('routing');
    const staffView = (await call('GET', `${STAFF}/${r.id}`, 'admin')).json();
    expect(staffView).toMatchObject({ channel: 'web', customer: { id: customerId } });
    // 首问负责制: the unit routing picked owns it; nobody is named until an agent takes it.
    expect(staffView.ownerUserId).toBeNull();
    expect(staffView.ownerUnitId).toBe(staffView.handlingUnitId);

    await call('POST', `${STAFF}/${r.id}/notes`, 'admin', {
      body: '内部：疑似光缆故障',
      visibility: 'internal',
    });
    await call('POST', `${STAFF}/${r.id}/notes`, 'admin', { body: '已安排师傅上门', visibility: 'customer' });
    const note = await call('POST', `${PORTAL}/${r.id}/notes`, 'customer', { body: '下午两点后有人在家' });
    expect(note.statusCode, note.body).toBe(200);
    const seen = note.json();
    expect(seen.timeline.map((t: { body: string | null }) => t.body)).toContain('已安排师傅上门');
    expect(JSON.stringify(seen.timeline)).not.toContain('光缆');
    expect(seen.timeline.at(-1)).toMatchObject({ kind: 'note', byCustomer: true });
    expect(seen.timeline.every((t: Record<string, unknown>) => !('actorLogin' in t))).toBe(true);
    // Staff see the customer's note among theirs.
    expect(
      (await call('GET', `${STAFF}/${r.id}`, 'admin'))
        .json()
        .timeline.some(
          (t: { body: string | null; visibility: string }) =>
            t.body === '下午两点后有人在家' && t.visibility === 'customer',
        ),
    ).toBe(true);

    const act = async (action: string, extra: Record<string, unknown> = {}) => {
      const res = await call('POST', `${STAFF}/${r.id}/transitions`, 'admin', { action, ...extra });
      expect(res.statusCode, res.body).toBe(200);
    };
    await act('dispatch', { assigneeId: demoId('user', 'admin') });
    await act('take');
    // The first agent to take it becomes its first-contact owner, on the (internal) timeline.
    const taken = (await call('GET', `${STAFF}/${r.id}`, 'admin')).json();
    expect(taken.ownerUserId).toBe(demoId('user', 'admin'));
    expect(taken.timeline.filter((t: { kind: string }) => t.kind === 'owner_handover')).toMatchObject([
      { visibility: 'internal', details: { firstContact: true, toUserId: demoId('user', 'admin') } },
    ]);
    await act('start');
    await act('resolve', { result: '更换光猫后恢复' });

    // Rejecting needs a reason; with one, the request is reopened.
    expect((await call('POST', `${PORTAL}/${r.id}/decision`, 'customer', { accept: false })).statusCode).toBe(
      400,
    );
    const rejected = await call('POST', `${PORTAL}/${r.id}/decision`, 'customer', {
      accept: false,
      reason: '晚上还是断网',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'in_progress' });
    expect(rejected.json().timeline.at(-1)).toMatchObject({
      kind: 'status',
      toStatus: 'in_progress',
      body: '晚上还是断网',
    });

    await act('resolve', { result: '更换入户光缆' });
    // The customer's agreement is the confirmation (回访) itself: straight from 回单 to 归档.
    const stale = await s.app.inject({
      method: 'POST',
      url: `${PORTAL}/${r.id}/decision`,
      headers: { ...(await s.as('customer')), 'if-match': '"1"' },
      payload: { accept: true },
    });
    expect(stale.statusCode).toBe(409);
    const confirmed = await call('POST', `${PORTAL}/${r.id}/decision`, 'customer', { accept: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().status).toBe('closed');
    expect(confirmed.json().timeline.slice(-2)).toMatchObject([
      { kind: 'status', fromStatus: 'resolved', toStatus: 'callback', byCustomer: true },
      { kind: 'status', fromStatus: 'callback', toStatus: 'closed', byCustomer: true },
    ]);
    expect(kinds(confirmed.json().timeline)).toContain('reply');

    // My request's attachments are mine to read; a closed one takes no more.
    const staffFile = await s.app.inject({
      method: 'POST',
      url: `/api/v1/attachments?ownerType=service_request&ownerId=${r.id}&fileName=report.txt`,
      headers: { ...(await s.as('admin')), 'content-type': 'text/plain' },
      payload: '测试报告',
    });
    expect(staffFile.statusCode, staffFile.body).toBe(201);
    const files = await call(
      'GET',
      `/api/v1/attachments?ownerType=service_request&ownerId=${r.id}`,
      'customer',
    );
    expect(files.json().items.map((f: { id: string }) => f.id)).toEqual([staffFile.json().id]);
    const late = await s.app.inject({
      method: 'POST',
      url: `/api/v1/attachments?ownerType=service_request&ownerId=${r.id}&fileName=more.txt`,
      headers: { ...(await s.as('customer')), 'content-type': 'text/plain' },
      payload: '补充',
    });
    expect(late.statusCode).toBe(404);

    const mine = (await call('GET', PORTAL, 'customer')).json().items;
    expect(mine.map((i: { id: string }) => i.id)).toContain(r.id);
    // The owner stays whoever took it first, after a second take (reopen → take again is not needed).
    expect((await call('GET', `${STAFF}/${r.id}`, 'admin')).json().ownerUserId).toBe(demoId('user', 'admin'));
  });

  it('lists my services, takes a consultation without a service, and counts my urges', async () => {
    const services = await call('GET', '/api/v1/portal/services', 'customer');
    expect(services.statusCode, services.body).toBe(200);
    const ids = services.json().items.map((i: { id: string }) => i.id);
    const owned = await s.ctx.db
      .selectFrom('product_instances')
      .select('id')
      .where('customer_id', '=', customerId)
      .execute();
    expect(ids.sort()).toEqual(owned.map((o) => o.id).sort());
    const cats = (
      await call('GET', '/api/v1/portal/service-request-categories?kind=fault', 'customer')
    ).json();
    expect(cats.items.map((c: { code: string }) => c.code)).toContain('broadband.no_connection');

    // A fault needs one of my services; a consultation does not.
    expect(
      (await call('POST', PORTAL, 'customer', { kind: 'fault', title: '断网', description: '' })).statusCode,
    ).toBe(400);
    const asked = await call('POST', PORTAL, 'customer', {
      kind: 'consultation',
      title: '想了解千兆宽带资费',
      description: '现在是 200M，想升级',
    });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json()).toMatchObject({ kind: 'consultation', status: 'accepted', productInstanceId: null });

    const urged = await call('POST', `${PORTAL}/${asked.json().id}/urge`, 'customer', {
      reason: '请尽快回复',
    });
    expect(urged.statusCode, urged.body).toBe(200);
    expect(urged.json()).toMatchObject({ urgeCount: 1 });
    expect(urged.json().timeline.at(-1)).toMatchObject({
      kind: 'urge',
      body: '请尽快回复',
      byCustomer: true,
    });
    const staff = (await call('GET', `${STAFF}/${asked.json().id}`, 'admin')).json();
    expect(staff.urgeCount).toBe(1);
  });

  it("never shows or touches another customer's request (404), nor reports on another's service", async () => {
    const other = await s.ctx.db
      .selectFrom('service_requests')
      .select('id')
      .where('customer_id', '<>', customerId)
      .where('status', '<>', 'closed')
      .executeTakeFirstOrThrow();
    expect((await call('GET', `${PORTAL}/${other.id}`, 'customer')).statusCode).toBe(404);
    const attach = await s.app.inject({
      method: 'POST',
      url: `/api/v1/attachments?ownerType=service_request&ownerId=${other.id}&fileName=x.txt`,
      headers: { ...(await s.as('customer')), 'content-type': 'text/plain' },
      payload: '看看',
    });
    expect(attach.statusCode).toBe(404);
    expect((await call('POST', `${PORTAL}/${other.id}/notes`, 'customer', { body: '看看' })).statusCode).toBe(
      404,
    );
    expect(
      (await call('POST', `${PORTAL}/${other.id}/decision`, 'customer', { accept: true })).statusCode,
    ).toBe(404);
    expect((await call('POST', `${PORTAL}/${other.id}/urge`, 'customer', {})).statusCode).toBe(404);
    const items = (await call('GET', `${PORTAL}?limit=100`, 'customer')).json().items;
    expect(items.map((i: { id: string }) => i.id)).not.toContain(other.id);

    const othersInstance = await s.ctx.db
      .selectFrom('product_instances')
      .select('id')
      .where('customer_id', '<>', customerId)
      .executeTakeFirstOrThrow();
    const res = await call('POST', PORTAL, 'customer', {
      productInstanceId: othersInstance.id,
      title: '报障',
      description: '',
    });
    expect(res.statusCode).toBe(422);
    // Staff routes are not the customer's, the portal is not staff's.
    expect((await call('GET', `${STAFF}/${other.id}`, 'customer')).statusCode).toBe(403);
    expect((await call('GET', PORTAL, 'agent')).statusCode).toBe(403);
  });

  it('administrators link and unlink portal logins (audited); others may not', async () => {
    const LINKS = '/api/v1/customer-portal-accounts';
    const user = demoId('user', 'customer');
    const listed = await call('GET', `${LINKS}?customerId=${customerId}`, 'sysadmin');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toMatchObject([{ userId: user, login: 'customer', customerId }]);
    expect((await call('PUT', `${LINKS}/${user}`, 'agent', { customerId })).statusCode).toBe(403);
    // Only a portal login (role customer) speaks for a customer.
    const staff = await call('PUT', `${LINKS}/${demoId('user', 'agent')}`, 'sysadmin', { customerId });
    expect(staff.statusCode).toBe(422);

    expect((await call('DELETE', `${LINKS}/${user}`, 'sysadmin')).statusCode).toBe(204);
    expect((await call('GET', PORTAL, 'customer')).statusCode).toBe(404);
    expect((await call('DELETE', `${LINKS}/${user}`, 'sysadmin')).statusCode).toBe(404);

    const other = await s.ctx.db
      .selectFrom('customers')
      .select('id')
      .where('id', '<>', customerId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    const moved = await call('PUT', `${LINKS}/${user}`, 'sysadmin', { customerId: other.id });
    expect(moved.statusCode, moved.body).toBe(200);
    const theirs = (await call('GET', PORTAL, 'customer')).json().items;
    const mineBefore = await s.ctx.db
      .selectFrom('service_requests')
      .select('id')
      .where('customer_id', '=', customerId)
      .execute();
    expect(theirs.map((i: { id: string }) => i.id)).not.toContain(mineBefore[0]!.id);

    // By the customer number too (what an administrator reads off the customer's papers).
    const { customer_no } = await s.ctx.db
      .selectFrom('customers')
      .select('customer_no')
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow();
    const back = await call('PUT', `${LINKS}/${user}`, 'sysadmin', { customerNo: customer_no });
    expect(back.json()).toMatchObject({ userId: user, customerId, login: 'customer' });
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', 'in', ['customer.portal_link', 'customer.portal_unlink'])
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'customer.portal_unlink',
      'customer.portal_link',
      'customer.portal_link',
    ]);
  });
});
