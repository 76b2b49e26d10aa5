// Bad input on every identity/audit route with a body, params or a query: each gets a 4xx with the
// stable code and the offending field named, and the database is exactly as before.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/modules/identity/domain/mfa.ts';
import { demoId } from '../../src/seed/demo.ts';
import { badQuery as query, bodyCases, runCases, type BodyRoute, type Case } from '../bad-input.ts';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

let s: TestServer;
let admin: { authorization: string };
/** A user with a second factor (the signed-in MFA routes' bad input must not count against it). */
const MFA_USER = 'dispatcher';
let mfaUser: { authorization: string };
/** MFA_USER's live sign-in challenge: a bad code step that got through would use it up. */
let challenge = '';
/** Well-formed, but no sign-in issued it. */
const UNKNOWN_CHALLENGE = `opc_${'A'.repeat(43)}`;

const unit = (code: string) => demoId('org', code);
const userId = (login: string) => demoId('user', login);
const group = (code: string) => demoId('skill', code);

const BODY_ROUTES: BodyRoute[] = [
  {
    method: 'POST',
    url: '/api/v1/auth/login',
    anonymous: true,
    valid: { login: 'agent', password: DEMO_PASSWORD },
    fields: [
      { name: 'login', kind: 'string', required: true, max: 64 },
      { name: 'password', kind: 'password', required: true, max: 128 },
    ],
  },
  {
    method: 'POST',
    url: '/api/v1/auth/password',
    // A wrong current password: the base request must not change anything even if it gets through.
    valid: { currentPassword: 'not-my-password-1', newPassword: 'another-pass-9' },
    fields: [
      { name: 'currentPassword', kind: 'password', required: true, max: 128 },
      { name: 'newPassword', kind: 'password', required: true, max: 128 },
    ],
  },
  {
    method: 'POST',
    url: '/api/v1/org-units',
    valid: {
      parentId: unit('CT.JS.NJ'),
      code: 'CT.JS.NJ.GL',
      name: '鼓楼区营业部',
      nameEn: 'Gulou',
      level: 'district',
      kind: 'administrative',
      timeZone: 'Asia/Shanghai',
    },
    fields: [
      { name: 'parentId', kind: 'uuid', required: true },
      { name: 'code', kind: 'string', required: true, max: 64 },
      { name: 'name', kind: 'string', required: true, max: 100 },
      { name: 'nameEn', kind: 'string', max: 100 },
      { name: 'level', kind: 'enum', required: true },
      { name: 'kind', kind: 'enum', required: true },
      { name: 'timeZone', kind: 'string', max: 64 },
    ],
  },
  {
    method: 'PATCH',
    url: `/api/v1/org-units/${unit('CT.JS.SZ')}`,
    valid: {
      name: '苏州',
      nameEn: 'Suzhou',
      active: true,
      parentId: unit('CT.JS'),
      timeZone: 'UTC',
      version: 1,
    },
    fields: [
      { name: 'name', kind: 'string', max: 100 },
      { name: 'nameEn', kind: 'string', max: 100 },
      { name: 'active', kind: 'boolean' },
      { name: 'parentId', kind: 'uuid' },
      { name: 'timeZone', kind: 'string', max: 64 },
      { name: 'version', kind: 'number', required: true },
    ],
  },
  {
    method: 'POST',
    url: '/api/v1/users',
    valid: {
      login: 'new.agent',
      displayName: '新坐席',
      orgUnitId: unit('CT.JS.10000'),
      roles: ['agent'],
      password: 'new-staff-pass-1',
      email: 'new.agent@example.com',
      employeeNo: 'E90001',
      supportLine: 1,
    },
    fields: [
      { name: 'login', kind: 'string', required: true, max: 64 },
      { name: 'displayName', kind: 'string', required: true, max: 100 },
      { name: 'orgUnitId', kind: 'uuid', required: true },
      { name: 'roles', kind: 'array', required: true },
      { name: 'password', kind: 'password', required: true, max: 128 },
      { name: 'email', kind: 'string', max: 254 },
      { name: 'employeeNo', kind: 'string', max: 32 },
      { name: 'supportLine', kind: 'number' },
    ],
  },
  {
    method: 'PATCH',
    url: `/api/v1/users/${userId('staff005')}`,
    valid: {
      displayName: '改名',
      orgUnitId: unit('CT.JS.10000'),
      roles: ['agent'],
      status: 'active',
      email: 'x.y@example.com',
      employeeNo: 'E1',
      supportLine: 2,
      version: 1,
    },
    fields: [
      { name: 'displayName', kind: 'string', max: 100 },
      { name: 'orgUnitId', kind: 'uuid' },
      { name: 'roles', kind: 'array' },
      { name: 'status', kind: 'enum' },
      { name: 'email', kind: 'string', max: 254 },
      { name: 'employeeNo', kind: 'string', max: 32 },
      { name: 'supportLine', kind: 'number' },
      { name: 'version', kind: 'number', required: true },
    ],
  },
  {
    method: 'POST',
    url: `/api/v1/users/${userId('staff005')}/password`,
    valid: { password: 'reset-pass-77' },
    fields: [{ name: 'password', kind: 'password', required: true, max: 128 }],
  },
  {
    method: 'POST',
    url: '/api/v1/roles',
    valid: { code: 'night_shift', name: '夜班', nameEn: 'Night shift', permissions: ['org.read'] },
    fields: [
      { name: 'code', kind: 'string', required: true, max: 41 },
      { name: 'name', kind: 'string', required: true, max: 100 },
      { name: 'nameEn', kind: 'string', required: true, max: 100 },
      { name: 'permissions', kind: 'array', required: true },
    ],
  },
  {
    method: 'PATCH',
    url: '/api/v1/roles/custom_role',
    valid: { name: '夜班', nameEn: 'Night', permissions: ['org.read'], version: 1 },
    fields: [
      { name: 'name', kind: 'string', max: 100 },
      { name: 'nameEn', kind: 'string', max: 100 },
      { name: 'permissions', kind: 'array' },
      { name: 'version', kind: 'number', required: true },
    ],
  },
  {
    method: 'POST',
    url: '/api/v1/skill-groups',
    valid: {
      code: 'JS.NEW',
      name: '新组',
      nameEn: 'New',
      orgUnitId: unit('CT.JS.10000'),
      description: '说明',
      skills: ['fault'],
    },
    fields: [
      { name: 'code', kind: 'string', required: true, max: 64 },
      { name: 'name', kind: 'string', required: true, max: 100 },
      { name: 'nameEn', kind: 'string', max: 100 },
      { name: 'orgUnitId', kind: 'uuid', required: true },
      { name: 'description', kind: 'string', max: 1000 },
      { name: 'skills', kind: 'array' },
    ],
  },
  {
    method: 'PATCH',
    url: `/api/v1/skill-groups/${group('JS.VIP')}`,
    valid: {
      name: '政企',
      nameEn: 'VIP',
      orgUnitId: unit('CT.JS.10000'),
      description: 'd',
      skills: ['vip'],
      active: true,
      version: 1,
    },
    fields: [
      { name: 'name', kind: 'string', max: 100 },
      { name: 'nameEn', kind: 'string', max: 100 },
      { name: 'orgUnitId', kind: 'uuid' },
      { name: 'description', kind: 'string', max: 1000 },
      { name: 'skills', kind: 'array' },
      { name: 'active', kind: 'boolean' },
      { name: 'version', kind: 'number', required: true },
    ],
  },
  {
    method: 'PUT',
    url: `/api/v1/skill-groups/${group('JS.VIP')}/members`,
    valid: { members: [{ userId: userId('agent'), proficiency: 3 }] },
    fields: [{ name: 'members', kind: 'array', required: true }],
  },
  {
    method: 'POST',
    url: '/api/v1/api-tokens',
    valid: { userId: userId('staff006'), name: 'OSS link', expiresAt: '2099-01-01T00:00:00Z' },
    fields: [
      { name: 'userId', kind: 'uuid', required: true },
      { name: 'name', kind: 'string', required: true, max: 100 },
      { name: 'expiresAt', kind: 'datetime' },
    ],
  },
];

