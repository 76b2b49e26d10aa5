// Personal information typed into free text — notes, tags, contact titles, circuit A/Z ends,
// instance attributes, TMF629 description, reasons in the history — leaves masked through every
// door (REST, lists, 360, exports, TMF629, events), for roles with and without pii.reveal; a reveal
// gives it whole, audited; an edit of the masked text keeps the hidden values; search and filter
// URLs with separated digits never reach a log line whole; API answers are never cached.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { createCapturingServer, type CapturingServer } from '../customers/helpers.ts';

const PHONE = '139 2468 1357';
const ID = '320106 19870623 0014';
const ADDRESS = '江苏省南京市玄武区中山路18号3栋2单元501室';
const CARD = '6222 0212 3456 7890 123';
const NOTE = `王先生来电 ${PHONE}，身份证 ${ID}，上门地址${ADDRESS}，退费卡 ${CARD}`;
/** What must never show: the hidden middles, however the digits are grouped. */
const HIDDEN = [
  '2468 1357',
  '24681357',
  '2468-1357',
  '1392468',
  '19870623',
  '中山路18号',
  '2单元501室',
  '0212 3456',
  '02123456',
];
const MASKS = ['139****1357', '320***********0014', '玄武区****', '6222***********0123'];

const leaks = (text: string) => HIDDEN.filter((h) => text.includes(h));

let s: CapturingServer;
let id: string;
let instanceId: string;
let tmfId: string;
const T = '/tmf-api/customer/v5/customer';

beforeAll(async () => {
  s = await createCapturingServer();
  const agent = await s.as('agent');
  const created = await s.app.inject({
    method: 'POST',
    url: '/api/v1/customers',
    headers: agent,
    payload: {
      kind: 'enterprise',
      tier: 'localB',
      customerNo: 'FT000001',
      name: '南京自由文本测试有限公司',
      orgUnitId: demoId('org', 'CT.JS.NJ'),
      industry: `物流 ${PHONE}`,
      notes: NOTE,
      tags: [`回访 ${PHONE}`],
      contacts: [{ name: '王工', title: `机房 ${ADDRESS}`.slice(0, 100) }],
      branches: [{ orgUnitId: demoId('org', 'CT.JS.NJ'), name: `营业部 ${ADDRESS}` }],
      instances: [
        {
          productCode: 'data.sdh',
          accountNo: 'SDH-FT-0001',
          circuitId: 'NJ-FT/0001',
          aEnd: `A端 ${ADDRESS}`,
          zEnd: `Z端 联系人 ${PHONE} 证件 ${ID}`,
          attributes: { 联系人电话: PHONE, 证件: ID, 端口数: 4 },
        },
      ],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  id = created.json().id;
  const instances = await s.app.inject({ url: `/api/v1/customers/${id}/instances`, headers: agent });
  instanceId = instances.json()[0].id;
  const tmf = await s.app.inject({
    method: 'POST',
    url: T,
    headers: agent,
    payload: {
      '@type': 'Customer',
      name: '陈静',
      description: NOTE,
      statusReason: `客户来电 ${PHONE}`,
      engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual', name: '陈静' },
    },
  });
  expect(tmf.statusCode, tmf.body).toBe(201);
  tmfId = tmf.json().id;
});
afterAll(async () => {
  await s?.close();
});

async function xlsxText(buf: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value)))));
  return cells.join('\n');
}

