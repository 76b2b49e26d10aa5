// Name search when a term is frequent (more candidates than the index-first path takes): the
// agent still gets the newest matches of their own province, and a rare exact name still comes first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertPrepared,
  nextCustomerNumbers,
  prepareCustomer,
} from '../../src/modules/customers/customers.bulk.ts';
import { planDemoCustomers, resolveAreas } from '../../src/modules/customers/customers.demo.ts';
import { NAME_CANDIDATE_CAP } from '../../src/modules/customers/customers.repository.ts';
import { vaultFor } from '../../src/modules/customers/index.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
const SURNAME = '欧阳';
const PER_PROVINCE = Math.ceil((NAME_CANDIDATE_CAP + 200) / 2);

beforeAll(async () => {
  s = await createTestServer();
  const db = s.ctx.db;
  const areas = await resolveAreas(db);
  const nanjing = areas.find((a) => a.city === '南京市')!;
  const hangzhou = areas.find((a) => a.city === '杭州市')!;
  const vault = vaultFor(s.ctx.config);
  // Alternate the provinces so the newest customers overall mix both.
  const inputs = [nanjing, hangzhou].flatMap((area, k) =>
    planDemoCustomers([area], {
      consumers: PER_PROVINCE,
      enterprisesPerTier: 0,
      seed: 5 + k,
      startIndex: 900_000 + k * 10_000,
    }),
  );
  const interleaved = inputs
    .slice(0, PER_PROVINCE)
    .flatMap((c, i) => [c, inputs[PER_PROVINCE + i]!])
    .map((c, i) => ({ ...c, name: `${SURNAME}${String.fromCodePoint(0x4e00 + (i % 500))}${'明'}` }));
  await db.transaction().execute(async (trx) => {
    const numbers = await nextCustomerNumbers(trx, interleaved.length);
    await insertPrepared(
      trx,
      interleaved.map((c, i) => prepareCustomer(vault, c, numbers[i]!)),
    );
  });
}, 120_000);
afterAll(async () => {
  await s?.close();
});

async function search(q: string, login: string, limit = 20) {
  const res = await s.app.inject({
    method: 'GET',
    url: `/api/v1/customers/search?q=${encodeURIComponent(q)}&limit=${limit}`,
    headers: await s.as(login),
  });
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: Array<{ id: string; name: string; orgUnitId: string }> }).items;
}

async function newestInProvince(provinceCode: string, limit: number) {
  const rows = await s.ctx.db
    .selectFrom('customers as c')
    .innerJoin('org_units as o', 'o.id', 'c.org_unit_id')
    .select('c.id')
    .where('c.name', 'like', `${SURNAME}%`)
    .where('o.code', 'like', `${provinceCode}%`)
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

describe('name search with a frequent term', () => {
  it('has more matches than the index-first path takes (the test would be vacuous otherwise)', async () => {
    const { n } = await s.ctx.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('name', 'like', `${SURNAME}%`)
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBeGreaterThan(NAME_CANDIDATE_CAP);
  });

  it('returns the newest matches in the caller’s province only', async () => {
    const js = await search(SURNAME, 'agent');
    expect(js.map((c) => c.id)).toEqual(await newestInProvince('CT.JS', 20));
    const zj = await search(SURNAME, 'zj.agent', 50);
    expect(zj.map((c) => c.id)).toEqual(await newestInProvince('CT.ZJ', 50));
  });

  it('finds a rare full name among them, exact match first', async () => {
    const [target] = await newestInProvince('CT.JS', 1);
    const { name } = await s.ctx.db
      .selectFrom('customers')
      .select('name')
      .where('id', '=', target!)
      .executeTakeFirstOrThrow();
    const found = await search(name, 'agent');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.name).toBe(name);
    for (const c of found) expect(c.name).toContain(name);
  });
});
