// SLA clocks per request over HTTP, on both engines: clocks start at intake, a customer-caused
// suspension pauses them and resume moves the deadline, a customer's tier change recomputes them
// with the reason, a policy change recomputes open clocks, and warnings and breaches are acted on
// exactly once — two schedulers at once, a crash inside a round, a restart in the middle. Time is
// the platform clock, moved by the test.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import { requestSlaPort } from '../../src/modules/service-requests/index.ts';
import {
  raisedPriority,
  recomputeForPolicies,
  SlaScheduler,
  type SlaRequestPort,
} from '../../src/modules/sla/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

// Monday 2026-12-07 10:00 China time; the test moves it.
const BASE = Date.parse('2026-12-07T02:00:00Z');
let offset = 0;
const clock = { now: () => new Date(BASE + offset) };
const MIN = 60_000;
const HOUR = 60 * MIN;

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({ clock });
  // Requests go to their site's unit (南京), where the dispatcher works.
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

type View = { id: string; version: number; status: string; priority: string; supportLine: number };
type Clock = {
  target: string;
  policy: { code: string; level: string | null };
  why: string;
  calendar: string;
  duration: string;
  start: string;
  pauses: { from: string; to: string | null }[];
  pausedMinutes: number;
  deadline: string | null;
  state: string;
  metAt: string | null;
  steps: { percent: number; at: string | null; actedAt: string | null }[];
};

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

/** An enterprise customer of a tier in 南京 with a service that has no product row of its own. */
async function enterpriseInstance(tier: string, skip = 0) {
  return s.ctx.db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id as instanceId', 'c.id as customerId'])
    .where('c.tier', '=', tier)
    .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .where('i.product_code', '<>', 'app.logistics_et')
    .orderBy('i.id')
    .offset(skip)
    .limit(1)
    .executeTakeFirstOrThrow();
}

