// Reveal rules (issue 9, Found 6): a reason in real words, a per-user daily cap on the China
// calendar with an alert to the security administrator, and reveal reasons only for audit.read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
// 23:00 in Beijing: the next China day starts an hour later.
let now = new Date('2026-12-07T15:00:00Z');
const CAP = 3;
beforeAll(async () => {
  s = await createTestServer({
    env: { ONEPOINT_REVEAL_DAILY_CAP: String(CAP) },
    clock: { now: () => new Date(now) },
  });
});
afterAll(async () => {
  await s?.close();
});

async function call(login: string, method: 'GET' | 'POST', url: string, payload?: object) {
  return s.app.inject({ method, url, headers: await s.as(login), ...(payload ? { payload } : {}) });
}

let customerId: string;
const reveal = (login: string, reason: string, field = 'phone') =>
  call(login, 'POST', `/api/v1/customers/${customerId}/reveal`, { field, reason });
const auditCount = async (action: string) =>
  Number(
    (
      await s.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('action', '=', action)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`reveal rules (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  beforeAll(async () => {
    const list = await call('supervisor', 'GET', '/api/v1/customers?limit=1&kind=individual');
    customerId = list.json().items[0].id;
  });

  it('refuses reasons that say nothing (xxxx, 123, repeats), before anything is read or audited', async () => {
    for (const reason of [
      'xxxx',
      '123',
      '1234567',
      'aaaaaa',
      '好好好好好',
      'test test test',
      '查看一下'.slice(0, 2),
    ]) {
      const res = await reveal('supervisor', reason);
      expect(res.statusCode, reason).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().details.fields[0].field).toBe('body.reason');
      expect(res.json().message).toMatch(/a few real words|at least 4 characters/);
    }
    expect(await auditCount('customer.pii_reveal')).toBe(0);
    // Chinese counts characters, other languages words.
    expect((await reveal('supervisor', '客户来电核实身份')).statusCode).toBe(200);
    expect((await reveal('supervisor', 'customer confirms billing address', 'address')).statusCode).toBe(200);
  });

  it('caps reveals per user per China day: the next one is refused, audited, and alerts the security administrator', async () => {
    expect((await reveal('supervisor', '核对客户地址', 'address')).statusCode).toBe(200);
    // That was the third today (CAP = 3).
    const refused = await reveal('supervisor', '核对客户号码');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(refused.json().details).toEqual({ dailyCap: CAP });
    expect(refused.body).not.toMatch(/\d{11}/);
    expect(await auditCount('customer.pii_reveal')).toBe(CAP);
    expect(await auditCount('customer.pii_reveal_refused')).toBe(1);
    const alerts = await s.ctx.db
      .selectFrom('security_alerts')
      .selectAll()
      .where('kind', '=', 'reveal.cap')
      .execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ user_id: expect.any(String), state: 'open', occurrences: 1 });
    expect(alerts[0]!.summary).toMatch(/daily cap of 3/);
    // Another try counts up the same alert; another user is not affected.
    expect((await reveal('supervisor', '核对客户号码')).statusCode).toBe(429);
    const again = await s.ctx.db
      .selectFrom('security_alerts')
      .selectAll()
      .where('kind', '=', 'reveal.cap')
      .execute();
    expect(again.map((a) => a.occurrences)).toEqual([2]);
    // At midnight in Beijing (16:00 UTC) the count starts again.
    now = new Date('2026-12-07T16:00:01Z');
    expect((await reveal('supervisor', '核对客户号码')).statusCode).toBe(200);
  });

  it('shows reveal entries (with their reasons) in the 360 history only to holders of audit.read', async () => {
    const history = async (login: string) => {
      const res = await call(login, 'GET', `/api/v1/customers/${customerId}/360`);
      expect(res.statusCode, login).toBe(200);
      return res.json().recentHistory as Array<{ action: string; details: Record<string, unknown> }>;
    };
    const agent = await history('agent');
    expect(agent.some((h) => h.action.startsWith('customer.pii_reveal'))).toBe(false);
    expect(JSON.stringify(agent)).not.toContain('核对客户');
    // The supervisor reads its team's audit log (audit.read): it sees who revealed what, and why.
    const lead = await history('supervisor');
    expect(lead.filter((h) => h.action === 'customer.pii_reveal').map((h) => h.details.reason)).toContain(
      '客户来电核实身份',
    );
    expect(lead.some((h) => h.action === 'customer.pii_reveal_refused')).toBe(true);
  });
});
