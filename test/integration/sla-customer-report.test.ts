// Commitments for customers over HTTP, on both engines, the platform clock moved by the test: the
// portal shows a request's promised times in the customer's words (running, paused at the
// customer's request, met) and never another customer's; an enterprise customer's SLA report counts
// met and missed per target for its requests of a period, lists the missed ones with how late,
// names the contract's row that applied, downloads as CSV/XLSX (audited); other provinces' staff
// and roles without the permission are refused, and a bad period is 400 with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidateSlaCache, recomputeRequestClocks } from '../../src/modules/sla/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

// Monday 2026-12-14 10:00 China time (a week after the demo data's day); the test moves it.
const BASE = Date.parse('2026-12-14T02:00:00Z');
let offset = 0;
const clock = { now: () => new Date(BASE + offset) };
const MIN = 60_000;
const HOUR = 60 * MIN;

const PORTAL = '/api/v1/portal/service-requests';
const STAFF = '/api/v1/service-requests';
const REPORTS = '/api/v1/sla/customer-reports';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({ clock });
});
afterAll(async () => {
  await s?.close();
});

async function call(method: string, url: string, login: string, payload?: unknown, headers = {}) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(await s.as(login)), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

type View = { id: string; number: string; version: number };
async function act(v: View, action: string, extra: Record<string, unknown> = {}): Promise<View> {
  const res = await call('POST', `${STAFF}/${v.id}/transitions`, 'admin', { action, ...extra });
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json();
}
const toWork = async (v: View) => {
  v = await act(v, 'dispatch', { assigneeId: demoId('user', 'admin') });
  v = await act(v, 'take');
  return act(v, 'start');
};

type Commitment = {
  target: string;
  limit: { amount: number; unit: string } | null;
  promisedBy: string | null;
  status: string;
  doneAt: string | null;
  pausedMinutes: number;
};