const validBody = (method: string, url: string) =>
  BODY_ROUTES.find((r) => r.method === method && r.url === url)!.valid;

/** The second-factor routes with a body (mfa.routes.ts); built late: they carry a live challenge. */
const mfaBodyRoutes = (): BodyRoute[] => {
  const challengeField = { name: 'challenge', kind: 'string', required: true, max: 47 } as const;
  const codeField = { name: 'code', kind: 'string', required: true, max: 20 } as const;
  return [
    {
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      anonymous: true,
      valid: { challenge, code: '123456' },
      fields: [challengeField, codeField],
    },
    {
      method: 'POST',
      url: '/api/v1/auth/login/mfa/recovery',
      anonymous: true,
      valid: { challenge, recoveryCode: 'abcd-efgh-jkmn-pqrs' },
      fields: [challengeField, { name: 'recoveryCode', kind: 'string', required: true, max: 40 }],
    },
    {
      method: 'POST',
      url: '/api/v1/auth/login/mfa/enrolment',
      anonymous: true,
      valid: { challenge: UNKNOWN_CHALLENGE },
      fields: [challengeField],
    },
    {
      method: 'POST',
      url: '/api/v1/auth/login/mfa/enrolment/confirm',
      anonymous: true,
      valid: { challenge: UNKNOWN_CHALLENGE, code: '123456' },
      fields: [challengeField, codeField],
    },
    // Signed in (as admin, whose enrolment is pending: a wrong code that got through would count).
    {
      method: 'POST',
      url: '/api/v1/auth/mfa/enrolment/confirm',
      valid: { code: '123456' },
      fields: [codeField],
    },
    // As MFA_USER (enrolled): a wrong code or password that got through would count against them.
    {
      method: 'POST',
      url: '/api/v1/auth/mfa/recovery-codes',
      valid: { code: '123456' },
      fields: [
        { name: 'code', kind: 'string', max: 20 },
        { name: 'password', kind: 'password', max: 128 },
      ],
    },
  ];
};

