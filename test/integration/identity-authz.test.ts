// Authorization matrix of the whole API: every registered route × every demo login + anonymous,
// plus data-scope checks between two sibling provinces (江苏 vs 浙江).
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

let s: TestServer;

const ROLE_LOGINS = [
  'admin',
  'agent',
  'supervisor',
  'monitor',
  'dispatcher',
  'technician',
  'accountmgr',
  'inspector',
  'billing',
  'customer',
  'sysadmin',
  'secadmin',
  'auditor',
] as const;
const SIBLINGS = ['zj.agent', 'zj.supervisor'] as const;
const ANON = 'anonymous';
const CALLERS = [...ROLE_LOGINS, ...SIBLINGS, ANON];
type Caller = (typeof CALLERS)[number];

/** The design: which demo logins hold each permission (through their built-in role). */
const GRANTED: Record<string, readonly string[]> = {
  'org.read': [
    'admin',
    'agent',
    'supervisor',
    'monitor',
    'dispatcher',
    'technician',
    'accountmgr',
    'inspector',
    'billing',
    'zj.agent',
    'zj.supervisor',
    'sysadmin',
  ],
  'org.manage': ['admin', 'sysadmin'],
  'user.read': ['admin', 'supervisor', 'dispatcher', 'inspector', 'zj.supervisor', 'sysadmin'],
  'user.manage': ['admin', 'sysadmin'],
  'user.grant': ['admin', 'secadmin'],
  'mfa.reset': ['admin', 'secadmin'],
  'user.unlock': ['admin', 'secadmin'],
  'role.read': ['admin', 'supervisor', 'zj.supervisor', 'secadmin'],
  'role.manage': ['admin', 'secadmin'],
  'skillgroup.read': [
    'admin',
    'agent',
    'supervisor',
    'monitor',
    'dispatcher',
    'accountmgr',
    'inspector',
    'billing',
    'zj.agent',
    'zj.supervisor',
    'sysadmin',
  ],
  'skillgroup.manage': ['admin', 'supervisor', 'zj.supervisor', 'sysadmin'],
  'token.manage': ['admin', 'sysadmin'],
  'audit.read': ['admin', 'supervisor', 'zj.supervisor', 'auditor'],
};

const UNIT_OF: Record<string, string> = {
  admin: 'CT',
  agent: 'CT.JS.10000',
  supervisor: 'CT.JS.10000',
  monitor: 'CT.JS.NOC',
  dispatcher: 'CT.JS.NJ.DISPATCH',
  technician: 'CT.JS.NJ.FIELD1',
  accountmgr: 'CT.JS.NJ.AM',
  inspector: 'CT.JS.QA',
  billing: 'CT.JS.BILL',
  customer: 'CT.JS.NJ',
  'zj.agent': 'CT.ZJ.10000',
  'zj.supervisor': 'CT.ZJ.10000',
  sysadmin: 'CT',
  secadmin: 'CT',
  auditor: 'CT',
};
/** Users that allowed callers change with version 1: one each, so parallel edits do not collide. */
const USER_TO_EDIT: Record<string, string> = { sysadmin: 'staff006', secadmin: 'staff008' };
const editableUser = (login: string) => userId(USER_TO_EDIT[login] ?? 'staff001');
const NANJING_SCOPE = new Set(['dispatcher', 'technician', 'accountmgr', 'customer']);

const unit = (code: string) => demoId('org', code);
const userId = (login: string) => demoId('user', login);
const group = (code: string) => demoId('skill', code);

/** A skill group each caller can see: the matrix is about permissions, so objects are in scope. */
let njGroupId: string;
const groupFor = (login: string) =>
  login.startsWith('zj.')
    ? group('ZJ.GENERAL')
    : NANJING_SCOPE.has(login)
      ? njGroupId
      : group('JS.BROADBAND');
/** A group per caller allowed to change groups, so parallel edits do not collide. */
const GROUP_TO_EDIT: Record<string, string> = {
  admin: 'JS.BILLING',
  supervisor: 'JS.VIP',
  'zj.supervisor': 'ZJ.GENERAL',
  sysadmin: 'JS.BROADBAND',
};
const editableGroup = (login: string) => group(GROUP_TO_EDIT[login] ?? 'JS.BILLING');

