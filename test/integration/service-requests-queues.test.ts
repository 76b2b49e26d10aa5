// The agent's queues through HTTP: my items, owned, my group's, unassigned, urged, escalated,
// suspended, by kind/priority; keyset pages; capped counts per queue; the caller's scope; and each
// queue's condition matching its partial index (so it stays fast at millions of rows).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { queueCondition } from '../../src/modules/service-requests/find-requests.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
const ids: Record<string, string> = {};

async function call(method: string, url: string, login: string, payload?: unknown) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: await s.as(login),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function create(name: string, login: string, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/v1/service-requests', login, {
    kind: 'fault',
    title: `工单 ${name}`,
    description: '队列测试',
    channel: 'hotline',
    accessNumber: '10000',
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`create ${name}: ${res.statusCode} ${res.body}`);
  ids[name] = res.json().id;
  views[name] = res.json();
}

type View = { id: string; version: number; status: string; assigneeId: string | null; urgeCount: number };
const views: Record<string, View> = {};

/** An action or sub-resource through HTTP, with If-Match = the version last seen. */
async function act(name: string, path: string, body: Record<string, unknown>) {
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/service-requests/${ids[name]}/${path}`,
    headers: { ...(await s.as('agent')), 'if-match': `"${views[name]!.version}"` },
    payload: body,
  });
  if (res.statusCode !== 200) throw new Error(`${name} ${path}: ${res.statusCode} ${res.body}`);
  views[name] = res.json();
}

async function queue(params: string, login = 'agent'): Promise<string[]> {
  const res = await call('GET', `/api/v1/service-requests?${params}`, login);
  if (res.statusCode !== 200) throw new Error(`${params}: ${res.statusCode} ${res.body}`);
  const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
  // The demo data's requests are older than this file's: these come first, and are what is checked.
  return (res.json().items as Array<{ id: string }>).flatMap((i) =>
    byId.has(i.id) ? [byId.get(i.id)!] : [],
  );
}

/** The queue counts before this file's requests (the demo data has some). */
const before: Record<'agent' | 'zj' | 'urgent', Record<string, number>> = { agent: {}, zj: {}, urgent: {} };
async function counts(login: string, query = ''): Promise<Record<string, number>> {
  const res = await call('GET', `/api/v1/service-requests/queues${query}`, login);
  const queues = res.json().queues as Record<string, { count: number }>;
  return Object.fromEntries(Object.entries(queues).map(([k, v]) => [k, v.count]));
}

beforeAll(async () => {
  s = await createTestServer();
  before.agent = await counts('agent');
  before.zj = await counts('zj.agent');
  before.urgent = await counts('agent', '?priority=urgent');
  for (const n of ['a', 'b', 'c', 'd', 'e', 'g']) await create(n, 'agent');
  await create('f', 'agent', { kind: 'consultation', resolveAtIntake: { resolution: '电话中已解答' } });
  await create('billing', 'agent', { kind: 'billing', priority: 'urgent', title: '话费异常' });
  await create('zj', 'zj.agent');
  const agent = demoId('user', 'agent');
  await act('a', 'transitions', { action: 'dispatch', assigneeId: agent });
  await act('c', 'urges', { reason: '客户来电催促' });
  for (const n of ['d', 'e']) {
    await act(n, 'transitions', { action: 'dispatch', assigneeId: agent });
    await act(n, 'transitions', { action: 'take' });
    await act(n, 'transitions', { action: 'start' });
  }
  await act('d', 'transitions', { action: 'escalate', reason: '一线无法解决' });
  await act('e', 'transitions', { action: 'suspend', reason: '等待客户在家' });
  await act('g', 'transfers', {
    supportLine: 1,
    skillGroupId: demoId('skill', 'JS.BROADBAND'),
    reason: '转宽带组',
  });
});
afterAll(async () => {
  await s?.close();
});

describe(`service request queues (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('lists each queue newest first, open requests only', async () => {
    // What each request's own view says, newest first (d's escalation may hand it on).
    const newest = ['billing', 'g', 'e', 'd', 'c', 'b', 'a'];
    const agent = demoId('user', 'agent');
    const mine = newest.filter((n) => views[n]!.assigneeId === agent);
    expect(mine).toEqual(expect.arrayContaining(['a', 'e']));
    expect(await queue('queue=mine')).toEqual(mine);
    expect(await queue('queue=group')).toEqual(['g']);
    const unassigned = newest.filter((n) => views[n]!.assigneeId === null);
    // g went to a skill group, whose strategy may have picked a member for it.
    expect(unassigned).toEqual(expect.arrayContaining(['billing', 'c', 'b']));
    expect(await queue('queue=unassigned')).toEqual(unassigned);
    expect(await queue('queue=urged')).toEqual(['c']);
    expect(await queue('queue=escalated')).toEqual(['d']);
    expect(await queue('queue=suspended')).toEqual(['e']);
    expect(await queue('queue=owned')).toEqual(['billing', 'g', 'e', 'd', 'c', 'b', 'a']);
    expect(await queue('queue=open')).toEqual(['billing', 'g', 'e', 'd', 'c', 'b', 'a']);
  });

  it('filters a queue by kind and priority', async () => {
    expect(await queue('queue=open&kind=billing')).toEqual(['billing']);
    expect(await queue('queue=unassigned&priority=urgent')).toEqual(['billing']);
    expect(await queue('queue=unassigned&kind=fault')).toEqual(
      ['g', 'd', 'c', 'b'].filter((n) => views[n]!.assigneeId === null),
    );
  });

  it('pages with a cursor, each request once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        'GET',
        `/api/v1/service-requests?queue=open&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        'agent',
      );
      const body = res.json();
      seen.push(...body.items.map((i: { id: string }) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const mine = new Set(Object.values(ids));
    expect(seen.filter((id) => mine.has(id))).toEqual(
      ['billing', 'g', 'e', 'd', 'c', 'b', 'a'].map((n) => ids[n]),
    );
    const onePage = (await call('GET', '/api/v1/service-requests?queue=open&limit=100', 'agent')).json();
    expect(onePage.nextCursor === null ? seen : seen.slice(0, 100)).toEqual(
      onePage.items.map((i: { id: string }) => i.id),
    );
  });

  it("keeps to the caller's scope", async () => {
    expect(await queue('queue=open', 'zj.agent')).toEqual(['zj']);
    expect(await queue('queue=unassigned', 'zj.agent')).toEqual(['zj']);
  });

  it('counts open requests per queue, capped (what this file added on top of the demo data)', async () => {
    const res = await call('GET', '/api/v1/service-requests/queues', 'agent');
    expect(res.statusCode).toBe(200);
    const { cap, queues } = res.json();
    expect(cap).toBe(1_000);
    const added = (q: string) => queues[q].count - before.agent[q]!;
    const agent = demoId('user', 'agent');
    const open = ['billing', 'g', 'e', 'd', 'c', 'b', 'a'].map((k) => views[k]!);
    expect([added('mine'), added('unassigned')]).toEqual([
      open.filter((v) => v.assigneeId === agent).length,
      open.filter((v) => v.assigneeId === null).length,
    ]);
    expect([added('group'), added('urged'), added('escalated'), added('suspended')]).toEqual([1, 1, 1, 1]);
    expect([added('owned'), added('open')]).toEqual([7, 7]);
    expect(queues.open.capped).toBe(false);
    const zj = (await call('GET', '/api/v1/service-requests/queues', 'zj.agent')).json();
    expect(zj.queues.open.count - before.zj.open!).toBe(1);
    const urgent = (await call('GET', '/api/v1/service-requests/queues?priority=urgent', 'agent')).json();
    expect(urgent.queues.open.count - before.urgent.open!).toBe(1);
  });

  it('refuses an unknown queue', async () => {
    const res = await call('GET', '/api/v1/service-requests?queue=everything', 'agent');
    expect(res.statusCode).toBe(400);
  });

  it.each([
    ['open', 'service_requests_open_newest'],
    ['unassigned', 'service_requests_unassigned'],
    ['urged', 'service_requests_urged'],
    ['owned', 'service_requests_open_owner'],
    ['mine', 'service_requests_assignee'],
  ] as const)('the %s queue is read through its partial index (%s) in its order', async (q, index) => {
    const plan = await s.ctx.db.transaction().execute(async (trx) => {
      // The tables here are tiny: forbid the sequential scan and the sort to see which index fits.
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_sort = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      const r = await sql<{ 'QUERY PLAN': string }>`explain select t.id from service_requests t
        where ${queueCondition(q, demoId('user', 'agent'))}
        order by t.created_at desc, t.id desc limit 50`.execute(trx);
      return r.rows.map((x) => x['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/Sort/);
  });
});
