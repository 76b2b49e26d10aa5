// Search confirms no digit that a mask hides (issue 9): a phone is found by its whole number or its
// last four digits (尾号), an ID number only whole; every search, hit or miss, is access-logged with
// its kind; customer numbers by a prefix (issue 15). The slow-down after repeated misses is in
// customers-search-guard.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../src/modules/customers/domain/pii.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

const NJ = demoId('org', 'CT.JS.NJ');
const API = '/api/v1/customers';
const TMF = '/tmf-api/customer/v5/customer';
const ID_NUMBER = `32010619870623001${residentIdCheckChar('32010619870623001')}`;
// The numbers of the customer searched for; every one's mask shows its last four digits.
const PHONE = '19987651271'; // shown 199****1271
const CONTACT_MOBILE = '19912345566';
const OFFICE = '02584567788'; // shown 025****7788
const MOBILE_ACCOUNT = '19911223344';
const VOICE_ACCOUNT = '02586669901';

async function get(url: string, login = 'agent') {
  return s.app.inject({ method: 'GET', url, headers: await s.as(login) });
}

const enc = encodeURIComponent;
const ids = (res: { json(): unknown }) =>
  ((res.json() as { items?: Array<{ id: string }> }).items ?? []).map((i) => i.id);

let target: { id: string; customerNo: string };

