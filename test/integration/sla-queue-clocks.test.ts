// The countdown on queue views (issue 12): every row of GET /service-requests carries its
// request's nearest open SLA deadline — the same one the request's own /sla shows — read for the
// whole page at once (no statement per row), paused by a customer-caused suspension only, overdue
// once the breach fired, gone when the request is resolved. Both engines; the platform clock moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import { requestSlaPort } from '../../src/modules/service-requests/index.ts';
import { SlaScheduler } from '../../src/modules/sla/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { StatementCounter } from '../statement-counter.ts';

// Monday 2026-12-07 10:00 China time; the test moves it.
const BASE = Date.parse('2026-12-07T02:00:00Z');
let offset = 0;
const clock = { now: () => new Date(BASE + offset) };
const MIN = 60_000;
const HOUR = 60 * MIN;

const counter = new StatementCounter();
let s: TestServer;
let customerId: string;
let instanceId: string;

beforeAll(async () => {
  s = await createTestServer({ clock, wrapDb: (db) => db.withPlugin(counter) });
  // Requests go to their site's unit (南京), where the dispatcher works.
  const rules = (await call('GET', '/api/v1/routing-rules', 'admin')).json().items;
  for (const r of rules as Array<{ id: string; version: number }>) {
    const off = await call('PATCH', `/api/v1/routing-rules/${r.id}`, 'admin', {
      active: false,
      version: r.version,
    });
    expect(off.statusCode, off.body).toBe(200);
  }
  // An enterprise customer (本地B) in 南京 with a service that has no product row of its own.
  const row = await s.ctx.db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id as instanceId', 'c.id as customerId'])
    .where('c.tier', '=', 'localB')
    .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .where('i.product_code', '<>', 'app.logistics_et')
    .orderBy('i.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  ({ customerId, instanceId } = row);
});
afterAll(async () => {
  await s?.close();
});

async function call(method: string, url: string, login: string, payload?: unknown, ifMatch?: number) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(await s.as(login)), ...(ifMatch !== undefined ? { 'if-match': `"${ifMatch}"` } : {}) },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

type View = { id: string; version: number; status: string };
type QueueClock = {
  target: string;
  state: string;
  deadline: string | null;
  warningAt: string | null;
  provisional: boolean;
};
type Item = { id: string; sla: QueueClock | null };
type SlaClock = {
  target: string;
  state: string;
  deadline: string | null;
  metAt: string | null;
  provisional: boolean;
  steps: { percent: number; at: string | null }[];
};

