// Every kind through its workflow over HTTP, with suspend, urge, return, escalate, transfer and
// reopen; refused actions naming the allowed ones; the owner (首问) never changes silently;
// concurrent updates never lose a write; scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { serviceRequestsMigrations } from '../../src/modules/service-requests/service-requests.migrations.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
  // The workflows, not the routing, are under test here: with the seeded routing rules switched
  // off every request goes to its site's unit (南京), where the dispatcher works.
  const rules = (await call('GET', '/api/v1/routing-rules', 'admin')).json().items;
  for (const r of rules as Array<{ id: string; version: number }>) {
    const off = await call('PATCH', `/api/v1/routing-rules/${r.id}`, 'admin', {
      active: false,
      version: r.version,
    });
    expect(off.statusCode, off.body).toBe(200);
  }
});
afterAll(async () => {
  await s?.close();
});

type View = { id: string; version: number; status: string; [k: string]: unknown };

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

const CATEGORY: Record<string, string> = {
  consultation: 'network_planning',
  business_order: 'speed_upgrade',
  fault: 'iptv.stutter',
  complaint: 'repair_timeliness',
  billing: 'charge_dispute',
  technical_support: 'router_config',
  integration: 'cabling',
  suggestion: 'suggestion',
};

async function create(kind: string, login = 'agent', over: Record<string, unknown> = {}): Promise<View> {
  const res = await call('POST', '/api/v1/service-requests', login, {
    kind,
    title: `测试 ${kind}`,
    description: '客户来电反映问题',
    channel: 'hotline',
    category: CATEGORY[kind],
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** One action with If-Match = the version last seen; returns the new view. */
async function act(
  v: View,
  action: string,
  extra: Record<string, unknown> = {},
  login = 'agent',
): Promise<View> {
  const res = await call(
    'POST',
    `/api/v1/service-requests/${v.id}/transitions`,
    login,
    { action, ...extra },
    { 'if-match': `"${v.version}"` },
  );
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  expect(res.headers.etag).toBe(`"${res.json().version}"`);
  return res.json();
}

async function post(v: View, what: string, body: Record<string, unknown>, login = 'agent'): Promise<View> {
  const res = await call('POST', `/api/v1/service-requests/${v.id}/${what}`, login, body, {
    'if-match': `"${v.version}"`,
  });
  expect(res.statusCode, `${what}: ${res.body}`).toBe(200);
  return res.json();
}

const KINDS = [
  'consultation',
  'business_order',
  'fault',
  'complaint',
  'billing',
  'technical_support',
  'integration',
  'suggestion',
];

describe(`service-request workflows (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it.each(KINDS)('runs a %s request from 受理 to 归档 with every side path', async (kind) => {
    const wf = (await call('GET', `/api/v1/service-request-workflows/${kind}`, 'agent')).json().definition;
    const hasTriage = wf.states.includes('triage');
    const hasCallback = wf.states.includes('callback');
    // A 南京 customer's service: routed to 南京, where the dispatcher works.
    const inst = await s.ctx.db
      .selectFrom('product_instances')
      .select('id')
      .where('org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    let v = await create(kind, 'agent', { productInstanceId: inst.id });
    expect(v.handlingUnitId).toBe(demoId('org', 'CT.JS.NJ'));
    const owner = v.ownerUserId;
    if (hasTriage) v = await act(v, 'triage');
    v = await act(v, 'dispatch', {}, 'dispatcher');
    v = await act(v, 'take', {}, 'dispatcher');
    v = await act(v, 'return', { reason: '非本组处理范围' }, 'dispatcher');
    expect(v.assigneeId).toBeNull();
    v = await act(v, 'dispatch', {}, 'dispatcher');
    v = await act(v, 'take');
    v = await act(v, 'start');
    v = await post(v, 'urges', { reason: '客户来电催促' });
    expect(v.urgeCount).toBe(1);
    expect(v.status).toBe('in_progress');
    v = await act(v, 'suspend', { reason: '等待客户预约上门时间' });
    expect(v.suspendedReason).toBe('等待客户预约上门时间');
    v = await act(v, 'resume');
    v = await act(v, 'escalate', { reason: '一线无法解决' });
    expect(v).toMatchObject({ status: 'escalated', supportLine: 2, escalationLevel: 1 });
    v = await post(v, 'transfers', {
      supportLine: 3,
      toUnitId: demoId('org', 'CT.JS'),
      reason: '需省级三线支撑',
    });
    expect(v).toMatchObject({ supportLine: 3, handlingUnitId: demoId('org', 'CT.JS') });
    v = await act(v, 'start');
    v = await act(v, 'resolve', { result: '已处理完毕' });
    expect(v.resolution).toBe('已处理完毕');
    if (hasCallback) v = await act(v, 'callback');
    v = await act(v, 'reopen', { reason: '客户表示问题仍在' });
    expect(v).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    v = await act(v, 'resolve', { result: '更换设备后恢复' });
    if (hasCallback) {
      v = await act(v, 'callback');
      v = await act(v, 'confirm');
    } else v = await act(v, 'close');
    expect(v.status).toBe('closed');
    expect(v.closedAt).not.toBeNull();
    // 首问负责制: everyone worked on it, the owner stayed.
    expect(v.ownerUserId).toBe(owner);
    const full = (await call('GET', `/api/v1/service-requests/${v.id}`, 'agent')).json();
    const kinds = full.timeline.map((t: { kind: string }) => t.kind);
    for (const k of ['created', 'status', 'urge', 'transfer']) expect(kinds).toContain(k);
    const statuses = full.timeline
      .filter((t: { kind: string }) => t.kind === 'status')
      .map((t: { toStatus: string }) => t.toStatus);
    expect(statuses.at(-1)).toBe('closed');
    expect(statuses).toContain('suspended');
    expect(statuses).toContain('returned');
    expect(full.timeline.find((t: { toStatus: string }) => t.toStatus === 'suspended').body).toBe(
      '等待客户预约上门时间',
    );
    // A closed request takes no more actions, urges or transfers.
    const after = await call('POST', `/api/v1/service-requests/${v.id}/urges`, 'agent', {});
    expect(after.statusCode).toBe(409);
  });

  it.each(['consultation', 'billing', 'suggestion'])('closes a %s at intake (一次解决)', async (kind) => {
    const v = await create(kind, 'agent', { resolveAtIntake: { resolution: '电话中已答复' } });
    expect(v).toMatchObject({ status: 'closed', firstContactResolution: true, resolution: '电话中已答复' });
  });

  it('refuses an action not allowed now, naming the allowed ones', async () => {
    const v = await create('complaint');
    const res = await call('POST', `/api/v1/service-requests/${v.id}/transitions`, 'agent', {
      action: 'dispatch',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('TRANSITION_NOT_ALLOWED');
    expect(res.json().details.allowed).toEqual(['triage', 'cancel']);
    expect(res.json().message).toContain('triage');
    const resolve = await call('POST', `/api/v1/service-requests/${v.id}/transitions`, 'agent', {
      action: 'resolve',
      result: 'x',
    });
    expect(resolve.json().details.allowed).toEqual(['triage', 'cancel']);
    // Reasons and results are required where the operator's rules say so.
    const t = await act(v, 'triage');
    const noReason = await call('POST', `/api/v1/service-requests/${v.id}/transitions`, 'agent', {
      action: 'return',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details.fields[0].field).toBe('body.reason');
    expect((await call('GET', `/api/v1/service-requests/${t.id}`, 'agent')).json().version).toBe(t.version);
  });

  it('keeps the owner: only an explicit, audited handover with a reason changes it', async () => {
    let v = await create('fault');
    expect(v.ownerUserId).toBe(demoId('user', 'agent'));
    // Another province's staff cannot hand it over (they do not even see it).
    const zj = await call('POST', `/api/v1/service-requests/${v.id}/owner-handover`, 'zj.agent', {
      toUserId: demoId('user', 'zj.agent'),
      reason: '交接',
    });
    expect(zj.statusCode).toBe(404);
    v = await post(v, 'owner-handover', {
      toUserId: demoId('user', 'supervisor'),
      reason: '坐席调休，交班长跟进',
    });
    expect(v.ownerUserId).toBe(demoId('user', 'supervisor'));
    const full = (await call('GET', `/api/v1/service-requests/${v.id}`, 'agent')).json();
    const handover = full.timeline.find((t: { kind: string }) => t.kind === 'owner_handover');
    expect(handover).toMatchObject({
      body: '坐席调休，交班长跟进',
      details: { fromUserId: demoId('user', 'agent') },
    });
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_login'])
      .where('entity_id', '=', v.id)
      .where('action', '=', 'service_request.owner_handover')
      .execute();
    expect(audit).toEqual([{ action: 'service_request.owner_handover', actor_login: 'agent' }]);
  });

  it("sends a follow-up to the deputy when the owner is away, else the owner's group lead", async () => {
    let v = await create('fault', 'agent', { deputyUserId: demoId('user', 'supervisor') });
    v = await post(v, 'follow-ups', { body: '客户再次来电询问进度' });
    v = await post(v, 'follow-ups', { body: '客户第三次来电', ownerAway: true });
    let w = await create('fault');
    w = await post(w, 'follow-ups', { body: '客户再次来电', ownerAway: true });
    const tl = async (id: string) =>
      (await call('GET', `/api/v1/service-requests/${id}`, 'agent'))
        .json()
        .timeline.filter((t: { kind: string }) => t.kind === 'follow_up');
    const [toOwner, toDeputy] = await tl(v.id);
    expect(toOwner.details).toMatchObject({ reachedAs: 'owner', reachedUserId: demoId('user', 'agent') });
    expect(toDeputy.details).toMatchObject({
      reachedAs: 'deputy',
      reachedUserId: demoId('user', 'supervisor'),
    });
    expect(toDeputy.visibility).toBe('customer');
    const [toLead] = await tl(w.id);
    expect(toLead.details).toMatchObject({
      reachedAs: 'group_lead',
      reachedUserId: demoId('user', 'supervisor'),
    });
    expect(v.ownerUserId).toBe(demoId('user', 'agent'));
  });

  it('never loses a write: parallel updates with one If-Match — one wins, the rest 409', async () => {
    const v = await create('fault');
    const tries = await Promise.all(
      ['urges', 'urges', 'urges', 'urges', 'transitions'].map((what) =>
        call(
          'POST',
          `/api/v1/service-requests/${v.id}/${what}`,
          'agent',
          what === 'urges' ? { reason: '催' } : { action: 'triage' },
          {
            'if-match': `"${v.version}"`,
          },
        ),
      ),
    );
    const codes = tries.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409, 409]);
    const final = (await call('GET', `/api/v1/service-requests/${v.id}`, 'agent')).json();
    expect(final.version).toBe(2);
    const won = tries.find((r) => r.statusCode === 200)!.json();
    expect(final.urgeCount + (final.status === 'triage' ? 1 : 0)).toBe(1);
    expect(won.version).toBe(2);
    // Without If-Match: each write either lands or is refused; every accepted one is kept.
    const loose = await Promise.all(
      Array.from({ length: 6 }, () => call('POST', `/api/v1/service-requests/${v.id}/urges`, 'agent', {})),
    );
    const accepted = loose.filter((r) => r.statusCode === 200).length;
    expect(loose.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
    const end = (await call('GET', `/api/v1/service-requests/${v.id}`, 'agent')).json();
    expect(end.urgeCount).toBe(final.urgeCount + accepted);
    expect(end.timeline.filter((t: { kind: string }) => t.kind === 'urge').length).toBe(end.urgeCount);
    // A stale version is refused before anything is written.
    const stale = await call(
      'POST',
      `/api/v1/service-requests/${v.id}/urges`,
      'agent',
      {},
      { 'if-match': '"1"' },
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details.currentVersion).toBe(end.version);
  });

  it('shows a request only in the scope of its handling or owner unit', async () => {
    const sz = await create('fault', 'agent');
    const moved = await post(sz, 'transfers', {
      toUnitId: demoId('org', 'CT.JS.SZ'),
      reason: '苏州属地处理',
    });
    const inNj = await create('fault', 'agent');
    for (const login of ['zj.agent', 'zj.supervisor']) {
      expect((await call('GET', `/api/v1/service-requests/${sz.id}`, login)).statusCode).toBe(404);
      const list = (await call('GET', '/api/v1/service-requests?limit=100', login)).json().items;
      expect(list.map((i: { id: string }) => i.id)).not.toContain(sz.id);
    }
    // A 南京 technician: not the 苏州 request (owned by the province hotline), not the JS hotline's own.
    const tech = await call('GET', `/api/v1/service-requests/${moved.id}`, 'technician');
    expect(tech.statusCode).toBe(404);
    expect((await call('GET', `/api/v1/service-requests/${inNj.id}`, 'technician')).statusCode).toBe(404);
    const techList = (await call('GET', '/api/v1/service-requests?limit=100', 'technician')).json().items;
    expect(techList.map((i: { id: string }) => i.id)).not.toContain(moved.id);
    // Transferred to 南京, the technician's unit sees it.
    const toNj = await post(moved, 'transfers', { toUnitId: demoId('org', 'CT.JS.NJ'), reason: '南京处理' });
    expect((await call('GET', `/api/v1/service-requests/${toNj.id}`, 'technician')).statusCode).toBe(200);
    // Out of scope, changes are refused as if the request did not exist.
    const zjUrge = await call('POST', `/api/v1/service-requests/${toNj.id}/urges`, 'zj.agent', {});
    expect(zjUrge.statusCode).toBe(404);
  });

  it('migration 0038 adds 撤单 to a stored workflow without it, from the early states it has', async () => {
    const up = serviceRequestsMigrations.find(([name]) => name === '0038_service_requests_cancel')![1];
    const read = async () =>
      (
        await sql<{
          definition: {
            states: string[];
            transitions: Array<{ action: string; from: string[]; to: string }>;
          };
          version: number;
        }>`
          select definition, version from service_request_workflows where kind = 'business_order'`.execute(
          s.ctx.db,
        )
      ).rows[0]!;
    const seeded = await read();
    // As stored before 0038: no cancel rule, no cancelled state (business orders have no triage).
    const old = {
      ...seeded.definition,
      states: seeded.definition.states.filter((x) => x !== 'cancelled'),
      transitions: seeded.definition.transitions.filter((r) => r.action !== 'cancel'),
    };
    await sql`update service_request_workflows set definition = ${JSON.stringify(old)}::jsonb
      where kind = 'business_order'`.execute(s.ctx.db);
    await up.up(s.ctx.db as never);
    const after = await read();
    expect(after.definition.transitions.filter((r) => r.action === 'cancel')).toEqual([
      { action: 'cancel', from: ['accepted', 'dispatched', 'returned'], to: 'cancelled' },
    ]);
    expect(after.definition.states.at(-1)).toBe('cancelled');
    expect(after.version).toBe(seeded.version + 1);
    // A workflow that has it already is left alone.
    await up.up(s.ctx.db as never);
    expect((await read()).version).toBe(after.version);
  });
});
