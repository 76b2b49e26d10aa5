// TMF629 keeps what it is given: every attribute of the v5 Customer is stored and returned (or
// refused by name), filters follow TMF630, hrefs are absolute, and every response is valid
// against TM Forum's own v5.0.1 schemas. Extra contact media are personal data: never in clear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiiVault, rotatePiiKeys } from '../../src/modules/customers/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createCapturingServer, DEV_KEY_BASE64, type CapturingServer } from '../customers/helpers.ts';
import { createTestServer } from '../harness.ts';
import { tmfSchemas } from '../tmf-schema.ts';

const PATH = '/tmf-api/customer/v5/customer';
const HOST = 'crm.onepoint.test:8080';
const ORIGIN = `http://${HOST}`;
const validate = tmfSchemas('TMF629-Customer_Management-v5.0.1.oas.yaml');

let s: CapturingServer;
beforeAll(async () => {
  s = await createCapturingServer();
});
afterAll(async () => {
  await s?.close();
});

async function call(
  method: string,
  url: string,
  login: string,
  payload?: unknown,
  type = 'application/json',
) {
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: {
      host: HOST,
      ...(await s.as(login)),
      ...(payload !== undefined ? { 'content-type': type } : {}),
    },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
  // Every answer, whatever it is, in TM Forum's own shapes.
  const body = res.body ? res.json() : undefined;
  if (res.statusCode >= 400) expect(validate('Error', body), res.body).toEqual([]);
  else if (Array.isArray(body))
    for (const c of body) expect(validate('Customer', c), JSON.stringify(c)).toEqual([]);
  else if (body) expect(validate('Customer', body), res.body).toEqual([]);
  return res;
}
const get = (url: string, login = 'agent') => call('GET', url, login);
const ids = (res: { statusCode: number; body: string; json(): unknown }) => {
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as Array<{ id: string }>).map((c) => c.id);
};

const EXTRA_MOBILE = '13912345678';
const EXTRA_FIXED = '025-84561234';
const EXTRA_EMAIL = 'second.person@yunfan.example.cn';

const fullCustomer = () => ({
  '@type': 'Customer',
  name: '南京云帆物流有限公司',
  description: '华东区域重点物流客户',
  role: 'customer',
  statusReason: '新开户',
  validFor: { startDateTime: '2025-01-01T00:00:00+08:00', endDateTime: '2030-12-31T16:00:00Z' },
  engagedParty: {
    '@type': 'PartyRef',
    id: 'org-500',
    href: 'https://party.example.cn/tmf-api/partyManagement/v5/organization/org-500',
    name: '南京云帆物流有限公司',
    '@referredType': 'Organization',
  },
  contactMedium: [
    {
      '@type': 'PhoneContactMedium',
      preferred: true,
      contactType: 'switchboard',
      phoneNumber: '025-86667777',
    },
    {
      '@type': 'PhoneContactMedium',
      contactType: 'mobile',
      phoneNumber: EXTRA_MOBILE,
      validFor: { startDateTime: '2025-02-01T00:00:00Z' },
    },
    { '@type': 'PhoneContactMedium', contactType: 'duty', phoneNumber: EXTRA_FIXED },
    { '@type': 'EmailContactMedium', contactType: 'ops', emailAddress: 'ops@yunfan.example.cn' },
    { '@type': 'EmailContactMedium', contactType: 'finance', emailAddress: EXTRA_EMAIL },
    {
      '@type': 'GeographicAddressContactMedium',
      contactType: 'office',
      country: '中国',
      stateOrProvince: '江苏省',
      city: '南京市',
      postCode: '211100',
      street1: '江宁区天元东路88号',
      street2: '3号楼',
    },
    { '@type': 'FaxContactMedium', contactType: 'office', faxNumber: '025-86668888' },
  ],
  characteristic: [{ '@type': 'StringCharacteristic', name: 'tier', value: 'localA' }],
  relatedParty: [
    {
      '@type': 'RelatedPartyOrPartyRole',
      role: 'accountManager',
      partyOrPartyRole: { '@type': 'PartyRef', id: demoId('user', 'accountmgr') },
    },
    {
      '@type': 'RelatedPartyOrPartyRole',
      role: 'billReceiver',
      partyOrPartyRole: {
        '@type': 'PartyRef',
        id: 'org-2777',
        name: '云帆财务共享中心',
        '@referredType': 'Organization',
      },
    },
  ],
});