let customRoleVersion = 1;
let tokenToRevoke: string;

interface Row {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';
  /** The route exactly as registered (with :params). */
  route: string;
  access:
    | { public: true }
    | { authenticated: true }
    | { permission: string }
    | { anyPermission: readonly string[] };
  /** The request a caller makes; valid and in the caller's scope, so only authorization decides. */
  request: (login: Caller) => Promise<Omit<InjectOptions, 'method'>> | Omit<InjectOptions, 'method'>;
  /** Status when allowed. */
  ok: number;
  /** Runs after every other row (it ends sessions). */
  last?: boolean;
}

let seq = 0;
const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

const ROWS: Row[] = [
  // auth
  {
    method: 'POST',
    route: '/api/v1/auth/login',
    access: { public: true },
    request: (login) => ({
      payload: { login: login === ANON ? 'agent' : login, password: DEMO_PASSWORD },
    }),
    ok: 200,
  },
  { method: 'GET', route: '/api/v1/auth/me', access: { authenticated: true }, request: () => ({}), ok: 200 },
  {
    method: 'POST',
    route: '/api/v1/auth/logout',
    access: { authenticated: true },
    // A session of its own, so the caller's shared test session lives on.
    request: async (login) => {
      if (login === ANON) return {};
      const res = await s.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login, password: DEMO_PASSWORD },
      });
      return { headers: { authorization: `Bearer ${res.json().token}` } };
    },
    ok: 204,
  },
  {
    method: 'POST',
    route: '/api/v1/auth/password',
    access: { authenticated: true },
    request: () => ({ payload: { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD } }),
    ok: 204,
    last: true,
  },
  // the second factor: the public steps answer 401 to a well-formed challenge that does not exist
  ...(['/api/v1/auth/login/mfa', '/api/v1/auth/login/mfa/enrolment/confirm'] as const).map((route): Row => ({
    method: 'POST',
    route,
    access: { public: true },
    request: () => ({
      payload: { challenge: 'opc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', code: '123456' },
    }),
    ok: 401,
  })),
  {
    method: 'POST',
    route: '/api/v1/auth/login/mfa/recovery',
    access: { public: true },
    request: () => ({
      payload: {
        challenge: 'opc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        recoveryCode: 'aaaa-bbbb-cccc-dddd',
      },
    }),
    ok: 401,
  },
  {
    method: 'POST',
    route: '/api/v1/auth/login/mfa/enrolment',
    access: { public: true },
    request: () => ({ payload: { challenge: 'opc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }),
    ok: 401,
  },
  { method: 'GET', route: '/api/v1/auth/mfa', access: { authenticated: true }, request: () => ({}), ok: 200 },
  {
    method: 'POST',
    route: '/api/v1/auth/mfa/enrolment',
    access: { authenticated: true },
    request: () => ({}),
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/auth/mfa/enrolment/confirm',
    access: { authenticated: true },
    // After every caller started an enrolment (above): a wrong first code.
    request: () => ({ payload: { code: '000000' } }),
    ok: 400,
    last: true,
  },
  {
    method: 'POST',
    route: '/api/v1/auth/mfa/recovery-codes',
    access: { authenticated: true },
    // No demo login has a confirmed second factor here: nothing to make codes for.
    request: () => ({ payload: { password: DEMO_PASSWORD } }),
    ok: 409,
  },
  {
    method: 'DELETE',
    route: '/api/v1/users/:id/mfa',
    access: { permission: 'mfa.reset' },
    request: () => ({ url: `/api/v1/users/${userId('staff010')}/mfa` }),
    ok: 204,
  },
  // org units
  {
    method: 'GET',
    route: '/api/v1/org-units',
    access: { permission: 'org.read' },
    request: () => ({}),
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/org-units',
    access: { permission: 'org.manage' },
    request: () => ({
      payload: {
        parentId: unit('CT.JS.NJ'),
        code: uniq('M.D'),
        name: '矩阵区',
        level: 'district',
        kind: 'administrative',
      },
    }),
    ok: 201,
  },
  {
    method: 'GET',
    route: '/api/v1/org-units/:id',
    access: { permission: 'org.read' },
    request: (login) => ({ url: `/api/v1/org-units/${unit(UNIT_OF[login] ?? 'CT')}` }),
    ok: 200,
  },
  {
    method: 'PATCH',
    route: '/api/v1/org-units/:id',
    access: { permission: 'org.manage' },
    request: (login) => ({
      url: `/api/v1/org-units/${unit(login === 'sysadmin' ? 'CT.JS.SZ' : 'CT.JS.WX')}`,
      payload: { name: '无锡市分公司', version: 1 },
    }),
    ok: 200,
  },
  // users
  {
    method: 'GET',
    route: '/api/v1/users',
    access: { anyPermission: ['user.read', 'user.grant'] },
    request: () => ({}),
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/users',
    access: { permission: 'user.manage' },
    request: () => ({
      payload: {
        login: uniq('m.'),
        displayName: '矩阵用户',
        orgUnitId: unit('CT.JS.10000'),
        // The account alone: roles are assigned by user.grant (三员分立).
        roles: [],
        password: 'matrix-pass-1',
      },
    }),
    ok: 201,
  },
  {
    method: 'GET',
    route: '/api/v1/users/:id',
    access: { anyPermission: ['user.read', 'user.grant'] },
    request: (login) => ({ url: `/api/v1/users/${userId(login === ANON ? 'agent' : login)}` }),
    ok: 200,
  },
  {
    method: 'PATCH',
    route: '/api/v1/users/:id',
    access: { permission: 'user.manage' },
    request: (login) => ({
      url: `/api/v1/users/${editableUser(login)}`,
      payload: { displayName: '改名', version: 1 },
    }),
    ok: 200,
  },
  {
    method: 'PUT',
    route: '/api/v1/users/:id/roles',
    access: { permission: 'user.grant' },
    request: (login) => ({
      url: `/api/v1/users/${userId(login === 'secadmin' ? 'staff009' : 'staff007')}/roles`,
      payload: { roles: ['agent', 'monitor'], version: 1 },
    }),
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/password',
    access: { permission: 'user.manage' },
    request: () => ({
      url: `/api/v1/users/${userId('staff002')}/password`,
      payload: { password: 'reset-pass-2' },
    }),
    ok: 204,
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/unlock',
    access: { permission: 'user.unlock' },
    request: () => ({ url: `/api/v1/users/${userId('staff003')}/unlock` }),
    ok: 200,
  },
  // roles and permissions
  {
    method: 'GET',
    route: '/api/v1/roles',
    access: { permission: 'role.read' },
    request: () => ({}),
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/roles',
    access: { permission: 'role.manage' },
    request: () => ({
      payload: {
        code: uniq('m_').replace(/\./g, '_'),
        name: '矩阵角色',
        nameEn: 'Matrix',
        permissions: ['org.read'],
      },
    }),
    ok: 201,
  },
  {
    method: 'PATCH',
    route: '/api/v1/roles/:code',
    access: { permission: 'role.manage' },
    request: (login) => ({
      url: `/api/v1/roles/${login === 'secadmin' ? 'matrix_role2' : 'matrix_role'}`,
      payload: { name: '矩阵角色（改）', version: customRoleVersion },
    }),
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/permissions',
    access: { permission: 'role.read' },
    request: () => ({}),
    ok: 200,
  },
  // skill groups
  {
    method: 'GET',
    route: '/api/v1/skill-groups',
    access: { permission: 'skillgroup.read' },
    request: () => ({}),
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/skill-groups',
    access: { permission: 'skillgroup.manage' },
    request: (login) => ({
      payload: { code: uniq('M.G'), name: '矩阵组', orgUnitId: unit(UNIT_OF[login] ?? 'CT.JS.10000') },
    }),
    ok: 201,
  },
  {
    method: 'GET',
    route: '/api/v1/skill-groups/:id',
    access: { permission: 'skillgroup.read' },
    request: (login) => ({ url: `/api/v1/skill-groups/${groupFor(login)}` }),
    ok: 200,
  },
  {
    method: 'PATCH',
    route: '/api/v1/skill-groups/:id',
    access: { permission: 'skillgroup.manage' },
    request: (login) => ({
      url: `/api/v1/skill-groups/${editableGroup(login)}`,
      payload: { description: `changed by ${login}`, version: 1 },
    }),
    ok: 200,
  },
  {
    method: 'GET',
    route: '/api/v1/skill-groups/:id/members',
    access: { permission: 'skillgroup.read' },
    request: (login) => ({ url: `/api/v1/skill-groups/${groupFor(login)}/members` }),
    ok: 200,
  },
  {
    method: 'PUT',
    route: '/api/v1/skill-groups/:id/members',
    access: { permission: 'skillgroup.manage' },
    request: (login) => ({
      url: `/api/v1/skill-groups/${editableGroup(login)}/members`,
      payload: {
        members: [{ userId: userId(login.startsWith('zj.') ? 'zj.agent' : 'agent'), proficiency: 2 }],
      },
    }),
    ok: 200,
  },
  // API tokens
  {
    method: 'GET',
    route: '/api/v1/api-tokens',
    access: { permission: 'token.manage' },
    request: () => ({}),
    ok: 200,
  },
  {
    method: 'POST',
    route: '/api/v1/api-tokens',
    access: { permission: 'token.manage' },
    request: () => ({ payload: { userId: userId('staff003'), name: 'matrix' } }),
    ok: 201,
  },
  {
    method: 'DELETE',
    route: '/api/v1/api-tokens/:id',
    access: { permission: 'token.manage' },
    request: () => ({ url: `/api/v1/api-tokens/${tokenToRevoke}` }),
    ok: 204,
  },
  // audit
  {
    method: 'GET',
    route: '/api/v1/audit-log',
    access: { permission: 'audit.read' },
    request: () => ({}),
    ok: 200,
  },
];

/** GET routes answer HEAD too, with the same access rule. */
const ALL_ROWS: Row[] = [
  ...ROWS,
  ...ROWS.filter((r) => r.method === 'GET').map((r) => ({ ...r, method: 'HEAD' as const })),
];

function expectedStatus(row: Row, login: Caller): number {
  if ('public' in row.access) return row.ok;
  if (login === ANON) return 401;
  if ('authenticated' in row.access) return row.ok;
  const wanted = 'permission' in row.access ? [row.access.permission] : row.access.anyPermission;
  return wanted.some((p) => GRANTED[p]?.includes(login)) ? row.ok : 403;
}

/** Every API route the server registered, as "METHOD /path", read from Fastify's route tree. */
// The identity and audit modules' routes: this matrix checks their exact answers; every other
// module's routes are guarded by authz-all-routes.test.ts.
const IDENTITY_ROUTES =
  /^\/api\/v1\/(auth|org-units|users|roles|permissions|skill-groups|api-tokens|audit-log)(\/|$)/;

function registeredApiRoutes(): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of s.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = [...m[1]!].length / 4;
    stack.push(m[2]!);
    const path = stack.join('');
    if (!m[3] || !IDENTITY_ROUTES.test(path)) continue;
    for (const method of m[3].split(', ')) out.push(`${method} ${path}`);
  }
  return out.sort();
}