async function createFault(): Promise<View> {
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

async function act(v: View, action: string, extra: Record<string, unknown> = {}): Promise<View> {
  const res = await call(
    'POST',
    `/api/v1/service-requests/${v.id}/transitions`,
    'dispatcher',
    { action, ...extra },
    v.version,
  );
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json();
}

/** The customer's open requests as the dispatcher's queue lists them. */
async function queue(limit = 50, login = 'dispatcher'): Promise<Item[]> {
  const res = await call(
    'GET',
    `/api/v1/service-requests?queue=open&customerId=${customerId}&limit=${limit}`,
    login,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

async function slaOf(id: string): Promise<{ open: boolean; clocks: SlaClock[] }> {
  const res = await call('GET', `/api/v1/service-requests/${id}/sla`, 'agent');
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** A row's countdown must be the request's own clock (from its /sla) with that deadline. */
async function expectSameAsRequestSla(item: Item) {
  const { open, clocks } = await slaOf(item.id);
  if (!item.sla) {
    // Nothing open: the request is resolved or closed, or no clock is running, paused, or overdue
    // and still waiting for its milestone.
    if (open)
      expect(
        clocks.filter((c) => ['running', 'paused'].includes(c.state) || (c.state === 'missed' && !c.metAt)),
      ).toEqual([]);
    return;
  }
  expect(open).toBe(true);
  const own = clocks.find((c) => c.target === item.sla!.target)!;
  expect(own.state).toBe(item.sla.state);
  expect(ms(item.sla.deadline)).toBe(ms(own.deadline));
  expect(item.sla.provisional).toBe(own.provisional);
  const counting = clocks.filter((c) => c.deadline && (c.state === 'running' || c.state === 'missed'));
  // No other counting clock of the request falls due before the one shown.
  if (item.sla.deadline)
    for (const c of counting) expect(ms(c.deadline)!).toBeGreaterThanOrEqual(ms(item.sla.deadline)!);
  else expect(counting).toEqual([]);
}

describe(`queue countdowns (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('each row carries its nearest open deadline, the one its request page shows', async () => {
    offset = 0;
    const v = await createFault();
    const item = (await queue()).find((i) => i.id === v.id)!;
    const { clocks } = await slaOf(v.id);
    const response = clocks.find((c) => c.target === 'response')!;
    // 本地B: response is the shortest target; its first warning is when the countdown turns amber.
    expect(item.sla).toEqual({
      target: 'response',
      state: 'running',
      deadline: new Date(ms(response.deadline)!).toISOString(),
      warningAt: new Date(ms(response.steps.find((x) => x.percent < 100)!.at)!).toISOString(),
      provisional: false,
    });
    expect(ms(item.sla!.deadline)).toBeGreaterThan(BASE);

    // Taken: the response clock is met, the next nearest deadline shows instead.
    offset = 10 * MIN;
    await act(await act(v, 'dispatch'), 'take');
    const after = (await queue()).find((i) => i.id === v.id)!;
    expect(after.sla?.target).not.toBe('response');
    expect(after.sla?.state).toBe('running');
    expect(ms(after.sla!.deadline)).toBeGreaterThan(ms(item.sla!.deadline)!);
    await expectSameAsRequestSla(after);
    for (const i of await queue()) await expectSameAsRequestSla(i);
  });

  it('paused by a customer-caused suspension only; overdue once the breach fired; none once resolved', async () => {
    offset = 0;
    const a = await createFault();
    let b = await createFault();
    offset = 5 * MIN;
    let av = await act(a, 'dispatch');
    av = await act(av, 'take');
    b = await act(b, 'dispatch');
    b = await act(b, 'take');

    // 我方原因 (operator): the clocks keep running.
    offset = 10 * MIN;
    av = await act(av, 'suspend', { reason: '等待备件', cause: 'operator' });
    // 客户原因: every clock of the request pauses, so the row shows the pause and no deadline.
    b = await act(b, 'suspend', { reason: '客户要求明天再上门', cause: 'customer' });
    let rows = await queue();
    expect(rows.find((i) => i.id === a.id)!.sla).toMatchObject({ state: 'running' });
    expect(rows.find((i) => i.id === b.id)!.sla).toEqual({
      target: expect.any(String),
      state: 'paused',
      deadline: null,
      warningAt: null,
      provisional: false,
    });
    for (const i of rows.filter((x) => x.id === a.id || x.id === b.id)) await expectSameAsRequestSla(i);

    // Past a's nearest deadline the breach fires: the row shows it overdue (state missed).
    const due = ms(rows.find((i) => i.id === a.id)!.sla!.deadline)!;
    offset = due - BASE + MIN;
    const scheduler = new SlaScheduler({
      db: s.ctx.db,
      clock,
      logger: createLogger('silent'),
      port: requestSlaPort,
    });
    await scheduler.drain();
    rows = await queue();
    const overdue = rows.find((i) => i.id === a.id)!;
    expect(overdue.sla).toMatchObject({ state: 'missed' });
    expect(ms(overdue.sla!.deadline)).toBeLessThan(clock.now().getTime());
    await expectSameAsRequestSla(overdue);
    // b is still paused: the customer's wait does not count.
    expect(rows.find((i) => i.id === b.id)!.sla?.state).toBe('paused');

    // Resolved (回单): its clocks are met or stopped, the row has no countdown.
    await act(await act(av, 'resume'), 'resolve', { result: '更换光模块，已恢复' });
    const resolved = await call(
      'GET',
      `/api/v1/service-requests?customerId=${customerId}&limit=50`,
      'dispatcher',
    );
    const item = (resolved.json().items as Item[]).find((i) => i.id === a.id)!;
    expect(item.sla).toBeNull();
    await expectSameAsRequestSla(item);
  });

  it('a page of rows reads the clocks in one statement, however many rows (no call per row)', async () => {
    offset = HOUR;
    for (let i = 0; i < 3; i++) await createFault();
    await queue(); // caches and the session warm, as on a running server
    const statements = async (limit: number) => {
      let items: Item[] = [];
      const n = await counter.measure(async () => {
        items = await queue(limit);
      });
      return { n, items, clockReads: counter.statements.filter((x) => x.endsWith(':sla_clocks')).length };
    };
    const one = await statements(1);
    const many = await statements(50);
    expect(one.items).toHaveLength(1);
    expect(many.items.length).toBeGreaterThanOrEqual(4);
    expect(many.items.filter((i) => i.sla).length).toBeGreaterThanOrEqual(3);
    expect(one.clockReads).toBe(1);
    expect(many.clockReads).toBe(1);
    expect(many.n).toBe(one.n);
  });

  it('an agent sees the countdown in their own queue too', async () => {
    offset = 2 * HOUR;
    const v = await createFault();
    const res = await call('GET', '/api/v1/service-requests?queue=owned&limit=50', 'agent');
    expect(res.statusCode, res.body).toBe(200);
    const item = (res.json().items as Item[]).find((i) => i.id === v.id)!;
    expect(item.sla).toMatchObject({ target: 'response', state: 'running' });
    await expectSameAsRequestSla(item);
  });
});