describe(`TMF629 keeps what it is given (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  let created: Record<string, unknown> & { id: string };
  let other: string;

  it('stores and returns every attribute sent, masked where personal, with an absolute href', async () => {
    const res = await call('POST', PATH, 'agent', fullCustomer());
    expect(res.statusCode, res.body).toBe(201);
    created = res.json();
    expect(res.headers.location).toBe(`${ORIGIN}${PATH}/${created.id}`);
    expect(created).toMatchObject({
      href: `${ORIGIN}${PATH}/${created.id}`,
      description: '华东区域重点物流客户',
      role: 'customer',
      status: 'active',
      statusReason: '新开户',
      validFor: { startDateTime: '2024-12-31T16:00:00.000Z', endDateTime: '2030-12-31T16:00:00.000Z' },
      engagedParty: fullCustomer().engagedParty,
    });
    const media = created.contactMedium as Array<Record<string, unknown>>;
    expect(media.map(({ id: _id, ...m }) => m)).toEqual([
      {
        '@type': 'PhoneContactMedium',
        preferred: true,
        contactType: 'switchboard',
        phoneNumber: '025****7777',
      },
      {
        '@type': 'PhoneContactMedium',
        preferred: false,
        contactType: 'mobile',
        phoneNumber: '139****5678',
        validFor: { startDateTime: '2025-02-01T00:00:00.000Z' },
      },
      { '@type': 'PhoneContactMedium', preferred: false, contactType: 'duty', phoneNumber: '025****1234' },
      {
        '@type': 'EmailContactMedium',
        preferred: false,
        contactType: 'ops',
        emailAddress: 'o***@yunfan.example.cn',
      },
      {
        '@type': 'EmailContactMedium',
        preferred: false,
        contactType: 'finance',
        emailAddress: 's***@yunfan.example.cn',
      },
      {
        '@type': 'GeographicAddressContactMedium',
        preferred: false,
        contactType: 'office',
        country: '中国',
        stateOrProvince: '江苏省',
        city: '南京市',
        postCode: '211100',
        street1: '江宁区****',
        street2: '****',
      },
      { '@type': 'FaxContactMedium', preferred: false, contactType: 'office', faxNumber: '025****8888' },
    ]);
    for (const m of media) expect(m.id).toEqual(expect.any(String));
    expect(created.relatedParty).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'accountManager',
          partyOrPartyRole: expect.objectContaining({ id: demoId('user', 'accountmgr') }),
        }),
        {
          '@type': 'RelatedPartyOrPartyRole',
          role: 'billReceiver',
          partyOrPartyRole: fullCustomer().relatedParty[1]!.partyOrPartyRole,
        },
      ]),
    );
    expect((await get(`${PATH}/${created.id}`)).json()).toEqual(created);
    // The customer's own phone, email and address are the first of each (our API sees them).
    const ours = await s.app.inject({ url: `/api/v1/customers/${created.id}`, headers: await s.as('agent') });
    expect(ours.json()).toMatchObject({ phone: '025****7777', email: 'o***@yunfan.example.cn' });
  });

  it('keeps extra phones and emails encrypted: never in clear in the database, a response or a log', async () => {
    const rows = await s.ctx.db
      .selectFrom('customer_contact_media')
      .selectAll()
      .where('customer_id', '=', created.id)
      .execute();
    expect(rows).toHaveLength(7);
    const stored = JSON.stringify(rows);
    for (const raw of [EXTRA_MOBILE, '02584561234', '84561234', EXTRA_EMAIL, '天元东路'])
      expect(stored).not.toContain(raw);
    const everything = JSON.stringify(created) + s.logs.join('');
    for (const raw of [EXTRA_MOBILE, '02584561234', EXTRA_EMAIL]) expect(everything).not.toContain(raw);
    // …yet an exact number still finds the customer.
    const byExtra = await get(`${PATH}?contactMedium.phoneNumber=${EXTRA_MOBILE}`);
    expect(ids(byExtra)).toEqual([created.id]);
  });

  it('refuses, by name, what the v5 schema allows but this server does not keep', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ paymentMethod: [{ '@type': 'PaymentMethodRef', id: 'p1' }] }, /paymentMethod: is not supported/],
      [{ creditProfile: [] }, /creditProfile: is not supported/],
      [
        {
          contactMedium: [
            {
              '@type': 'GeographicAddressContactMedium',
              geographicAddress: { '@type': 'GeographicAddressRef', id: 'a' },
            },
          ],
        },
        /contactMedium\[0\]\.geographicAddress: is not supported/,
      ],
      [
        {
          relatedParty: [
            { '@type': 'RelatedPartyOrPartyRole', role: 'owner', partyOrPartyRole: { '@type': 'PartyRef' } },
          ],
        },
        /relatedParty\[0\]\.partyOrPartyRole\.id: is required/,
      ],
      [
        { contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: '139****0000' }] },
        /phoneNumber: is a masked value/,
      ],
      [
        { validFor: { startDateTime: '2025-01-01' } },
        /validFor\.startDateTime: must be a date-time with a time zone/,
      ],
    ];
    for (const [extra, message] of cases) {
      const res = await call('POST', PATH, 'agent', {
        '@type': 'Customer',
        name: '李雷',
        engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual' },
        ...extra,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().message).toMatch(message);
    }
  });

  it('finds by ?id=, comma OR lists, operators, @type, engagedParty and relatedParty', async () => {
    const second = await call('POST', PATH, 'agent', {
      '@type': 'Customer',
      name: '王芳',
      validFor: { startDateTime: '2020-06-01T00:00:00Z' },
      engagedParty: { '@type': 'PartyRef', id: 'ind-42', '@referredType': 'Individual' },
    });
    expect(second.statusCode, second.body).toBe(201);
    other = second.json().id;
    expect(second.json().engagedParty).toEqual({
      '@type': 'PartyRef',
      id: 'ind-42',
      '@referredType': 'Individual',
    });

    expect(ids(await get(`${PATH}?id=${created.id}`))).toEqual([created.id]);
    expect(ids(await get(`${PATH}?id=${created.id},${other}`)).sort()).toEqual([created.id, other].sort());
    const none = await get(`${PATH}?id=no-such-customer`);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');

    const both = `id=${created.id},${other}`;
    expect(ids(await get(`${PATH}?${both}&validFor.startDateTime.gte=2024-01-01T00:00:00Z`))).toEqual([
      created.id,
    ]);
    expect(ids(await get(`${PATH}?${both}&validFor.startDateTime.lt=2024-01-01T00:00:00Z`))).toEqual([other]);
    expect(ids(await get(`${PATH}?${both}&validFor.endDateTime.gt=2030-01-01T00:00:00%2B08:00`))).toEqual([
      created.id,
    ]);
    expect(ids(await get(`${PATH}?${both}&status.ne=active`))).toEqual([]);
    expect(ids(await get(`${PATH}?${both}&status=active,suspended&@type=Customer`)).length).toBe(2);
    expect(ids(await get(`${PATH}?engagedParty.id=org-500`))).toEqual([created.id]);
    expect(ids(await get(`${PATH}?engagedParty.id=ind-42`))).toEqual([other]);
    expect(ids(await get(`${PATH}?relatedParty.role=billReceiver`))).toEqual([created.id]);
    expect(ids(await get(`${PATH}?relatedParty.id=org-2777&relatedParty.role=billReceiver`))).toEqual([
      created.id,
    ]);
    expect(ids(await get(`${PATH}?relatedParty.id=org-2777&relatedParty.role=accountManager`))).toEqual([]);
    const managed = await get(
      `${PATH}?relatedParty.role=accountManager&relatedParty.id=${demoId('user', 'accountmgr')}&limit=100`,
    );
    expect(ids(managed)).toContain(created.id);
    for (const c of managed.json())
      expect(c.relatedParty).toContainEqual(
        expect.objectContaining({
          role: 'accountManager',
          partyOrPartyRole: expect.objectContaining({ id: demoId('user', 'accountmgr') }),
        }),
      );

    const bad = await get(`${PATH}?status.gt=active`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/status: the operator gt is not supported/);
    // A limit above the cap is capped, not refused.
    const capped = await get(`${PATH}?limit=5000`);
    expect(capped.statusCode).toBe(200);
    expect(capped.headers['x-result-count']).toBe('100');
  });

  it('merge patch: null removes, objects merge, arrays replace; a round trip changes nothing', async () => {
    const url = `${PATH}/${created.id}`;
    const version = async () =>
      (await s.app.inject({ url: `/api/v1/customers/${created.id}`, headers: await s.as('agent') })).json()
        .version;
    const v0 = await version();
    const same = await call(
      'PATCH',
      url,
      'agent',
      {
        contactMedium: created.contactMedium,
        relatedParty: created.relatedParty,
        engagedParty: created.engagedParty,
        description: created.description,
      },
      'application/merge-patch+json',
    );
    expect(same.statusCode, same.body).toBe(200);
    expect(await version()).toBe(v0);

    const merged = await call(
      'PATCH',
      url,
      'agent',
      {
        description: null,
        validFor: { endDateTime: null },
        engagedParty: { name: '云帆物流' },
      },
      'application/merge-patch+json',
    );
    expect(merged.statusCode, merged.body).toBe(200);
    const m = merged.json();
    expect(m.description).toBeUndefined();
    expect(m.validFor).toEqual({ startDateTime: '2024-12-31T16:00:00.000Z' });
    expect(m.engagedParty).toEqual({ ...fullCustomer().engagedParty, name: '云帆物流' });
    // A change to what only TMF629 keeps is a change like any other: an event carries it.
    const events = await s.ctx.db
      .selectFrom('outbox_events')
      .select(['event_type', 'payload'])
      .where('aggregate_id', '=', created.id)
      .orderBy('created_at', 'desc')
      .execute();
    expect(events[0]!.event_type).toBe('CustomerAttributeValueChangeEvent');
    const payload = (
      typeof events[0]!.payload === 'string' ? JSON.parse(events[0]!.payload) : events[0]!.payload
    ) as {
      event: { customer: Record<string, unknown> };
    };
    expect(payload.event.customer.engagedParty).toEqual(m.engagedParty);
    expect(payload.event.customer.description).toBeUndefined();

    // One phone of three dropped (by sending the others back masked, with their ids).
    const media = created.contactMedium as Array<Record<string, unknown>>;
    const kept = media.filter((x) => x.phoneNumber !== '139****5678');
    const fewer = await call('PATCH', url, 'agent', { contactMedium: kept }, 'application/merge-patch+json');
    expect(fewer.statusCode, fewer.body).toBe(200);
    expect(fewer.json().contactMedium).toEqual(kept);
    expect(ids(await get(`${PATH}?contactMedium.phoneNumber=${EXTRA_MOBILE}`))).toEqual([]);

    const removed = await call(
      'PATCH',
      url,
      'agent',
      { contactMedium: null },
      'application/merge-patch+json',
    );
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().contactMedium).toEqual([]);
    const ours = await s.app.inject({ url: `/api/v1/customers/${created.id}`, headers: await s.as('agent') });
    expect(ours.json()).toMatchObject({ phone: null, email: null, address: null });
    expect(
      await s.ctx.db
        .selectFrom('customer_contact_media')
        .select('id')
        .where('customer_id', '=', created.id)
        .execute(),
    ).toEqual([]);

    const noParties = await call(
      'PATCH',
      url,
      'agent',
      { relatedParty: null },
      'application/merge-patch+json',
    );
    expect(noParties.json().relatedParty).toEqual([]);
    const nameless = await call('PATCH', url, 'agent', { name: null }, 'application/merge-patch+json');
    expect(nameless.statusCode).toBe(400);
    expect(nameless.json().message).toMatch(/name: cannot be removed/);
  });

  it('DELETE: 404 for an unknown or out-of-scope id, 405 (use erasure) for a customer', async () => {
    const unknown = await call('DELETE', `${PATH}/0190f3a0-0000-7000-8000-000000000000`, 'admin');
    expect(unknown.statusCode).toBe(404);
    expect((await call('DELETE', `${PATH}/not-a-uuid`, 'admin')).statusCode).toBe(404);
    const known = await call('DELETE', `${PATH}/${other}`, 'admin');
    expect(known.statusCode).toBe(405);
    expect(known.json().message).toMatch(/erase/);
  });

  it('rotate-keys re-encrypts kept contact media under the new key', async () => {
    const res = await call('POST', PATH, 'agent', {
      '@type': 'Customer',
      name: '赵敏',
      engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual' },
      contactMedium: [
        { '@type': 'PhoneContactMedium', phoneNumber: '13700002222' },
        { '@type': 'PhoneContactMedium', phoneNumber: '13700003333' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const fresh = { id: 'k2027', secret: Buffer.alloc(32, 'a-new-key-for-the-rotation-test') };
    await rotatePiiKeys(
      s.ctx.db,
      new PiiVault([fresh, { id: 'dev', secret: Buffer.from(DEV_KEY_BASE64, 'base64') }]),
    );
    const rows = await s.ctx.db
      .selectFrom('customer_contact_media')
      .selectAll()
      .where('customer_id', '=', res.json().id)
      .orderBy('position')
      .execute();
    expect(rows.map((r) => r.pii_key_id)).toEqual(['k2027', 'k2027']);
    const onlyNew = new PiiVault([fresh]);
    expect(
      JSON.parse(onlyNew.decrypt(rows[1]!.value_enc, `customer_contact_media:${res.json().id}`)),
    ).toMatchObject({
      value: '13700003333',
    });
    expect(rows[1]!.value_hash).toBe(onlyNew.blindIndex('13700003333'));
  });

  it('erasure removes what TMF629 kept', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${other}/erase`,
      headers: await s.as('admin'),
      payload: { reason: '客户申请注销' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const kept = await s.ctx.db
      .selectFrom('customer_tmf_attributes')
      .select('customer_id')
      .where('customer_id', '=', other)
      .execute();
    expect(kept).toEqual([]);
  });
});

describe('TMF629 hrefs behind a proxy (ONEPOINT_PUBLIC_URL)', () => {
  it('uses the configured public URL for href and Location', async () => {
    const p = await createTestServer({ env: { ONEPOINT_PUBLIC_URL: 'https://crm.example.cn/onepoint/' } });
    try {
      const headers = { ...(await p.as('agent')), host: 'internal:8080' };
      const list = await p.app.inject({ url: `${PATH}?limit=2`, headers });
      for (const c of list.json()) {
        expect(c.href).toBe(`https://crm.example.cn/onepoint${PATH}/${c.id}`);
        expect(validate('Customer', c)).toEqual([]);
      }
      const created = await p.app.inject({
        method: 'POST',
        url: PATH,
        headers,
        payload: {
          '@type': 'Customer',
          name: '韩梅梅',
          engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual' },
        },
      });
      expect(created.headers.location).toBe(`https://crm.example.cn/onepoint${PATH}/${created.json().id}`);
    } finally {
      await p.close();
    }
  });
});
