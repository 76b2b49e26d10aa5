// Behaviour of the identity & organisation administration API through HTTP.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

let s: TestServer;

const unit = (code: string) => demoId('org', code);
const userId = (login: string) => demoId('user', login);
const group = (code: string) => demoId('skill', code);

type Headers = Record<string, string>;
/** Bearer secrets handed out during the tests: none may ever appear in the audit log. */
const secrets: string[] = [];
async function call(
  headers: Headers | string,
  method: InjectOptions['method'],
  url: string,
  payload?: unknown,
) {
  const h = typeof headers === 'string' ? await s.as(headers) : headers;
  return s.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: h,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
const bearer = (token: string) => {
  secrets.push(token);
  return { authorization: `Bearer ${token}` };
};
async function signIn(login: string, password = DEMO_PASSWORD) {
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login, password } });
  return res;
}

interface AuditItem {
  seq: string;
  action: string;
  entityType: string;
  entityId: string | null;
  orgUnitId: string | null;
  actorLogin: string | null;
  details: Record<string, unknown>;
}
async function auditFor(entityId: string): Promise<AuditItem[]> {
  const res = await call('admin', 'GET', `/audit-log?entityId=${entityId}&limit=200`);
  expect(res.statusCode).toBe(200);
  return res.json().items;
}
async function auditCount(): Promise<number> {
  const row = await s.ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe(`org units and users (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('creates an org unit and a user in it, finds both, and the user can sign in', async () => {
    const created = await call('admin', 'POST', '/org-units', {
      parentId: unit('CT.JS.NJ'),
      code: 'CT.JS.NJ.GL',
      name: '鼓楼区营业部',
      nameEn: 'Gulou District',
      level: 'district',
      kind: 'administrative',
    });
    expect(created.statusCode).toBe(201);
    const ou = created.json();
    expect(ou).toMatchObject({ parentId: unit('CT.JS.NJ'), level: 'district', active: true, version: 1 });
    expect(ou.timeZone).toBe('Asia/Shanghai');

    // 江苏 staff see the new unit; 浙江 staff do not.
    const list = async (login: string) =>
      (await call(login, 'GET', '/org-units')).json().items.map((u: { id: string }) => u.id);
    expect(await list('agent')).toContain(ou.id);
    expect(await list('dispatcher')).toContain(ou.id);
    expect(await list('zj.agent')).not.toContain(ou.id);

    const password = 'gulou-pass-2026';
    const u = await call('admin', 'POST', '/users', {
      login: 'GL.Agent01',
      displayName: '鼓楼坐席',
      orgUnitId: ou.id,
      roles: ['agent'],
      password,
      email: 'zhang.wei@example.com',
      employeeNo: 'E77001',
      supportLine: 2,
    });
    expect(u.statusCode).toBe(201);
    const user = u.json();
    expect(user).toMatchObject({
      login: 'gl.agent01',
      orgUnitId: ou.id,
      orgUnitName: '鼓楼区营业部',
      roles: ['agent'],
      status: 'active',
      email: 'zh***@example.com',
      supportLine: 2,
      version: 1,
    });
    expect(u.body).not.toContain('zhang.wei');

    const byQuery = (await call('supervisor', 'GET', '/users?q=鼓楼')).json().items;
    expect(byQuery.map((x: { id: string }) => x.id)).toEqual([user.id]);
    const byUnit = (await call('supervisor', 'GET', `/users?orgUnitId=${ou.id}`)).json().items;
    expect(byUnit.map((x: { login: string }) => x.login)).toEqual(['gl.agent01']);
    expect((await call('supervisor', 'GET', `/users/${user.id}`)).json().email).toBe('zh***@example.com');

    const login = await signIn('gl.agent01', password);
    expect(login.statusCode).toBe(200);
    const me = await s.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: bearer(login.json().token),
    });
    expect(me.json()).toMatchObject({ login: 'gl.agent01', orgUnitId: ou.id, roles: ['agent'] });

    // Both changes are audited, with the unit, and without the password or the raw e-mail.
    const [unitEntry] = await auditFor(ou.id);
    expect(unitEntry).toMatchObject({ action: 'org_unit.create', orgUnitId: ou.id, actorLogin: 'admin' });
    const userEntries = await auditFor(user.id);
    const create = userEntries.find((e) => e.action === 'user.create');
    expect(create).toMatchObject({ entityType: 'user', orgUnitId: ou.id });
    expect(JSON.stringify(userEntries)).not.toContain(password);
    expect(JSON.stringify(userEntries)).not.toContain('zhang.wei');
  });

  it('pages through users with a keyset cursor: every user once, in login order', async () => {
    const all = (await call('admin', 'GET', '/users?limit=200')).json();
    expect(all.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call('admin', 'GET', `/users?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((u: { login: string }) => u.login));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen).toEqual(all.items.map((u: { login: string }) => u.login));
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 7));

    const technicians = (await call('admin', 'GET', '/users?role=technician&limit=200')).json().items;
    expect(technicians.length).toBeGreaterThan(10);
    expect(technicians.every((u: { roles: string[] }) => u.roles.includes('technician'))).toBe(true);
  });

  it('moving a unit moves its whole subtree into the new scope', async () => {
    const nj = (await call('admin', 'GET', `/org-units/${unit('CT.JS.NJ')}`)).json();
    const get = async (login: string, url: string) => (await call(login, 'GET', url)).statusCode;
    expect(await get('supervisor', `/users/${userId('dispatcher')}`)).toBe(200);
    expect(await get('zj.supervisor', `/users/${userId('dispatcher')}`)).toBe(404);
    expect(await get('zj.agent', `/org-units/${unit('CT.JS.NJ.JN')}`)).toBe(404);

    // A unit cannot go below itself, nor break the level rules.
    const cycle = await call('admin', 'PATCH', `/org-units/${unit('CT.JS')}`, {
      parentId: unit('CT.JS.NJ.JN'),
      version: 1,
    });
    expect(cycle.statusCode).toBe(422);
    expect(cycle.json().details.fields[0].field).toBe('body.parentId');
    const badLevel = await call('admin', 'PATCH', `/org-units/${nj.id}`, {
      parentId: unit('CT'),
      version: nj.version,
    });
    expect(badLevel.statusCode).toBe(422);

    const moved = await call('admin', 'PATCH', `/org-units/${nj.id}`, {
      parentId: unit('CT.ZJ'),
      version: nj.version,
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ parentId: unit('CT.ZJ'), version: nj.version + 1 });

    // Every unit below 南京 now sits below 浙江 — and the data scopes follow at once.
    const zjPath = (
      await s.ctx.db
        .selectFrom('org_units')
        .select('path')
        .where('id', '=', unit('CT.ZJ'))
        .executeTakeFirstOrThrow()
    ).path;
    const subtree = await s.ctx.db
      .selectFrom('org_units')
      .select(['code', 'path'])
      .where('code', 'like', 'CT.JS.NJ%')
      .execute();
    expect(subtree.length).toBeGreaterThan(5);
    for (const u of subtree) expect(u.path.startsWith(`${zjPath}${nj.id}/`), u.code).toBe(true);
    expect(await get('supervisor', `/users/${userId('dispatcher')}`)).toBe(404);
    expect(await get('zj.supervisor', `/users/${userId('dispatcher')}`)).toBe(200);
    expect(await get('zj.agent', `/org-units/${unit('CT.JS.NJ.JN')}`)).toBe(200);
    expect(await get('agent', `/org-units/${unit('CT.JS.NJ.JN')}`)).toBe(404);
    // The dispatcher's own scope (南京) moved with it: they still see their city.
    expect(await get('dispatcher', `/org-units/${unit('CT.JS.NJ.FIELD2')}`)).toBe(200);

    const entry = (await auditFor(nj.id)).find((e) => e.action === 'org_unit.update');
    expect(entry?.details).toMatchObject({
      changes: { parentId: { from: unit('CT.JS'), to: unit('CT.ZJ') } },
      subtreeUnits: subtree.length,
    });

    const back = await call('admin', 'PATCH', `/org-units/${nj.id}`, {
      parentId: unit('CT.JS'),
      version: nj.version + 1,
    });
    expect(back.statusCode).toBe(200);
    expect(await get('supervisor', `/users/${userId('dispatcher')}`)).toBe(200);
    expect(await get('zj.supervisor', `/users/${userId('dispatcher')}`)).toBe(404);
  });

  it('concurrent tree changes keep every materialised path consistent', async () => {
    const team = async (code: string) =>
      (
        await call('admin', 'POST', '/org-units', {
          parentId: unit('CT.JS.SZ'),
          code,
          name: code,
          level: 'city',
          kind: 'functional',
          functionType: 'field_service',
        })
      ).json();
    const [a, b] = [await team('CT.JS.SZ.T1'), await team('CT.JS.SZ.T2')];
    const sz = (await call('admin', 'GET', `/org-units/${unit('CT.JS.SZ')}`)).json();
    // Two crossing moves (a below b, b below a) and a move of their parent under way at once, while
    // a new unit is created below one of them.
    const results = await Promise.all([
      call('admin', 'PATCH', `/org-units/${a.id}`, { parentId: b.id, version: 1 }),
      call('admin', 'PATCH', `/org-units/${b.id}`, { parentId: a.id, version: 1 }),
      call('admin', 'POST', '/org-units', {
        parentId: a.id,
        code: 'CT.JS.SZ.T1.X',
        name: 'x',
        level: 'city',
        kind: 'functional',
        functionType: 'field_service',
      }),
      call('admin', 'PATCH', `/org-units/${sz.id}`, { parentId: unit('CT.ZJ'), version: sz.version }),
    ]);
    const [moveA, moveB, create, moveSz] = results.map((r) => r.statusCode);
    expect([moveA, moveB].sort()).toEqual([200, 422]);
    expect([create, moveSz]).toEqual([201, 200]);
    const rows = await s.ctx.db.selectFrom('org_units').select(['id', 'parent_id', 'path']).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) {
      const parentPath = r.parent_id ? byId.get(r.parent_id)!.path : '/';
      expect(r.path, r.id).toBe(`${parentPath}${r.id}/`);
    }
    const back = await call('admin', 'PATCH', `/org-units/${sz.id}`, {
      parentId: unit('CT.JS'),
      version: sz.version + 1,
    });
    expect(back.statusCode).toBe(200);
  });

  it('will not deactivate a unit that still has active users, until they are gone', async () => {
    const ou = (
      await call('admin', 'POST', '/org-units', {
        parentId: unit('CT.JS'),
        code: 'CT.JS.YZ',
        name: '扬州分公司',
        level: 'city',
        kind: 'administrative',
      })
    ).json();
    const team = (
      await call('admin', 'POST', '/org-units', {
        parentId: ou.id,
        code: 'CT.JS.YZ.FIELD',
        name: '扬州装维班',
        level: 'city',
        kind: 'functional',
        functionType: 'field_service',
      })
    ).json();
    const worker = (
      await call('admin', 'POST', '/users', {
        login: 'yz.tech',
        displayName: '扬州装维',
        orgUnitId: team.id,
        roles: ['technician'],
        password: 'yz-tech-pass-1',
      })
    ).json();
    const refused = await call('admin', 'PATCH', `/org-units/${ou.id}`, { active: false, version: 1 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'UNPROCESSABLE', details: { activeUsers: 1 } });
    expect((await call('admin', 'GET', `/org-units/${ou.id}`)).json().active).toBe(true);

    expect(
      (await call('admin', 'PATCH', `/users/${worker.id}`, { status: 'disabled', version: 1 })).statusCode,
    ).toBe(200);
    const ok = await call('admin', 'PATCH', `/org-units/${ou.id}`, { active: false, version: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ active: false, version: 2 });
    // Nothing new goes into an inactive unit.
    const child = await call('admin', 'POST', '/org-units', {
      parentId: ou.id,
      code: 'CT.JS.YZ.D1',
      name: '区',
      level: 'district',
      kind: 'administrative',
    });
    expect(child.statusCode).toBe(422);
  });

  it('optimistic concurrency: a stale version gets 409 CONFLICT and changes nothing', async () => {
    const targets: Array<[string, Record<string, unknown>]> = [
      [`/org-units/${unit('CT.JS.SZ')}`, { name: '苏州分公司（新）' }],
      [`/users/${userId('staff010')}`, { displayName: '新名字' }],
      [`/skill-groups/${group('JS.BILLING')}`, { description: '计费咨询' }],
    ];
    for (const [url, change] of targets) {
      const current = (await call('admin', 'GET', url)).json();
      const first = await call('admin', 'PATCH', url, { ...change, version: current.version });
      expect(first.statusCode, url).toBe(200);
      expect(first.json().version).toBe(current.version + 1);
      const before = await auditCount();
      const second = await call('admin', 'PATCH', url, { ...change, version: current.version });
      expect(second.statusCode, url).toBe(409);
      expect(second.json()).toMatchObject({
        code: 'CONFLICT',
        details: { currentVersion: current.version + 1 },
      });
      expect(await auditCount()).toBe(before);
    }
    const role = await call('admin', 'POST', '/roles', {
      code: 'night_shift',
      name: '夜班',
      nameEn: 'Night shift',
      permissions: ['org.read'],
    });
    expect(role.statusCode).toBe(201);
    expect(
      (await call('admin', 'PATCH', '/roles/night_shift', { name: '夜班组', version: 1 })).statusCode,
    ).toBe(200);
    const stale = await call('admin', 'PATCH', '/roles/night_shift', { name: '夜班2', version: 1 });
    expect(stale.statusCode).toBe(409);
    const roles = (await call('admin', 'GET', '/roles')).json().items;
    expect(roles.find((r: { code: string }) => r.code === 'night_shift')).toMatchObject({
      name: '夜班组',
      version: 2,
    });
  });
});