/** Challenges that are not one the sign-in step issues: refused as input, naming the field. */
const badChallengeCases = (): Case[] =>
  [
    ['no prefix', 'A'.repeat(47)],
    ['one character short', challenge.slice(0, -1)],
    ['one character long', `${challenge}A`],
    ['characters outside base64url', `opc_${'+/='.repeat(14)}A`],
    ['spaces around it', ` ${challenge} `],
    ['another prefix', challenge.replace(/^opc_/, 'ops_')],
    ['a session token', `ops_${'A'.repeat(43)}`],
    ['oversized', `opc_${'A'.repeat(100_000)}`],
    ['empty', ''],
  ].flatMap(([what, bad]) =>
    [
      '/api/v1/auth/login/mfa',
      '/api/v1/auth/login/mfa/recovery',
      '/api/v1/auth/login/mfa/enrolment/confirm',
    ].map((url): Case => ({
      what: `challenge: ${what}`,
      req: {
        method: 'POST',
        url,
        payload: url.endsWith('/recovery')
          ? { challenge: bad, recoveryCode: 'abcd-efgh-jkmn-pqrs' }
          : { challenge: bad, code: '123456' },
      },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'body.challenge',
    })),
  );

/** Bodies on the body-less POST /auth/mfa/enrolment: refused, not ignored. */
const enrolmentStartCases = (): Case[] => [
  {
    what: 'an unknown field',
    req: { method: 'POST', url: '/api/v1/auth/mfa/enrolment', payload: { secret: 'JBSWY3DPEHPK3PXP' } },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body',
  },
  {
    what: 'a JSON array',
    req: { method: 'POST', url: '/api/v1/auth/mfa/enrolment', payload: [] as unknown as object },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body',
  },
];