async function run(row: Row, login: Caller) {
  const req = await row.request(login);
  const auth = login === ANON ? {} : await s.as(login);
  const res = await s.app.inject({
    method: row.method,
    url: row.route,
    ...req,
    headers: { ...auth, ...(req.headers ?? {}) },
  } as InjectOptions);
  return res;
}

beforeAll(async () => {
  s = await createTestServer();
  for (const login of [...ROLE_LOGINS, ...SIBLINGS]) await s.token(login);
  const admin = await s.as('admin');
  const role = await s.app.inject({
    method: 'POST',
    url: '/api/v1/roles',
    headers: admin,
    payload: { code: 'matrix_role', name: '矩阵', nameEn: 'Matrix', permissions: ['org.read'] },
  });
  customRoleVersion = role.json().version;
  const role2 = await s.app.inject({
    method: 'POST',
    url: '/api/v1/roles',
    headers: admin,
    payload: { code: 'matrix_role2', name: '矩阵2', nameEn: 'Matrix 2', permissions: ['org.read'] },
  });
  expect(role2.json().version).toBe(customRoleVersion);
  const g = await s.app.inject({
    method: 'POST',
    url: '/api/v1/skill-groups',
    headers: admin,
    payload: { code: 'NJ.DISPATCH', name: '南京调度组', orgUnitId: unit('CT.JS.NJ.DISPATCH') },
  });
  njGroupId = g.json().id;
  const t = await s.app.inject({
    method: 'POST',
    url: '/api/v1/api-tokens',
    headers: admin,
    payload: { userId: userId('staff004'), name: 'to revoke' },
  });
  tokenToRevoke = t.json().id;
  expect([role.statusCode, g.statusCode, t.statusCode]).toEqual([201, 201, 201]);
});
afterAll(async () => {
  await s?.close();
});