describe('sessions, passwords and tokens', () => {
  it('disabling a user ends their session and API token at once; enabling lets them sign in again', async () => {
    const login = await signIn('staff011');
    expect(login.statusCode).toBe(200);
    const h = bearer(login.json().token);
    const token = (
      await call('admin', 'POST', '/api-tokens', { userId: userId('staff011'), name: 'OSS link' })
    ).json().token as string;
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: h })).statusCode).toBe(200);
    expect(
      (await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode,
    ).toBe(200);

    const version = (await call('admin', 'GET', `/users/${userId('staff011')}`)).json().version;
    const off = await call('admin', 'PATCH', `/users/${userId('staff011')}`, { status: 'disabled', version });
    expect(off.statusCode).toBe(200);
    expect(off.json().status).toBe('disabled');
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: h })).statusCode).toBe(401);
    expect(
      (await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode,
    ).toBe(401);
    expect((await signIn('staff011')).statusCode).toBe(401);
    const entry = (await auditFor(userId('staff011'))).find((e) => e.action === 'user.update');
    expect(entry?.details).toMatchObject({ changed: ['status'], sessionsRevoked: 1 });

    await call('admin', 'PATCH', `/users/${userId('staff011')}`, { status: 'active', version: version + 1 });
    // The old session stays ended; a new sign-in works.
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: h })).statusCode).toBe(401);
    expect((await signIn('staff011')).statusCode).toBe(200);
  });

  it("an administrator's password reset ends the user's sessions and the new password works", async () => {
    const session = bearer((await signIn('staff012')).json().token);
    const res = await call('admin', 'POST', `/users/${userId('staff012')}/password`, {
      password: 'fresh-start-12',
    });
    expect(res.statusCode).toBe(204);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: session })).statusCode).toBe(
      401,
    );
    expect((await signIn('staff012')).statusCode).toBe(401);
    expect((await signIn('staff012', 'fresh-start-12')).statusCode).toBe(200);
    const entry = (await auditFor(userId('staff012'))).find((e) => e.action === 'user.password_reset');
    expect(entry?.details).toEqual({ sessionsRevoked: 1 });
    expect(JSON.stringify(entry)).not.toContain('fresh-start-12');
  });

  it('a user changes their own password: other sessions end, this one stays, the old password stops working', async () => {
    const a = bearer((await signIn('staff013')).json().token);
    const b = bearer((await signIn('staff013')).json().token);
    const wrong = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: a,
      payload: { currentPassword: 'not-it-123', newPassword: 'my-new-pass-13' },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().details.fields[0].field).toBe('body.currentPassword');
    const weak = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: a,
      payload: { currentPassword: DEMO_PASSWORD, newPassword: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().details.fields[0].field).toBe('body.newPassword');
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: b })).statusCode).toBe(200);

    const ok = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: a,
      payload: { currentPassword: DEMO_PASSWORD, newPassword: 'my-new-pass-13' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: a })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: b })).statusCode).toBe(401);
    expect((await signIn('staff013')).statusCode).toBe(401);
    expect((await signIn('staff013', 'my-new-pass-13')).statusCode).toBe(200);
    const actions = (await auditFor(userId('staff013'))).map((e) => e.action);
    expect(actions).toContain('auth.password_change');
    expect(actions).toContain('auth.password_change_failed');
    expect(JSON.stringify(await auditFor(userId('staff013')))).not.toContain('my-new-pass-13');
  });

  it('API tokens: the secret is shown once, lists never show it, revoking stops it', async () => {
    const created = await call('admin', 'POST', '/api-tokens', {
      userId: userId('dispatcher'),
      name: 'IOM integration',
      expiresAt: '2099-12-31T00:00:00Z',
    });
    expect(created.statusCode).toBe(201);
    const t = created.json();
    expect(t).toMatchObject({ userId: userId('dispatcher'), login: 'dispatcher', name: 'IOM integration' });
    expect(t.token.startsWith(t.prefix)).toBe(true);
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(t.token) });
    expect(me.json().login).toBe('dispatcher');
    // A token acts as its user but cannot change the user's password.
    const pw = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(t.token),
      payload: { currentPassword: DEMO_PASSWORD, newPassword: 'via-token-pass-1' },
    });
    expect(pw.statusCode).toBe(403);
    expect((await signIn('dispatcher')).statusCode).toBe(200);

    const list = await call('admin', 'GET', `/api-tokens?userId=${userId('dispatcher')}`);
    expect(list.json().items.map((x: { id: string }) => x.id)).toContain(t.id);
    expect(list.body).not.toContain(t.token);
    expect(list.json().items.find((x: { id: string }) => x.id === t.id).lastUsedAt).not.toBeNull();

    expect((await call('admin', 'DELETE', `/api-tokens/${t.id}`)).statusCode).toBe(204);
    expect(
      (await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(t.token) })).statusCode,
    ).toBe(401);
    const count = await auditCount();
    expect((await call('admin', 'DELETE', `/api-tokens/${t.id}`)).statusCode).toBe(204);
    expect(await auditCount()).toBe(count);
    const entries = await auditFor(t.id);
    expect(entries.map((e) => e.action).sort()).toEqual(['api_token.create', 'api_token.revoke']);
    expect(entries.every((e) => e.orgUnitId === unit('CT.JS.NJ.DISPATCH'))).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(t.token);
    const revoked = (await call('admin', 'GET', `/api-tokens?userId=${userId('dispatcher')}`)).json().items;
    expect(revoked.find((x: { id: string }) => x.id === t.id).revokedAt).not.toBeNull();
  });
});