describe(`customer search without a masking bypass (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  beforeAll(async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: API,
      headers: await s.as('agent'),
      payload: {
        kind: 'individual',
        name: '钱尾号',
        orgUnitId: NJ,
        phone: PHONE,
        idNumber: ID_NUMBER,
        contacts: [{ name: '赵敏', role: 'other', mobile: CONTACT_MOBILE, officePhone: '025-8456-7788' }],
        instances: [
          { productCode: 'mobile', accountNo: MOBILE_ACCOUNT },
          { productCode: 'voice.fixed', accountNo: VOICE_ACCOUNT },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    target = res.json();
  });

  it('finds the customer by each whole number, on every path', async () => {
    for (const n of [PHONE, CONTACT_MOBILE, OFFICE, MOBILE_ACCOUNT, VOICE_ACCOUNT, '+86 199-8765-1271']) {
      expect(ids(await get(`${API}/search?q=${enc(n)}`)), n).toContain(target.id);
      expect(ids(await get(`${API}?phone=${enc(n)}`)), n).toContain(target.id);
    }
    const tmf = await get(`${TMF}?contactMedium.phoneNumber=${PHONE}`);
    expect((tmf.json() as Array<{ id: string }>).map((c) => c.id)).toEqual([target.id]);
    const csv = await get(`${API}/export?format=csv&phone=${PHONE}`);
    expect(csv.body).toContain(target.customerNo);
  });

  it('finds the customer by the last four digits (尾号) of any of its numbers, in the one-box search', async () => {
    for (const n of [PHONE, CONTACT_MOBILE, OFFICE, MOBILE_ACCOUNT, VOICE_ACCOUNT]) {
      const tail = n.slice(-4);
      const res = await get(`${API}/search?q=${tail}&limit=50`);
      expect(res.statusCode).toBe(200);
      const hit = (res.json() as { items: Array<{ id: string; matchedBy: string[] }> }).items.find(
        (i) => i.id === target.id,
      );
      expect(hit, tail).toBeDefined();
      expect(hit!.matchedBy).toEqual(['phone']);
      expect(ids(await get(`${API}?phone=${tail}&limit=200`)), tail).toContain(target.id);
    }
    // With another filter: the tail and a name narrow the list together.
    expect(ids(await get(`${API}?phone=1271&name=${enc('钱尾号')}`))).toEqual([target.id]);
    // Only in the caller's scope.
    expect(ids(await get(`${API}/search?q=1271&limit=50`, 'zj.agent'))).not.toContain(target.id);
  });

  it('learns nothing from the prefix walk or any other part of a number, on every path', async () => {
    // The attack of issue 9: `phone=1870&customerNo=…`, then 1871 … recovered the hidden digits of
    // 187****1271. Every candidate for the next hidden digit must now get the same answer.
    const answers = new Set<string>();
    for (let digit = 0; digit <= 9; digit++) {
      const res = await get(`${API}?phone=${PHONE.slice(0, 3)}${digit}&customerNo=${target.customerNo}`);
      answers.add(`${res.statusCode} ${JSON.stringify(ids(res))}`);
    }
    expect([...answers]).toEqual(['200 []']);

    const found: string[] = [];
    for (const n of [PHONE, CONTACT_MOBILE, OFFICE, MOBILE_ACCOUNT, VOICE_ACCOUNT]) {
      // Every prefix, and middle parts (the hidden digits themselves among them).
      const parts = new Set<string>();
      for (let len = 3; len < n.length; len++) parts.add(n.slice(0, len));
      for (const [from, to] of [
        [3, 7],
        [2, 8],
        [3, n.length],
        [1, n.length - 1],
        [4, n.length],
      ] as const)
        parts.add(n.slice(from, to));
      parts.delete(n.slice(-4)); // the last four digits: shown by the mask, and meant to find
      for (const part of parts) {
        const urls = [
          `${API}?phone=${part}`,
          `${API}?phone=${part}&customerNo=${target.customerNo}`,
          `${API}/search?q=${part}&limit=50`,
          `${API}?accountNo=${part}`,
          `${TMF}?contactMedium.phoneNumber=${part}`,
        ];
        for (const url of urls) {
          const res = await get(url);
          expect(res.statusCode, url).toBeLessThan(500);
          const list = res.statusCode === 200 ? (res.json() as { items?: unknown } | unknown[]) : [];
          const items = Array.isArray(list) ? list : ((list as { items: unknown[] }).items ?? []);
          if ((items as Array<{ id: string }>).some((i) => i.id === target.id)) found.push(url);
        }
        const csv = await get(`${API}/export?format=csv&phone=${part}`);
        if (csv.body.includes(target.customerNo)) found.push(`export phone=${part}`);
      }
    }
    expect(found).toEqual([]);
    // A partial phone is refused with the rule, never the value.
    const refused = await get(`${API}?phone=1998765`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/phone: give the full number or its last four digits/);
    expect(refused.body).not.toContain('1998765');
  }, 120_000); // some 400 requests

  it('finds an ID number only whole: no part of it finds the customer', async () => {
    expect(ids(await get(`${API}?idNumber=${ID_NUMBER}`))).toEqual([target.id]);
    expect(ids(await get(`${API}/search?q=${ID_NUMBER}`))).toEqual([target.id]);
    const masked = `${ID_NUMBER.slice(0, 3)}${'*'.repeat(11)}${ID_NUMBER.slice(-4)}`;
    for (const part of [
      ID_NUMBER.slice(0, 17),
      ID_NUMBER.slice(0, 14),
      ID_NUMBER.slice(0, 6),
      ID_NUMBER.slice(6, 14), // the date of birth
      ID_NUMBER.slice(-4),
      ID_NUMBER.slice(-6),
      ID_NUMBER.slice(1),
      masked,
    ]) {
      for (const url of [`${API}?idNumber=${enc(part)}`, `${API}/search?q=${enc(part)}`]) {
        const res = await get(url);
        expect(res.statusCode, url).toBeLessThan(500);
        if (res.statusCode === 200) expect(ids(res), url).not.toContain(target.id);
      }
    }
  });

  it('finds customers by the beginning of a customer number (C10001…)', async () => {
    for (const prefix of [target.customerNo.slice(0, -1), target.customerNo.slice(0, -2).toLowerCase()]) {
      const res = await get(`${API}/search?q=${prefix}&limit=50`);
      const items = (res.json() as { items: Array<{ id: string; customerNo: string; matchedBy: string[] }> })
        .items;
      expect(
        items.map((i) => i.id),
        prefix,
      ).toContain(target.id);
      for (const i of items) {
        expect(i.customerNo.startsWith(prefix.toUpperCase())).toBe(true);
        expect(i.matchedBy).toEqual(['customerNo']);
      }
    }
    // A demo customer's number prefix finds demo customers (issue 15's `C10001`).
    const demo = await s.ctx.db
      .selectFrom('customers')
      .select('customer_no')
      .where('org_unit_id', '=', NJ)
      .orderBy('customer_no')
      .executeTakeFirstOrThrow();
    const prefix = demo.customer_no.slice(0, 6);
    const res = await get(`${API}/search?q=${prefix}&limit=50`);
    expect(res.json().items.length).toBeGreaterThan(0);
    // Not outside the caller's scope.
    expect(ids(await get(`${API}/search?q=${target.customerNo}`, 'zj.agent'))).toEqual([]);
  });

  it('access-logs every search, hit or miss, with its kind and never its value', async () => {
    const since = new Date();
    const nobody = '16612345678'; // 166: no demo number has it
    const device = await s.ctx.db
      .selectFrom('product_instances')
      .select('device_id')
      .where('device_id', 'is not', null)
      .executeTakeFirstOrThrow();
    // [url, whether it finds someone]
    const calls: Array<[string, number]> = [
      [`${API}/search?q=${nobody}`, 0],
      [`${API}/search?q=${enc('不存在的名字甲乙')}`, 0],
      [`${API}?phone=${nobody}`, 0],
      [`${API}?idNumber=${ID_NUMBER.slice(0, 17)}0`, 0],
      [`${API}/export?format=csv&phone=${nobody}`, 0],
      [`${TMF}?contactMedium.phoneNumber=${nobody}`, 0],
      [`/api/v1/product-instances?deviceId=NO-SUCH-DEVICE`, 0],
      [`${API}/search?q=1271&limit=50`, 1],
      [`/api/v1/product-instances?deviceId=${enc(device.device_id!)}`, 1],
    ];
    for (const [url, n] of calls) {
      const res = await get(url, 'supervisor');
      expect(res.statusCode, url).toBe(200);
      const found = url.includes('export')
        ? res.body.trim().split('\n').length - 1
        : [res.json() as unknown[] | { items: unknown[] }].map((b) => (Array.isArray(b) ? b : b.items))[0]!
            .length;
      expect(found > 0, url).toBe(n > 0);
    }
    const rows = await s.ctx.db
      .selectFrom('customer_access_log')
      .selectAll()
      .where('actor_login', '=', 'supervisor')
      .where('occurred_at', '>=', new Date(since.getTime() - 1000))
      .execute();
    const misses = rows.filter((r) => r.customer_id === null).map((r) => `${r.action} ${r.purpose}`);
    expect(misses.sort()).toEqual(
      [
        'search phone,code',
        'search name',
        'list phone',
        'list idNumber',
        'export phone',
        'tmf list:phone',
        'list productInstances:deviceId',
      ].sort(),
    );
    // Hits: one row per customer found, with how it was found.
    const tailHit = rows.find((r) => r.customer_id === target.id && r.action === 'search');
    expect(tailHit?.purpose).toBe('phoneTail');
    const instances = await get(`/api/v1/product-instances?deviceId=${enc(device.device_id!)}`, 'supervisor');
    const customers = new Set(
      (instances.json() as { items: Array<{ customer: { id: string } }> }).items.map((i) => i.customer.id),
    );
    expect(customers.size).toBeGreaterThan(0);
    const logged = new Set(
      rows
        .filter((r) => r.purpose === 'productInstances:deviceId' && r.customer_id)
        .map((r) => r.customer_id),
    );
    expect(logged).toEqual(customers);
    const text = JSON.stringify(rows);
    for (const value of [nobody, ID_NUMBER.slice(0, 17), '不存在的名字甲乙', 'NO-SUCH-DEVICE'])
      expect(text).not.toContain(value);
    // Browsing the list without a search is not a search: no miss row.
    await get(`${API}?tag=${enc('没有这个标签')}`, 'supervisor');
    const after = await s.ctx.db
      .selectFrom('customer_access_log')
      .select('id')
      .where('actor_login', '=', 'supervisor')
      .where('customer_id', 'is', null)
      .execute();
    expect(after).toHaveLength(misses.length);
  });
});