const PARAM_CASES: Case[] = [
  ...['GET', 'PATCH'].flatMap((method) =>
    ['not-a-uuid', '1', "1' or '1'='1", '00000000-0000-0000-0000-00000000000g'].map((id) => ({
      what: `org unit id ${id}`,
      req: {
        method,
        url: `/api/v1/org-units/${encodeURIComponent(id)}`,
        payload: method === 'GET' ? undefined : { name: 'x', version: 1 },
      } as InjectOptions,
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'params.id',
    })),
  ),
  ...[
    { method: 'GET', url: '/api/v1/users/x' },
    { method: 'PATCH', url: '/api/v1/users/x', payload: { displayName: 'x', version: 1 } },
    { method: 'POST', url: '/api/v1/users/x/password', payload: { password: 'whatever-1' } },
    { method: 'GET', url: '/api/v1/skill-groups/x' },
    { method: 'PATCH', url: '/api/v1/skill-groups/x', payload: { name: 'x', version: 1 } },
    { method: 'GET', url: '/api/v1/skill-groups/x/members' },
    { method: 'PUT', url: '/api/v1/skill-groups/x/members', payload: { members: [] } },
    { method: 'DELETE', url: '/api/v1/api-tokens/x' },
    { method: 'DELETE', url: '/api/v1/users/x/mfa' },
    { method: 'DELETE', url: "/api/v1/users/1'%20or%20'1'%3D'1/mfa" },
  ].map((req) => ({
    what: `${req.method} ${req.url}`,
    req: req as InjectOptions,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'params.id',
  })),
  {
    what: 'role code with upper case and symbols',
    req: { method: 'PATCH', url: "/api/v1/roles/Admin';--", payload: { name: 'x', version: 1 } },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'params.code',
  },
];

const QUERY_CASES: Case[] = [
  query('/api/v1/users?limit=0', 'querystring.limit'),
  query('/api/v1/users?limit=201', 'querystring.limit'),
  query('/api/v1/users?limit=ten', 'querystring.limit'),
  query('/api/v1/users?limit=1.5', 'querystring.limit'),
  query('/api/v1/users?status=deleted', 'querystring.status'),
  query('/api/v1/users?orgUnitId=CT.JS', 'querystring.orgUnitId'),
  query('/api/v1/users?role=ADMIN%20OR%201%3D1', 'querystring.role'),
  query(`/api/v1/users?q=${'x'.repeat(101)}`, 'querystring.q'),
  query('/api/v1/users?cursor=bm90LWEtY3Vyc29y', 'querystring.cursor'),
  query('/api/v1/users?page=2', 'querystring'),
  query('/api/v1/skill-groups?orgUnitId=1', 'querystring.orgUnitId'),
  query('/api/v1/api-tokens?userId=admin', 'querystring.userId'),
  query('/api/v1/audit-log?before=abc', 'querystring.before'),
  query('/api/v1/audit-log?before=0', 'querystring.before'),
  query('/api/v1/audit-log?actorId=admin', 'querystring.actorId'),
  query('/api/v1/audit-log?limit=1000', 'querystring.limit'),
  query(`/api/v1/audit-log?action=${'a'.repeat(101)}`, 'querystring.action'),
  query('/api/v1/audit-log?sort=asc', 'querystring'),
];

/** Everything the identity module and the audit log hold, to prove a refused request changed nothing. */
async function snapshot() {
  const db = s.ctx.db;
  return {
    org_units: await db.selectFrom('org_units').selectAll().orderBy('id').execute(),
    users: await db.selectFrom('users').selectAll().orderBy('id').execute(),
    user_roles: await db
      .selectFrom('user_roles')
      .selectAll()
      .orderBy('user_id')
      .orderBy('role_code')
      .execute(),
    roles: await db.selectFrom('roles').selectAll().orderBy('code').execute(),
    sessions: await db.selectFrom('sessions').selectAll().orderBy('id').execute(),
    api_tokens: await db.selectFrom('api_tokens').selectAll().orderBy('id').execute(),
    skill_groups: await db.selectFrom('skill_groups').selectAll().orderBy('id').execute(),
    skill_group_members: await db
      .selectFrom('skill_group_members')
      .selectAll()
      .orderBy('skill_group_id')
      .orderBy('user_id')
      .execute(),
    // The second factor: enrolments, failed-code counts and locks, recovery codes, sign-in steps.
    user_mfa: await db.selectFrom('user_mfa').selectAll().orderBy('user_id').execute(),
    user_mfa_recovery_codes: await db
      .selectFrom('user_mfa_recovery_codes')
      .selectAll()
      .orderBy('user_id')
      .orderBy('code_hash')
      .execute(),
    login_challenges: await db.selectFrom('login_challenges').selectAll().orderBy('id').execute(),
    audit_log: await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq').execute(),
  };
}