async function createFault(instanceId: string): Promise<View> {
  const res = await call('POST', '/api/v1/service-requests', 'agent', {
    kind: 'fault',
    title: '专线中断',
    description: '客户来电：专线中断',
    channel: 'hotline',
    productInstanceId: instanceId,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function act(
  v: View,
  action: string,
  extra: Record<string, unknown> = {},
  login = 'dispatcher',
): Promise<View> {
  const res = await call(
    'POST',
    `/api/v1/service-requests/${v.id}/transitions`,
    login,
    { action, ...extra },
    {
      'if-match': `"${v.version}"`,
    },
  );
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json();
}

async function slaOf(id: string) {
  const res = await call('GET', `/api/v1/service-requests/${id}/sla`, 'agent');
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as {
    clocks: Clock[];
    changes: { target: string; reason: string }[];
    facts: { tier: string };
  };
  const clockOf = (t: string) => body.clocks.find((c) => c.target === t)!;
  return { ...body, clockOf };
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

describe(`SLA clocks (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('start at intake; a customer-caused suspension pauses, resume moves the deadline; operator waits do not', async () => {
    offset = 0;
    const { instanceId } = await enterpriseInstance('localB');
    let v = await createFault(instanceId);
    let sla = await slaOf(v.id);
    expect(sla.facts.tier).toBe('localB');
    const restoration = sla.clockOf('restoration');
    expect(restoration).toMatchObject({
      policy: { code: 'tier.localB.fault', level: 'tier' },
      duration: '12h',
    });
    expect(restoration.calendar).toBe('24x7');
    expect(restoration.why).toMatch(/tier\.localB\.fault/);
    expect(ms(restoration.start)).toBe(BASE);
    expect(ms(restoration.deadline)).toBe(BASE + 12 * HOUR);
    expect(restoration.steps.map((x) => [x.percent, ms(x.at)])).toEqual([
      [50, BASE + 6 * HOUR],
      [80, BASE + 9.6 * HOUR],
      [100, BASE + 12 * HOUR],
    ]);
    expect(sla.clockOf('response')).toMatchObject({ duration: '1h', state: 'running' });

    v = await act(v, 'dispatch');
    offset = 20 * MIN;
    v = await act(v, 'take');
    sla = await slaOf(v.id);
    expect(sla.clockOf('response')).toMatchObject({ state: 'met' });
    expect(ms(sla.clockOf('response').metAt)).toBe(BASE + 20 * MIN);

    // Waiting on our own side (the default cause) pauses nothing.
    offset = 1 * HOUR;
    v = await act(v, 'suspend', { reason: '等待备件' });
    expect((await slaOf(v.id)).clockOf('restoration')).toMatchObject({ state: 'running', pauses: [] });
    offset = 1.5 * HOUR;
    v = await act(v, 'resume');

    // The customer asks us to come back later: 客户原因挂起.
    offset = 2 * HOUR;
    v = await act(v, 'suspend', { reason: '客户要求明天再上门', cause: 'customer' });
    sla = await slaOf(v.id);
    expect(sla.clockOf('restoration')).toMatchObject({ state: 'paused', deadline: null });
    expect(sla.clockOf('restoration').pauses).toHaveLength(1);
    offset = 5 * HOUR;
    v = await act(v, 'resume');
    sla = await slaOf(v.id);
    const moved = sla.clockOf('restoration');
    expect(moved.state).toBe('running');
    expect(moved.pausedMinutes).toBe(180);
    expect(ms(moved.pauses[0]!.from)).toBe(BASE + 2 * HOUR);
    expect(ms(moved.pauses[0]!.to)).toBe(BASE + 5 * HOUR);
    expect(ms(moved.deadline)).toBe(BASE + 15 * HOUR);
    // The 50 % warning was due before the pause ended: it moves too (6 h of unpaused time).
    expect(ms(moved.steps[0]!.at)).toBe(BASE + 9 * HOUR);

    // A suspend cause belongs to suspend only.
    const bad = await call('POST', `/api/v1/service-requests/${v.id}/transitions`, 'dispatcher', {
      action: 'start',
      cause: 'customer',
      version: v.version,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/cause/);

    // 回单: restoration met (before its deadline), the progress interval stops.
    offset = 6 * HOUR;
    v = await act(v, 'resolve', { result: '更换光模块，已恢复' });
    sla = await slaOf(v.id);
    expect(sla.clockOf('restoration')).toMatchObject({ state: 'met' });
    expect(sla.clockOf('progress').state).toBe('stopped');
  });

  it("a customer's tier change recomputes its open requests' clocks, with the reason", async () => {
    offset = 0;
    const { instanceId, customerId } = await enterpriseInstance('localB', 1);
    const v = await createFault(instanceId);
    expect((await slaOf(v.id)).clockOf('restoration').duration).toBe('12h');
    const customer = (await call('GET', `/api/v1/customers/${customerId}`, 'admin')).json();
    offset = 30 * MIN;
    const patched = await call('PATCH', `/api/v1/customers/${customerId}`, 'admin', {
      tier: 'group',
      version: customer.version,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const sla = await slaOf(v.id);
    expect(sla.facts.tier).toBe('group');
    const r = sla.clockOf('restoration');
    expect(r).toMatchObject({ policy: { code: 'tier.group.fault' }, duration: '4h', state: 'running' });
    expect(ms(r.deadline)).toBe(BASE + 4 * HOUR); // from the request's start, not from the change
    expect(sla.changes.find((c) => c.target === 'restoration')?.reason).toBe(
      'customer tier changed: localB → group',
    );
    // Steps already behind the new times are skipped, the next is in the future.
    expect(ms(sla.clockOf('response').deadline)).toBe(BASE + 15 * MIN);
  });

  it('a policy change recomputes the open clocks it affects (set-based), with the reason', async () => {
    offset = 0;
    const { instanceId } = await enterpriseInstance('localA');
    const v = await createFault(instanceId);
    expect((await slaOf(v.id)).clockOf('restoration').duration).toBe('8h');
    await sql`update sla_policies set targets = jsonb_set(targets, '{restoration,duration}', '"6h"')
      where code = 'tier.localA.fault'`.execute(s.ctx.db);
    offset = 10 * MIN;
    const r = await recomputeForPolicies(
      s.ctx.db,
      { reason: 'policy edited', policyCodes: ['tier.localA.fault'] },
      clock.now(),
    );
    expect(r.recomputed).toBeGreaterThanOrEqual(1);
    expect(r.setBased).toBe(r.recomputed); // all on 7×24 in hours, unpaused: one UPDATE
    const sla = await slaOf(v.id);
    expect(sla.clockOf('restoration')).toMatchObject({ duration: '6h', state: 'running' });
    expect(ms(sla.clockOf('restoration').deadline)).toBe(BASE + 6 * HOUR);
    expect(sla.clockOf('restoration').steps.map((x) => ms(x.at))).toEqual([
      BASE + 3 * HOUR,
      BASE + 4.8 * HOUR,
      BASE + 6 * HOUR,
    ]);
    expect(sla.changes.map((c) => c.reason)).toContain('policy edited (policies tier.localA.fault)');
    // Nothing left to do: a second run changes nothing.
    const again = await recomputeForPolicies(s.ctx.db, { reason: 'again', policyCodes: [] }, clock.now());
    expect(again.recomputed).toBe(0);
  });

  it('warnings and breaches are acted on exactly once: two schedulers, a crash, a restart', async () => {
    // After every clock of the demo data and the other tests is due: they are settled first.
    offset = 40 * 24 * HOUR;
    const T0 = offset;
    const { instanceId } = await enterpriseInstance('group');
    const reqs = [
      await createFault(instanceId),
      await createFault(instanceId),
      await createFault(instanceId),
    ];
    const ids = reqs.map((r) => r.id);
    const logger = createLogger('silent');
    const scheduler = (port: SlaRequestPort = requestSlaPort, batchSize = 2) =>
      new SlaScheduler({ db: s.ctx.db, clock, logger, port, batchSize });
    const a = scheduler();
    const b = scheduler();

    const steps = async () =>
      (
        await s.ctx.db
          .selectFrom('sla_clock_steps')
          .select(['request_id', 'target', 'percent'])
          .where('request_id', 'in', ids)
          .execute()
      )
        .map((r) => `${ids.indexOf(r.request_id)}:${r.target}:${r.percent}`)
        .sort();
    const timeline = async () =>
      (
        await s.ctx.db
          .selectFrom('service_request_timeline')
          .select(['request_id', 'details'])
          .where('request_id', 'in', ids)
          .where('kind', '=', 'sla')
          .execute()
      )
        .map((r) => {
          const d = r.details as { target: string; percent: number };
          return `${ids.indexOf(r.request_id)}:${d.target}:${d.percent}`;
        })
        .sort();
    const events = async () =>
      (
        await s.ctx.db
          .selectFrom('outbox_events')
          .select(['event_type', 'aggregate_id', 'payload'])
          .where('aggregate_id', 'in', ids)
          .where('event_type', 'in', ['SlaWarningEvent', 'SlaBreachEvent'])
          .execute()
      )
        .map((e) => {
          const p = (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as {
            event: { sla: { target: string; percent: number } };
          };
          return `${ids.indexOf(e.aggregate_id)}:${p.event.sla.target}:${p.event.sla.percent}`;
        })
        .sort();

    await a.drain();
    // Nothing due yet: both find nothing.
    expect(await Promise.all([a.drain(), b.drain()])).toEqual([0, 0]);

    // 集团级: response 15 min → 50 % at 7.5 min. Two schedulers at once act on each once.
    offset = T0 + 8 * MIN;
    const [na, nb] = await Promise.all([a.drain(), b.drain()]);
    expect(na + nb).toBe(3);
    expect(await steps()).toEqual(['0:response:50', '1:response:50', '2:response:50']);
    expect(await Promise.all([a.drain(), b.drain()])).toEqual([0, 0]);

    // A crash inside a round (the port throws after writing): the round rolls back whole.
    let fail = true;
    const crashing: SlaRequestPort = {
      ...requestSlaPort,
      async applySteps(trx, due, now) {
        const r = await requestSlaPort.applySteps(trx, due, now);
        if (fail) {
          fail = false;
          throw new Error('process killed');
        }
        return r;
      },
    };
    offset = T0 + 12.5 * MIN; // response 80 % (12 min)
    const c = scheduler(crashing, 1);
    // pglite has one connection: the crash's rollback comes before the next statement.
    await expect(c.round()).rejects.toThrow('process killed');
    expect(await timeline()).toEqual(['0:response:50', '1:response:50', '2:response:50']);
    // The restarted process acts on one step, then "stops"; another picks up the rest.
    expect(await c.round()).toBe(1);
    await c.stop();
    const d = scheduler(requestSlaPort, 1);
    expect(await Promise.all([d.drain(), a.drain()]).then(([x, y]) => x + y)).toBe(2);

    // Breach at 15 min: priority raised, one support line up, the clock missed.
    offset = T0 + 16 * MIN;
    const [ba, bb] = await Promise.all([a.drain(), b.drain()]);
    expect(ba + bb).toBe(3);
    const expected = ['response:50', 'response:80', 'response:100']
      .flatMap((x) => [0, 1, 2].map((i) => `${i}:${x}`))
      .sort();
    expect(await steps()).toEqual(expected);
    expect(await timeline()).toEqual(expected);
    expect(await events()).toEqual(expected);
    const view = (await call('GET', `/api/v1/service-requests/${ids[0]}`, 'agent')).json() as View;
    expect(view.priority).toBe(raisedPriority(reqs[0]!.priority));
    expect(view.supportLine).toBe(reqs[0]!.supportLine + 1);
    const sla = await slaOf(ids[0]!);
    expect(sla.clockOf('response').state).toBe('missed');
    expect(sla.clockOf('response').steps.every((x) => x.actedAt !== null)).toBe(true);
    const breach = (
      await s.ctx.db
        .selectFrom('outbox_events')
        .select('payload')
        .where('aggregate_id', '=', ids[0]!)
        .where('event_type', '=', 'SlaBreachEvent')
        .executeTakeFirstOrThrow()
    ).payload as unknown;
    const sent = (typeof breach === 'string' ? JSON.parse(breach) : breach) as {
      event: { sla: { notified: { role: string }[]; supportLine: unknown } };
    };
    expect(sent.event.sla.notified.map((n) => n.role)).toContain('owner');
    expect(sent.event.sla.notified.map((n) => n.role)).toContain('supervisor');
    expect(sent.event.sla.supportLine).toBeTruthy();

    // Long after (downtime): the arrival (2 h) and restoration (4 h) warnings are noise by now;
    // only each breach is acted on.
    offset = T0 + 5 * HOUR;
    await Promise.all([a.drain(), b.drain()]);
    const after = await steps();
    for (const i of [0, 1, 2]) {
      expect(after).toContain(`${i}:restoration:100`);
      expect(after).not.toContain(`${i}:restoration:50`);
    }
    expect(new Set(after).size).toBe(after.length);
    expect(await a.nextDue().then((x) => x === null || x.getTime() > clock.now().getTime())).toBe(true);
  });
});