describe(`free text leaves masked (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('through every read, for an agent and for a supervisor who holds pii.reveal', async () => {
    for (const login of ['agent', 'supervisor', 'monitor']) {
      const headers = await s.as(login);
      const c = `/api/v1/customers/${id}`;
      const seen: Array<{ url: string; text: string; cacheControl: unknown }> = [];
      for (const url of [
        c,
        `${c}/360`,
        `${c}/contacts`,
        `${c}/instances`,
        '/api/v1/customers?customerNo=FT000001',
        `/api/v1/customers/search?q=${encodeURIComponent('自由文本测试')}`,
        `/api/v1/product-instances?circuitId=${encodeURIComponent('NJ-FT/0001')}`,
        '/api/v1/customers/export?format=csv&customerNo=FT000001',
        '/api/v1/customers/export?format=xlsx&customerNo=FT000001',
        `${T}/${id}`,
        `${T}/${tmfId}`,
        `${T}?name=${encodeURIComponent('陈静')}`,
      ]) {
        const res = await s.app.inject({ url, headers });
        expect(res.statusCode, `${login} ${url}: ${res.body}`).toBe(200);
        const ct = String(res.headers['content-type']);
        seen.push({
          url,
          text: ct.includes('spreadsheetml') ? await xlsxText(res.rawPayload) : res.body,
          cacheControl: res.headers['cache-control'],
        });
      }
      expect(seen.map((x) => ({ url: x.url, leaks: leaks(x.text) })).filter((x) => x.leaks.length)).toEqual(
        [],
      );
      // What was typed is still there, masked: the phone, ID number, address and card in the note…
      const customer = JSON.parse(seen[0]!.text);
      expect(customer.notes).toBe(
        '王先生来电 139****1357，身份证 320***********0014，上门地址江苏省南京市玄武区****，退费卡 6222***********0123',
      );
      expect(customer.tags).toEqual(['回访 139****1357']);
      expect(customer.industry).toBe('物流 139****1357');
      expect(customer.branches[0].name).toBe('营业部 江苏省南京市玄武区****');
      const [contact] = JSON.parse(seen[2]!.text);
      expect(contact.title).toBe('机房 江苏省南京市玄武区****');
      const [instance] = JSON.parse(seen[3]!.text);
      expect(instance).toMatchObject({
        aEnd: 'A端 江苏省南京市玄武区****',
        zEnd: 'Z端 联系人 139****1357 证件 320***********0014',
        attributes: { 联系人电话: '139****1357', 证件: '320***********0014', 端口数: 4 },
      });
      // …in the exports and TMF629 too.
      expect(seen[7]!.text).toContain('回访 139****1357');
      expect(seen[8]!.text).toContain('回访 139****1357');
      const tmf = JSON.parse(seen[10]!.text);
      expect(tmf.description).toBe(customer.notes);
      expect(tmf.statusReason).toBe('客户来电 139****1357');
      for (const m of MASKS)
        expect(
          seen.some((x) => x.text.includes(m)),
          m,
        ).toBe(true);
      // No answer carrying personal data may be kept by a browser or proxy.
      expect(seen.filter((x) => x.cacheControl !== 'no-store').map((x) => x.url)).toEqual([]);
    }
  });

  it('in the events other systems receive', async () => {
    const events = await s.ctx.db
      .selectFrom('outbox_events')
      .select(['event_type', 'payload'])
      .where('aggregate_id', 'in', [id, tmfId])
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(events.map((e) => e.payload));
    expect(leaks(text)).toEqual([]);
    expect(text).toContain('139****1357');
  });

  it('a reveal gives one free-text field whole, audited, and the history shows the reason masked', async () => {
    const supervisor = await s.as('supervisor');
    const reveal = async (payload: Record<string, unknown>, customer = id) =>
      s.app.inject({
        method: 'POST',
        url: `/api/v1/customers/${customer}/reveal`,
        headers: supervisor,
        payload: { reason: `客户 ${PHONE} 来电核实`, ...payload },
      });
    const notes = await reveal({ field: 'notes' });
    expect(notes.statusCode, notes.body).toBe(200);
    expect(notes.json()).toEqual({ field: 'notes', value: NOTE });
    expect(notes.headers['cache-control']).toBe('no-store');
    expect((await reveal({ field: 'aEnd', instanceId })).json().value).toBe(`A端 ${ADDRESS}`);
    expect((await reveal({ field: 'description' }, tmfId)).json().value).toBe(NOTE);
    const forbidden = await s.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${id}/reveal`,
      headers: await s.as('agent'),
      payload: { field: 'notes', reason: '核实身份信息' },
    });
    expect(forbidden.statusCode).toBe(403);
    // Reveal entries (and reasons) show in the 360 history to holders of audit.read only.
    const history = await s.app.inject({
      url: `/api/v1/customers/${id}/360`,
      headers: await s.as('supervisor'),
    });
    const reveals = history
      .json()
      .recentHistory.filter((h: { action: string }) => h.action === 'customer.pii_reveal');
    expect(reveals.map((h: { details: { field: string } }) => h.details.field).sort()).toEqual([
      'aEnd',
      'notes',
    ]);
    expect(leaks(history.body)).toEqual([]);
    const audit = await s.app.inject({
      url: `/api/v1/audit-log?entityId=${id}`,
      headers: await s.as('admin'),
    });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.body).toContain('customer.pii_reveal');
    expect(leaks(audit.body)).toEqual([]);
  });

  it('an edit of the masked text keeps what the masks hide', async () => {
    const agent = await s.as('agent');
    const c = `/api/v1/customers/${id}`;
    const read = (await s.app.inject({ url: c, headers: agent })).json();
    const patched = await s.app.inject({
      method: 'PATCH',
      url: c,
      headers: agent,
      payload: { version: read.version, notes: `${read.notes}。12月8日已回访`, tags: [...read.tags, '重要'] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const row = await s.ctx.db
      .selectFrom('customers')
      .select(['notes', 'tags'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.notes).toBe(`${NOTE}。12月8日已回访`);
    expect(row.tags).toEqual([`回访 ${PHONE}`, '重要']);

    const [inst] = (await s.app.inject({ url: `${c}/instances`, headers: agent })).json();
    const instPatch = await s.app.inject({
      method: 'PATCH',
      url: `${c}/instances/${instanceId}`,
      headers: agent,
      payload: {
        version: inst.version,
        aEnd: `${inst.aEnd} 机房`,
        attributes: { ...inst.attributes, 端口数: 8 },
      },
    });
    expect(instPatch.statusCode, instPatch.body).toBe(200);
    const stored = await s.ctx.db
      .selectFrom('product_instances')
      .select(['a_end', 'attributes'])
      .where('id', '=', instanceId)
      .executeTakeFirstOrThrow();
    expect(stored.a_end).toBe(`A端 ${ADDRESS} 机房`);
    expect(stored.attributes).toEqual({ 联系人电话: PHONE, 证件: ID, 端口数: 8 });

    const tmf = (await s.app.inject({ url: `${T}/${tmfId}`, headers: agent })).json();
    const tmfPatch = await s.app.inject({
      method: 'PATCH',
      url: `${T}/${tmfId}`,
      headers: { ...agent, 'content-type': 'application/merge-patch+json' },
      payload: { description: `${tmf.description}（已核实）` },
    });
    expect(tmfPatch.statusCode, tmfPatch.body).toBe(200);
    const kept = await s.ctx.db
      .selectFrom('customer_tmf_attributes')
      .select('description')
      .where('customer_id', '=', tmfId)
      .executeTakeFirstOrThrow();
    expect(kept.description).toBe(`${NOTE}（已核实）`);
  });
});

describe('log lines of searches and filters with separated digits', () => {
  it('never carry the phone or ID number, URL-encoded or not', async () => {
    const agent = await s.as('agent');
    const values = [
      '139 2468 1357',
      '139-2468-1357',
      '139.2468.1357',
      '139+2468+1357',
      '+86 139 2468 1357',
      '320106 19870623 0014',
      '320106-19870623-0014',
      '320106+19870623+0014',
    ];
    const encodings = [
      (v: string) => v.replace(/ /g, '%20'),
      encodeURIComponent,
      (v: string) => encodeURIComponent(v).replace(/%20/g, '+'),
      (v: string) => v.replace(/ /g, '+'),
    ];
    const before = s.logs.length;
    let requests = 0;
    for (const v of values)
      for (const encode of encodings)
        for (const url of [
          `/api/v1/customers/search?q=${encode(v)}`,
          `/api/v1/customers?phone=${encode(v)}`,
          `/api/v1/customers?idNumber=${encode(v)}`,
          `${T}?contactMedium.phoneNumber=${encode(v)}`,
        ]) {
          const res = await s.app.inject({ url, headers: agent });
          expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
          requests++;
        }
    const lines = s.logs.slice(before);
    expect(lines.length).toBeGreaterThanOrEqual(requests);
    const urls = lines
      .map((l) => JSON.parse(l) as { req?: { url?: string } })
      .flatMap((l) => l.req?.url ?? []);
    expect(urls.length).toBeGreaterThanOrEqual(requests);
    const digits = (t: string) => t.replace(/\D/g, '');
    const bad = lines.filter((l) => {
      const decoded = decodeURIComponent(l.replace(/\+/g, ' ').replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
      return (
        leaks(decoded).length > 0 || digits(decoded).includes('24681357') || decoded.includes('19870623')
      );
    });
    expect(bad).toEqual([]);
    expect(urls.some((u) => u.includes('139****1357'))).toBe(true);
    expect(urls.some((u) => u.includes('320***********0014'))).toBe(true);
  });
});

describe('Cache-Control', () => {
  it('is no-store on API answers, errors included, and left to the console for its pages', async () => {
    const agent = await s.as('agent');
    for (const url of [
      '/api/v1/customers?limit=5',
      '/api/v1/customers/nope',
      `${T}?limit=1`,
      '/api/v1/auth/me',
    ]) {
      const res = await s.app.inject({ url, headers: agent });
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const page = await s.app.inject({ url: '/agent' });
    expect(page.headers['cache-control']).not.toBe('no-store');
  });
});
