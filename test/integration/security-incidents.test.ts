// The security administrator's work through HTTP: alerts (list, acknowledge, close) and the
// register of information-security incidents (PIPL Art. 57): create with the customers affected,
// assess, the notice (masked list + texts), transitions refused when invalid, every change audited,
// 403 for an agent. Runs on both engines.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseSecurityAlert } from '../../src/modules/security/index.ts';
import { vaultFor } from '../../src/modules/customers/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import { leaksIn, rawPersonalValues } from '../customers/helpers.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const PRIVACY_CONTACT = '个人信息保护负责人 客服热线10000';
const REGULATOR = '江苏省通信管理局网络安全管理处';
const PASSWORD = 'Secur1ty-Admin-Pass';

let s: TestServer;
let sec: { authorization: string };
let jsSec: { authorization: string };
let agent: { authorization: string };
let jsCustomers: string[];
let zjCustomer: string;

async function call(method: string, url: string, headers: Record<string, string>, payload?: object) {
  const opts: InjectOptions = { method: method as 'GET', url, headers };
  if (payload !== undefined) opts.payload = payload as InjectOptions['payload'];
  return s.app.inject(opts);
}

/** A user with the security administrator role, at `unit`, signed in. */
async function securityAdmin(login: string, unit: string) {
  const res = await call('POST', '/api/v1/users', await s.as('admin'), {
    login,
    displayName: `安全管理员 ${login}`,
    orgUnitId: demoId('org', unit),
    roles: ['security_admin'],
    password: PASSWORD,
  });
  expect(res.statusCode, res.body).toBe(201);
  const signIn = await call('POST', '/api/v1/auth/login', {}, { login, password: PASSWORD });
  expect(signIn.statusCode, signIn.body).toBe(200);
  return { authorization: `Bearer ${(signIn.json() as { token: string }).token}` };
}

beforeAll(async () => {
  s = await createTestServer({
    env: { ONEPOINT_PRIVACY_CONTACT: PRIVACY_CONTACT, ONEPOINT_REGULATOR_CONTACT: REGULATOR },
  });
  sec = await securityAdmin('sec.national', 'CT');
  jsSec = await securityAdmin('sec.js', 'CT.JS');
  agent = await s.as('agent');
  const rows = await s.ctx.db
    .selectFrom('customers')
    .select(['id', 'org_unit_id'])
    .where('kind', '=', 'individual')
    .where('status', '=', 'active')
    .where('phone', 'is not', null)
    .orderBy('customer_no')
    .execute();
  const units = new Map(
    (await s.ctx.db.selectFrom('org_units').select(['id', 'path']).execute()).map((u) => [u.id, u.path]),
  );
  const inProvince = (code: string) =>
    rows.filter((r) => units.get(r.org_unit_id)?.split('/').includes(demoId('org', code)));
  jsCustomers = inProvince('CT.JS')
    .slice(0, 3)
    .map((r) => r.id);
  zjCustomer = inProvince('CT.ZJ')[0]!.id;
  expect(jsCustomers).toHaveLength(3);
});
afterAll(async () => {
  await s?.close();
});

const auditActions = async (entityId: string) =>
  (
    await s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', entityId)
      .orderBy('seq')
      .execute()
  ).map((r) => r.action);

const leak = {
  title: '营业厅工单导出文件外泄',
  description: '一名外包人员将含客户资料的工单导出文件上传至外部网盘，已于发现当日删除。',
  category: 'leak',
  discoveredAt: '2026-12-05T02:00:00.000Z',
  occurredAt: '2026-12-01T08:30:00.000Z',
};

