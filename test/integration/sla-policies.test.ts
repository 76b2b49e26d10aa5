// The policy matrix through the API: the seeded rows listed, the policy check (the row that applies
// per target and why, deadlines on their calendars from a Friday-evening fault, urban vs rural,
// a contract row over the 物流E通 product row, customer-caused pauses), bad input refused.
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