describe(`the portal's promised times (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('shows each promised time in plain words: running, paused at my request, met; never another customer’s', async () => {
    offset = 0;
    const own = await s.ctx.db
      .selectFrom('customer_portal_accounts')
      .select('customer_id')
      .where('user_id', '=', demoId('user', 'customer'))
      .executeTakeFirstOrThrow();
    const instance = await s.ctx.db
      .selectFrom('product_instances')
      .select('id')
      .where('customer_id', '=', own.customer_id)
      .where('product_code', 'like', 'broadband.%')
      .executeTakeFirstOrThrow();
    const created = await call('POST', PORTAL, 'customer', {
      productInstanceId: instance.id,
      title: '宽带断网',
      description: '光猫红灯',
    });
    expect(created.statusCode, created.body).toBe(201);
    const mine = created.json() as View & { commitments: Commitment[] };
    // A consumer's fault: repaired within 48 hours, round the clock (电信条例 Art. 32).
    expect(mine.commitments).toEqual([
      expect.objectContaining({
        target: 'restoration',
        limit: { amount: 48, unit: 'hours' },
        promisedBy: '2026-12-16T10:00:00+08:00',
        status: 'running',
        doneAt: null,
      }),
    ]);
    // In the customer's words only: no policy row, calendar code or staff.
    const text = JSON.stringify(mine.commitments);
    for (const internal of ['reg.fault-repair', '24x7', 'policy', 'calendar', 'admin'])
      expect(text).not.toContain(internal);

    // 客户原因挂起: the promised time stands still while paused, then moves by the pause.
    let v = await toWork(mine);
    offset = HOUR;
    v = await act(v, 'suspend', { reason: '客户出差，约下周上门', cause: 'customer' });
    const paused = (await call('GET', `${PORTAL}/${mine.id}`, 'customer')).json();
    expect(paused.commitments[0]).toMatchObject({ status: 'paused', promisedBy: null });
    offset = 4 * HOUR;
    v = await act(v, 'resume');
    const resumed = (await call('GET', `${PORTAL}/${mine.id}`, 'customer')).json();
    expect(resumed.commitments[0]).toMatchObject({
      status: 'running',
      promisedBy: '2026-12-16T13:00:00+08:00',
      pausedMinutes: 180,
    });
    offset = 6 * HOUR;
    await act(v, 'resolve', { result: '更换光猫' });
    const done = (await call('GET', `${PORTAL}/${mine.id}`, 'customer')).json();
    expect(done.commitments[0]).toMatchObject({ status: 'met', doneAt: '2026-12-14T16:00:00+08:00' });

    // Another customer's request: not there for me, in the list or by its id.
    const other = await s.ctx.db
      .selectFrom('product_instances as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select('i.id')
      .where('c.kind', '=', 'individual')
      .where('c.id', '<>', own.customer_id)
      .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
      .executeTakeFirstOrThrow();
    const theirs = await call('POST', STAFF, 'agent', {
      kind: 'fault',
      title: '邻居的宽带',
      description: '别人的请求',
      channel: 'hotline',
      productInstanceId: other.id,
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect((await call('GET', `${PORTAL}/${theirs.json().id}`, 'customer')).statusCode).toBe(404);
    const list = (await call('GET', PORTAL, 'customer')).json() as {
      items: Array<{ id: string; commitments: Commitment[] }>;
    };
    expect(list.items.map((i) => i.id)).not.toContain(theirs.json().id);
    expect(list.items.find((i) => i.id === mine.id)?.commitments).toEqual(done.commitments);
  });
});

describe(`an enterprise customer's SLA report (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  let customerId: string;
  const faults: View[] = [];

  /** A fault on the customer's service, by the agent, at the clock's time. */
  async function fault(instanceId: string): Promise<View> {
    const res = await call('POST', STAFF, 'agent', {
      kind: 'fault',
      title: '专线中断',
      description: '客户来电：专线中断',
      channel: 'hotline',
      productInstanceId: instanceId,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  beforeAll(async () => {
    // A 本地B enterprise of 南京 (response 1h, arrival 6h, restoration 12h, all 7×24).
    const row = await s.ctx.db
      .selectFrom('product_instances as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select(['i.id as instanceId', 'c.id as customerId'])
      .where('c.tier', '=', 'localB')
      .where('c.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
      .where('i.product_code', '<>', 'app.logistics_et')
      .orderBy('i.id')
      .limit(1)
      .executeTakeFirstOrThrow();
    customerId = row.customerId;
    // Monday 10:00: taken within the hour, resolved at 23:30 — arrival (16:00) and restoration
    // (22:00) missed by 7.5 h and 1.5 h.
    offset = 7 * 24 * HOUR;
    const base = offset;
    let f1 = await fault(row.instanceId);
    offset = base + 30 * MIN;
    f1 = await toWork(f1);
    offset = base + 13.5 * HOUR;
    await act(f1, 'resolve', { result: '更换光模块' });
    // Tuesday 00:00: one done in 20 minutes, one still waiting.
    offset = base + 14 * HOUR;
    let f2 = await fault(row.instanceId);
    const f3 = await fault(row.instanceId);
    offset = base + 14 * HOUR + 20 * MIN;
    f2 = await toWork(f2);
    await act(f2, 'resolve', { result: '远程复位' });
    faults.push(f1, f2, f3);
  });

  const report = (login: string, query: string, id = customerId) =>
    call('GET', `${REPORTS}/${id}?${query}`, login);

  it('counts met and missed per target, lists the missed ones with how late, for the account manager', async () => {
    const res = await report('accountmgr', 'from=2026-12-21&to=2026-12-22');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.customer).toMatchObject({ id: customerId, tier: 'localB' });
    expect(r.requests).toBe(3);
    type Row = { target: string; rows: Array<Record<string, unknown>> };
    const byTarget: Record<string, Omit<Row, 'target'>> = Object.fromEntries(
      (r.targets as Row[]).map(({ target, ...t }) => [target, t]),
    );
    expect(Object.keys(byTarget)).toEqual(['response', 'arrival', 'restoration']);
    expect(byTarget.response).toMatchObject({ total: 3, met: 2, missed: 0, open: 1, metPercent: 100 });
    expect(byTarget.arrival).toMatchObject({ total: 3, met: 1, missed: 1, open: 1, metPercent: 50 });
    expect(byTarget.restoration).toMatchObject({ total: 3, met: 1, missed: 1, open: 1, metPercent: 50 });
    expect(byTarget.restoration!.rows).toEqual([
      expect.objectContaining({ code: 'tier.localB.fault', level: 'tier', duration: '12h', clocks: 3 }),
    ]);
    expect(r.overall).toMatchObject({ total: 9, met: 4, missed: 2, open: 3, metPercent: 66.7 });
    expect(r.missedTotal).toBe(2);
    expect(r.missed).toEqual([
      expect.objectContaining({
        number: faults[0]!.number,
        target: 'arrival',
        deadline: '2026-12-21T16:00:00+08:00',
        doneAt: '2026-12-21T23:30:00+08:00',
        lateMinutes: 450,
        open: false,
      }),
      expect.objectContaining({
        number: faults[0]!.number,
        target: 'restoration',
        limit: { amount: 12, unit: 'hours' },
        deadline: '2026-12-21T22:00:00+08:00',
        lateMinutes: 90,
        policy: expect.objectContaining({ code: 'tier.localB.fault' }),
      }),
    ]);
    // Requests counted once per branch (the head office holds those no branch's unit covers).
    if (r.branches.length)
      expect(r.branches.reduce((n: number, b: { requests: number }) => n + b.requests, 0)).toBe(3);
    // Nothing signed: no contract's row applied.
    expect(r.contracts).toEqual([]);

    // Only the requests received in the period: Monday alone holds the first.
    const monday = (await report('supervisor', 'from=2026-12-21&to=2026-12-21')).json();
    expect(monday.requests).toBe(1);
    expect(monday.overall).toMatchObject({ met: 1, missed: 2, metPercent: 33.3 });
  });

  it('counts a running commitment past its promised time as missed, late until now', async () => {
    offset = 7 * 24 * HOUR + 16 * HOUR; // Tuesday 02:00: the waiting one's response (01:00) is late
    const r = (await report('accountmgr', 'from=2026-12-22&to=2026-12-22')).json();
    expect(r.missed).toEqual([
      expect.objectContaining({
        number: faults[2]!.number,
        target: 'response',
        lateMinutes: 60,
        doneAt: null,
        open: true,
      }),
    ]);
  });

  it("names the signed contract's row that applied", async () => {
    // The contract is signed with the customer first: a row may only name an existing contract.
    const signed = await call('POST', `/api/v1/customers/${customerId}/contracts`, 'admin', {
      contractNo: 'HT-2026-118',
      name: '专线服务协议',
      validFrom: '2026-12-01',
    });
    expect(signed.statusCode, signed.body).toBe(201);
    const created = await call('POST', '/api/v1/sla/policies', 'admin', {
      code: 'contract.HT-2026-118',
      name: '专线服务协议',
      source: '合同 HT-2026-118 附件二',
      match: { contractId: 'HT-2026-118' },
      targets: { restoration: { duration: '8h', calendar: '24x7' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    // Signing gave the customer's requests the contract fact; the row, added after, reaches the open
    // request's clocks as the recompute worker would (its policy cache dropped, as after a write).
    invalidateSlaCache(s.ctx.db);
    await s.ctx.db
      .transaction()
      .execute((trx) =>
        recomputeRequestClocks(
          trx,
          [faults[2]!.id],
          { contractId: 'HT-2026-118' },
          'contract signed',
          clock.now(),
        ),
      );
    const r = (await report('accountmgr', 'from=2026-12-21&to=2026-12-22')).json();
    expect(r.contracts).toEqual([
      {
        contractId: 'HT-2026-118',
        // Every request of the period was received under the contract (valid from 1 December).
        requests: 3,
        rows: [
          expect.objectContaining({
            code: 'contract.HT-2026-118',
            active: true,
            targets: [
              {
                target: 'restoration',
                duration: '8h',
                calendar: '24x7',
                limit: { amount: 8, unit: 'hours' },
              },
            ],
          }),
        ],
      },
    ]);
    const restoration = r.targets.find((t: { target: string }) => t.target === 'restoration');
    expect(restoration.rows).toContainEqual(
      expect.objectContaining({
        code: 'contract.HT-2026-118',
        level: 'contract',
        contractId: 'HT-2026-118',
        clocks: 1,
      }),
    );
  });

  it('downloads the report as CSV and XLSX, each download audited on the customer', async () => {
    const audits = () =>
      s.ctx.db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('action', '=', 'sla.customer_report.export')
        .where('entity_id', '=', customerId)
        .execute();
    const before = (await audits()).length;
    const csv = await report(
      'accountmgr',
      'from=2026-12-21&to=2026-12-22&format=csv',
      `${customerId}/export`,
    );
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('.csv');
    expect(csv.body).toContain(
      '请求编号,类型,受理时间,分支机构,考核项,承诺时限,承诺时间,完成时间,超时(分钟)',
    );
    expect(csv.body).toContain(faults[0]!.number);
    expect(csv.body).toMatch(/修复\/恢复,12小时,2026-12-21 22:00,2026-12-21 23:30,90/);
    // Kinds by their names, not their codes.
    expect(csv.body).toContain(`${faults[0]!.number},故障申告,`);
    expect(csv.body).not.toContain(',fault,');
    // English when asked for, or when the browser prefers it (lang wins over the header).
    const period = 'from=2026-12-21&to=2026-12-22&format=csv';
    const en = await report('accountmgr', `${period}&lang=en`, `${customerId}/export`);
    expect(en.body).toContain(
      'Request number,Kind,Received at,Branch,Target,Commitment,Promised by,Done at,Late (minutes)',
    );
    expect(en.body).toContain(`${faults[0]!.number},Fault report,`);
    expect(en.body).toMatch(/Restoration,12 hour\(s\),2026-12-21 22:00,2026-12-21 23:30,90/);
    const browser = await call('GET', `${REPORTS}/${customerId}/export?${period}`, 'accountmgr', undefined, {
      'accept-language': 'en-GB,en;q=0.8,zh-CN;q=0.5',
    });
    expect(browser.body).toContain(`${faults[0]!.number},Fault report,`);
    const asked = await call(
      'GET',
      `${REPORTS}/${customerId}/export?${period}&lang=zh-CN`,
      'accountmgr',
      undefined,
      {
        'accept-language': 'en',
      },
    );
    expect(asked.body).toContain(`${faults[0]!.number},故障申告,`);
    const xlsx = await report('supervisor', 'from=2026-12-21&to=2026-12-22&lang=en', `${customerId}/export`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const after = await audits();
    expect(after.length).toBe(before + 5);
    expect(after.map((a) => (a.details as { format: string }).format).sort()).toEqual([
      'csv',
      'csv',
      'csv',
      'csv',
      'xlsx',
    ]);
  });

  it('refuses other provinces, roles without the permission, consumers and bad periods — writing nothing', async () => {
    const q = 'from=2026-12-21&to=2026-12-22';
    // 浙江's supervisor does not see a 南京 customer: absent, not forbidden.
    expect((await report('zj.supervisor', q)).statusCode).toBe(404);
    // The account manager does not see a 浙江 enterprise either.
    const zj = await s.ctx.db
      .selectFrom('customers')
      .select('id')
      .where('kind', '=', 'enterprise')
      .where('org_unit_id', 'in', (eb) =>
        eb.selectFrom('org_units').select('id').where('code', 'like', 'CT.ZJ%'),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('customer_branches as b')
              .select('b.id')
              .whereRef('b.customer_id', '=', 'customers.id'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    expect((await report('accountmgr', q, zj.id)).statusCode).toBe(404);
    expect((await report('accountmgr', `${q}&format=csv`, `${zj.id}/export`)).statusCode).toBe(404);
    // An agent or a portal customer may not read it at all.
    expect((await report('agent', q)).statusCode).toBe(403);
    expect((await report('customer', q)).statusCode).toBe(403);
    const consumer = await s.ctx.db
      .selectFrom('customers')
      .select('id')
      .where('kind', '=', 'individual')
      .where('org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
      .executeTakeFirstOrThrow();
    expect((await report('accountmgr', q, consumer.id)).statusCode).toBe(422);

    const count = async () =>
      Number(
        (
          await s.ctx.db
            .selectFrom('audit_log')
            .select(({ fn }) => fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const [query, field] of [
      ['from=2026-13-01&to=2026-12-22', 'querystring.from'],
      ['from=2026-02-30&to=2026-03-01', 'querystring.from'],
      ['from=2026-12-22&to=2026-12-21', 'querystring.to'],
      ['from=2025-01-01&to=2026-12-22', 'querystring.to'],
      ['to=2026-12-22', 'querystring.from'],
      ['from=2026-12-21&to=2026-12-22T00:00', 'querystring.to'],
      ['from=9999-12-31&to=9999-12-31', 'querystring.to'],
    ] as const) {
      for (const [path, extra] of [
        [customerId, ''],
        [`${customerId}/export`, '&format=csv'],
      ] as const) {
        const res = await report('accountmgr', `${query}${extra}`, path);
        expect(res.statusCode, `${path}?${query}: ${res.body}`).toBe(400);
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(JSON.stringify(res.json().details.fields), query).toContain(field);
      }
    }
    expect((await report('accountmgr', `${q}&format=pdf`, `${customerId}/export`)).statusCode).toBe(400);
    expect((await report('accountmgr', q, 'not-a-uuid')).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });
});