describe('information-security incidents', () => {
  it('refuses an agent (403) and an anonymous caller (401)', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/security/incidents'],
      ['POST', '/api/v1/security/incidents'],
      ['GET', '/api/v1/security/alerts'],
    ] as const) {
      expect((await call(method, url, agent, method === 'POST' ? leak : undefined)).statusCode).toBe(403);
      expect((await call(method, url, {}, method === 'POST' ? leak : undefined)).statusCode).toBe(401);
    }
  });

  it('registers, assesses, notifies and closes an incident, each step audited', async () => {
    const created = await call('POST', '/api/v1/security/incidents', sec, {
      ...leak,
      customerIds: jsCustomers.slice(0, 2),
    });
    expect(created.statusCode, created.body).toBe(201);
    const inc = created.json();
    expect(inc).toMatchObject({ state: 'open', affectedCustomers: 2, version: 1, notifyIndividuals: true });
    expect(inc.incidentNo).toMatch(/^SI-\d{6}$/);
    expect(inc.createdBy.name).toBe('安全管理员 sec.national');

    // Assessing needs the grade, the harm, the kinds of data and who decided: all named at once.
    const early = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, { state: 'assessed' });
    expect(early.statusCode).toBe(422);
    expect(
      early
        .json()
        .details.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['dataKinds', 'decidedBy', 'harm', 'severity']);
    // Skipping the assessment is not a move the register allows.
    const skip = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, { state: 'notified' });
    expect(skip.statusCode).toBe(409);

    const assessed = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, {
      version: 1,
      state: 'assessed',
      severity: 'significant',
      dataKinds: ['name', 'phone', 'address'],
      harm: '可能被用于电信网络诈骗或骚扰电话。',
      decidedBy: '省公司信息安全负责人 李明',
    });
    expect(assessed.statusCode, assessed.body).toBe(200);
    expect(assessed.json()).toMatchObject({ state: 'assessed', version: 2, severity: 'significant' });
    expect(assessed.json().assessedBy.id).toBeTruthy();
    expect(assessed.json().assessedAt).toBeTruthy();

    // A stale version: someone else changed it.
    const stale = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, {
      version: 1,
      cause: 'x',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details.currentVersion).toBe(2);

    // Notifying needs the notice's content (Art. 57) and the record of the notice.
    const noNotice = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, { state: 'notified' });
    expect(noNotice.statusCode).toBe(422);
    expect(
      noNotice
        .json()
        .details.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['advice', 'cause', 'measures', 'notificationNote']);

    const filled = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, {
      cause: '外包人员违规导出并上传工单文件。',
      measures: '已删除外部文件，停用该人员账号，收紧导出权限。',
      advice: '请警惕冒充客服的来电，不要透露验证码。',
    });
    expect(filled.statusCode, filled.body).toBe(200);

    const linked = await call('POST', `/api/v1/security/incidents/${inc.id}/customers`, sec, {
      customerIds: [jsCustomers[1], jsCustomers[2]],
    });
    expect(linked.json()).toEqual({ added: 1, alreadyLinked: 1, affectedCustomers: 3 });

    const notice = await call('GET', `/api/v1/security/incidents/${inc.id}/notice`, sec);
    expect(notice.statusCode, notice.body).toBe(200);
    const n = notice.json();
    expect(n.sending.built).toBe(false);
    expect(n.missing).toEqual([]);
    expect(n.individuals.notify).toBe(true);
    for (const part of [
      '姓名、电话号码、地址',
      '外包人员违规导出',
      '电信网络诈骗',
      '停用该人员账号',
      '不要透露验证码',
      PRIVACY_CONTACT,
    ])
      expect(n.individuals.text).toContain(part);
    expect(n.regulator.to).toBe(REGULATOR);
    for (const part of [REGULATOR, inc.incidentNo, '较大', '3户', '省公司信息安全负责人 李明'])
      expect(n.regulator.text).toContain(part);
    expect(n.individuals.recipients.total).toBe(3);
    expect(n.individuals.recipients.items).toHaveLength(3);
    for (const r of n.individuals.recipients.items) {
      expect(r).toMatchObject({ inScope: true, kind: 'individual', reachable: true });
      expect(r.phone).toMatch(/\*{4}/);
      expect(r.name).toContain('*');
    }
    // No raw phone, email, address or ID number of any customer in the notice.
    const raw = await rawPersonalValues(s.ctx.db, vaultFor(s.ctx.config));
    expect(leaksIn(notice.body, raw)).toEqual([]);
    // Showing who is affected is an access to their information (MIIT Order 24).
    const logged = await s.ctx.db
      .selectFrom('customer_access_log')
      .select('customer_id')
      .where('purpose', '=', 'security incident')
      .execute();
    expect(new Set(logged.map((r) => r.customer_id))).toEqual(new Set(jsCustomers));

    const notified = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, {
      state: 'notified',
      notificationNote: '2026-12-06 短信告知3户；书面报告江苏省通信管理局。',
    });
    expect(notified.statusCode, notified.body).toBe(200);
    expect(notified.json().notifiedAt).toBeTruthy();

    const closeBare = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, { state: 'closed' });
    expect(closeBare.statusCode).toBe(422);
    const closed = await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, {
      state: 'closed',
      closeNote: '整改完成。',
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed' });
    // Closed is final: no change, no new customer.
    expect(
      (await call('PATCH', `/api/v1/security/incidents/${inc.id}`, sec, { title: '改' })).statusCode,
    ).toBe(409);
    expect(
      (
        await call('POST', `/api/v1/security/incidents/${inc.id}/customers`, sec, {
          customerIds: [zjCustomer],
        })
      ).statusCode,
    ).toBe(409);

    expect(await auditActions(inc.id)).toEqual([
      'security.incident.create',
      'security.incident.assessed',
      'security.incident.update',
      'security.incident.customers.add',
      'security.incident.notice',
      'security.incident.notified',
      'security.incident.closed',
    ]);
  });

  it('links only customers in the caller’s data scope and unlinks them', async () => {
    const created = await call('POST', '/api/v1/security/incidents', jsSec, {
      ...leak,
      title: '范围测试',
      customerIds: [jsCustomers[0], zjCustomer],
    });
    expect(created.statusCode).toBe(422);
    expect(created.json().details.positions).toEqual([1]);
    const ok = await call('POST', '/api/v1/security/incidents', jsSec, {
      ...leak,
      customerIds: [jsCustomers[0]],
    });
    expect(ok.statusCode).toBe(201);
    const id = ok.json().id;
    // The national administrator links a Zhejiang customer; the Jiangsu one sees it only as out of scope.
    expect(
      (
        await call('POST', `/api/v1/security/incidents/${id}/customers`, sec, { customerIds: [zjCustomer] })
      ).json(),
    ).toMatchObject({ added: 1, affectedCustomers: 2 });
    const list = (await call('GET', `/api/v1/security/incidents/${id}/customers`, jsSec)).json();
    expect(list.total).toBe(2);
    expect(list.items.find((r: { customerId: string }) => r.customerId === zjCustomer)).toMatchObject({
      inScope: false,
      phone: null,
    });
    expect(
      (await call('DELETE', `/api/v1/security/incidents/${id}/customers/${zjCustomer}`, jsSec)).statusCode,
    ).toBe(404);
    expect(
      (await call('DELETE', `/api/v1/security/incidents/${id}/customers/${zjCustomer}`, sec)).statusCode,
    ).toBe(204);
    expect((await call('GET', `/api/v1/security/incidents/${id}`, jsSec)).json().affectedCustomers).toBe(1);
  });

  it('refuses a discovery in the future or an occurrence after the discovery', async () => {
    const future = await call('POST', '/api/v1/security/incidents', sec, {
      ...leak,
      discoveredAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().message).toContain('discoveredAt');
    const after = await call('POST', '/api/v1/security/incidents', sec, {
      ...leak,
      occurredAt: '2026-12-06T00:00:00.000Z',
    });
    expect(after.statusCode).toBe(400);
    expect(after.json().message).toContain('occurredAt');
  });

  it('lists the register by state', async () => {
    const open = (await call('GET', '/api/v1/security/incidents?state=open', sec)).json();
    expect(open.items.length).toBeGreaterThan(0);
    expect(open.items.every((i: { state: string }) => i.state === 'open')).toBe(true);
    const page = (await call('GET', '/api/v1/security/incidents?limit=1', sec)).json();
    expect(page.items).toHaveLength(1);
    const next = (
      await call('GET', `/api/v1/security/incidents?limit=1&before=${page.nextBefore}`, sec)
    ).json();
    expect(next.items[0].id).not.toBe(page.items[0].id);
  });
});