describe(`authorization matrix (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('has a row for every identity and audit route the server registers, and none for a route that does not exist', () => {
    const registered = registeredApiRoutes();
    // The parser must actually see the routes, or the comparison below would prove nothing.
    expect(registered).toContain('POST /api/v1/auth/login');
    expect(registered).toContain('PUT /api/v1/skill-groups/:id/members');
    const covered = [...new Set(ALL_ROWS.map((r) => `${r.method} ${r.route}`))].sort();
    expect(covered.filter((r) => !registered.includes(r))).toEqual([]);
    expect(registered.filter((r) => !covered.includes(r))).toEqual([]);
  });

  it('answers every route × caller with 401 / 403 / success exactly as designed', async () => {
    const cases = ALL_ROWS.filter((r) => !r.last).flatMap((row) => CALLERS.map((login) => ({ row, login })));
    const mismatches: string[] = [];
    const check = async ({ row, login }: { row: Row; login: Caller }) => {
      const res = await run(row, login);
      const want = expectedStatus(row, login);
      if (res.statusCode !== want) {
        mismatches.push(
          `${row.method} ${row.route} as ${login}: want ${want}, got ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      } else if (want === 401 || want === 403) {
        const code = want === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
        if (row.method !== 'HEAD' && res.json().code !== code)
          mismatches.push(`${row.method} ${row.route} as ${login}: ${res.body.slice(0, 200)}`);
      }
    };
    // A few requests in flight at a time: fast, and the database sees concurrent callers.
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) await check(c);
      }),
    );
    // Rows that end sessions run last, one caller at a time.
    for (const row of ALL_ROWS.filter((r) => r.last))
      for (const login of CALLERS) await check({ row, login });
    expect(mismatches).toEqual([]);
    expect(cases.length).toBeGreaterThan(300);
    // ~700 requests: allow for a busy machine.
  }, 120_000);
});

