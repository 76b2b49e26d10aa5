// Personal information never leaves unmasked: every customer route (ours and TMF629) is called as
// roles without the reveal right, and every response body, export and captured log line is scanned
// for the raw phone numbers, ID numbers, addresses and emails of the seeded customers.
import ExcelJS from 'exceljs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiiVault } from '../../src/modules/customers/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import {
  createCapturingServer,
  DEV_KEY_BASE64,
  leaksIn,
  rawPersonalValues,
  type CapturingServer,
} from '../customers/helpers.ts';

let s: CapturingServer;
let raw: string[];
beforeAll(async () => {
  s = await createCapturingServer();
  raw = await rawPersonalValues(
    s.ctx.db,
    new PiiVault([{ id: 'dev', secret: Buffer.from(DEV_KEY_BASE64, 'base64') }]),
  );
});
afterAll(async () => {
  await s?.close();
});

interface Seeded {
  individualId: string;
  individualPhone: string;
  individualIdNumber: string;
  enterpriseId: string;
  contactId: string;
  contactMobile: string;
  officePhone: string;
  instanceId: string;
  accountNo: string;
  deviceId: string;
  circuitId: string;
  email: string;
}

async function seeded(): Promise<Seeded> {
  const db = s.ctx.db;
  const vault = new PiiVault([{ id: 'dev', secret: Buffer.from(DEV_KEY_BASE64, 'base64') }]);
  const ind = await db
    .selectFrom('customers')
    .selectAll()
    .where('kind', '=', 'individual')
    .where('org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .where('email', 'is not', null)
    .orderBy('customer_no')
    .executeTakeFirstOrThrow();
  const ent = await db
    .selectFrom('customers')
    .selectAll()
    .where('kind', '=', 'enterprise')
    .where('org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .orderBy('customer_no')
    .executeTakeFirstOrThrow();
  const contact = await db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('customer_id', '=', ent.id)
    .executeTakeFirstOrThrow();
  const inst = await db
    .selectFrom('product_instances')
    .selectAll()
    .where('customer_id', '=', ind.id)
    .orderBy('account_no')
    .executeTakeFirstOrThrow();
  const mobile = await db
    .selectFrom('product_instances')
    .select('account_no')
    .where('product_code', '=', 'mobile')
    .executeTakeFirstOrThrow();
  const device = await db
    .selectFrom('product_instances')
    .select('device_id')
    .where('device_id', 'is not', null)
    .executeTakeFirstOrThrow();
  const circuit = await db
    .selectFrom('product_instances')
    .select('circuit_id')
    .where('circuit_id', 'is not', null)
    .executeTakeFirstOrThrow();
  return {
    individualId: ind.id,
    individualPhone: ind.phone!,
    individualIdNumber: vault.decrypt(ind.id_number_enc!, `customers.id_number:${ind.id}`),
    enterpriseId: ent.id,
    contactId: contact.id,
    contactMobile: contact.mobile!,
    officePhone: contact.office_phone!,
    instanceId: inst.id,
    accountNo: mobile.account_no,
    deviceId: device.device_id!,
    circuitId: circuit.circuit_id!,
    email: ind.email!,
  };
}

async function xlsxText(buf: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value)))));
  return cells.join('\n');
}

