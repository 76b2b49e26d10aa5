// Canned phrases (常用语) through HTTP: a unit's phrases are seen in that unit and below, never
// beside; personal ones by their owner only; If-Match/version; rendering; bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { badQuery, bodyCases, fieldsFromOpenApi, runCases } from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1/phrases';
let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

const call = async (
  login: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  headers = {},
) =>
  s.app.inject({
    method,
    url,
    headers: { ...(await s.as(login)), ...headers },
    ...(payload ? { payload } : {}),
  });
const titles = async (login: string, query = '') =>
  ((await call(login, 'GET', `${API}${query}`)).json().items as Array<{ title: string }>).map((p) => p.title);

describe(`canned phrases (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('ships real 10000-hotline phrases: the group’s for everyone, the Jiangsu hotline’s for Jiangsu', async () => {
    const js = await titles('agent');
    expect(js).toEqual(
      expect.arrayContaining(['开头语', '核实机主身份', '宽带：查看光猫指示灯', '致歉', '结束语']),
    );
    const zj = await titles('zj.agent');
    expect(zj).toEqual(expect.arrayContaining(['开头语', '结束语']));
    expect(zj).not.toContain('核实机主身份');
    expect(
      await titles('agent', `?category=${encodeURIComponent('故障排查')}&tag=${encodeURIComponent('光猫')}`),
    ).toEqual(['宽带：查看光猫指示灯', '宽带：重启光猫和路由器']);
    expect(await titles('agent', `?q=${encodeURIComponent('机顶盒')}`)).toEqual(['IPTV：无信号']);
  });

  it('shows a unit’s phrase below it, not beside it, and only its owner a personal one', async () => {
    const res = await call('admin', 'POST', API, {
      scope: 'unit',
      orgUnitId: demoId('org', 'CT.JS.NJ'),
      title: '南京装机预约',
      body: '南京地区装机请预约上门时间。',
      category: '业务办理',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await titles('dispatcher')).toContain('南京装机预约'); // CT.JS.NJ.DISPATCH is under CT.JS.NJ
    expect(await titles('agent')).not.toContain('南京装机预约'); // CT.JS.10000 is beside it
    expect(await titles('zj.agent')).not.toContain('南京装机预约');

    const mine = await call('agent', 'POST', API, {
      scope: 'personal',
      title: '我的开场白',
      body: '您好，{{customer.name}}，我是{{agent.name}}。',
      category: '问候语',
      tags: ['我的'],
    });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json()).toMatchObject({
      scope: 'personal',
      editable: true,
      variables: ['customer.name', 'agent.name'],
    });
    expect(await titles('agent')).toContain('我的开场白');
    expect(await titles('supervisor')).not.toContain('我的开场白');
    expect((await call('supervisor', 'GET', `${API}/${mine.json().id}`)).statusCode).toBe(404);
  });

  it('lets a supervisor keep the unit’s phrases and an agent only their own', async () => {
    const unitPhrase = { scope: 'unit', title: '节假日问候', body: '节日快乐！', category: '问候语' };
    expect((await call('agent', 'POST', API, unitPhrase)).statusCode).toBe(403);
    const created = await call('supervisor', 'POST', API, unitPhrase);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ orgUnitId: demoId('org', 'CT.JS.10000'), editable: true });
    expect(created.headers.etag).toBe('"1"');
    const id = created.json().id;
    // Seen by the agent, not theirs to change.
    const seen = await call('agent', 'GET', `${API}/${id}`);
    expect(seen.json().editable).toBe(false);
    expect((await call('agent', 'PATCH', `${API}/${id}`, { title: '改' })).statusCode).toBe(403);
    // Outside the supervisor's data scope: refused.
    const elsewhere = await call('supervisor', 'POST', API, {
      ...unitPhrase,
      orgUnitId: demoId('org', 'CT.ZJ.10000'),
    });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().details.fields[0].field).toBe('orgUnitId');
    // Audited, without the text.
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['phrase.create']);
    expect(JSON.stringify(audit)).not.toContain('节日快乐');
  });

  it('refuses a stale If-Match or version with 409 and keeps the other write', async () => {
    const id = (
      await call('supervisor', 'POST', API, { scope: 'unit', title: '版本', body: 'v1', category: '测试' })
    ).json().id;
    const first = await call('supervisor', 'PATCH', `${API}/${id}`, { body: 'v2' }, { 'if-match': '"1"' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    const stale = await call('supervisor', 'PATCH', `${API}/${id}`, { body: 'v2b' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details.currentVersion).toBe(2);
    expect((await call('supervisor', 'PATCH', `${API}/${id}`, { body: 'x', version: 1 })).statusCode).toBe(
      409,
    );
    expect(
      (await call('supervisor', 'PATCH', `${API}/${id}`, { body: 'x' }, { 'if-match': 'yes' })).statusCode,
    ).toBe(400);
    expect((await call('supervisor', 'GET', `${API}/${id}`)).json().body).toBe('v2');
    expect(
      (await call('supervisor', 'DELETE', `${API}/${id}`, undefined, { 'if-match': '"1"' })).statusCode,
    ).toBe(409);
    expect(
      (await call('supervisor', 'DELETE', `${API}/${id}`, undefined, { 'if-match': '"2"' })).statusCode,
    ).toBe(204);
    expect((await call('supervisor', 'GET', `${API}/${id}`)).statusCode).toBe(404);
  });

  it('lets one of several concurrent changes of the same version win, the others get 409', async () => {
    const id = (
      await call('supervisor', 'POST', API, { scope: 'unit', title: '并发', body: 'v1', category: '测试' })
    ).json().id;
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((b) =>
        call('supervisor', 'PATCH', `${API}/${id}`, { body: b }, { 'if-match': '"1"' }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
    const winner = results.find((r) => r.statusCode === 200)!.json().body;
    expect((await call('supervisor', 'GET', `${API}/${id}`)).json()).toMatchObject({
      body: winner,
      version: 2,
    });
  });

  it('renders with the server’s agent and date, masks what is sent, reports unknown variables', async () => {
    const id = demoId('phrase', 'fault-registered');
    const res = await call('agent', 'POST', `${API}/${id}/render`, {
      context: { request: { number: 'JS-20261207-0042' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().text).toBe(
      '已为您登记故障申告，单号JS-20261207-0042。装维人员会在24小时内与您联系上门处理，请保持电话畅通。',
    );
    const greet = await call('agent', 'POST', `${API}/${demoId('phrase', 'greeting-named')}/render`, {
      context: { customer: { name: '13812345678' } },
    });
    const g = greet.json();
    expect(g.text).toContain('江苏电信10000');
    expect(g.text).not.toContain('13812345678');
    expect(g.missing).toEqual([]);
    const own = await call('agent', 'POST', API, {
      scope: 'personal',
      title: '测试变量',
      body: '{{customer.nmae}} 今天 {{today}}，{{request.number}}',
      category: '测试',
    });
    const r = (
      await call('agent', 'POST', `${API}/${own.json().id}/render`, { format: 'html', context: {} })
    ).json();
    expect(r.unknown).toEqual(['customer.nmae']);
    expect(r.missing).toEqual(['request.number']);
    expect(r.text).toMatch(/^\{\{customer\.nmae\}\} 今天 \d{4}-\d{2}-\d{2}，\{\{request\.number\}\}$/);
  });

  it('refuses bad input naming the field, changing nothing', async () => {
    const id = (
      await call('supervisor', 'POST', API, {
        scope: 'unit',
        title: '坏输入',
        body: '正文',
        category: '测试',
      })
    ).json().id;
    const before = await s.ctx.db.selectFrom('phrases').selectAll().orderBy('id').execute();
    const doc = s.app.swagger();
    const route = (method: 'POST' | 'PATCH', path: string, url: string, valid: Record<string, unknown>) => ({
      method,
      url,
      valid,
      fields: fieldsFromOpenApi(doc, method, path),
    });
    const cases = [
      ...bodyCases(
        route('POST', API, API, {
          scope: 'unit',
          orgUnitId: demoId('org', 'CT.JS.10000'),
          title: 't',
          body: 'b',
          category: 'c',
          tags: ['x'],
        }),
      ),
      ...bodyCases(
        route('PATCH', `${API}/{id}`, `${API}/${id}`, {
          title: 't',
          body: 'b',
          category: 'c',
          tags: ['x'],
          version: 1,
        }),
      ),
      ...bodyCases(
        route('POST', `${API}/{id}/render`, `${API}/${id}/render`, {
          context: { customer: { name: '张*' } },
          format: 'text',
        }),
      ),
      badQuery(`${API}/not-a-uuid`, 'params.id'),
      badQuery(`${API}?scope=team`, 'querystring.scope'),
      badQuery(`${API}?q=${'x'.repeat(101)}`, 'querystring.q'),
      badQuery(`${API}?other=1`, 'querystring'),
    ];
    const admin = await s.as('admin');
    const { problems } = await runCases(s.app, cases, () => admin);
    expect(problems).toEqual([]);
    expect(await s.ctx.db.selectFrom('phrases').selectAll().orderBy('id').execute()).toEqual(before);
  });
});