/** A fresh sign-in step for MFA_USER (signing in ends the older one). */
async function newChallenge(): Promise<string> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { login: MFA_USER, password: DEMO_PASSWORD },
  });
  expect(res.json()).toMatchObject({ status: 'mfa_required' });
  return res.json().challenge as string;
}

beforeAll(async () => {
  s = await createTestServer();
  admin = await s.as('admin');
  const role = await s.app.inject({
    method: 'POST',
    url: '/api/v1/roles',
    headers: admin,
    payload: { code: 'custom_role', name: '自定义', nameEn: 'Custom', permissions: ['org.read'] },
  });
  expect(role.statusCode).toBe(201);
  // MFA_USER enrols a second factor; admin starts an enrolment and leaves it pending.
  mfaUser = await s.as(MFA_USER);
  const started = await s.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/enrolment', headers: mfaUser });
  const confirmed = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/mfa/enrolment/confirm',
    headers: mfaUser,
    payload: { code: totpCode(started.json().secret, new Date()) },
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  const pending = await s.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/enrolment', headers: admin });
  expect(pending.statusCode, pending.body).toBe(200);
  challenge = await newChallenge();
});
afterAll(async () => {
  await s?.close();
});

describe(`bad input (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('the valid requests the cases are derived from are themselves accepted (shape-wise)', async () => {
    // Each base body passes validation: whatever answer it gets (zj.agent may change none of these
    // objects), it is not a 400 — so each derived case fails for the one reason it was made for.
    for (const r of [...BODY_ROUTES, ...mfaBodyRoutes()]) {
      const res = await s.app.inject({
        method: r.method,
        url: r.url,
        payload: r.valid,
        headers: r.anonymous ? {} : await s.as('zj.agent'),
      });
      expect([200, 401, 403, 404, 409, 422], `${r.method} ${r.url} ${res.body}`).toContain(res.statusCode);
    }
  });

  it('refuses wrong types, missing and unknown fields, oversize strings and bodies, non-JSON — naming the field, changing nothing', async () => {
    // The challenge the valid bodies carry is live again (the test above used up the last one).
    challenge = await newChallenge();
    const before = await snapshot();
    const routes = [...BODY_ROUTES, ...mfaBodyRoutes()];
    const anonymous = new Set(routes.filter((r) => r.anonymous).map((r) => r.url));
    const cases = [
      ...routes.flatMap(bodyCases),
      ...badChallengeCases(),
      ...enrolmentStartCases(),
      ...PARAM_CASES,
      ...QUERY_CASES,
    ];
    const count = cases.length;
    const { problems } = await runCases(s.app, cases, (c) =>
      anonymous.has(String(c.req.url))
        ? {}
        : String(c.req.url).endsWith('/auth/mfa/recovery-codes')
          ? mfaUser
          : admin,
    );
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(450);
    expect(await snapshot()).toEqual(before);
  });

  it('names unknown fields in the message and the details', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { ...validBody('POST', '/api/v1/users'), isAdmin: true, role: 'admin' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/isAdmin/);
    expect(res.json().details.fields[0].keys.sort()).toEqual(['isAdmin', 'role']);
  });

  it('refuses nested bad input with the full path of the field', async () => {
    const before = await snapshot();
    const cases: Array<[unknown, string]> = [
      [{ members: [{ userId: userId('agent'), proficiency: 6 }] }, 'body.members.0.proficiency'],
      [{ members: [{ userId: userId('agent'), proficiency: 0 }] }, 'body.members.0.proficiency'],
      [{ members: [{ userId: userId('agent'), proficiency: 2.5 }] }, 'body.members.0.proficiency'],
      [{ members: [{ userId: 'agent', proficiency: 3 }] }, 'body.members.0.userId'],
      [{ members: [{ userId: userId('agent'), proficiency: 3, role: 'lead' }] }, 'body.members.0'],
      [
        {
          members: [
            { userId: userId('agent'), proficiency: 3 },
            { userId: userId('agent'), proficiency: 4 },
          ],
        },
        'body.members',
      ],
    ];
    for (const [payload, field] of cases) {
      const res = await s.app.inject({
        method: 'PUT',
        url: `/api/v1/skill-groups/${group('JS.VIP')}/members`,
        headers: admin,
        payload: payload as object,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const users = [
      [{ roles: ['agent', 'agent'] }, 'body.roles'],
      [{ roles: ['Agent!'] }, 'body.roles.0'],
      [{ login: 'UPPER CASE' }, 'body.login'],
      [{ login: "x'; drop table users; --" }, 'body.login'],
      [{ email: 'not-an-email' }, 'body.email'],
      [{ supportLine: 4 }, 'body.supportLine'],
      [{ displayName: '   ' }, 'body.displayName'],
    ] as const;
    for (const [patch, field] of users) {
      const res = await s.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin,
        payload: { ...validBody('POST', '/api/v1/users'), ...patch },
      });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const units = [
      [{ kind: 'functional' }, 'body.functionType'],
      [{ functionType: 'hotline_centre' }, 'body.functionType'],
      [{ timeZone: 'Mars/Olympus' }, 'body.timeZone'],
      [{ code: 'has space' }, 'body.code'],
      [{ level: 'galaxy' }, 'body.level'],
    ] as const;
    for (const [patch, field] of units) {
      const res = await s.app.inject({
        method: 'POST',
        url: '/api/v1/org-units',
        headers: admin,
        payload: { ...validBody('POST', '/api/v1/org-units'), ...patch },
      });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    // A PATCH with nothing but the version says so instead of silently doing nothing.
    const empty = await s.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${userId('staff005')}`,
      headers: admin,
      payload: { version: 1 },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toMatch(/nothing to change/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses rule-breaking input that is well-formed, naming the field, changing nothing', async () => {
    const before = await snapshot();
    const cases: Array<{ req: InjectOptions; status: number; code: string; field?: string }> = [
      // Password policy (domain/password-policy.ts): too short, letters only.
      {
        req: {
          method: 'POST',
          url: '/api/v1/users',
          payload: { ...validBody('POST', '/api/v1/users'), password: 'short1' },
        },
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'body.password',
      },
      {
        req: {
          method: 'POST',
          url: `/api/v1/users/${userId('staff005')}/password`,
          payload: { password: 'onlyletters' },
        },
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'body.password',
      },
      {
        req: {
          method: 'POST',
          url: '/api/v1/roles',
          payload: { ...validBody('POST', '/api/v1/roles'), permissions: ['org.read', 'god.mode'] },
        },
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'body.permissions.1',
      },
      {
        req: {
          method: 'POST',
          url: '/api/v1/users',
          payload: { ...validBody('POST', '/api/v1/users'), roles: ['agent', 'wizard'] },
        },
        status: 422,
        code: 'UNPROCESSABLE',
        field: 'body.roles',
      },
      {
        req: {
          method: 'POST',
          url: '/api/v1/users',
          payload: { ...validBody('POST', '/api/v1/users'), login: 'agent' },
        },
        status: 409,
        code: 'CONFLICT',
        field: 'body.login',
      },
      {
        req: {
          method: 'POST',
          url: '/api/v1/org-units',
          payload: { ...validBody('POST', '/api/v1/org-units'), code: 'CT.JS.NJ' },
        },
        status: 409,
        code: 'CONFLICT',
        field: 'body.code',
      },
      {
        req: {
          method: 'POST',
          url: '/api/v1/org-units',
          payload: { ...validBody('POST', '/api/v1/org-units'), level: 'city' },
        },
        status: 422,
        code: 'UNPROCESSABLE',
        field: 'body.level',
      },
      {
        req: {
          method: 'POST',
          url: '/api/v1/api-tokens',
          payload: { ...validBody('POST', '/api/v1/api-tokens'), expiresAt: '2001-01-01T00:00:00Z' },
        },
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'body.expiresAt',
      },
      {
        req: { method: 'PATCH', url: '/api/v1/roles/admin', payload: { name: '超级', version: 1 } },
        status: 422,
        code: 'UNPROCESSABLE',
      },
      {
        req: { method: 'GET', url: `/api/v1/org-units/${demoId('org', 'missing')}` },
        status: 404,
        code: 'NOT_FOUND',
      },
    ];
    for (const c of cases) {
      const res = await s.app.inject({ ...c.req, headers: admin });
      expect(res.statusCode, `${c.req.url} ${res.body}`).toBe(c.status);
      expect(res.json().code).toBe(c.code);
      if (c.field)
        expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(c.field);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('SQL-looking input is stored literally and is harmless', () => {
  const evil = [
    "Robert'); DROP TABLE users;--",
    "' OR '1'='1",
    '"; DELETE FROM audit_log; --',
    '%_\\ 1=1 /* */',
  ];

  it('stores and returns the exact text, and every table is still there', async () => {
    const unitRes = await s.app.inject({
      method: 'POST',
      url: '/api/v1/org-units',
      headers: admin,
      payload: {
        parentId: unit('CT.JS.NJ'),
        code: 'CT.JS.NJ.EVIL',
        name: evil[0],
        nameEn: evil[1],
        level: 'district',
        kind: 'administrative',
      },
    });
    expect(unitRes.statusCode).toBe(201);
    const created = unitRes.json();
    const got = (
      await s.app.inject({ method: 'GET', url: `/api/v1/org-units/${created.id}`, headers: admin })
    ).json();
    expect([got.name, got.nameEn]).toEqual([evil[0], evil[1]]);

    const userRes = await s.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: {
        login: 'bobby.tables',
        displayName: evil[2],
        orgUnitId: created.id,
        roles: ['agent'],
        password: "pa'ss--word1",
      },
    });
    expect(userRes.statusCode).toBe(201);
    expect(userRes.json().displayName).toBe(evil[2]);
    const groupRes = await s.app.inject({
      method: 'POST',
      url: '/api/v1/skill-groups',
      headers: admin,
      payload: { code: 'EVIL.GROUP', name: evil[3], description: evil.join('\n'), orgUnitId: created.id },
    });
    expect(groupRes.statusCode).toBe(201);
    expect(groupRes.json().description).toBe(evil.join('\n'));

    // The user signs in with the quote-laden password: it was hashed, not spliced into SQL.
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'bobby.tables', password: "pa'ss--word1" },
    });
    expect(login.statusCode).toBe(200);
    const counts = await s.ctx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBeGreaterThan(50);
    expect(
      (await s.app.inject({ method: 'GET', url: '/api/v1/audit-log?limit=5', headers: admin })).json().items
        .length,
    ).toBe(5);
  });

  it('search terms match literally: quotes and LIKE wildcards find only what contains them', async () => {
    const search = async (q: string) =>
      (
        await s.app.inject({
          method: 'GET',
          url: `/api/v1/users?limit=200&q=${encodeURIComponent(q)}`,
          headers: admin,
        })
      )
        .json()
        .items.map((u: { login: string }) => u.login);
    expect(await search("' OR 1=1 --")).toEqual([]);
    expect(await search('%')).toEqual([]);
    // '_' is literal, not "any character": only the display name containing audit_log matches.
    expect(await search('_')).toEqual(['bobby.tables']);
    expect(await search('DELETE FROM')).toEqual(['bobby.tables']);
    expect(await search('staff01')).toEqual([
      'staff010',
      'staff011',
      'staff012',
      'staff013',
      'staff014',
      'staff015',
      'staff016',
      'staff017',
      'staff018',
      'staff019',
    ]);
  });
});
