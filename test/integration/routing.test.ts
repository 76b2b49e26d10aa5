// Routing rules through HTTP: the seeded rules' decisions (政企集中受理, local faults, complaints,
// billing, consultations), the admin API (who may, version conflicts, refusals) and its audit trail.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/modules/identity/index.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1/routing-rules';
const unit = (code: string) => demoId('org', code);
const group = (code: string) => demoId('skill', code);
let s: TestServer;

beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function call(
  login: string,
  method: InjectOptions['method'],
  url: string,
  payload?: unknown,
  headers = {},
) {
  return s.app.inject({
    method,
    url,
    headers: { ...(await s.as(login)), ...headers },
    ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
  });
}

const facts = (over: Record<string, unknown> = {}) => ({
  kind: 'fault',
  productCode: 'data.mpls_vpn',
  customerKind: 'enterprise',
  channel: 'hotline_enterprise',
  siteUnitId: unit('CT.ZJ.HZ'),
  homeUnitId: unit('CT.JS.NJ'),
  intakeUnitId: unit('CT.JS.10000'),
  ...over,
});
const preview = async (over: Record<string, unknown> = {}, login = 'dispatcher') => {
  const res = await call(login, 'POST', `${API}/preview`, facts(over));
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

const rule = (over: Record<string, unknown> = {}) => ({
  position: 50,
  name: '测试规则',
  kinds: ['fault'],
  channels: ['web'],
  targetAnchor: 'fixed',
  targetUnitId: unit('CT.JS.NOC'),
  supportLine: 3,
  priority: 'urgent',
  ...over,
});

describe(`routing rules (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('lists the seeded rules in order for dispatchers and supervisors', async () => {
    const res = await call('dispatcher', 'GET', API);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{
      position: number;
      kinds: string[];
      targetFunctionType: string | null;
    }>;
    expect(items.map((r) => [r.position, r.kinds])).toEqual([
      [100, ['fault']],
      [200, ['fault']],
      [300, ['complaint']],
      [400, ['billing']],
      [500, ['consultation']],
    ]);
    expect(items[0]!.targetFunctionType).toBe('monitoring_centre');
    expect((await call('supervisor', 'GET', API)).statusCode).toBe(200);
  });

  it("sends an enterprise MPLS fault in another province to that province's monitoring centre, whatever the channel", async () => {
    for (const channel of ['hotline_enterprise', 'account_manager', 'monitoring']) {
      const d = await preview({ channel });
      expect(d).toMatchObject({
        handlingUnitId: unit('CT.ZJ.NOC'),
        handlingUnit: { code: 'CT.ZJ.NOC' },
        skillGroupId: group('ZJ.NOC_FAULT'),
        supportLine: 2,
        priority: 'high',
      });
      expect(d.explanation).toContain('monitoring_centre');
    }
    // The same fault on a 江苏 site stays in 江苏.
    expect((await preview({ siteUnitId: unit('CT.JS.SZ.FIELD1') })).handlingUnitId).toBe(unit('CT.JS.NOC'));
    // Without a known instance: the monitoring centre of the customer's home unit.
    expect((await preview({ siteUnitId: null })).skillGroupId).toBe(group('JS.NOC_FAULT'));
  });

  it("sends a consumer broadband fault to the site's local fault group, or the site's unit where there is none", async () => {
    const nj = await preview({
      productCode: 'broadband.ftth',
      customerKind: 'individual',
      channel: 'hotline',
      siteUnitId: unit('CT.JS.NJ.JN'),
    });
    expect(nj).toMatchObject({
      handlingUnitId: unit('CT.JS.NJ.DISPATCH'),
      skillGroupId: group('JS.NJ.LOCAL_FAULT'),
      supportLine: 1,
      priority: null,
    });
    const hz = await preview({ productCode: 'iptv', customerKind: 'individual', channel: 'web' });
    expect(hz).toMatchObject({ handlingUnitId: unit('CT.ZJ.HZ'), skillGroupId: null });
    expect(hz.explanation).toContain('no dispatch_centre');
  });

  it("sends complaints and billing to the customer's province, and keeps consultations at intake", async () => {
    const complaint = await preview({ kind: 'complaint', homeUnitId: unit('CT.ZJ.HZ') });
    expect(complaint).toMatchObject({
      handlingUnitId: unit('CT.ZJ.10000'),
      skillGroupId: group('ZJ.COMPLAINT'),
    });
    const billing = await preview({ kind: 'billing', productCode: null });
    expect(billing).toMatchObject({
      handlingUnitId: unit('CT.JS.BILL'),
      skillGroupId: group('JS.BILL.BILLING'),
    });
    const consult = await preview({ kind: 'consultation', intakeUnitId: unit('CT.ZJ.10000') });
    expect(consult).toMatchObject({
      handlingUnitId: unit('CT.ZJ.10000'),
      skillGroupId: null,
      supportLine: 1,
    });
    expect(consult.ruleId).not.toBeNull();
    const other = await preview({ kind: 'suggestion' });
    expect(other).toMatchObject({ handlingUnitId: unit('CT.ZJ.HZ'), ruleId: null, supportLine: 1 });
    expect(other.explanation).toContain('no rule matched');
  });

  it('refuses a preview naming a unit that does not exist', async () => {
    const res = await call(
      'dispatcher',
      'POST',
      `${API}/preview`,
      facts({ siteUnitId: demoId('org', 'nowhere') }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields[0].field).toBe('body.siteUnitId');
  });

  it('lets only routing.manage holders change rules, supervisors only within their region', async () => {
    expect((await call('agent', 'GET', API)).statusCode).toBe(403);
    expect((await call('dispatcher', 'POST', API, rule())).statusCode).toBe(403);
    // A rule for everywhere is for a caller who sees everywhere.
    const global = await call('supervisor', 'POST', API, rule());
    expect(global.statusCode, global.body).toBe(403);
    const zj = await call('supervisor', 'POST', API, rule({ regionUnitId: unit('CT.ZJ') }));
    expect(zj.statusCode).toBe(403);
    const elsewhere = await call(
      'supervisor',
      'POST',
      API,
      rule({ regionUnitId: unit('CT.JS'), targetUnitId: unit('CT.ZJ.NOC') }),
    );
    expect(elsewhere.statusCode).toBe(403);
    const js = await call('supervisor', 'POST', API, rule({ regionUnitId: unit('CT.JS') }));
    expect(js.statusCode, js.body).toBe(201);
    const sys = await call('sysadmin', 'POST', API, rule({ position: 60, channels: ['app'] }));
    expect(sys.statusCode, sys.body).toBe(201);
    // The 浙江 supervisor cannot change or remove the 江苏 rule.
    const id = js.json().id;
    expect((await call('zj.supervisor', 'PATCH', `${API}/${id}`, { name: '改' })).statusCode).toBe(403);
    expect((await call('zj.supervisor', 'DELETE', `${API}/${id}`)).statusCode).toBe(403);
    for (const r of [js, sys])
      expect((await call('sysadmin', 'DELETE', `${API}/${r.json().id}`)).statusCode).toBe(204);
  });

  it('applies a new rule at once, first by position, and audits create, update and delete', async () => {
    const created = await call('sysadmin', 'POST', API, rule());
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const id = created.json().id as string;
    const web = await preview({ channel: 'web' });
    expect(web).toMatchObject({
      ruleId: id,
      handlingUnitId: unit('CT.JS.NOC'),
      supportLine: 3,
      priority: 'urgent',
    });
    // Other channels still go by the seeded rule.
    expect((await preview({ channel: 'app' })).handlingUnitId).toBe(unit('CT.ZJ.NOC'));

    const off = await call('sysadmin', 'PATCH', `${API}/${id}`, { active: false }, { 'if-match': '"1"' });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.headers.etag).toBe('"2"');
    expect((await preview({ channel: 'web' })).handlingUnitId).toBe(unit('CT.ZJ.NOC'));

    expect(
      (await call('sysadmin', 'DELETE', `${API}/${id}`, undefined, { 'if-match': '"2"' })).statusCode,
    ).toBe(204);
    expect((await call('sysadmin', 'GET', `${API}/${id}`)).statusCode).toBe(404);
    const actions = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_login'])
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(actions).toEqual([
      { action: 'routing_rule.create', actor_login: 'sysadmin' },
      { action: 'routing_rule.update', actor_login: 'sysadmin' },
      { action: 'routing_rule.delete', actor_login: 'sysadmin' },
    ]);
  });

  it('routes the next create on this node by a rule changed a moment ago (the rules cache is dropped)', async () => {
    const intake = async () => {
      const res = await call('agent', 'POST', '/api/v1/service-requests', {
        kind: 'fault',
        title: '网页报障',
        description: '客户在网上营业厅报障',
        channel: 'web',
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as {
        handlingUnitId: string;
        routing: { ruleId: string | null; explanation: string };
      };
    };
    const before = await intake(); // the rules are now cached in this process
    expect(before.handlingUnitId).not.toBe(unit('CT.JS.NOC'));
    const created = await call('sysadmin', 'POST', API, rule({ name: '夜间网页报障 值班 139 1234 5678' }));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const routed = await intake();
    expect(routed.handlingUnitId).toBe(unit('CT.JS.NOC'));
    expect(routed.routing.ruleId).toBe(id);
    // The explanation names the rule, masked like every free text (stored masked, shown masked).
    expect(routed.routing.explanation).toContain('139****5678');
    expect(routed.routing.explanation.replace(/\D/g, '')).not.toContain('12345678');
    const shown = await preview({ channel: 'web' });
    expect(shown.ruleId).toBe(id);
    expect(shown.explanation).toContain('139****5678');
    expect(shown.explanation.replace(/\D/g, '')).not.toContain('12345678');

    const off = await call('sysadmin', 'PATCH', `${API}/${id}`, { active: false }, { 'if-match': '"1"' });
    expect(off.statusCode, off.body).toBe(200);
    expect((await intake()).handlingUnitId).toBe(before.handlingUnitId);
    const on = await call('sysadmin', 'PATCH', `${API}/${id}`, { active: true }, { 'if-match': '"2"' });
    expect(on.statusCode, on.body).toBe(200);
    expect((await intake()).handlingUnitId).toBe(unit('CT.JS.NOC'));
    const gone = await call('sysadmin', 'DELETE', `${API}/${id}`, undefined, { 'if-match': '"3"' });
    expect(gone.statusCode).toBe(204);
    expect((await intake()).handlingUnitId).toBe(before.handlingUnitId);
  });

  it('refuses a stale version (If-Match or body) with 409 and changes nothing', async () => {
    const id = (await call('sysadmin', 'POST', API, rule({ position: 70, channels: ['chat'] }))).json().id;
    expect(
      (await call('sysadmin', 'PATCH', `${API}/${id}`, { name: '第一次' }, { 'if-match': '"1"' })).statusCode,
    ).toBe(200);
    const stale = await call('sysadmin', 'PATCH', `${API}/${id}`, { name: '第二次' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', details: { currentVersion: 2 } });
    expect((await call('sysadmin', 'PATCH', `${API}/${id}`, { name: '第二次', version: 1 })).statusCode).toBe(
      409,
    );
    expect(
      (await call('sysadmin', 'DELETE', `${API}/${id}`, undefined, { 'if-match': 'W/"1"' })).statusCode,
    ).toBe(409);
    const now = await call('dispatcher', 'GET', `${API}/${id}`);
    expect(now.json()).toMatchObject({ name: '第一次', version: 2 });
    expect(now.headers.etag).toBe('"2"');
    const bad = await call(
      'sysadmin',
      'PATCH',
      `${API}/${id}`,
      { name: '第三次' },
      { 'if-match': 'yesterday' },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.fields[0].field).toBe('headers.if-match');
    expect((await call('sysadmin', 'DELETE', `${API}/${id}`)).statusCode).toBe(204);
  });

  it('masks personal data typed into a rule on the way out', async () => {
    const res = await call(
      'admin',
      'POST',
      API,
      rule({ name: '夜间故障 联系 139 1234 5678', description: '值班 13912345678' }),
    );
    expect(res.statusCode, res.body).toBe(201);
    for (const body of [res.body, (await call('admin', 'GET', `${API}/${res.json().id}`)).body])
      expect(body.replace(/\D/g, '')).not.toContain('12345678');
    expect(res.json().name).toContain('139****5678');
    await call('admin', 'DELETE', `${API}/${res.json().id}`, undefined, {
      'if-match': `"${res.json().version}"`,
    });
  });

  it('refuses rules that cannot work, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ targetUnitId: null }, 400, 'body.targetUnitId'],
      [{ targetAnchor: 'site' }, 400, 'body.targetUnitId'],
      [{ targetFunctionType: 'monitoring_centre' }, 400, 'body.targetFunctionType'],
      [{ kinds: ['fault', 'fault'] }, 400, 'body.kinds'],
      [{ kinds: [] }, 400, 'body.kinds'],
      [{ customerKinds: ['company'] }, 400, 'body.customerKinds.0'],
      [{ supportLine: 4 }, 400, 'body.supportLine'],
      [{ channels: ['热线'] }, 400, 'body.channels.0'],
      [{ regionUnitId: demoId('org', 'nowhere') }, 422, 'body.regionUnitId'],
      [{ targetUnitId: demoId('org', 'nowhere') }, 422, 'body.targetUnitId'],
    ];
    for (const [over, status, field] of cases) {
      const res = await call('sysadmin', 'POST', API, rule(over));
      expect(res.statusCode, `${JSON.stringify(over)} ${res.body}`).toBe(status);
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const seeded = (await call('sysadmin', 'GET', API)).json().items[0];
    const res = await call('sysadmin', 'PATCH', `${API}/${seeded.id}`, { targetAnchor: 'fixed' });
    expect(res.statusCode).toBe(400);
    expect((await call('sysadmin', 'GET', API)).json().items).toHaveLength(5);
  });
});