describe('no privilege escalation', () => {
  let deputy: Headers;

  beforeAll(async () => {
    // A provincial user administrator: keeps accounts and assigns roles in 江苏 and may do an
    // agent's customer work, nothing more.
    const role = await call('admin', 'POST', '/roles', {
      code: 'js_user_admin',
      name: '省用户管理员',
      nameEn: 'Province user admin',
      permissions: [
        'org.read',
        'user.read',
        'user.manage',
        'user.grant',
        'skillgroup.read',
        'token.manage',
        'customer.read',
        'customer.manage',
      ],
    });
    expect(role.statusCode).toBe(201);
    const u = await call('admin', 'POST', '/users', {
      login: 'js.deputy',
      displayName: '江苏用户管理员',
      orgUnitId: unit('CT.JS'),
      roles: ['js_user_admin'],
      password: 'deputy-pass-1',
    });
    expect(u.statusCode).toBe(201);
    deputy = bearer((await signIn('js.deputy', 'deputy-pass-1')).json().token);
  });

  it('may not grant a role carrying an administration permission it lacks, on create or update', async () => {
    const base = {
      displayName: '新人',
      orgUnitId: unit('CT.JS.10000'),
      password: 'newbie-pass-1',
    };
    const users = await auditCount();
    for (const [roles, lacking] of [
      [['admin'], 'org.manage'],
      [['system_admin'], 'org.manage'],
      [['agent', 'audit_admin'], 'scope.national'],
      [['security_admin'], 'role.manage'],
    ] as const) {
      const res = await call(deputy, 'POST', '/users', { ...base, login: `newbie.${roles.length}`, roles });
      expect(res.statusCode, roles.join()).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
      expect(res.json().details.missingPermissions).toContain(lacking);
    }
    expect(await auditCount()).toBe(users);
    const ok = await call(deputy, 'POST', '/users', { ...base, login: 'newbie.ok', roles: ['agent'] });
    expect(ok.statusCode).toBe(201);
    // Business roles are authorised without being held (三员分立): the supervisor's pii.reveal too.
    const lead = await call(deputy, 'POST', '/users', {
      ...base,
      login: 'newbie.lead',
      roles: ['supervisor'],
    });
    expect(lead.statusCode).toBe(201);

    const agent = (await call(deputy, 'GET', `/users/${userId('agent')}`)).json();
    const up = await call(deputy, 'PATCH', `/users/${agent.id}`, {
      roles: ['agent', 'admin'],
      version: agent.version,
    });
    expect(up.statusCode).toBe(403);
    const myId = (await call(deputy, 'GET', '/users?q=js.deputy')).json().items[0];
    const selfUp = await call(deputy, 'PATCH', `/users/${myId.id}`, {
      roles: ['js_user_admin', 'admin'],
      version: myId.version,
    });
    expect(selfUp.statusCode).toBe(403);
    expect((await call(deputy, 'GET', `/users/${agent.id}`)).json().roles).toEqual(['agent']);
  });

  it('may not manage a user mightier than itself: no password reset, no edits, no API token for them', async () => {
    // Mightier: holding administration permissions the deputy lacks (an auditor placed in 江苏).
    const created = await call('admin', 'POST', '/users', {
      login: 'js.auditor',
      displayName: '江苏审计员',
      orgUnitId: unit('CT.JS'),
      roles: ['audit_admin'],
      password: 'auditor-pass-1',
    });
    expect(created.statusCode).toBe(201);
    const sup = (await call(deputy, 'GET', `/users/${created.json().id}`)).json();
    expect(sup.roles).toEqual(['audit_admin']);
    const before = await auditCount();
    const reset = await call(deputy, 'POST', `/users/${sup.id}/password`, { password: 'taken-over-1' });
    expect(reset.statusCode).toBe(403);
    const edit = await call(deputy, 'PATCH', `/users/${sup.id}`, { displayName: 'x', version: sup.version });
    expect(edit.statusCode).toBe(403);
    const token = await call(deputy, 'POST', '/api-tokens', { userId: sup.id, name: 'backdoor' });
    expect(token.statusCode).toBe(403);
    expect(await auditCount()).toBe(before);
    expect((await signIn('js.auditor', 'auditor-pass-1')).statusCode).toBe(200);
    // The administrator, outside 江苏, is simply not there for the deputy.
    expect((await call(deputy, 'GET', `/users/${userId('admin')}`)).statusCode).toBe(404);
    // An equal or lesser user is fine.
    const agentToken = await call(deputy, 'POST', '/api-tokens', { userId: userId('agent'), name: 'ok' });
    expect(agentToken.statusCode).toBe(201);
  });

  it('roles: only permissions from the catalogue and held by the caller; built-in roles are fixed', async () => {
    const role = await call('admin', 'POST', '/roles', {
      code: 'role_keeper',
      name: '角色管理',
      nameEn: 'Role keeper',
      permissions: ['role.read', 'role.manage', 'org.read'],
    });
    expect(role.statusCode).toBe(201);
    await call('admin', 'POST', '/users', {
      login: 'role.keeper',
      displayName: '角色管理员',
      orgUnitId: unit('CT.JS'),
      roles: ['role_keeper'],
      password: 'keeper-pass-1',
    });
    const keeper = bearer((await signIn('role.keeper', 'keeper-pass-1')).json().token);
    const up = await call(keeper, 'POST', '/roles', {
      code: 'account_keeper',
      name: '账号管理',
      nameEn: 'Account keeper',
      permissions: ['user.read', 'user.manage'],
    });
    expect(up.statusCode).toBe(403);
    expect(up.json().details.missingPermissions).toEqual(['user.manage']);
    // Business permissions go into roles without being held (三员分立), but not into one's own role.
    const business = await call(keeper, 'POST', '/roles', {
      code: 'senior_agent',
      name: '资深坐席',
      nameEn: 'Senior agent',
      permissions: ['customer.read', 'customer.manage', 'pii.reveal'],
    });
    expect(business.statusCode).toBe(201);
    const own = await call(keeper, 'PATCH', '/roles/role_keeper', {
      permissions: ['role.read', 'role.manage', 'org.read', 'customer.read'],
      version: 1,
    });
    expect(own.statusCode).toBe(403);
    const widen = await call(keeper, 'PATCH', '/roles/role_keeper', {
      permissions: ['role.read', 'role.manage', 'org.read', 'scope.national'],
      version: 1,
    });
    expect(widen.statusCode).toBe(403);
    // Nor may it change a role that already carries more than it holds.
    const bigger = await call(keeper, 'PATCH', '/roles/js_user_admin', { name: '改名', version: 1 });
    expect(bigger.statusCode).toBe(403);
    const ok = await call(keeper, 'POST', '/roles', {
      code: 'org_viewer',
      name: '组织查看',
      nameEn: 'Org viewer',
      permissions: ['org.read'],
    });
    expect(ok.statusCode).toBe(201);
    expect((await call(keeper, 'PATCH', '/roles/agent', { name: '坐席2', version: 1 })).statusCode).toBe(422);

    const catalogue = (await call(keeper, 'GET', '/permissions')).json().items;
    expect(catalogue.map((p: { code: string }) => p.code)).toEqual(
      expect.arrayContaining(['org.read', 'user.manage', 'audit.read', 'scope.national']),
    );
    expect(catalogue.every((p: { description: string }) => p.description.length > 0)).toBe(true);
    const entry = (await auditFor('org_viewer'))[0];
    expect(entry).toMatchObject({
      action: 'role.create',
      actorLogin: 'role.keeper',
      orgUnitId: unit('CT.JS'),
    });
  });

  it('an administrator cannot disable themself nor drop their own admin role', async () => {
    const me = (await call('admin', 'GET', `/users/${userId('admin')}`)).json();
    const off = await call('admin', 'PATCH', `/users/${me.id}`, { status: 'disabled', version: me.version });
    expect(off.statusCode).toBe(422);
    expect(off.json().details.fields[0].field).toBe('body.status');
    const drop = await call('admin', 'PATCH', `/users/${me.id}`, {
      roles: ['supervisor'],
      version: me.version,
    });
    expect(drop.statusCode).toBe(422);
    expect(drop.json().details.fields[0].field).toBe('body.roles');
    expect((await call('admin', 'GET', `/users/${me.id}`)).json()).toMatchObject({
      status: 'active',
      roles: ['admin'],
      version: me.version,
    });
  });
});

