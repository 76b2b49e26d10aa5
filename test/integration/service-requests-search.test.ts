// Searching service requests through HTTP: exact Chinese (two-character words, no 带宽 for 宽带,
// no 宽…带 apart), mixed Chinese/ASCII, notes, request number, phone (full or last four, never
// middle digits), account number and circuit id, the caller's scope, keyset pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import {
  appendToRequestSearch,
  refreshRequestSearch,
} from '../../src/modules/service-requests/request-search.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
const made: Record<string, { id: string; number: string }> = {};

async function call(method: string, url: string, login: string, payload?: unknown) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: await s.as(login),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function create(name: string, login: string, body: Record<string, unknown>) {
  const res = await call('POST', '/api/v1/service-requests', login, {
    kind: 'fault',
    channel: 'hotline',
    accessNumber: '10000',
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`create ${name}: ${res.statusCode} ${res.body}`);
  made[name] = res.json();
}

/** Every text of a request a search reads: title, description, notes and replies. */
async function textsOf(id: string): Promise<string> {
  const r = await s.ctx.db
    .selectFrom('service_requests')
    .select(['title', 'description'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const notes = await s.ctx.db
    .selectFrom('service_request_timeline')
    .select('body')
    .where('request_id', '=', id)
    .where('kind', 'in', ['note', 'reply'])
    .execute();
  return [r.title, r.description, ...notes.map((n) => n.body)].join('\n');
}

/**
 * The names of this file's requests a search returns, newest first (they are newer than the demo
 * data's). Every other request returned (the demo's) must hold a Chinese term too: no false positive.
 */
async function search(q: string, login = 'agent'): Promise<string[]> {
  const items = await searchAll(q, login);
  const byId = new Map(Object.entries(made).map(([k, v]) => [v.id, k]));
  if (/^[\u3400-\u9fff]+$/u.test(q))
    for (const i of items.filter((x) => !byId.has(x))) expect(await textsOf(i)).toContain(q);
  return items.filter((x) => byId.has(x)).map((x) => byId.get(x)!);
}

/** Every page of a search's ids, each id once. */
async function searchAll(q: string, login: string, limit = 100): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const url = `/api/v1/service-requests?q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await call('GET', url, login);
    if (res.statusCode !== 200) throw new Error(`search ${q}: ${res.statusCode} ${res.body}`);
    ids.push(...(res.json().items as Array<{ id: string }>).map((i) => i.id));
    cursor = res.json().nextCursor;
  } while (cursor);
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

let instance: {
  id: string;
  accountNo: string;
  circuitId: string | null;
  customerId: string;
  phone: string | null;
};

beforeAll(async () => {
  s = await createTestServer();
  const row = await s.ctx.db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.account_no', 'i.circuit_id', 'c.id as customerId', 'c.phone'])
    .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .where('i.product_code', 'like', 'broadband.%')
    .where('c.phone', 'is not', null)
    .orderBy('i.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  instance = { ...row, accountNo: row.account_no, circuitId: row.circuit_id };
  // Oldest first: the search returns newest first.
  await create('broadband', 'agent', {
    title: '宽带无法上网',
    description: '客户反映家里宽带无法上网，已重启',
  });
  await create('bandwidth', 'agent', { title: '带宽不足', description: '下载带宽只有签约的一半' });
  await create('apart', 'agent', { title: '宽度测量', description: '线缆宽，带子松了' });
  await create('modemModel', 'agent', {
    title: '光猫故障',
    description: '光猫型号 ZXHN F650，指示灯红；客户电话 139 1234 5678',
    callerPhone: '13912345678',
  });
  await create('modemAdjacent', 'agent', { title: '光猫ZXHN重启后恢复', description: '观察中' });
  await create('slowBroadband', 'agent', {
    title: '家庭宽带网速慢',
    description: '晚上网速慢',
    productInstanceId: instance.id,
  });
  await create('zhejiang', 'zj.agent', { title: '宽带频繁掉线', description: '浙江客户宽带掉线' });
});
afterAll(async () => {
  await s?.close();
});

describe(`service request search (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('宽带 finds exactly the requests containing 宽带: never 带宽, never 宽 … 带 apart', async () => {
    expect(await search('宽带')).toEqual(['slowBroadband', 'broadband']);
    expect(await search('带宽')).toEqual(['bandwidth']);
    expect(await search('光猫')).toEqual(['modemAdjacent', 'modemModel']);
    expect(await search('宽带无法上网')).toEqual(['broadband']);
    expect(await search('上网宽带')).toEqual([]);
  });

  it('mixed Chinese and ASCII: a space ANDs, no space means adjacent', async () => {
    expect(await search('光猫 ZXHN')).toEqual(['modemAdjacent', 'modemModel']);
    expect(await search('光猫ZXHN')).toEqual(['modemAdjacent']);
    expect(await search('zxhn f650')).toEqual(['modemModel']);
  });

  it('a lone Chinese character is refused rather than answered wrongly', async () => {
    const res = await call('GET', `/api/v1/service-requests?q=${encodeURIComponent('宽')}`, 'agent');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('finds by request number, exactly', async () => {
    expect(await search(made.bandwidth!.number)).toEqual(['bandwidth']);
    expect(await search(made.bandwidth!.number.toLowerCase())).toEqual(['bandwidth']);
    // Another number (its last digit changed, whatever it was) is not this request.
    const n = made.bandwidth!.number;
    expect(await search(`${n.slice(0, -1)}${n.endsWith('9') ? '8' : '9'}`)).not.toContain('bandwidth');
  });

  it('finds by the caller phone, whole or its last four digits; never by middle digits', async () => {
    expect(await search('13912345678')).toEqual(['modemModel']);
    expect(await search('139 1234 5678')).toEqual(['modemModel']);
    expect(await search('5678')).toEqual(['modemModel']);
    expect(await search('1391234')).toEqual([]);
    expect(await search('12345678')).toEqual([]);
    expect(await search('91234')).toEqual([]);
  });

  it("finds by the customer's phone, the instance's account number and circuit id", async () => {
    expect(await search(instance.phone!)).toEqual(['slowBroadband']);
    expect(await search(instance.accountNo)).toEqual(['slowBroadband']);
    const circuit = await s.ctx.db
      .selectFrom('product_instances')
      .select(['id', 'circuit_id'])
      .where('circuit_id', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await create('circuit', 'agent', {
      title: '专线中断',
      description: '专线业务中断',
      productInstanceId: circuit.id,
    });
    expect(await search(circuit.circuit_id!)).toEqual(['circuit']);
    expect(await search(circuit.circuit_id!.toLowerCase())).toEqual(['circuit']);
  });

  it("respects the caller's scope", async () => {
    expect(await search('宽带', 'zj.agent')).toEqual(['zhejiang']);
    expect(await search('掉线', 'agent')).toEqual([]);
    expect(await search(made.zhejiang!.number, 'agent')).toEqual([]);
    expect(await search('宽带', 'admin')).toEqual(['zhejiang', 'slowBroadband', 'broadband']);
  });

  it('pages newest first with a cursor, each row once, the same rows as one page', async () => {
    const onePage = await searchAll('宽带', 'admin', 100);
    const byOne = await searchAll('宽带', 'admin', 1);
    expect(byOne).toEqual(onePage);
    expect(byOne.slice(0, 3)).toEqual([made.zhejiang!.id, made.slowBroadband!.id, made.broadband!.id]);
  });

  it('searches notes and replies, kept in the same transaction; no phrase spans two texts', async () => {
    const id = made.bandwidth!.id;
    const note = await call('POST', `/api/v1/service-requests/${id}/notes`, 'agent', {
      body: '用户补充：已更换光猫',
      visibility: 'internal',
    });
    expect(note.statusCode).toBe(200);
    expect(await search('已更换')).toEqual(['bandwidth']);
    const reply = await call('POST', `/api/v1/service-requests/${id}/notes`, 'agent', {
      body: 'ZXHN 指示灯正常，已安排师傅明早上门',
      visibility: 'customer',
    });
    expect(reply.statusCode).toBe(200);
    expect(await search('师傅')).toEqual(['bandwidth']);
    // The note ends 光猫, the reply begins ZXHN: appended with a gap, they are not adjacent.
    expect(await search('光猫ZXHN')).toEqual(['modemAdjacent']);
    expect(await search('光猫 ZXHN')).toEqual(['modemAdjacent', 'modemModel', 'bandwidth']);
    // A rebuild from the stored texts gives the same answers.
    await s.ctx.db.transaction().execute((trx) => refreshRequestSearch(trx, id));
    expect(await search('已更换')).toEqual(['bandwidth']);
    expect(await search('师傅')).toEqual(['bandwidth']);
    expect(await search('带宽')).toEqual(['bandwidth']);
    expect(await search('光猫ZXHN')).toEqual(['modemAdjacent']);
    // What no text holds is not found (the vector was appended to, never guessed).
    await s.ctx.db.transaction().execute((trx) => appendToRequestSearch(trx, id, '临时'));
    await s.ctx.db.transaction().execute((trx) => refreshRequestSearch(trx, id));
    expect(await search('临时')).toEqual([]);
  });

  it('searches the masked text: a hidden phone digit is never confirmed through the words', async () => {
    // modemModel's description holds 139 1234 5678, stored masked in the vector as 139****5678.
    expect(await search('1234 5678')).toEqual([]);
    expect(await search('139 5678')).toEqual(['modemModel']);
  });
});
