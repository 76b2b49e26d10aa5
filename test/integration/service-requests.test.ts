// Service requests through HTTP: intake, reading, lists, idempotent creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneIdempotencyKeys } from '../../src/modules/service-requests/idempotency-prune.ts';
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
    .where('c.kind', '=', 'individual')
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

describe(`service requests: demo data (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('has requests of every kind in several states over the demo customers', async () => {
    const rows = await s.ctx.db
      .selectFrom('service_requests')
      .select(['kind', 'status', 'customer_id'])
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(new Set(rows.map((r) => r.kind)).size).toBe(8);
    expect(new Set(rows.map((r) => r.status))).toEqual(
      new Set(['accepted', 'dispatched', 'in_progress', 'suspended', 'escalated', 'resolved', 'closed']),
    );
    expect(rows.every((r) => r.customer_id)).toBe(true);
    const zj = (await call('GET', '/api/v1/service-requests?limit=100', 'zj.agent')).json().items;
    expect(zj.length).toBeGreaterThan(0);
  });
});

describe(`service requests: intake and reading (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it("accepts a fault call: a number read aloud, routed to the site's dispatch centre, owner = the agent", async () => {
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
    // The seeded rule: a consumer's broadband fault goes to the local fault group of the site's unit.
    expect(inst.siteUnitId).toBe(demoId('org', 'CT.JS.NJ'));
    expect(v.handlingUnitId).toBe(demoId('org', 'CT.JS.NJ.DISPATCH'));
    expect(v.ownerUnitId).toBe(demoId('org', 'CT.JS.10000'));
    expect(v.callerPhone).toBe('139****5678');
    expect(v.description).toContain('139****5678');
    expect(v.description).not.toContain('1234 5678');
    expect(res.headers.etag).toBe('"1"');

    const one = await call('GET', `/api/v1/service-requests/${v.id}`, 'agent');
    expect(one.statusCode).toBe(200);
    expect(one.headers.etag).toBe('"1"');
    expect(one.json().timeline.map((t: { kind: string }) => t.kind)).toEqual(['created']);
    expect(one.json().allowedActions).toEqual(['triage', 'dispatch', 'cancel']);
    // Never in clear in the database either.
    const row = await s.ctx.db
      .selectFrom('service_requests')
      .selectAll()
      .where('id', '=', v.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('13912345678');
    expect(row.caller_phone_last4).toBe('5678');
    // Its audit entry and its event, in the same transaction; the event carries the masked view.
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', v.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['service_request.create']);
    const events = await s.ctx.db
      .selectFrom('outbox_events')
      .select(['event_type', 'payload'])
      .where('aggregate_id', '=', v.id)
      .orderBy('id')
      .execute();
    // A fault is a TMF621 trouble ticket too: its event is derived in the same transaction.
    expect(events.map((e) => e.event_type)).toEqual([
      'ServiceRequestCreateEvent',
      'TroubleTicketCreateEvent',
    ]);
    for (const e of events) {
      expect(JSON.stringify(e.payload)).toContain(v.number);
      expect(JSON.stringify(e.payload)).not.toContain('13912345678');
    }

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

  it('refuses a category of another kind, an unknown customer, a hotline number on another channel', async () => {
    const web = await call('POST', '/api/v1/service-requests', 'agent', fault({ channel: 'web' }));
    expect(web.statusCode).toBe(400);
    expect(web.json().details.fields[0].field).toBe('body.accessNumber');
    const enterpriseLine = await call(
      'POST',
      '/api/v1/service-requests',
      'agent',
      fault({ accessNumber: '10000-9' }),
    );
    expect(enterpriseLine.json().accessNumber).toBe('10000-9');
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
    ).toBe(404);
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
    // Kept 24 hours: after that the key is forgotten (pruned hourly) and makes a new request.
    const later = { now: () => new Date(Date.now() + 25 * 3600_000) };
    expect(await pruneIdempotencyKeys(s.ctx.db as never, later)).toBeGreaterThanOrEqual(2);
    const fresh = await call(
      'POST',
      '/api/v1/service-requests',
      'agent',
      fault({ title: '另一个请求' }),
      key,
    );
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json().id).not.toBe(first.json().id);
    // Keys are per caller: another agent's same key is another request.
    const zj = await call('POST', '/api/v1/service-requests', 'supervisor', fault(), key);
    expect(zj.statusCode).toBe(201);
    expect(zj.json().id).not.toBe(first.json().id);
  });

  it("lists a customer's open requests on the 360 page, in the reader's scope", async () => {
    const inst = await njInstance();
    const v = (
      await call('POST', '/api/v1/service-requests', 'agent', fault({ productInstanceId: inst.instanceId }))
    ).json();
    const view = (await call('GET', `/api/v1/customers/${inst.customerId}/360`, 'agent')).json();
    const open = view.openRequests as Array<{ id: string; number: string; status: string }>;
    expect(open.map((r) => r.id)).toContain(v.id);
    expect(open.find((r) => r.id === v.id)).toMatchObject({ number: v.number, status: 'accepted' });
  });

  it('keeps notes, replies and contact attempts on the timeline, masked on the way out', async () => {
    const v = (await call('POST', '/api/v1/service-requests', 'agent', fault())).json();
    const note = await call('POST', `/api/v1/service-requests/${v.id}/notes`, 'agent', {
      body: '内部备注：用户身份证 320102199003071288 已核实',
      visibility: 'internal',
    });
    expect(note.statusCode).toBe(200);
    expect(note.json().version).toBe(1);
    await call('POST', `/api/v1/service-requests/${v.id}/notes`, 'agent', {
      body: '已安排师傅明早上门',
      visibility: 'customer',
    });
    await call('POST', `/api/v1/service-requests/${v.id}/notes`, 'agent', {
      body: '外呼客户未接通',
      visibility: 'internal',
      kind: 'contact_attempt',
    });
    const tl = (await call('GET', `/api/v1/service-requests/${v.id}`, 'agent')).json().timeline;
    expect(tl.map((t: { kind: string; visibility: string }) => `${t.kind}/${t.visibility}`)).toEqual([
      'created/customer',
      'note/internal',
      'reply/customer',
      'contact_attempt/internal',
    ]);
    expect(tl[1].body).not.toContain('320102199003071288');
    const bad = await call('POST', `/api/v1/service-requests/${v.id}/notes`, 'agent', {
      body: 'x',
      visibility: 'public',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('filters the list: kind, status, unassigned, assignee=me, with keyset pages', async () => {
    const page1 = (await call('GET', '/api/v1/service-requests?limit=2', 'agent')).json();
    expect(page1.items).toHaveLength(2);
    const page2 = (
      await call('GET', `/api/v1/service-requests?limit=2&cursor=${page1.nextCursor}`, 'agent')
    ).json();
    const ids1 = page1.items.map((i: { id: string }) => i.id);
    expect(page2.items.some((i: { id: string }) => ids1.includes(i.id))).toBe(false);
    const all = (await call('GET', '/api/v1/service-requests?limit=100', 'agent')).json().items as Array<{
      createdAt: string;
    }>;
    expect(all.map((i) => i.createdAt)).toEqual([...all.map((i) => i.createdAt)].sort().reverse());
    const closed = (await call('GET', '/api/v1/service-requests?status=closed', 'agent')).json().items;
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((i: { status: string }) => i.status === 'closed')).toBe(true);
    const unassigned = (
      await call('GET', '/api/v1/service-requests?unassigned=true&kind=fault', 'agent')
    ).json().items;
    expect(unassigned.length).toBeGreaterThan(0);
    expect(
      unassigned.every(
        (i: { assigneeId: string | null; kind: string }) => i.assigneeId === null && i.kind === 'fault',
      ),
    ).toBe(true);
    const taken = (await call('POST', '/api/v1/service-requests', 'agent', fault())).json();
    await call('POST', `/api/v1/service-requests/${taken.id}/transitions`, 'agent', {
      action: 'dispatch',
      assigneeId: demoId('user', 'agent'),
    });
    const mine = (await call('GET', '/api/v1/service-requests?assignee=me', 'agent')).json().items;
    expect(mine.map((i: { id: string }) => i.id)).toContain(taken.id);
    expect(mine.every((i: { assigneeId: string }) => i.assigneeId === demoId('user', 'agent'))).toBe(true);
    expect((await call('GET', '/api/v1/service-requests?cursor=nonsense', 'agent')).statusCode).toBe(400);
  });

  it('lets administrators edit categories and workflows, validated', async () => {
    const cats = (await call('GET', '/api/v1/service-request-categories?kind=fault', 'agent')).json().items;
    expect(cats.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining([
        '宽带无法上网',
        '宽带网速慢',
        '宽带频繁掉线',
        'IPTV 卡顿',
        'IPTV 无信号',
        '固话无拨号音',
        '专线中断',
      ]),
    );
    const consult = (
      await call('GET', '/api/v1/service-request-categories?kind=consultation', 'agent')
    ).json().items;
    expect(consult.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['产品与资费', '网络规划与评估', '安全与容灾', '呼叫中心解决方案']),
    );
    for (const kind of [
      'complaint',
      'billing',
      'technical_support',
      'integration',
      'suggestion',
      'business_order',
    ])
      expect(
        (await call('GET', `/api/v1/service-request-categories?kind=${kind}`, 'agent')).json().items.length,
      ).toBeGreaterThan(1);
    expect(
      (
        await call('POST', '/api/v1/service-request-categories', 'agent', {
          kind: 'fault',
          code: 'x.y',
          name: 'x',
          nameEn: 'x',
        })
      ).statusCode,
    ).toBe(403);
    const made = await call('POST', '/api/v1/service-request-categories', 'sysadmin', {
      kind: 'fault',
      code: 'wifi.weak',
      name: 'Wi-Fi 信号弱',
      nameEn: 'Weak Wi-Fi',
    });
    expect(made.statusCode).toBe(201);
    expect(
      (
        await call('POST', '/api/v1/service-request-categories', 'sysadmin', {
          kind: 'fault',
          code: 'wifi.weak',
          name: 'x',
          nameEn: 'x',
        })
      ).statusCode,
    ).toBe(409);
    const retired = await call('PATCH', `/api/v1/service-request-categories/${made.json().id}`, 'sysadmin', {
      active: false,
      version: 1,
    });
    expect(retired.json()).toMatchObject({ active: false, version: 2 });
    expect(
      (await call('POST', '/api/v1/service-requests', 'agent', fault({ category: 'wifi.weak' }))).statusCode,
    ).toBe(422);

    const wf = (await call('GET', '/api/v1/service-request-workflows/consultation', 'agent')).json();
    const broken = structuredClone(wf.definition);
    broken.transitions = broken.transitions.filter((t: { action: string }) => t.action !== 'resume');
    const refused = await call('PUT', '/api/v1/service-request-workflows/consultation', 'sysadmin', {
      definition: broken,
      version: wf.version,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details.problems[0].code).toBe('DEAD_END');
    // A state some request is in cannot be left out.
    const held = (
      await call('POST', '/api/v1/service-requests', 'agent', {
        kind: 'consultation',
        title: '咨询',
        description: '咨询安全与容灾方案',
        channel: 'web',
      })
    ).json();
    let version = held.version;
    for (const [action, extra] of [
      ['dispatch', {}],
      ['take', {}],
      ['start', {}],
      ['suspend', { reason: '等客户提供资料' }],
    ] as const) {
      const r = await call('POST', `/api/v1/service-requests/${held.id}/transitions`, 'agent', {
        action,
        ...extra,
        version,
      });
      expect(r.statusCode, r.body).toBe(200);
      version = r.json().version;
    }
    const noSuspend = structuredClone(wf.definition);
    noSuspend.states = noSuspend.states.filter((st: string) => st !== 'suspended');
    noSuspend.transitions = noSuspend.transitions.filter(
      (t: { action: string }) => t.action !== 'suspend' && t.action !== 'resume',
    );
    const inUse = await call('PUT', '/api/v1/service-request-workflows/consultation', 'sysadmin', {
      definition: noSuspend,
    });
    expect(inUse.statusCode).toBe(422);
    expect(inUse.json().details.state).toBe('suspended');
    // Consultations that cannot be reopened: a valid change, applied to the next action.
    const simpler = structuredClone(wf.definition);
    simpler.transitions = simpler.transitions.filter((t: { action: string }) => t.action !== 'reopen');
    const saved = await call('PUT', '/api/v1/service-request-workflows/consultation', 'sysadmin', {
      definition: simpler,
      version: wf.version,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(wf.version + 1);
    const resumed = await call('POST', `/api/v1/service-requests/${held.id}/transitions`, 'agent', {
      action: 'resume',
      version,
    });
    const resolved = await call('POST', `/api/v1/service-requests/${held.id}/transitions`, 'agent', {
      action: 'resolve',
      result: '已提供方案',
      version: resumed.json().version,
    });
    expect(resolved.json().allowedActions).toEqual(['close']);
    const reopen = await call('POST', `/api/v1/service-requests/${held.id}/transitions`, 'agent', {
      action: 'reopen',
      reason: '客户不认可',
    });
    expect(reopen.statusCode).toBe(409);
    expect(reopen.json().details.allowed).toEqual(['close']);
    const stale = await call('PUT', '/api/v1/service-request-workflows/consultation', 'sysadmin', {
      definition: simpler,
      version: wf.version,
    });
    expect(stale.statusCode).toBe(409);
    expect(
      (await call('PUT', '/api/v1/service-request-workflows/consultation', 'agent', { definition: simpler }))
        .statusCode,
    ).toBe(403);
  });
});
