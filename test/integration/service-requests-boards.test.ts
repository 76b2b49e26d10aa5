// The dispatcher's and monitoring centre's boards through HTTP: lists by a set of states (a
// board's column), a desk's own requests (the monitoring centre's faults), capped counters per
// state and priority and 一次解决 today, and names instead of ids on the request and the lists.
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

async function call(method: string, url: string, login: string, payload?: unknown, version?: number) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(await s.as(login)), ...(version ? { 'if-match': `"${version}"` } : {}) },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

type Counts = Record<string, { count: number; capped: boolean }>;
type Overview = {
  cap: number;
  byStatus: Counts;
  byPriority: Counts;
  firstContactResolvedToday: Counts[string];
};

async function overview(login: string, query = ''): Promise<Overview> {
  const res = await call('GET', `/api/v1/service-requests/overview${query}`, login);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function ids(login: string, query: string): Promise<string[]> {
  const res = await call('GET', `/api/v1/service-requests?${query}&limit=100`, login);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((i: { id: string }) => i.id);
}

const TO_DISPATCH = 'statuses=accepted,triage,returned';

/** A demo customer of 南京 with a broadband instance (its faults go to 南京's dispatch centre). */
async function njInstance() {
  return s.ctx.db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id as instanceId'])
    .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .where('i.product_code', 'like', 'broadband.%')
    .where('c.kind', '=', 'individual')
    .orderBy('i.id')
    .limit(1)
    .executeTakeFirstOrThrow();
}

const displayName = async (login: string) =>
  (
    await s.ctx.db
      .selectFrom('users')
      .select('display_name')
      .where('login', '=', login)
      .executeTakeFirstOrThrow()
  ).display_name;

describe(`the dispatcher's board (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('lists a new fault under 待派单, moves it to 已派单 when dispatched to a technician, counts follow', async () => {
    const before = await overview('dispatcher');
    expect(before.cap).toBe(1_000);
    const { instanceId } = await njInstance();
    const created = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'fault',
      title: '宽带无法上网（调度台）',
      description: '客户来电，光猫红灯',
      channel: 'hotline',
      productInstanceId: instanceId,
      priority: 'urgent',
    });
    expect(created.statusCode, created.body).toBe(201);
    const r = created.json();
    expect(await ids('dispatcher', TO_DISPATCH)).toContain(r.id);
    expect(await ids('dispatcher', 'statuses=dispatched')).not.toContain(r.id);
    // Another province's agent does not see it in any column.
    expect(await ids('zj.agent', TO_DISPATCH)).not.toContain(r.id);
    const added = await overview('dispatcher');
    expect(added.byStatus.accepted!.count - before.byStatus.accepted!.count).toBe(1);
    expect(added.byPriority.urgent!.count - before.byPriority.urgent!.count).toBe(1);
    expect(Object.keys(added.byStatus)).not.toContain('closed');

    const technician = demoId('user', 'technician');
    const dispatched = await call(
      'POST',
      `/api/v1/service-requests/${r.id}/transitions`,
      'dispatcher',
      { action: 'dispatch', assigneeId: technician },
      r.version,
    );
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    expect(await ids('dispatcher', TO_DISPATCH)).not.toContain(r.id);
    expect(await ids('dispatcher', 'statuses=dispatched')).toContain(r.id);
    const after = await overview('dispatcher');
    expect(after.byStatus.accepted!.count).toBe(before.byStatus.accepted!.count);
    expect(after.byStatus.dispatched!.count - before.byStatus.dispatched!.count).toBe(1);

    // The column's list names the assignee, the handling unit and group instead of ids.
    const list = (
      await call('GET', '/api/v1/service-requests?statuses=dispatched&limit=100', 'dispatcher')
    ).json();
    const item = list.items.find((i: { id: string }) => i.id === r.id);
    expect(item.assignee).toEqual({
      name: await displayName('technician'),
      unit: expect.objectContaining({ name: expect.any(String) }),
    });
    expect(item.handlingUnit.name).toMatch(/南京/);
  });

  it('refuses an unknown state in a column, naming the field', async () => {
    const res = await call('GET', '/api/v1/service-requests?statuses=accepted,everything', 'dispatcher');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('statuses');
  });
});

describe(`the monitoring centre's desk (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it("counts the faults it entered or handles, not other desks' requests; 一次解决 today", async () => {
    const desk = '?desk=monitoring';
    const before = await overview('monitor', desk);
    const queuesBefore = (await call('GET', `/api/v1/service-requests/queues${desk}`, 'monitor')).json();
    const fcrBefore = await overview('agent');
    const alarm = await call('POST', '/api/v1/service-requests', 'monitor', {
      kind: 'fault',
      title: '专线中断告警',
      description: '监控发现南京某专线 LOS',
      channel: 'monitoring',
      priority: 'high',
    });
    expect(alarm.statusCode, alarm.body).toBe(201);
    // A consumer fault taken on the hotline goes to the dispatch centre: not the monitoring desk's.
    const { instanceId } = await njInstance();
    const consumer = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'fault',
      title: '宽带慢',
      description: '晚上网速慢',
      channel: 'hotline',
      productInstanceId: instanceId,
    });
    expect(consumer.statusCode, consumer.body).toBe(201);
    const answered = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'consultation',
      title: '资费咨询',
      description: '询问套餐',
      channel: 'hotline',
      resolveAtIntake: { resolution: '已在电话中解答' },
    });
    expect(answered.statusCode, answered.body).toBe(201);

    const after = await overview('monitor', desk);
    expect(after.byStatus.accepted!.count - before.byStatus.accepted!.count).toBe(1);
    expect(after.byPriority.high!.count - before.byPriority.high!.count).toBe(1);
    const onDesk = await ids('monitor', 'desk=monitoring&open=true');
    expect(onDesk).toContain(alarm.json().id);
    expect(onDesk).not.toContain(consumer.json().id);
    // Every request on the desk is a fault; the list and the counters agree.
    const kinds = (await call('GET', '/api/v1/service-requests?desk=monitoring&limit=100', 'monitor')).json();
    expect(new Set(kinds.items.map((i: { kind: string }) => i.kind))).toEqual(new Set(['fault']));

    // Urges are counted on the desk's queues too.
    const urged = await call(
      'POST',
      `/api/v1/service-requests/${alarm.json().id}/urges`,
      'monitor',
      { reason: '客户催促' },
      alarm.json().version,
    );
    expect(urged.statusCode, urged.body).toBe(200);
    const queuesAfter = (await call('GET', `/api/v1/service-requests/queues${desk}`, 'monitor')).json();
    expect(queuesAfter.queues.urged.count - queuesBefore.queues.urged.count).toBe(1);

    const fcr = await overview('agent');
    expect(fcr.firstContactResolvedToday.count - fcrBefore.firstContactResolvedToday.count).toBe(1);
  });
});

describe(`names instead of ids (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('gives the owner, assignee and each timeline step by name and unit', async () => {
    const created = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'fault',
      title: '固话无拨号音',
      description: '客户来电',
      channel: 'hotline',
    });
    const r = created.json();
    const done = await call(
      'POST',
      `/api/v1/service-requests/${r.id}/transitions`,
      'supervisor',
      { action: 'dispatch', assigneeId: demoId('user', 'agent') },
      r.version,
    );
    expect(done.statusCode, done.body).toBe(200);
    const view = (await call('GET', `/api/v1/service-requests/${r.id}`, 'agent')).json();
    const agentName = await displayName('agent');
    expect(view.owner).toEqual({
      name: agentName,
      unit: expect.objectContaining({ name: expect.any(String) }),
    });
    expect(view.ownerUnit.name).toBe(view.owner.unit.name);
    expect(view.assignee.name).toBe(agentName);
    const steps = view.timeline.map((e: { actor: { name: string } | null }) => e.actor?.name);
    expect(steps).toContain(agentName);
    expect(steps).toContain(await displayName('supervisor'));
    expect(JSON.stringify(view.timeline.map((e: { actor: unknown }) => e.actor))).not.toContain(
      demoId('user', 'agent'),
    );
  });
});
