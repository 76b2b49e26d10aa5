// Cross-scope caller identification (跨地域无差异服务, 一点受理): a Zhejiang agent identifies a
// Jiangsu customer by a whole identifier only, sees a masked summary, and every lookup is
// access-logged with its purpose; misses count in the search guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerForIntake } from '../../src/modules/customers/index.ts';
import { residentIdCheckChar } from '../../src/modules/customers/domain/pii.ts';
import { callerFor } from '../../src/platform/http/caller.ts';
import { principalFor } from '../../src/modules/identity/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import { bodyCases, fieldsFromOpenApi, runCases } from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1/customers/identify';
const NJ = demoId('org', 'CT.JS.NJ');
const PHONE = '13951234567';
const ID_17 = '32010619850312004';
const ID_NUMBER = ID_17 + residentIdCheckChar(ID_17);
const ACCOUNT = 'NJFTTH0259876';
const CIRCUIT = 'NJ-SH/MSTP/20261';
const PURPOSE = '来电报修宽带故障，受理申告';

let s: TestServer;
let customerId: string;
beforeAll(async () => {
  // A low miss limit: the guard's count is part of what is tested.
  s = await createTestServer({
    env: { ONEPOINT_SEARCH_MISS_LIMIT: '3', ONEPOINT_SEARCH_SLOWDOWN_STEP_MS: '0' },
  });
  const created = await s.app.inject({
    method: 'POST',
    url: '/api/v1/customers',
    headers: await s.as('agent'),
    payload: {
      kind: 'individual',
      name: '周志强',
      orgUnitId: NJ,
      phone: PHONE,
      idNumber: ID_NUMBER,
      address: '南京市玄武区中山路1号',
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  customerId = created.json().id;
  for (const payload of [
    { productCode: 'broadband.ftth', accountNo: ACCOUNT, orgUnitId: NJ },
    { productCode: 'data.mpls_vpn', accountNo: 'NJVPN000777', circuitId: CIRCUIT, orgUnitId: NJ },
  ]) {
    const res = await s.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${customerId}/instances`,
      headers: await s.as('agent'),
      payload,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(async () => {
  await s?.close();
});

const identify = async (login: string, kind: string, value: string, purpose = PURPOSE) =>
  s.app.inject({ method: 'POST', url: API, headers: await s.as(login), payload: { kind, value, purpose } });
const callerOf = async (login: string) =>
  callerFor(await principalFor(s.ctx.db, { id: demoId('user', login) }, 'session', 'test'), s.ctx.clock);
const accessLog = () =>
  s.ctx.db
    .selectFrom('customer_access_log')
    .select(['actor_login', 'action', 'purpose', 'customer_id'])
    .where('action', '=', 'identify')
    .orderBy('id')
    .execute();

describe(`identifying a caller of another region (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('is outside the Zhejiang agent’s scope: the ordinary search finds nobody', async () => {
    const res = await s.app.inject({
      method: 'GET',
      url: `/api/v1/customers/search?q=${PHONE}`,
      headers: await s.as('zj.agent'),
    });
    expect(res.json().items).toEqual([]);
  });

  it('finds the customer by the whole phone number and answers a masked summary', async () => {
    const res = await identify('zj.agent', 'phone', PHONE);
    expect(res.statusCode, res.body).toBe(200);
    const [c, ...more] = res.json().items;
    expect(more).toEqual([]);
    expect(c).toMatchObject({
      customerId,
      name: '周**',
      kind: 'individual',
      inScope: false,
      homeUnit: { id: NJ, name: '南京分公司' },
      openRequests: [],
    });
    expect(c.services).toHaveLength(2);
    expect(c.services.map((x: { productCode: string }) => x.productCode).sort()).toEqual([
      'broadband.ftth',
      'data.mpls_vpn',
    ]);
    expect(c.services[0].siteUnit).toEqual({ id: NJ, name: '南京分公司' });
    // No full identifier, contact or address anywhere in the answer.
    for (const secret of [PHONE, ID_NUMBER, ID_NUMBER.slice(0, 14), ACCOUNT, CIRCUIT, '周志强', '中山路'])
      expect(res.body).not.toContain(secret);
    expect(Object.keys(c).sort()).toEqual(
      [
        'customerId',
        'homeUnit',
        'inScope',
        'kind',
        'name',
        'openRequests',
        'services',
        'status',
        'tier',
      ].sort(),
    );
  });

  it('finds it by ID number, account number and circuit id too', async () => {
    for (const [kind, value] of [
      ['idNumber', ID_NUMBER],
      ['accountNo', ACCOUNT.toLowerCase()],
      ['circuitId', CIRCUIT],
    ] as const) {
      const res = await identify('zj.agent', kind, value);
      expect(res.statusCode, `${kind}: ${res.body}`).toBe(200);
      expect(res.json().items.map((i: { customerId: string }) => i.customerId)).toEqual([customerId]);
      expect(res.body).not.toContain(ID_NUMBER);
    }
  });

  it('refuses a part of an identifier (last four digits, prefix, mask) without searching', async () => {
    const before = (await accessLog()).length;
    for (const [kind, value] of [
      ['phone', PHONE.slice(-4)],
      ['phone', PHONE.slice(0, 7)],
      ['phone', '139****4567'],
      ['idNumber', ID_NUMBER.slice(-4)],
      ['idNumber', ID_NUMBER.slice(0, 17)],
      ['accountNo', 'NJFT%'],
      ['circuitId', 'MSTP'],
    ] as const) {
      const res = await identify('zj.agent', kind, value);
      expect(res.statusCode, `${kind} ${value}`).toBe(400);
      expect(res.json().details.fields[0].field).toBe('value');
      expect(res.body).not.toContain(value);
    }
    expect((await accessLog()).length).toBe(before);
  });

  it('needs a purpose in real words', async () => {
    for (const purpose of ['查询', 'test', 'xxxx'])
      expect((await identify('zj.agent', 'phone', PHONE, purpose)).json().details.fields[0].field).toBe(
        'purpose',
      );
  });

  it('logs every lookup, hit or miss, with its purpose and never the value; misses count in the guard', async () => {
    const log = await accessLog();
    const hits = log.filter((l) => l.customer_id === customerId);
    expect(hits.length).toBeGreaterThanOrEqual(4);
    expect(hits[0]).toMatchObject({ actor_login: 'zj.agent', purpose: `${PURPOSE}:phone,identify` });
    const alerts = () => s.ctx.db.selectFrom('security_alerts').select(['kind', 'user_id']).execute();
    expect(await alerts()).toEqual([]);
    for (const n of ['13900000001', '13900000002', '13900000003']) {
      const miss = await identify('zj.agent', 'phone', n);
      expect(miss.json().items).toEqual([]);
    }
    const misses = (await accessLog()).filter((l) => l.customer_id === null);
    expect(misses).toHaveLength(3);
    expect(misses.every((m) => m.purpose === `${PURPOSE}:phone,identify`)).toBe(true);
    expect(JSON.stringify(await accessLog())).not.toContain('1390000000');
    // The third miss crossed the limit of 3: the security administrators are told.
    expect(await alerts()).toEqual([{ kind: 'search.misses', user_id: demoId('user', 'zj.agent') }]);
  });

  it('lets the service requests take it for intake: identified by this caller, or in scope', async () => {
    const zj = await callerOf('zj.agent');
    const found = await customerForIntake(s.ctx.db, zj, customerId);
    expect(found).toMatchObject({ id: customerId, orgUnitId: NJ, inScope: false });
    expect(found!.instances).toHaveLength(2);
    // Another Zhejiang user who never identified the caller may not.
    const other = await callerOf('zj.supervisor');
    expect(await customerForIntake(s.ctx.db, other, customerId)).toBeUndefined();
    const js = await callerOf('agent');
    expect(await customerForIntake(s.ctx.db, js, customerId)).toMatchObject({ inScope: true });
    expect(await customerForIntake(s.ctx.db, js, '0191d7b4-0000-7000-8000-000000000000')).toBeUndefined();
  });

  it('is for front-line roles only, and refuses bad input naming the field', async () => {
    expect((await identify('technician', 'phone', PHONE)).statusCode).toBe(403);
    expect((await identify('billing', 'phone', PHONE)).statusCode).toBe(403);
    const cases = bodyCases({
      method: 'POST',
      url: API,
      valid: { kind: 'phone', value: PHONE, purpose: PURPOSE },
      fields: fieldsFromOpenApi(s.app.swagger(), 'POST', API),
    });
    const headers = await s.as('agent');
    const { problems } = await runCases(s.app, cases, () => headers);
    expect(problems).toEqual([]);
  });
});
