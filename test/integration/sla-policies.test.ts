// The policy matrix through the API: the seeded rows listed, the policy check (the row that applies
// per target and why, deadlines on their calendars from a Friday-evening fault, urban vs rural,
// a contract row over the 物流E通 product row, customer-caused pauses), bad input refused.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyCases, fieldsFromOpenApi, runCases } from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1/sla';
let s: TestServer;
let sup: { authorization: string };

beforeAll(async () => {
  s = await createTestServer({ clock: { now: () => new Date('2026-12-07T10:00:00+08:00') } });
  sup = await s.as('supervisor');
});
afterAll(async () => {
  await s?.close();
});

const FRIDAY_EVENING = '2025-10-17T19:00:00+08:00';
const LOGISTICS = { productCode: 'app.logistics_et', productFamily: 'industry_app' };
const check = async (payload: Record<string, unknown>) => {
  const res = await s.app.inject({ method: 'POST', url: `${API}/policy-check`, payload, headers: sup });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  return {
    ...body,
    due: Object.fromEntries(
      body.deadlines.map((d: { type: string; at: string | null; row: string }) => [
        d.type,
        `${d.at} ${d.row}`,
      ]),
    ),
  };
};

describe(`SLA policy matrix (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('lists the seeded matrix in order; agents may not see it', async () => {
    const res = await s.app.inject({ method: 'GET', url: `${API}/policies`, headers: sup });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { code: string }[];
    expect(items[0]).toMatchObject({
      code: 'seed.logistics-et',
      level: 'product',
      match: { productCode: 'app.logistics_et', kind: 'fault' },
      targets: {
        feedback: { duration: '1wd', calendar: 'cn-workdays' },
        restoration: { duration: '3wd', calendar: 'cn-workdays' },
      },
    });
    expect(items.find((r) => r.code === 'reg.fault-repair-rural')).toMatchObject({
      level: 'kind',
      match: { kind: 'fault', locationClass: 'rural' },
      targets: { restoration: { duration: '72h', calendar: '24x7' } },
    });
    const agent = await s.as('agent');
    expect((await s.app.inject({ method: 'GET', url: `${API}/policies`, headers: agent })).statusCode).toBe(
      403,
    );
  });

  it('gives a Friday-evening fault its deadlines: 7×24 by tier and location, 物流E通 in working days', async () => {
    const urban = await check({
      kind: 'fault',
      tier: 'public',
      locationClass: 'urban',
      from: FRIDAY_EVENING,
    });
    expect(urban.due).toEqual({ restoration: '2025-10-19T19:00:00+08:00 reg.fault-repair' });
    const rural = await check({
      kind: 'fault',
      tier: 'public',
      locationClass: 'rural',
      from: FRIDAY_EVENING,
    });
    expect(rural.due).toEqual({ restoration: '2025-10-20T19:00:00+08:00 reg.fault-repair-rural' });

    const group = await check({ kind: 'fault', tier: 'group', ...LOGISTICS, from: FRIDAY_EVENING });
    expect(group.due).toEqual({
      response: '2025-10-17T19:15:00+08:00 tier.group.fault',
      feedback: '2025-10-20T19:00:00+08:00 seed.logistics-et',
      arrival: '2025-10-17T21:00:00+08:00 tier.group.fault',
      restoration: '2025-10-22T19:00:00+08:00 seed.logistics-et',
      progress: '2025-10-17T20:00:00+08:00 tier.group.fault',
    });
    expect(group.rows.map((r: { code: string }) => r.code)).toEqual([
      'seed.logistics-et',
      'tier.group.fault',
      'reg.fault-repair',
    ]);
    expect(group.explanation.find((e: string) => e.startsWith('restoration'))).toContain(
      'overrides tier.group.fault 4h',
    );
    // The same as codes and parameters, in the same order (the console words them).
    expect(group.reasons.map((r: { code: string }) => r.code)).toEqual([
      'rows_matching',
      ...group.explanation.slice(1).map(() => 'target_row'),
    ]);
    expect(
      group.reasons.find((r: { params: { target?: string } }) => r.params.target === 'restoration'),
    ).toEqual({
      code: 'target_row',
      params: {
        target: 'restoration',
        duration: '3wd',
        calendar: 'cn-workdays',
        counting: null,
        row: 'seed.logistics-et',
        level: 'product',
        tiedWith: null,
        overrides: [
          { row: 'tier.group.fault', duration: '4h' },
          { row: 'reg.fault-repair', duration: '48h' },
        ],
      },
    });
  });

  it('lets a contract row override the product row', async () => {
    const db = s.ctx.db;
    await db
      .insertInto('sla_policies')
      .values({
        code: 'contract.C-001',
        name: '某集团 SLA',
        source: 'contract C-001',
        position: 1,
        contract_id: 'C-001',
        kind: 'fault',
        targets: JSON.stringify({ restoration: { duration: '2h', calendar: '24x7' } }),
        created_at: new Date(),
        updated_at: new Date(),
      })
      .execute();
    try {
      const facts = { kind: 'fault', tier: 'group', ...LOGISTICS, from: FRIDAY_EVENING };
      expect((await check({ ...facts, contractId: 'C-001' })).due.restoration).toBe(
        '2025-10-17T21:00:00+08:00 contract.C-001',
      );
      expect((await check({ ...facts, contractId: 'C-002' })).due.restoration).toBe(
        '2025-10-22T19:00:00+08:00 seed.logistics-et',
      );
    } finally {
      await db.deleteFrom('sla_policies').where('code', '=', 'contract.C-001').execute();
    }
  });

  it('moves deadlines by customer-caused pauses only; an open one leaves no deadline', async () => {
    const base = { kind: 'fault', tier: 'public', from: '2025-10-13T09:00:00+08:00' };
    const pause = { from: '2025-10-13T12:00:00+08:00', to: '2025-10-13T15:00:00+08:00' };
    const customer = await check({ ...base, pauses: [{ ...pause, cause: 'customer' }] });
    expect(customer.deadlines[0]).toMatchObject({
      at: '2025-10-15T12:00:00+08:00',
      unpausedAt: '2025-10-15T09:00:00+08:00',
      pausedMinutes: 180,
      pauses: [{ from: '2025-10-13T12:00:00+08:00', to: '2025-10-13T15:00:00+08:00' }],
    });
    const ours = await check({ ...base, pauses: [{ ...pause, cause: 'operator' }] });
    expect(ours.deadlines[0]).toMatchObject({ at: '2025-10-15T09:00:00+08:00', pausedMinutes: 0 });
    const open = await check({ ...base, pauses: [{ from: pause.from, cause: 'customer' }] });
    expect(open.deadlines[0]).toMatchObject({ at: null, pausedMinutes: null });
  });

  it('refuses a pause spanning more than a calendar can count, naming the field (found by the fuzzer)', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: `${API}/policy-check`,
      headers: sup,
      payload: {
        kind: 'fault',
        tier: 'public',
        from: '2012-05-14T12:44:13Z',
        pauses: [{ from: '1993-11-13T03:34:16Z', to: '2156-02-29T03:48:06Z', cause: 'customer' }],
      },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'UNPROCESSABLE',
      details: { fields: [{ field: 'body.pauses' }] },
    });
  });

  it('counts a complaint answer in Civil-Code days and marks a 2027 deadline provisional', async () => {
    expect(
      (await check({ kind: 'complaint', tier: 'public', from: '2025-09-20T10:00:00+08:00' })).due,
    ).toEqual({ resolution: '2025-10-10T00:00:00+08:00 reg.complaint-answer' });
    const late = await check({ kind: 'complaint', tier: 'public', from: '2026-12-20T10:00:00+08:00' });
    expect(late).toMatchObject({ provisional: true, missingYears: [2027] });
  });

  it('refuses wrong types, missing and unknown fields, oversize strings — changing nothing', async () => {
    const doc = s.app.swagger();
    const routes = [
      {
        method: 'POST' as const,
        url: `${API}/policy-check`,
        valid: { kind: 'fault', tier: 'group', from: FRIDAY_EVENING },
        fields: fieldsFromOpenApi(doc, 'POST', `${API}/policy-check`),
      },
    ];
    const before = await s.ctx.db.selectFrom('sla_policies').selectAll().orderBy('code').execute();
    const { problems } = await runCases(s.app, routes.flatMap(bodyCases), () => sup);
    expect(problems).toEqual([]);
    expect(await s.ctx.db.selectFrom('sla_policies').selectAll().orderBy('code').execute()).toEqual(before);
  });
});

describe(`SLA policy changes (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  const CODE = 'family.industry_app.fault';
  const family = {
    code: CODE,
    name: '行业应用故障',
    source: 'test: a product family row',
    match: { productFamily: 'industry_app', kind: 'fault' },
    targets: {
      restoration: { duration: '5wd', calendar: 'cn-workdays' },
      arrival: { duration: '1wd', calendar: 'cn-office' },
    },
  };
  const groupFault = { kind: 'fault', tier: 'group', productFamily: 'industry_app', from: FRIDAY_EVENING };
  const db = () => s.ctx.db;
  const jobs = async () =>
    (
      await sql<{ data: { reason: string; policyCodes: string[] } }>`
        select data from pgboss.job where name = 'sla.recompute' order by created_on, id`.execute(db())
    ).rows.map((r) => r.data);
  const audit = () =>
    db()
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_type', '=', 'sla_policy')
      .orderBy('seq')
      .execute();
  const send = async (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object, headers = {}) =>
    s.app.inject({
      method,
      url: `${API}${url}`,
      ...(payload ? { payload } : {}),
      headers: { ...(await s.as('sysadmin')), ...headers },
    });

  it('adds, changes, deactivates and reactivates a row: the check follows, each change audited and announced', async () => {
    const created = await send('POST', '/policies', family);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.json()).toMatchObject({ code: CODE, level: 'family', active: true, version: 1 });
    // The family row beats the 集团级 tier row, whatever its limit; the tier row keeps what it alone sets.
    expect((await check(groupFault)).due).toMatchObject({
      restoration: `2025-10-24T19:00:00+08:00 ${CODE}`,
      arrival: `2025-10-20T17:30:00+08:00 ${CODE}`,
      response: '2025-10-17T19:15:00+08:00 tier.group.fault',
    });

    const changed = await send('PATCH', `/policies/${CODE}`, {
      targets: { restoration: { duration: '2h', calendar: '24x7' } },
      version: 1,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, targets: { restoration: { duration: '2h' } } });
    expect((await check(groupFault)).due).toMatchObject({
      restoration: `2025-10-17T21:00:00+08:00 ${CODE}`,
      arrival: '2025-10-17T21:00:00+08:00 tier.group.fault',
    });

    // A stale version (If-Match or body) is refused and changes nothing.
    const stale = await send('PATCH', `/policies/${CODE}`, { name: 'x' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', details: { currentVersion: 2 } });
    expect((await send('PATCH', `/policies/${CODE}`, { active: false, version: 1 })).statusCode).toBe(409);
    expect((await send('GET', `/policies/${CODE}`)).json()).toMatchObject({ name: family.name, version: 2 });

    // A new name changes no deadline: audited, not announced.
    const renamed = await send(
      'PATCH',
      `/policies/${CODE}`,
      { name: '行业应用(故障)' },
      { 'if-match': '"2"' },
    );
    expect(renamed.statusCode, renamed.body).toBe(200);

    const off = await send('PATCH', `/policies/${CODE}`, { active: false, version: 3 });
    expect(off.json()).toMatchObject({ active: false, version: 4 });
    expect((await check(groupFault)).due.restoration).toBe('2025-10-17T23:00:00+08:00 tier.group.fault');
    const listed = async (q = '') =>
      ((await send('GET', `/policies${q}`)).json().items as { code: string }[]).map((r) => r.code);
    expect(await listed()).not.toContain(CODE);
    expect(await listed('?includeInactive=true')).toContain(CODE);

    const on = await send('PATCH', `/policies/${CODE}`, { active: true }, { 'if-match': 'W/"4"' });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.headers.etag).toBe('"5"');
    expect((await check(groupFault)).due.restoration).toBe(`2025-10-17T21:00:00+08:00 ${CODE}`);

    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual([
      'sla.policy.create',
      'sla.policy.update',
      'sla.policy.update',
      'sla.policy.deactivate',
      'sla.policy.reactivate',
    ]);
    expect(entries[1]!.details).toMatchObject({
      before: { version: 1, targets: { restoration: { duration: '5wd', calendar: 'cn-workdays' } } },
      after: { version: 2, targets: { restoration: { duration: '2h', calendar: '24x7' } } },
    });
    expect(entries[3]!.details).toMatchObject({ before: { active: true }, after: { active: false } });
    expect(await jobs()).toEqual([
      { reason: `policy ${CODE} created`, policyCodes: [CODE] },
      { reason: `policy ${CODE} updated (version 2)`, policyCodes: [CODE] },
      { reason: `policy ${CODE} deactivated (version 4)`, policyCodes: [CODE] },
      { reason: `policy ${CODE} reactivated (version 5)`, policyCodes: [CODE] },
    ]);
  });

  it('refuses a row naming what does not exist, naming the field — nothing stored, audited or announced', async () => {
    const snapshot = async () => ({
      policies: await db().selectFrom('sla_policies').selectAll().orderBy('code').execute(),
      audit: (await audit()).length,
      jobs: (await jobs()).length,
    });
    const before = await snapshot();
    const row = { ...family, code: 'test.bad' };
    const withMatch = (match: object) => ({ ...row, match: { kind: 'fault', ...match } });
    const withTarget = (t: object) => ({ ...row, targets: { restoration: { calendar: '24x7', ...t } } });
    const cases: [object, number, string][] = [
      [withMatch({ productCode: 'no.such_product' }), 422, 'body.match.productCode'],
      [withMatch({ productFamily: 'bogus_family' }), 422, 'body.match.productFamily'],
      [withMatch({ ...LOGISTICS, productFamily: 'mobile' }), 422, 'body.match.productFamily'],
      [withMatch({ category: 'no_such_category' }), 422, 'body.match.category'],
      [withMatch({ category: 'suspend_resume' }), 422, 'body.match.category'],
      [withMatch({ kind: 'bogus' }), 400, 'body.match.kind'],
      [withMatch({ priority: 'whenever' }), 400, 'body.match.priority'],
      [withMatch({ tier: 'gold' }), 400, 'body.match.tier'],
      [withMatch({ locationClass: 'suburb' }), 400, 'body.match.locationClass'],
      [withTarget({ duration: '3 weeks' }), 400, 'body.targets.restoration.duration'],
      [withTarget({ duration: '0h' }), 400, 'body.targets.restoration.duration'],
      [withTarget({ duration: '48h', counting: 'civil-code' }), 400, 'body.targets.restoration.counting'],
      [
        withTarget({ duration: '48h', calendar: 'no-such-calendar' }),
        422,
        'body.targets.restoration.calendar',
      ],
      [
        { ...row, targets: { restoration: { duration: '4h', calendar: '24x7' }, eta: {} } },
        400,
        'body.targets',
      ],
      [{ ...row, targets: {} }, 400, 'body.targets'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await send('POST', '/policies', payload);
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(status);
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(res.json().message).toContain(field.replace(/^body\./, ''));
      // The same on a change of an existing row.
      const { code: _, name: __, source: ___, ...change } = payload as typeof row;
      const patched = await send('PATCH', '/policies/reg.fault-repair', change);
      expect(patched.statusCode, `${JSON.stringify(change)}: ${patched.body}`).toBe(status);
    }
    const taken = await send('POST', '/policies', { ...row, code: 'reg.fault-repair' });
    expect(taken.statusCode).toBe(409);
    expect((await send('PATCH', '/policies/no.such', { name: 'x' })).statusCode).toBe(404);

    const doc = s.app.swagger();
    const routes = [
      {
        method: 'POST' as const,
        url: `${API}/policies`,
        valid: row,
        fields: fieldsFromOpenApi(doc, 'POST', `${API}/policies`),
      },
      {
        method: 'PATCH' as const,
        url: `${API}/policies/reg.fault-repair`,
        valid: { name: 'x', version: 1 },
        fields: fieldsFromOpenApi(doc, 'PATCH', `${API}/policies/{code}`),
      },
    ];
    const sys = await s.as('sysadmin');
    const { problems } = await runCases(s.app, routes.flatMap(bodyCases), () => sys);
    expect(problems).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('lets only sla.policy.manage change the matrix: agents and supervisors are refused', async () => {
    for (const login of ['agent', 'supervisor']) {
      const headers = await s.as(login);
      const post = await s.app.inject({ method: 'POST', url: `${API}/policies`, payload: family, headers });
      expect(post.statusCode).toBe(403);
      const patch = await s.app.inject({
        method: 'PATCH',
        url: `${API}/policies/reg.fault-repair`,
        payload: { active: false },
        headers,
      });
      expect(patch.statusCode).toBe(403);
    }
    expect((await send('GET', '/policies/reg.fault-repair')).json()).toMatchObject({
      active: true,
      version: 1,
    });
  });
});