describe('skill groups and the audit log', () => {
  it('creates a group, sets members in scope, counts them, and audits each change', async () => {
    const created = await call('supervisor', 'POST', '/skill-groups', {
      code: 'JS.5G',
      name: '5G业务组',
      nameEn: '5G services',
      orgUnitId: unit('CT.JS.10000'),
      skills: ['5G', 'mobile'],
    });
    expect(created.statusCode).toBe(201);
    const g = created.json();
    expect(g).toMatchObject({ skills: ['5g', 'mobile'], memberCount: 0, active: true, version: 1 });

    const set = await call('supervisor', 'PUT', `/skill-groups/${g.id}/members`, {
      members: [
        { userId: userId('agent'), proficiency: 5 },
        { userId: userId('staff001'), proficiency: 2 },
      ],
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().items).toEqual([
      { userId: userId('agent'), login: 'agent', displayName: expect.any(String), proficiency: 5 },
      { userId: userId('staff001'), login: 'staff001', displayName: expect.any(String), proficiency: 2 },
    ]);
    expect((await call('agent', 'GET', `/skill-groups/${g.id}`)).json().memberCount).toBe(2);
    const byUnit = (await call('agent', 'GET', `/skill-groups?orgUnitId=${unit('CT.JS.10000')}`)).json()
      .items;
    expect(byUnit.map((x: { code: string }) => x.code)).toContain('JS.5G');

    const again = await call('supervisor', 'PUT', `/skill-groups/${g.id}/members`, {
      members: [{ userId: userId('agent'), proficiency: 4 }],
    });
    expect(again.json().items.map((m: { login: string }) => m.login)).toEqual(['agent']);
    const entries = await auditFor(g.id);
    expect(entries.map((e) => e.action)).toEqual([
      'skill_group.members_set',
      'skill_group.members_set',
      'skill_group.create',
    ]);
    expect(entries[0]!.details).toMatchObject({
      added: [],
      removed: [userId('staff001')],
      proficiencyChanged: [userId('agent')],
      count: 1,
    });
    expect(entries.every((e) => e.orgUnitId === unit('CT.JS.10000') && e.actorLogin === 'supervisor')).toBe(
      true,
    );

    const patched = await call('supervisor', 'PATCH', `/skill-groups/${g.id}`, { active: false, version: 1 });
    expect(patched.json()).toMatchObject({ active: false, version: 2 });
    expect((await auditFor(g.id))[0]).toMatchObject({
      action: 'skill_group.update',
      details: { changes: { active: { from: true, to: false } } },
    });
  });

  it('pages the audit log with nextBefore and filters it', async () => {
    const first = (await call('admin', 'GET', '/audit-log?limit=5')).json();
    expect(first.items).toHaveLength(5);
    expect(first.nextBefore).toBe(first.items[4].seq);
    const second = (await call('admin', 'GET', `/audit-log?limit=5&before=${first.nextBefore}`)).json();
    expect(BigInt(second.items[0].seq)).toBe(BigInt(first.items[4].seq) - 1n);
    const creates = (await call('admin', 'GET', '/audit-log?action=user.create&limit=200')).json().items;
    expect(creates.length).toBeGreaterThanOrEqual(3);
    expect(creates.every((e: AuditItem) => e.action === 'user.create')).toBe(true);
    const byActor = (
      await call('admin', 'GET', `/audit-log?actorId=${userId('supervisor')}&limit=200`)
    ).json().items;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e: AuditItem) => e.actorLogin === 'supervisor')).toBe(true);
    // National scope sees entries tied to no unit (the demo seed); a province supervisor does not.
    const all = (await call('admin', 'GET', '/audit-log?entityType=system')).json().items;
    expect(all.map((e: AuditItem) => e.action)).toContain('demo.seed');
    expect((await call('supervisor', 'GET', '/audit-log?entityType=system')).json().items).toEqual([]);
    // No secret ever reaches the log.
    const everything = (await call('admin', 'GET', '/audit-log?limit=200')).json();
    const text = JSON.stringify(everything);
    for (const secret of [DEMO_PASSWORD, 'gulou-pass-2026', 'fresh-start-12', 'deputy-pass-1', ...secrets]) {
      expect(text).not.toContain(secret);
    }
  });

  it('the OpenAPI document describes the new routes', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of [
      '/api/v1/org-units',
      '/api/v1/users/{id}',
      '/api/v1/skill-groups/{id}/members',
      '/api/v1/audit-log',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
