import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { tmfSchemas } from '../tmf-schema.ts';

const validate = tmfSchemas('TMF629-Customer_Management-v5.0.1.oas.yaml');

const BASE = '/tmf-api/customer/v5/customer';
let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function call(
  method: string,
  url: string,
  login: string | null,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const h: Record<string, string> = { ...(login ? await s.as(login) : {}) };
  if (payload !== undefined) h['content-type'] = 'application/json';
  Object.assign(h, headers);
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: h,
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
  // Every answer is valid against TM Forum's own v5.0.1 schemas.
  const body: unknown = res.body ? res.json() : undefined;
  for (const one of Array.isArray(body) ? body : body === undefined ? [] : [body])
    expect(validate(res.statusCode >= 400 ? 'Error' : 'Customer', one), res.body).toEqual([]);
  return res;
}

const expectTmfError = (body: unknown, status: number) =>
  expect(body).toMatchObject({
    '@type': 'Error',
    code: `ERR${status}`,
    status: String(status),
    reason: expect.any(String),
    message: expect.any(String),
  });

describe(`TMF629 Customer Management v5 (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  let createdId: string;

  it('lists customers with offset/limit, X-Total-Count and X-Result-Count, newest first, scoped', async () => {
    const first = await call('GET', `${BASE}?limit=10`, 'agent');
    expect(first.statusCode).toBe(200);
    const total = Number(first.headers['x-total-count']);
    expect(first.headers['x-result-count']).toBe('10');
    expect(first.json()).toHaveLength(10);
    const second = await call('GET', `${BASE}?limit=10&offset=10`, 'agent');
    const ids = new Set([...first.json(), ...second.json()].map((c: { id: string }) => c.id));
    expect(ids.size).toBe(20);
    const tail = await call('GET', `${BASE}?limit=100&offset=${total - 3}`, 'agent');
    expect(tail.headers['x-result-count']).toBe('3');
    for (const c of first.json()) {
      expect(c['@type']).toBe('Customer');
      // Absolute: from the request's scheme and host (no ONEPOINT_PUBLIC_URL here).
      expect(c.href).toBe(`http://localhost:80${BASE}/${c.id}`);
      expect(c.engagedParty['@type']).toBe('PartyRef');
    }
    const zj = await call('GET', `${BASE}?limit=1`, 'zj.agent');
    expect(Number(zj.headers['x-total-count'])).toBeLessThan(total);
    expect(Number(zj.headers['x-total-count'])).toBeGreaterThan(0);
    const admin = await call('GET', `${BASE}?limit=1`, 'admin');
    const all = await s.ctx.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(admin.headers['x-total-count'])).toBe(Number(all.n));
  });

  it('keeps id, href and @type when fields= selects other attributes', async () => {
    const res = await call('GET', `${BASE}?limit=3&fields=name,status`, 'agent');
    for (const c of res.json())
      expect(Object.keys(c).sort()).toEqual(['@type', 'href', 'id', 'name', 'status']);
    const one = await call('GET', `${BASE}/${res.json()[0].id}?fields=contactMedium`, 'agent');
    expect(Object.keys(one.json()).sort()).toEqual(['@type', 'contactMedium', 'href', 'id']);
  });

  it('filters by attributes and rejects unknown filters in the Error shape', async () => {
    const orgs = await call('GET', `${BASE}?engagedParty.@referredType=Organization&limit=100`, 'agent');
    expect(orgs.json().length).toBeGreaterThan(0);
    for (const c of orgs.json()) expect(c.engagedParty['@referredType']).toBe('Organization');
    const group = await call('GET', `${BASE}?characteristic.tier=group&limit=100`, 'agent');
    for (const c of group.json())
      expect(c.characteristic.find((x: { name: string }) => x.name === 'tier').value).toBe('group');
    const phone = await s.ctx.db
      .selectFrom('customers')
      .select(['id', 'phone'])
      .where('phone', 'like', '1%')
      .where('org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
      .executeTakeFirstOrThrow();
    const byPhone = await call('GET', `${BASE}?contactMedium.phoneNumber=${phone.phone}`, 'agent');
    expect(byPhone.json().map((c: { id: string }) => c.id)).toContain(phone.id);
    const bad = await call('GET', `${BASE}?favouriteColour=blue`, 'agent');
    expect(bad.statusCode).toBe(400);
    expectTmfError(bad.json(), 400);
  });

  it('creates a customer with contact media and relatedParty in the v5 shape', async () => {
    const res = await call('POST', BASE, 'agent', {
      '@type': 'Customer',
      name: '南京云帆物流有限公司',
      engagedParty: { '@type': 'PartyRef', '@referredType': 'Organization', name: '南京云帆物流有限公司' },
      contactMedium: [
        { '@type': 'PhoneContactMedium', preferred: true, phoneNumber: '025-86667777' },
        { '@type': 'EmailContactMedium', emailAddress: 'ops@yunfan.example.cn' },
        {
          '@type': 'GeographicAddressContactMedium',
          stateOrProvince: '江苏省',
          city: '南京市',
          street1: '江宁区天元东路88号',
        },
      ],
      characteristic: [
        { '@type': 'StringCharacteristic', name: 'tier', value: 'localA' },
        { '@type': 'StringCharacteristic', name: 'orgUnitId', value: demoId('org', 'CT.JS.NJ') },
      ],
      relatedParty: [
        {
          '@type': 'RelatedPartyOrPartyRole',
          role: 'accountManager',
          partyOrPartyRole: { '@type': 'PartyRef', id: demoId('user', 'accountmgr') },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    createdId = c.id;
    expect(res.headers.location).toBe(`http://localhost:80${BASE}/${c.id}`);
    expect(c).toMatchObject({
      '@type': 'Customer',
      href: `http://localhost:80${BASE}/${c.id}`,
      name: '南京云帆物流有限公司',
      status: 'active',
    });
    expect(c.engagedParty['@referredType']).toBe('Organization');
    expect(c.contactMedium).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ '@type': 'PhoneContactMedium', phoneNumber: '025****7777' }),
        expect.objectContaining({ '@type': 'EmailContactMedium', emailAddress: 'o***@yunfan.example.cn' }),
        // The address keeps its structure; only the street is masked.
        expect.objectContaining({
          '@type': 'GeographicAddressContactMedium',
          stateOrProvince: '江苏省',
          city: '南京市',
          street1: '江宁区****',
        }),
      ]),
    );
    expect(c.relatedParty).toEqual([
      {
        '@type': 'RelatedPartyOrPartyRole',
        role: 'accountManager',
        partyOrPartyRole: {
          '@type': 'PartyRef',
          id: demoId('user', 'accountmgr'),
          name: expect.any(String),
          '@referredType': 'Individual',
        },
      },
    ]);
    const again = await call('GET', `${BASE}/${c.id}`, 'agent');
    expect(again.json()).toEqual(c);
  });

  it('validates like our API, naming the TMF attribute, in the Error shape', async () => {
    const badPhone = await call('POST', BASE, 'agent', {
      '@type': 'Customer',
      name: '李雷',
      engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual' },
      contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: '1234' }],
    });
    expect(badPhone.statusCode).toBe(400);
    expectTmfError(badPhone.json(), 400);
    expect(badPhone.json().message).toMatch(/contactMedium\[0\]\.phoneNumber: /);
    const badId = await call('POST', BASE, 'agent', {
      '@type': 'Customer',
      name: '李雷',
      engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual' },
      characteristic: [{ name: 'idNumber', value: '110105194912310021' }],
    });
    expect(badId.json().message).toMatch(/characteristic\[idNumber\]: the check digit/);
    const noType = await call('POST', BASE, 'agent', {
      name: '李雷',
      engagedParty: { '@referredType': 'Individual' },
    });
    expect(noType.json().message).toMatch(/@type/);
    const noParty = await call('POST', BASE, 'agent', { '@type': 'Customer', name: '李雷' });
    expect(noParty.json().message).toMatch(/engagedParty/);
  });

  it('patches with merge-patch+json and plain JSON; other media types get 415 in the Error shape', async () => {
    const merge = await call(
      'PATCH',
      `${BASE}/${createdId}`,
      'agent',
      { name: '南京云帆供应链有限公司' },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(merge.statusCode, merge.body).toBe(200);
    expect(merge.json().name).toBe('南京云帆供应链有限公司');
    const plain = await call(
      'PATCH',
      `${BASE}/${createdId}`,
      'agent',
      { characteristic: [{ '@type': 'StringCharacteristic', name: 'valueLevel', value: 'gold' }] },
      { 'content-type': 'application/json' },
    );
    expect(plain.statusCode).toBe(200);
    expect(plain.json().characteristic).toContainEqual(
      expect.objectContaining({ name: 'valueLevel', value: 'gold' }),
    );
    expect(plain.json().characteristic).toContainEqual(
      expect.objectContaining({ name: 'tier', value: 'localA' }),
    );
    const jsonPatch = await call(
      'PATCH',
      `${BASE}/${createdId}`,
      'agent',
      [{ op: 'replace', path: '/name', value: 'x' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    expect(jsonPatch.statusCode).toBe(415);
    expectTmfError(jsonPatch.json(), 415);
    // A client sending back what it read (masked values included) changes nothing.
    const current = (await call('GET', `${BASE}/${createdId}`, 'agent')).json();
    const roundTrip = await call(
      'PATCH',
      `${BASE}/${createdId}`,
      'agent',
      { contactMedium: current.contactMedium, characteristic: current.characteristic },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(roundTrip.statusCode, roundTrip.body).toBe(200);
    const reveal = await s.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${createdId}/reveal`,
      headers: await s.as('supervisor'),
      payload: { field: 'phone', reason: '核对号码' },
    });
    expect(reveal.json().value).toBe('02586667777');
    const unsupported = await call(
      'PATCH',
      `${BASE}/${createdId}`,
      'agent',
      { paymentMethod: [] },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json().message).toMatch(/paymentMethod: is not supported/);
  });

  it('applies the same access rules: 401, 403, scope (404) and no delete', async () => {
    const anon = await call('GET', BASE, null);
    expect(anon.statusCode).toBe(401);
    expectTmfError(anon.json(), 401);
    const tech = await call('GET', BASE, 'technician');
    expect(tech.statusCode).toBe(403);
    expectTmfError(tech.json(), 403);
    const zj = await call('GET', `${BASE}/${createdId}`, 'zj.agent');
    expect(zj.statusCode).toBe(404);
    expectTmfError(zj.json(), 404);
    const zjPatch = await call(
      'PATCH',
      `${BASE}/${createdId}`,
      'zj.agent',
      { name: 'x' },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(zjPatch.statusCode).toBe(404);
    const billing = await call('POST', BASE, 'billing', {
      '@type': 'Customer',
      name: 'x',
      engagedParty: { '@referredType': 'Individual' },
    });
    expect(billing.statusCode).toBe(403);
    const del = await call('DELETE', `${BASE}/${createdId}`, 'admin');
    expect(del.statusCode).toBe(405);
    expectTmfError(del.json(), 405);
    expectTmfError((await call('GET', `${BASE}/not-a-uuid`, 'agent')).json(), 404);
  });
});