describe(`personal information masking (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('has seeded raw values to look for', () => {
    expect(raw.length).toBeGreaterThan(500);
    expect(raw.some((v) => /^1[3-9]\d{9}$/.test(v))).toBe(true);
    expect(raw.some((v) => /^\d{17}[\dX]$/.test(v))).toBe(true);
    expect(raw.some((v) => v.includes('@'))).toBe(true);
    expect(raw.some((v) => v.includes('号'))).toBe(true);
  });

  it('no route, export or log line shows a raw phone, ID number, address or email', async () => {
    const d = await seeded();
    const enc = encodeURIComponent;
    const bodies: Array<{ what: string; text: string }> = [];
    const send = async (
      login: string,
      method: string,
      url: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await s.app.inject({
        method: method as 'GET',
        url,
        headers: { ...(await s.as(login)), ...headers },
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
      const ct = String(res.headers['content-type'] ?? '');
      bodies.push({
        what: `${login} ${method} ${url} → ${res.statusCode}`,
        text: ct.includes('spreadsheetml') ? await xlsxText(res.rawPayload) : res.body,
      });
      return res;
    };

    for (const login of ['agent', 'admin', 'monitor', 'accountmgr']) {
      const c = `/api/v1/customers/${d.individualId}`;
      const e = `/api/v1/customers/${d.enterpriseId}`;
      // Our API: lists, every lookup (with raw values in the query), search, detail, 360, exports.
      await send(login, 'GET', '/api/v1/customers?limit=200');
      await send(login, 'GET', '/api/v1/customers?limit=200&kind=enterprise');
      await send(login, 'GET', `/api/v1/customers?phone=${d.individualPhone}`);
      await send(login, 'GET', `/api/v1/customers?phone=${d.officePhone}`);
      await send(login, 'GET', `/api/v1/customers?idNumber=${d.individualIdNumber}`);
      await send(login, 'GET', `/api/v1/customers?accountNo=${d.accountNo}`);
      await send(login, 'GET', `/api/v1/customers?circuitId=${enc(d.circuitId)}`);
      for (const q of [
        d.individualPhone,
        d.contactMobile,
        d.officePhone,
        d.individualIdNumber,
        d.accountNo,
        d.circuitId,
        d.email,
        '王',
        '有限公司',
      ])
        await send(login, 'GET', `/api/v1/customers/search?q=${enc(q)}`);
      await send(login, 'GET', c);
      await send(login, 'GET', e);
      await send(login, 'GET', `${c}/360`);
      await send(login, 'GET', `${e}/360`);
      await send(login, 'GET', `${e}/contacts`);
      await send(login, 'GET', `${c}/instances`);
      await send(login, 'GET', `${c}/access-log`);
      await send(login, 'GET', `/api/v1/product-instances?deviceId=${enc(d.deviceId)}`);
      await send(login, 'GET', `/api/v1/product-instances?circuitId=${enc(d.circuitId)}`);
      await send(login, 'GET', '/api/v1/customers/export?format=csv');
      await send(login, 'GET', '/api/v1/customers/export?format=xlsx&kind=enterprise');
      await send(login, 'GET', '/api/v1/products');
      // TMF629: list (with filters), one, fields.
      await send(login, 'GET', '/tmf-api/customer/v5/customer?limit=100');
      await send(
        login,
        'GET',
        `/tmf-api/customer/v5/customer?contactMedium.phoneNumber=${d.individualPhone}`,
      );
      await send(login, 'GET', `/tmf-api/customer/v5/customer/${d.individualId}`);
      await send(
        login,
        'GET',
        `/tmf-api/customer/v5/customer/${d.enterpriseId}?fields=contactMedium,characteristic`,
      );
      // Reveal without the right, and with it: the value goes to the caller only, never to the log.
      const reveal = await send(login, 'POST', `${c}/reveal`, { field: 'idNumber', reason: '核实身份' });
      if (login === 'admin') {
        expect(reveal.statusCode).toBe(200);
        bodies.pop(); // the one response that is meant to carry the value
      } else expect(reveal.statusCode).toBe(403);
    }

    // Writes: create, change, contacts, instances, duplicates and validation errors with seeded values.
    const created = await send('agent', 'POST', '/api/v1/customers', {
      kind: 'enterprise',
      tier: 'localB',
      name: '南京泄露测试有限公司',
      orgUnitId: demoId('org', 'CT.JS.NJ'),
      phone: d.officePhone,
      email: d.email,
      address: '江苏省南京市鼓楼区测试路1号',
      contacts: [{ name: '周杰', mobile: d.contactMobile }],
      instances: [{ productCode: 'mobile', accountNo: '13300009999' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const nid = created.json().id as string;
    const n = `/api/v1/customers/${nid}`;
    raw.push('13300009999', '江苏省南京市鼓楼区测试路1号');
    await send('agent', 'POST', '/api/v1/customers', {
      kind: 'individual',
      name: '重复',
      orgUnitId: demoId('org', 'CT.JS.NJ'),
      idNumber: d.individualIdNumber,
    });
    await send('agent', 'POST', '/api/v1/customers', {
      kind: 'individual',
      name: '错误',
      orgUnitId: demoId('org', 'CT.JS.NJ'),
      phone: `${d.individualPhone}9`,
    });
    await send('agent', 'PATCH', n, { phone: d.individualPhone, address: '江苏省南京市鼓楼区测试路2号' });
    raw.push('江苏省南京市鼓楼区测试路2号');
    const contact = await send('agent', 'POST', `${n}/contacts`, {
      name: '吴敏',
      mobile: '15900001234',
      email: 'wu.min@example.org',
    });
    raw.push('15900001234', 'wu.min@example.org');
    await send('agent', 'PATCH', `${n}/contacts/${contact.json().id}`, { officePhone: '02566668888' });
    raw.push('02566668888');
    const inst = await send('agent', 'POST', `${n}/instances`, {
      productCode: 'voice.fixed',
      accountNo: '02577778888',
      serviceAddress: '江苏省南京市鼓楼区测试路3号',
    });
    raw.push('02577778888', '江苏省南京市鼓楼区测试路3号');
    await send('agent', 'GET', `${n}/instances`);
    for (const i of [
      inst.json().id,
      ...(await s.app.inject({ url: `${n}/instances`, headers: await s.as('agent') }))
        .json()
        .map((x: { id: string }) => x.id),
    ])
      await send('agent', 'PATCH', `${n}/instances/${i}`, { status: 'terminated', reason: '客户申请拆机' });
    await send('agent', 'DELETE', `${n}/contacts/${contact.json().id}`);
    await send('admin', 'POST', `${n}/erase`, { reason: '客户申请' });
    await send('agent', 'GET', `${n}/360`);
    // TMF629 writes.
    const tmf = await send('agent', 'POST', '/tmf-api/customer/v5/customer', {
      '@type': 'Customer',
      name: '陈静',
      engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual', name: '陈静' },
      contactMedium: [
        { '@type': 'PhoneContactMedium', phoneNumber: '18800001111' },
        { '@type': 'EmailContactMedium', emailAddress: 'chen.jing@example.net' },
      ],
      characteristic: [{ '@type': 'StringCharacteristic', name: 'idNumber', value: '11010519491231002X' }],
    });
    expect(tmf.statusCode, tmf.body).toBe(201);
    raw.push('18800001111', 'chen.jing@example.net', '11010519491231002X');
    await send(
      'agent',
      'PATCH',
      `/tmf-api/customer/v5/customer/${tmf.json().id}`,
      { contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: '18800002222' }] },
      { 'content-type': 'application/merge-patch+json' },
    );
    raw.push('18800002222');
    await send('agent', 'GET', `/tmf-api/customer/v5/customer?contactMedium.phoneNumber=18800002222`);

    expect(bodies.length).toBeGreaterThan(130);
    expect(bodies.filter((b) => / → 5\d\d$/.test(b.what))).toEqual([]);
    expect(bodies.filter((b) => / → 2\d\d$/.test(b.what)).length).toBeGreaterThan(120);
    const bodyLeaks = bodies
      .map((b) => ({ what: b.what, leaks: leaksIn(b.text, raw) }))
      .filter((b) => b.leaks.length);
    expect(bodyLeaks).toEqual([]);
    expect(s.logs.length).toBeGreaterThan(300);
    const logLeaks = s.logs.map((l) => leaksIn(l, raw)).filter((l) => l.length);
    expect(logLeaks).toEqual([]);
    // The masked forms are what was shown.
    expect(
      bodies.some((b) =>
        b.text.includes(`${d.individualPhone.slice(0, 3)}****${d.individualPhone.slice(7)}`),
      ),
    ).toBe(true);
  });

  it('error answers and their log lines quote no raw value either (unknown keys, filters, files, paths)', async () => {
    const d = await seeded();
    const addr = raw.find((v) => v.includes('号'))!;
    const agent = await s.as('agent');
    const logsBefore = s.logs.length;
    const answers: Array<{ what: string; status: number; text: string }> = [];
    const send = async (what: string, req: InjectOptions) => {
      const res = await s.app.inject({
        ...req,
        headers: { ...agent, ...((req.headers as Record<string, string>) ?? {}) },
      });
      answers.push({ what, status: res.statusCode, text: res.body });
    };
    const c = `/api/v1/customers/${d.individualId}`;
    const T = '/tmf-api/customer/v5/customer';
    const base = { kind: 'individual', name: '错误', orgUnitId: demoId('org', 'CT.JS.NJ') };
    // Raw values as unknown keys, as wrong values, in filters, file headers and paths.
    await send('unknown key', {
      method: 'POST',
      url: '/api/v1/customers',
      payload: { ...base, [d.individualPhone]: 1, [d.email]: 2 },
    });
    await send('unknown key in a contact', {
      method: 'POST',
      url: `${c}/contacts`,
      payload: { name: 'x', [d.individualIdNumber]: 1 },
    });
    await send('unknown query key', { method: 'GET', url: `/api/v1/customers?${d.individualPhone}=1` });
    await send('bad phone', { method: 'PATCH', url: c, payload: { phone: `${d.individualPhone}0` } });
    await send('ID in the phone', { method: 'PATCH', url: c, payload: { phone: d.individualIdNumber } });
    await send('bad email', { method: 'PATCH', url: c, payload: { email: `${d.email}@` } });
    await send('ID of another', {
      method: 'PATCH',
      url: c,
      payload: {
        idNumber: `${d.individualIdNumber.slice(0, 17)}${d.individualIdNumber.endsWith('1') ? '2' : '1'}`,
      },
    });
    await send('address too long', { method: 'PATCH', url: c, payload: { address: addr.repeat(40) } });
    await send('phone as tag', {
      method: 'PATCH',
      url: c,
      payload: { tags: [`${d.individualPhone}${'x'.repeat(40)}`] },
    });
    await send('TMF filter key', { method: 'GET', url: `${T}?${d.individualPhone}=1` });
    await send('TMF filter value', {
      method: 'GET',
      url: `${T}?contactMedium.phoneNumber=${d.individualPhone}0`,
    });
    await send('TMF characteristic name', {
      method: 'POST',
      url: T,
      payload: {
        '@type': 'Customer',
        name: 'x',
        engagedParty: { '@referredType': 'Individual' },
        characteristic: [{ name: d.individualIdNumber, value: d.email }],
      },
    });
    await send('TMF attribute', {
      method: 'PATCH',
      url: `${T}/${d.individualId}`,
      payload: { [d.contactMobile]: d.officePhone },
    });
    await send('path', { method: 'GET', url: `/api/v1/customers/${d.individualPhone}` });
    await send('long path', {
      method: 'GET',
      url: `/api/v1/customers/${d.individualPhone}${'x'.repeat(120)}`,
    });
    await send('no route', { method: 'GET', url: `/api/v1/nothing/${d.individualIdNumber}` });
    // An import file without its header row: the first row's values are not column names.
    await send('headerless CSV', {
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { 'content-type': 'text/csv' },
      payload: `${[d.individualPhone, d.individualIdNumber, d.email, addr].join(',')}\nindividual,王芳,CT.JS.NJ,x\n`,
    });
    await send('CSV quote error', {
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { 'content-type': 'text/csv' },
      payload: `name,phone\n王芳,"${d.individualPhone}\n`,
    });
    await send('CSV "value"', {
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { 'content-type': 'text/csv' },
      payload: `name,phone\n王芳,${d.individualPhone}"x"\n`,
    });
    expect(answers.filter((a) => a.status < 400 || a.status >= 500)).toEqual([]);
    expect(
      answers.map((a) => ({ what: a.what, leaks: leaksIn(a.text, raw) })).filter((a) => a.leaks.length),
    ).toEqual([]);
    const logLeaks = s.logs
      .slice(logsBefore)
      .map((l) => leaksIn(l, raw))
      .filter((l) => l.length);
    expect(logLeaks).toEqual([]);
    expect(s.logs.length).toBeGreaterThan(logsBefore + 20);
  });
});
