import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const HZ = demoId('org', 'CT.ZJ.HZ');

// A valid resident ID (check digit computed by hand: GB 11643) and a copy with a wrong last digit.
const ID_OK = '32010219900307128X';
const ID_BAD = '320102199003071281';

async function call(method: string, url: string, login: string | null, payload?: unknown) {
  const headers = login ? await s.as(login) : {};
  return s.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

function newCustomer(over: Record<string, unknown> = {}) {
  return {
    kind: 'individual',
    name: '王芳',
    orgUnitId: NJ,
    phone: '138-1234-5678',
    email: 'Wang.Fang@Example.com',
    address: '江苏省南京市玄武区中山路18号3栋201室',
    idNumber: ID_OK,
    tags: ['测试'],
    contacts: [{ name: '李强', role: 'other', mobile: '13912345678', officePhone: '025-84561234' }],
    instances: [
      {
        productCode: 'broadband.ftth',
        accountNo: 'ad025test0001',
        accessType: 'ftth',
        deviceType: 'olt',
        deviceId: 'nj-xw-olt-test',
        devicePort: '0/1/1',
        serviceAddress: '江苏省南京市玄武区中山路18号3栋201室',
      },
      { productCode: 'data.sdh', accountNo: 'ZQTEST1', circuitId: 'NJ-SDH-TEST-0001', bandwidthMbps: 2 },
    ],
    ...over,
  };
}

describe(`customers API (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  let created: { id: string; customerNo: string };

  it('answers 401 without a valid token', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/customers'],
      ['GET', '/api/v1/customers/search?q=王芳'],
      ['POST', '/api/v1/customers'],
      ['GET', `/api/v1/customers/${NJ}`],
      ['GET', `/api/v1/customers/${NJ}/360`],
      ['POST', `/api/v1/customers/${NJ}/reveal`],
      ['GET', '/api/v1/products'],
      ['GET', '/api/v1/product-instances?deviceId=x'],
    ] as const) {
      const res = await call(method, url, null, method === 'POST' ? {} : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('rejects a wrong ID check digit and bad phone numbers, naming the field', async () => {
    const badId = await call('POST', '/api/v1/customers', 'agent', newCustomer({ idNumber: ID_BAD }));
    expect(badId.statusCode).toBe(400);
    expect(badId.json().message).toMatch(/idNumber: the check digit/);
    expect(badId.body).not.toContain(ID_BAD);

    const badDate = await call(
      'POST',
      '/api/v1/customers',
      'agent',
      newCustomer({ idNumber: '320102199002301234' }),
    );
    expect(badDate.json().message).toMatch(/idNumber: .*real date/);

    const badMobile = await call('POST', '/api/v1/customers', 'agent', newCustomer({ phone: '12812345678' }));
    expect(badMobile.statusCode).toBe(400);
    expect(badMobile.json().message).toMatch(/phone: is not a mainland mobile number/);

    const badFixed = await call(
      'POST',
      '/api/v1/customers',
      'agent',
      newCustomer({ contacts: [{ name: '李强', officePhone: '025-1234' }] }),
    );
    expect(badFixed.statusCode).toBe(400);
    expect(badFixed.json().message).toMatch(/contacts\.0\.officePhone: is not a fixed-line number/);

    const noTier = await call(
      'POST',
      '/api/v1/customers',
      'agent',
      newCustomer({ kind: 'enterprise', idNumber: null }),
    );
    expect(noTier.json().message).toMatch(/tier: is required/);
  });

  it('creates a customer and shows every identifier masked', async () => {
    const res = await call('POST', '/api/v1/customers', 'agent', newCustomer());
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    created = c;
    expect(c.phone).toBe('138****5678');
    expect(c.idNumber).toBe('320***********128X');
    expect(c.email).toBe('w***@example.com');
    expect(c.address).toBe('江苏省南京市玄武区****');
    expect(c.customerNo).toMatch(/^C\d+$/);
    const stored = await s.ctx.db
      .selectFrom('customers')
      .select(['id_number_enc', 'id_number_hash', 'phone'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(stored.id_number_enc).not.toContain(ID_OK);
    expect(stored.id_number_enc!.startsWith('dev.')).toBe(true);
    expect(stored.phone).toBe('13812345678');

    const dup = await call('POST', '/api/v1/customers', 'agent', newCustomer({ phone: null, instances: [] }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toMatch(/ID number/);
  });

  it('finds the customer by phone, ID number, account number, circuit id and a 2-character name', async () => {
    for (const q of [
      '13812345678',
      '+86 138 1234 5678',
      ID_OK,
      ID_OK.toLowerCase(),
      'AD025TEST0001',
      'nj-sdh-test-0001',
      '王芳',
      created.customerNo,
    ]) {
      const res = await call('GET', `/api/v1/customers/search?q=${encodeURIComponent(q)}`, 'agent');
      expect(res.statusCode).toBe(200);
      const ids = res.json().items.map((i: { id: string }) => i.id);
      expect(ids, q).toContain(created.id);
    }
    const byContact = await call('GET', '/api/v1/customers/search?q=025-84561234', 'agent');
    expect(byContact.json().items[0].matchedBy).toContain('phone');
    const viaList = await call('GET', `/api/v1/customers?idNumber=${ID_OK}`, 'agent');
    expect(viaList.json().items.map((i: { id: string }) => i.id)).toEqual([created.id]);
    // Exact name first in the search results.
    const byName = await call('GET', '/api/v1/customers/search?q=王芳', 'agent');
    expect(byName.json().items[0].name).toBe('王芳');
    for (const item of byName.json().items) expect(item.name).toContain('王芳');
    // One character: a surname prefix.
    const bySurname = await call('GET', '/api/v1/customers?name=王&limit=200', 'agent');
    expect(bySurname.json().items.length).toBeGreaterThan(0);
    for (const item of bySurname.json().items) expect(item.name.startsWith('王')).toBe(true);
  });

  it('walks every customer in scope once with keyset paging', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    do {
      const res = await call('GET', `/api/v1/customers?limit=37${after ? `&after=${after}` : ''}`, 'agent');
      const body = res.json();
      for (const i of body.items) {
        expect(seen.has(i.id)).toBe(false);
        seen.add(i.id);
      }
      after = body.nextCursor;
      pages++;
    } while (after && pages < 100);
    const { n } = await s.ctx.db
      .selectFrom('customers as c')
      .innerJoin('org_units as o', 'o.id', 'c.org_unit_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('o.code', 'like', 'CT.JS%')
      .executeTakeFirstOrThrow();
    const groupWithJsBranch = await s.ctx.db
      .selectFrom('customer_branches as b')
      .innerJoin('org_units as o', 'o.id', 'b.org_unit_id')
      .innerJoin('customers as c', 'c.id', 'b.customer_id')
      .innerJoin('org_units as co', 'co.id', 'c.org_unit_id')
      .select('b.customer_id')
      .where('o.code', 'like', 'CT.JS%')
      .where('co.code', 'not like', 'CT.JS%')
      .execute();
    expect(seen.size).toBe(Number(n) + groupWithJsBranch.length);
    const filtered = await call('GET', '/api/v1/customers?kind=enterprise&tier=localA&limit=200', 'agent');
    expect(filtered.json().items.length).toBeGreaterThan(0);
    for (const i of filtered.json().items) expect(i.tier).toBe('localA');
  });

  it('hides a Jiangsu customer from a Zhejiang agent: 404, and absent from lists and search', async () => {
    const res = await call('GET', `/api/v1/customers/${created.id}`, 'zj.agent');
    expect(res.statusCode).toBe(404);
    for (const url of [`/360`, `/contacts`, `/instances`])
      expect((await call('GET', `/api/v1/customers/${created.id}${url}`, 'zj.agent')).statusCode).toBe(404);
    expect(
      (await call('PATCH', `/api/v1/customers/${created.id}`, 'zj.agent', { notes: 'x' })).statusCode,
    ).toBe(404);
    const search = await call('GET', '/api/v1/customers/search?q=13812345678', 'zj.agent');
    expect(search.json().items).toEqual([]);
    const list = await call('GET', '/api/v1/customers?limit=200&name=王芳', 'zj.agent');
    expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(created.id);
    const impact = await call('GET', '/api/v1/product-instances?circuitId=NJ-SDH-TEST-0001', 'zj.agent');
    expect(impact.json().items).toEqual([]);
    // Nor may they create customers in Jiangsu.
    const create = await call(
      'POST',
      '/api/v1/customers',
      'zj.agent',
      newCustomer({ idNumber: null, phone: null }),
    );
    expect(create.statusCode).toBe(403);
  });

  it('shows a group-level customer with a Zhejiang branch in both provinces, the same record', async () => {
    const branch = await s.ctx.db
      .selectFrom('customer_branches as b')
      .innerJoin('customers as c', 'c.id', 'b.customer_id')
      .select(['c.id', 'c.tier'])
      .where('b.org_unit_id', '=', HZ)
      .executeTakeFirstOrThrow();
    expect(branch.tier).toBe('group');
    const js = await call('GET', `/api/v1/customers/${branch.id}/360`, 'agent');
    const zj = await call('GET', `/api/v1/customers/${branch.id}/360`, 'zj.agent');
    expect(js.statusCode).toBe(200);
    expect(zj.statusCode).toBe(200);
    expect(zj.json().instances).toEqual(js.json().instances);
  });

  it('reveals one field only for pii.reveal holders, with an audit entry', async () => {
    const body = { field: 'idNumber', reason: '核实客户身份（来电）' };
    expect((await call('POST', `/api/v1/customers/${created.id}/reveal`, 'agent', body)).statusCode).toBe(
      403,
    );
    const res = await call('POST', `/api/v1/customers/${created.id}/reveal`, 'supervisor', body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ field: 'idNumber', value: ID_OK });
    expect(res.headers['cache-control']).toBe('no-store');
    const noReason = await call('POST', `/api/v1/customers/${created.id}/reveal`, 'supervisor', {
      field: 'phone',
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().message).toMatch(/reason/);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'customer.pii_reveal')
      .where('entity_id', '=', created.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_login).toBe('supervisor');
    expect(audit[0]!.details).toMatchObject({ field: 'idNumber', reason: '核实客户身份（来电）' });
    expect(JSON.stringify(audit[0]!.details)).not.toContain(ID_OK);

    const contacts = (await call('GET', `/api/v1/customers/${created.id}/contacts`, 'agent')).json();
    const office = await call('POST', `/api/v1/customers/${created.id}/reveal`, 'supervisor', {
      field: 'officePhone',
      contactId: contacts[0].id,
      reason: '联系企业技术负责人',
    });
    expect(office.json().value).toBe('02584561234');
    // A zj supervisor cannot reveal a Jiangsu customer's fields: not found.
    expect(
      (await call('POST', `/api/v1/customers/${created.id}/reveal`, 'zj.supervisor', body)).statusCode,
    ).toBe(404);
  });

  it('logs who looked at the customer (access log)', async () => {
    await call('GET', `/api/v1/customers/${created.id}`, 'agent');
    const rows = await s.ctx.db
      .selectFrom('customer_access_log')
      .selectAll()
      .where('customer_id', '=', created.id)
      .where('actor_login', '=', 'agent')
      .execute();
    const actions = new Set(rows.map((r) => r.action));
    expect(actions).toContain('view');
    expect(actions).toContain('search');
    expect(rows.every((r) => !JSON.stringify(r).includes('13812345678'))).toBe(true);
    // Supervisors (audit.read) can see who looked; agents cannot.
    expect((await call('GET', `/api/v1/customers/${created.id}/access-log`, 'agent')).statusCode).toBe(403);
    const log = await call('GET', `/api/v1/customers/${created.id}/access-log?limit=500`, 'supervisor');
    expect(log.statusCode).toBe(200);
    const agentEntries = log.json().filter((e: { actorLogin: string }) => e.actorLogin === 'agent');
    expect(agentEntries).toHaveLength(rows.length);
    const agentName = (await call('GET', '/api/v1/auth/me', 'agent')).json().displayName as string;
    expect(new Set(agentEntries.map((e: { actorName: string }) => e.actorName))).toEqual(
      new Set([agentName]),
    );
    expect(
      (await call('GET', `/api/v1/customers/${created.id}/access-log`, 'zj.supervisor')).statusCode,
    ).toBe(404);
  });

  it('returns the customer 360 with contacts, instances, open requests and recent history', async () => {
    const res = await call('GET', `/api/v1/customers/${created.id}/360`, 'agent');
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v.customer.id).toBe(created.id);
    expect(v.contacts).toHaveLength(1);
    expect(v.contacts[0].mobile).toBe('139****5678');
    expect(v.contacts[0].officePhone).toBe('025****1234');
    expect(v.instances.map((i: { productCode: string }) => i.productCode).sort()).toEqual([
      'broadband.ftth',
      'data.sdh',
    ]);
    expect(v.openRequests).toEqual([]);
    const actions = v.recentHistory.map((h: { action: string }) => h.action);
    expect(actions).toContain('customer.create');
    // Reveals (and their reasons) only for audit.read: the supervisor, not the agent.
    expect(actions).not.toContain('customer.pii_reveal');
    const lead = (await call('GET', `/api/v1/customers/${created.id}/360`, 'supervisor')).json();
    expect(lead.recentHistory.map((h: { action: string }) => h.action)).toContain('customer.pii_reveal');
    // Who acted, by name (the console shows the person, not the login).
    const agentName = (await call('GET', '/api/v1/auth/me', 'agent')).json().displayName as string;
    expect(agentName).not.toBe('agent');
    const create = v.recentHistory.find((h: { action: string }) => h.action === 'customer.create');
    expect(create).toMatchObject({ actorLogin: 'agent', actorName: agentName });
  });

  it('keeps the phone lookup in step when contacts change', async () => {
    const add = await call('POST', `/api/v1/customers/${created.id}/contacts`, 'agent', {
      name: '赵敏',
      role: 'billing',
      mobile: '15011112222',
      quietHours: { start: '22:00', end: '08:00' },
      preferredChannel: 'sms',
    });
    expect(add.statusCode).toBe(201);
    expect(add.json().quietHours).toEqual({ start: '22:00', end: '08:00' });
    const found = await call('GET', '/api/v1/customers/search?q=15011112222', 'agent');
    expect(found.json().items.map((i: { id: string }) => i.id)).toContain(created.id);
    const upd = await call('PATCH', `/api/v1/customers/${created.id}/contacts/${add.json().id}`, 'agent', {
      mobile: '15011113333',
      version: 1,
    });
    expect(upd.statusCode).toBe(200);
    expect((await call('GET', '/api/v1/customers/search?q=15011112222', 'agent')).json().items).toEqual([]);
    expect((await call('GET', '/api/v1/customers/search?q=15011113333', 'agent')).json().items).toHaveLength(
      1,
    );
    const stale = await call('PATCH', `/api/v1/customers/${created.id}/contacts/${add.json().id}`, 'agent', {
      name: '赵敏敏',
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    const del = await call('DELETE', `/api/v1/customers/${created.id}/contacts/${add.json().id}`, 'agent');
    expect(del.statusCode).toBe(204);
    expect((await call('GET', '/api/v1/customers/search?q=15011113333', 'agent')).json().items).toEqual([]);
  });

  it('finds every instance on an OLT, an OLT port and a circuit', async () => {
    const olt = await call('GET', '/api/v1/product-instances?deviceId=NJ-XW-OLT-TEST', 'monitor');
    expect(olt.statusCode).toBe(200);
    expect(olt.json().items).toHaveLength(1);
    expect(olt.json().items[0].customer.id).toBe(created.id);
    expect(olt.json().items[0].serviceAddress).toBe('江苏省南京市玄武区****');
    const seeded = await s.ctx.db
      .selectFrom('product_instances')
      .select(['device_id', 'device_port'])
      .where('device_type', '=', 'olt')
      .where('device_id', '<>', 'NJ-XW-OLT-TEST')
      .executeTakeFirstOrThrow();
    const expected = await s.ctx.db
      .selectFrom('product_instances')
      .select('id')
      .where('device_id', '=', seeded.device_id)
      .where('device_port', '=', seeded.device_port)
      .where('status', '<>', 'terminated')
      .execute();
    const port = await call(
      'GET',
      `/api/v1/product-instances?deviceId=${seeded.device_id}&devicePort=${encodeURIComponent(seeded.device_port!)}`,
      'admin',
    );
    expect(
      port
        .json()
        .items.map((i: { id: string }) => i.id)
        .sort(),
    ).toEqual(expected.map((e) => e.id).sort());
    const circuit = await call('GET', '/api/v1/product-instances?circuitId=nj-sdh-test-0001', 'monitor');
    expect(circuit.json().items).toHaveLength(1);
  });

  it('updates a customer with a version check and records changed fields only', async () => {
    const upd = await call('PATCH', `/api/v1/customers/${created.id}`, 'agent', {
      phone: '13900001111',
      valueLevel: 'gold',
      version: 1,
    });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json().phone).toBe('139****1111');
    expect(upd.json().version).toBe(2);
    const stale = await call('PATCH', `/api/v1/customers/${created.id}`, 'agent', { notes: 'x', version: 1 });
    expect(stale.statusCode).toBe(409);
    const bad = await call('PATCH', `/api/v1/customers/${created.id}`, 'agent', { tier: 'group' });
    expect(bad.json().message).toMatch(/tier: applies to enterprise/);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'customer.update')
      .where('entity_id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ changed: ['phone', 'valueLevel'] });
    expect(JSON.stringify(audit.details)).not.toContain('13900001111');
  });

  it('refuses customer access to technicians and to the customer portal role', async () => {
    for (const login of ['technician', 'customer'])
      expect((await call('GET', '/api/v1/customers', login)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/customers', 'billing', newCustomer())).statusCode).toBe(403);
  });

  it('erases a customer on request: refuses while services are active, then anonymises', async () => {
    expect(
      (await call('POST', `/api/v1/customers/${created.id}/erase`, 'agent', { reason: '客户申请注销' }))
        .statusCode,
    ).toBe(403);
    const early = await call('POST', `/api/v1/customers/${created.id}/erase`, 'admin', {
      reason: '客户申请注销',
    });
    expect(early.statusCode).toBe(409);
    const instances = (await call('GET', `/api/v1/customers/${created.id}/instances`, 'agent')).json();
    // 拆机 needs a reason: refused without one (naming the field), kept in the history with it.
    const bare = await call(
      'PATCH',
      `/api/v1/customers/${created.id}/instances/${instances[0].id}`,
      'agent',
      {
        status: 'terminated',
      },
    );
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'body.reason' }] },
    });
    for (const i of instances)
      expect(
        (
          await call('PATCH', `/api/v1/customers/${created.id}/instances/${i.id}`, 'agent', {
            status: 'terminated',
            reason: '客户搬迁，线路拆除',
          })
        ).statusCode,
      ).toBe(200);
    const history = (await call('GET', `/api/v1/customers/${created.id}/360`, 'agent')).json().recentHistory;
    const termination = history.find(
      (h: { action: string; details: { status?: { to?: string } } }) =>
        h.action === 'customer.instance_update' && h.details.status?.to === 'terminated',
    );
    expect(termination.details.reason).toBe('客户搬迁，线路拆除');
    const res = await call('POST', `/api/v1/customers/${created.id}/erase`, 'admin', {
      reason: '客户申请注销',
    });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c.status).toBe('erased');
    expect(c.name).toMatch(/^已注销客户/);
    expect([c.phone, c.email, c.address, c.idNumber]).toEqual([null, null, null, null]);
    const v = (await call('GET', `/api/v1/customers/${created.id}/360`, 'agent')).json();
    expect(v.contacts).toEqual([]);
    expect(v.instances).toHaveLength(2); // kept for billing and request history
    expect(v.instances.every((i: { serviceAddress: unknown }) => i.serviceAddress === null)).toBe(true);
    expect((await call('GET', `/api/v1/customers/search?q=${ID_OK}`, 'agent')).json().items).toEqual([]);
    expect((await call('GET', '/api/v1/customers/search?q=13900001111', 'agent')).json().items).toEqual([]);
    expect((await call('PATCH', `/api/v1/customers/${created.id}`, 'agent', { notes: 'x' })).statusCode).toBe(
      409,
    );
    // The ID number may be registered again for a new customer record.
    const again = await call(
      'POST',
      '/api/v1/customers',
      'agent',
      newCustomer({ instances: [], contacts: [] }),
    );
    expect(again.statusCode, again.body).toBe(201);
  });

  it('exports masked CSV and XLSX', async () => {
    const csv = await call('GET', '/api/v1/customers/export?format=csv&kind=enterprise', 'agent');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toContain('customerNo,name,kind,tier');
    expect(lines.length).toBeGreaterThan(10);
    expect(csv.body).toMatch(/0\d{2,3}\*{4}\d{4}/);
    const xlsx = await call('GET', '/api/v1/customers/export?format=xlsx', 'agent');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'customer.export')
      .execute();
    expect(audit).toHaveLength(2);
  });

  it('lists the product catalogue and lets only product managers extend it', async () => {
    const list = await call('GET', '/api/v1/products', 'agent');
    const codes = list.json().map((p: { code: string }) => p.code);
    for (const c of [
      'broadband.adsl',
      'broadband.lan',
      'broadband.ftth',
      'iptv',
      'data.mpls_vpn',
      'app.logistics_et',
      'number.400',
    ])
      expect(codes).toContain(c);
    const p = {
      code: 'app.smart_school',
      name: '智慧校园',
      nameEn: 'Smart campus',
      category: 'industry_app',
      segment: 'enterprise',
      resourceKind: 'none',
    };
    expect((await call('POST', '/api/v1/products', 'agent', p)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/products', 'admin', p)).statusCode).toBe(201);
    const off = await call('PATCH', '/api/v1/products/app.smart_school', 'admin', { active: false });
    expect(off.json().active).toBe(false);
    expect(
      (await call('GET', '/api/v1/products', 'agent')).json().map((x: { code: string }) => x.code),
    ).not.toContain('app.smart_school');
  });
});