describe('sibling provinces do not see each other (江苏 vs 浙江)', () => {
  const jsUnits = ['CT.JS', 'CT.JS.10000', 'CT.JS.NJ', 'CT.JS.NJ.FIELD1'];
  const get = async (login: string, url: string) =>
    s.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: await s.as(login) });

  it('reports 江苏 org units, users and skill groups as 404 — the same answer as for ids that do not exist', async () => {
    const missing = await get('zj.agent', `/org-units/${demoId('org', 'nowhere')}`);
    expect(missing.statusCode).toBe(404);
    for (const code of jsUnits) {
      const res = await get('zj.agent', `/org-units/${unit(code)}`);
      expect(res.statusCode, code).toBe(404);
      expect(res.json()).toEqual(missing.json());
    }
    for (const login of ['agent', 'supervisor', 'dispatcher', 'customer']) {
      expect((await get('zj.supervisor', `/users/${userId(login)}`)).statusCode, login).toBe(404);
    }
    for (const code of ['JS.BROADBAND', 'JS.VIP']) {
      for (const who of SIBLINGS) {
        expect((await get(who, `/skill-groups/${group(code)}`)).statusCode).toBe(404);
        expect((await get(who, `/skill-groups/${group(code)}/members`)).statusCode).toBe(404);
      }
    }
    // The same objects are there for 江苏's own staff.
    expect((await get('supervisor', `/users/${userId('agent')}`)).statusCode).toBe(200);
    expect((await get('agent', `/skill-groups/${group('JS.BROADBAND')}`)).statusCode).toBe(200);
  });

  it('refuses changes to 江苏 objects with 404 and changes nothing', async () => {
    const zj = await s.as('zj.supervisor');
    const before = await s.ctx.db
      .selectFrom('skill_groups')
      .selectAll()
      .where('id', '=', group('JS.VIP'))
      .execute();
    const beforeMembers = await s.ctx.db.selectFrom('skill_group_members').selectAll().execute();
    const patch = await s.app.inject({
      method: 'PATCH',
      url: `/api/v1/skill-groups/${group('JS.VIP')}`,
      headers: zj,
      payload: { name: '被改了', version: before[0]!.version },
    });
    expect(patch.statusCode).toBe(404);
    const put = await s.app.inject({
      method: 'PUT',
      url: `/api/v1/skill-groups/${group('JS.VIP')}/members`,
      headers: zj,
      payload: { members: [] },
    });
    expect(put.statusCode).toBe(404);
    const create = await s.app.inject({
      method: 'POST',
      url: '/api/v1/skill-groups',
      headers: zj,
      payload: { code: 'ZJ.SNEAK', name: '越界组', orgUnitId: unit('CT.JS.10000') },
    });
    expect(create.statusCode).toBe(404);
    // A 浙江 group may not take a 江苏 member either; the answer does not tell whether the user exists.
    const members = await s.app.inject({
      method: 'PUT',
      url: `/api/v1/skill-groups/${group('ZJ.GENERAL')}/members`,
      headers: zj,
      payload: { members: [{ userId: userId('agent'), proficiency: 5 }] },
    });
    expect(members.statusCode).toBe(422);
    expect(members.json().details.unknownUserIds).toEqual([userId('agent')]);
    expect(
      await s.ctx.db.selectFrom('skill_groups').selectAll().where('id', '=', group('JS.VIP')).execute(),
    ).toEqual(before);
    expect(await s.ctx.db.selectFrom('skill_group_members').selectAll().execute()).toEqual(beforeMembers);
    expect(
      await s.ctx.db.selectFrom('skill_groups').select('id').where('code', '=', 'ZJ.SNEAK').execute(),
    ).toEqual([]);
  });

  it('never lists 江苏 objects to 浙江 staff', async () => {
    const jsUnitIds = new Set(
      (await s.ctx.db.selectFrom('org_units').select(['id', 'path']).execute())
        .filter((u) => u.path.includes(`/${unit('CT.JS')}/`))
        .map((u) => u.id),
    );
    expect(jsUnitIds.size).toBeGreaterThan(10);

    const units = (await get('zj.agent', '/org-units')).json().items as Array<{ id: string; code: string }>;
    expect(units.map((u) => u.code)).toContain('CT.ZJ.HZ');
    expect(units.filter((u) => jsUnitIds.has(u.id))).toEqual([]);

    const users = (await get('zj.supervisor', '/users?limit=200')).json().items as Array<{
      login: string;
      orgUnitId: string;
    }>;
    expect(users.map((u) => u.login)).toContain('zj.agent');
    expect(users.filter((u) => jsUnitIds.has(u.orgUnitId))).toEqual([]);
    expect(
      (await get('zj.supervisor', '/users?q=agent')).json().items.map((u: { login: string }) => u.login),
    ).toEqual(['zj.agent']);
    expect((await get('zj.supervisor', `/users?orgUnitId=${unit('CT.JS.10000')}`)).json().items).toEqual([]);

    for (const who of SIBLINGS) {
      const groups = (await get(who, '/skill-groups')).json().items as Array<{
        code: string;
        orgUnitId: string;
      }>;
      expect(groups.map((g) => g.code)).toContain('ZJ.GENERAL');
      expect(groups.filter((g) => jsUnitIds.has(g.orgUnitId))).toEqual([]);
      expect((await get(who, `/skill-groups?orgUnitId=${unit('CT.JS.10000')}`)).json().items).toEqual([]);
    }

    const audit = (await get('zj.supervisor', '/audit-log?limit=200')).json().items as Array<{
      orgUnitId: string | null;
    }>;
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.filter((e) => e.orgUnitId === null || jsUnitIds.has(e.orgUnitId))).toEqual([]);
    // 江苏's supervisor, by contrast, sees 江苏 entries (the matrix wrote some) and no 浙江 ones.
    const jsAudit = (await get('supervisor', '/audit-log?limit=200')).json().items as Array<{
      orgUnitId: string | null;
    }>;
    expect(jsAudit.some((e) => e.orgUnitId !== null && jsUnitIds.has(e.orgUnitId))).toBe(true);
    expect(jsAudit.filter((e) => e.orgUnitId === null || !jsUnitIds.has(e.orgUnitId))).toEqual([]);
  });
});