describe('security alerts', () => {
  it('lists, acknowledges and closes an alert with a note, audited', async () => {
    const userId = demoId('user', 'agent');
    await raiseSecurityAlert(s.ctx.db, {
      kind: 'search.misses',
      userId,
      summary: '12 phone searches without a match today',
      detail: { misses: 12, searchKind: 'phone' },
      at: new Date(),
    });
    const list = await call('GET', '/api/v1/security/alerts?state=open&kind=search.misses', sec);
    expect(list.statusCode, list.body).toBe(200);
    const alert = list.json().items.find((a: { user: { id: string } | null }) => a.user?.id === userId);
    expect(alert).toMatchObject({
      state: 'open',
      occurrences: 1,
      detail: { misses: 12, searchKind: 'phone' },
    });
    expect(alert.user.name).toBeTruthy();

    expect(
      (await call('POST', `/api/v1/security/alerts/${alert.id}/acknowledge`, agent, { note: '看看' }))
        .statusCode,
    ).toBe(403);
    const ack = await call('POST', `/api/v1/security/alerts/${alert.id}/acknowledge`, sec, {
      note: '已联系班长核实',
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ state: 'acknowledged', acknowledgeNote: '已联系班长核实' });
    expect(
      (await call('POST', `/api/v1/security/alerts/${alert.id}/acknowledge`, sec, { note: '再次确认' }))
        .statusCode,
    ).toBe(409);
    expect((await call('POST', `/api/v1/security/alerts/${alert.id}/close`, sec, {})).statusCode).toBe(400);
    const closed = await call('POST', `/api/v1/security/alerts/${alert.id}/close`, sec, {
      note: '误操作，已提醒',
    });
    expect(closed.json()).toMatchObject({ state: 'closed', closeNote: '误操作，已提醒' });
    expect(closed.json().closedBy.name).toBe('安全管理员 sec.national');
    expect(await auditActions(alert.id)).toEqual(['security.alert.acknowledge', 'security.alert.close']);

    const closedList = (await call('GET', '/api/v1/security/alerts?state=closed', sec)).json();
    expect(closedList.items.map((a: { id: string }) => a.id)).toContain(alert.id);
    expect(
      (await call('GET', '/api/v1/security/alerts?state=open', sec))
        .json()
        .items.map((a: { id: string }) => a.id),
    ).not.toContain(alert.id);
  });
});
