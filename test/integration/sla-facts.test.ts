// The facts and milestones the SLA clocks follow, over HTTP on both engines: a technician's arrival
// on site (到场) stops the arrival clock and is on the timeline; a reopen (重开) sets restoration
// counting on from the original report (a deadline already passed is breached at once); a rural
// site gets the regulations' 72 h repair, and changing a site's class recomputes its open
// requests; an enterprise's signed contract puts its own row over the tier's, and the API's
// explanation names it. Time is the platform clock, moved by the test.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import { requestSlaPort } from '../../src/modules/service-requests/index.ts';
import { serviceRequestsMigrations } from '../../src/modules/service-requests/service-requests.migrations.ts';
import { recomputeForPolicies, SlaScheduler } from '../../src/modules/sla/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

// Monday 2026-12-07 10:00 China time; the test moves it.
const BASE = Date.parse('2026-12-07T02:00:00Z');
let offset = 0;
const clock = { now: () => new Date(BASE + offset) };
const MIN = 60_000;
const HOUR = 60 * MIN;
const NJ = demoId('org', 'CT.JS.NJ');

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({ clock });
  // Requests go to their site's unit, where the dispatcher and the technician work.
  const rules = (await call('GET', '/api/v1/routing-rules', 'admin')).json().items;
  for (const r of rules as Array<{ id: string; version: number }>) {
    const off = await call('PATCH', `/api/v1/routing-rules/${r.id}`, 'admin', {
      active: false,
      version: r.version,
    });
    expect(off.statusCode, off.body).toBe(200);
  }
});
afterAll(async () => {
  await s?.close();
});

type View = {
  id: string;
  version: number;
  status: string;
  priority: string;
  allowedActions: string[];
  timeline?: TimelineEntry[];
};
type TimelineEntry = {
  kind: string;
  visibility: string;
  fromStatus: string | null;
  toStatus: string | null;
  body: string | null;
  details: Record<string, unknown>;
};
type Clock = {
  target: string;
  policy: { code: string; level: string | null };
  why: string;
  duration: string;
  start: string;
  deadline: string | null;
  state: string;
  metAt: string | null;
  period: number;
  nextStepAt: string | null;
  recomputeReason: string | null;
  whyCoded: Reason;
  recomputeReasonCoded: Reason | null;
};

async function call(method: string, url: string, login: string, payload?: unknown) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: await s.as(login),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

/** A 南京 service of a customer: an enterprise of a tier, or a consumer's line in a location class. */
async function instanceOf(
  where: { tier: string } | { individual: true; locationClass: string | null },
  skip = 0,
  unit: string = NJ,
) {
  let q = s.ctx.db
    .selectFrom('product_instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id as instanceId', 'c.id as customerId', 'i.version'])
    .where('i.org_unit_id', '=', unit)
    .where('i.status', '=', 'active')
    .where('i.product_code', '<>', 'app.logistics_et');
  if ('tier' in where) q = q.where('c.tier', '=', where.tier);
  else {
    q = q.where('c.kind', '=', 'individual').where('i.service_address', 'is not', null);
    q =
      where.locationClass === null
        ? q.where('i.location_class', 'is', null)
        : q.where('i.location_class', '=', where.locationClass as 'rural');
  }
  return q.orderBy('i.id').offset(skip).limit(1).executeTakeFirstOrThrow();
}

async function createFault(instanceId: string, login = 'agent'): Promise<View> {
  const res = await call('POST', '/api/v1/service-requests', login, {
    kind: 'fault',
    title: '专线中断',
    description: '客户来电：专线中断',
    channel: 'hotline',
    productInstanceId: instanceId,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function act(v: View, action: string, extra: Record<string, unknown> = {}, login = 'dispatcher') {
  const res = await call('POST', `/api/v1/service-requests/${v.id}/transitions`, login, {
    action,
    version: v.version,
    ...extra,
  });
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json() as View;
}

/** A reason as the API gives it beside its English sentence: a code and parameters. */
type Reason = { code: string; params: Record<string, unknown> };

async function slaOf(id: string) {
  const res = await call('GET', `/api/v1/service-requests/${id}/sla`, 'agent');
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as {
    open: boolean;
    clocks: Clock[];
    changes: { target: string; reason: string; reasonCoded: Reason; deadlineTo: string | null }[];
    facts: { tier: string; locationClass: string | null; contractId: string | null };
    explanation: string[];
    reasons: Reason[];
  };
  const clockOf = (t: string) => body.clocks.find((c) => c.target === t)!;
  return { ...body, clockOf };
}

async function timelineOf(id: string): Promise<TimelineEntry[]> {
  const res = await call('GET', `/api/v1/service-requests/${id}`, 'agent');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().timeline;
}

describe(`SLA facts and milestones (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it("a technician's arrival on site (到场) stops the arrival clock and is on the timeline", async () => {
    offset = 0;
    const { instanceId } = await instanceOf({ tier: 'localB' });
    let v = await createFault(instanceId);
    let sla = await slaOf(v.id);
    expect(sla.clockOf('arrival')).toMatchObject({
      policy: { code: 'tier.localB.fault' },
      duration: '6h',
      state: 'running',
    });
    v = await act(v, 'dispatch', { assigneeId: demoId('user', 'technician') });
    offset = 30 * MIN;
    v = await act(v, 'take', {}, 'technician');
    expect(v.allowedActions).toContain('arrive');
    expect((await slaOf(v.id)).clockOf('arrival').state).toBe('running');

    offset = 2 * HOUR;
    v = await act(v, 'arrive', {}, 'technician');
    expect(v.status).toBe('in_progress');
    sla = await slaOf(v.id);
    expect(sla.clockOf('arrival')).toMatchObject({ state: 'met' });
    expect(ms(sla.clockOf('arrival').metAt)).toBe(BASE + 2 * HOUR);
    // The restoration goes on: the line is not fixed by arriving.
    expect(sla.clockOf('restoration').state).toBe('running');
    const arrived = (await timelineOf(v.id)).filter((e) => e.details.action === 'arrive');
    expect(arrived).toEqual([
      expect.objectContaining({
        kind: 'status',
        visibility: 'customer',
        fromStatus: 'taken',
        toStatus: 'in_progress',
      }),
    ]);
    // Arriving again (a second visit) is recorded; the arrival stays met at the first one.
    v = await act(v, 'arrive', {}, 'technician');
    expect(ms((await slaOf(v.id)).clockOf('arrival').metAt)).toBe(BASE + 2 * HOUR);

    // Late: the arrival clock is missed, with when it came.
    offset = 0;
    const late = await act(
      await createFault((await instanceOf({ tier: 'localB' }, 1)).instanceId),
      'dispatch',
      { assigneeId: demoId('user', 'technician') },
    );
    const taken = await act(late, 'take', {}, 'technician');
    offset = 7 * HOUR;
    await act(taken, 'arrive', {}, 'technician');
    expect((await slaOf(late.id)).clockOf('arrival')).toMatchObject({ state: 'missed' });

    // Only a fault is repaired on site: a complaint being worked on offers no 到场.
    offset = 0;
    const complaint = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'complaint',
      title: '投诉装维人员迟到',
      description: '客户投诉',
      channel: 'hotline',
      productInstanceId: instanceId,
    });
    expect(complaint.statusCode, complaint.body).toBe(201);
    let c = complaint.json() as View;
    for (const action of ['triage', 'dispatch', 'take', 'start']) c = await act(c, action);
    expect(c.allowedActions).not.toContain('arrive');
    const refused = await call('POST', `/api/v1/service-requests/${c.id}/transitions`, 'dispatcher', {
      action: 'arrive',
      version: c.version,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('TRANSITION_NOT_ALLOWED');
  });

  it('a reopen (重开) sets restoration counting on from the original report; a passed deadline is breached at once', async () => {
    // After every clock of the demo data is due: they are settled first, so the drains below act on ours.
    const T0 = 40 * 24 * HOUR;
    offset = T0;
    const scheduler = new SlaScheduler({
      db: s.ctx.db,
      clock,
      logger: createLogger('silent'),
      port: requestSlaPort,
    });
    await scheduler.drain();
    const { instanceId } = await instanceOf({ tier: 'localB' }, 2);
    let v = await createFault(instanceId);
    v = await act(v, 'dispatch');
    v = await act(v, 'take');
    v = await act(v, 'start');
    offset = T0 + 2 * HOUR;
    v = await act(v, 'resolve', { result: '更换光模块，已恢复' });
    let sla = await slaOf(v.id);
    expect(sla.clockOf('restoration').state).toBe('met');
    expect(sla.open).toBe(false);

    // The customer says it is not fixed: restoration runs again, its deadline as before (12 h from the report).
    offset = T0 + 3 * HOUR;
    v = await act(v, 'reopen', { reason: '客户反映仍然无法上网' });
    sla = await slaOf(v.id);
    expect(sla.open).toBe(true);
    expect(sla.clockOf('restoration')).toMatchObject({ state: 'running', metAt: null, period: 1 });
    expect(ms(sla.clockOf('restoration').deadline)).toBe(BASE + T0 + 12 * HOUR);
    expect(sla.changes.filter((c) => c.target === 'restoration').map((c) => c.reason)).toEqual([
      'request reopened (重开): counts on from the original start',
    ]);
    // The progress interval starts again from the reopen; the response stays met.
    expect(sla.clockOf('progress')).toMatchObject({ state: 'running', period: 2 });
    expect(ms(sla.clockOf('progress').start)).toBe(BASE + T0 + 3 * HOUR);
    expect(sla.clockOf('response').state).toBe('met');
    const timeline = await timelineOf(v.id);
    const reopened = timeline.find((e) => e.details.action === 'reopen')!;
    expect(reopened).toMatchObject({ visibility: 'customer', body: '客户反映仍然无法上网' });
    const told = timeline.filter((e) => e.kind === 'sla' && e.details.reason === 'reopened');
    expect(told).toHaveLength(1);
    expect(told[0]!.details.clocks).toEqual([
      {
        target: 'restoration',
        policy: 'tier.localB.fault',
        deadline: new Date(BASE + T0 + 12 * HOUR).toISOString(),
        overdue: false,
      },
    ]);
    // Fixed this time: met again, at the new time.
    offset = T0 + 5 * HOUR;
    v = await act(v, 'resolve', { result: '更换入户光缆' });
    sla = await slaOf(v.id);
    expect(sla.clockOf('restoration')).toMatchObject({ state: 'met' });
    expect(ms(sla.clockOf('restoration').metAt)).toBe(BASE + T0 + 5 * HOUR);

    // Reopened after the original deadline: the commitment is already broken — the breach is due at once.
    offset = T0 + 14 * HOUR;
    v = await act(v, 'reopen', { reason: '客户再次来电，故障依旧' });
    sla = await slaOf(v.id);
    const r = sla.clockOf('restoration');
    expect(r.state).toBe('running');
    expect(ms(r.nextStepAt)).toBe(BASE + T0 + 12 * HOUR);
    const overdue = (await timelineOf(v.id)).filter(
      (e) => e.kind === 'sla' && e.details.reason === 'reopened',
    );
    expect((overdue.at(-1)!.details.clocks as { overdue: boolean }[])[0]!.overdue).toBe(true);
    await scheduler.drain();
    sla = await slaOf(v.id);
    expect(sla.clockOf('restoration').state).toBe('missed');
    const breach = (await timelineOf(v.id)).filter(
      (e) => e.kind === 'sla' && e.details.target === 'restoration' && e.details.kind === 'breach',
    );
    expect(breach).toHaveLength(1);
    const after = (await call('GET', `/api/v1/service-requests/${v.id}`, 'agent')).json() as View;
    expect(after.priority).not.toBe(v.priority);
    // Resolved once more: still missed, with when it came.
    offset = T0 + 15 * HOUR;
    await act(after, 'resolve', { result: '更换分光器' });
    sla = await slaOf(v.id);
    expect(sla.clockOf('restoration')).toMatchObject({ state: 'missed' });
    expect(ms(sla.clockOf('restoration').metAt)).toBe(BASE + T0 + 15 * HOUR);
    await scheduler.stop();
  });

  it("a rural site gets the regulations' 72 h repair; the class is validated, and a change recomputes open requests", async () => {
    offset = 0;
    // The demo's 江宁 lines are rural.
    const rural = await instanceOf(
      { individual: true, locationClass: 'rural' },
      0,
      demoId('org', 'CT.JS.NJ.JN'),
    );
    const list = await call('GET', `/api/v1/customers/${rural.customerId}/instances`, 'agent');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().find((i: { id: string }) => i.id === rural.instanceId).locationClass).toBe('rural');
    const v = await createFault(rural.instanceId);
    let sla = await slaOf(v.id);
    expect(sla.facts).toMatchObject({ tier: 'public', locationClass: 'rural' });
    expect(sla.clockOf('restoration')).toMatchObject({
      policy: { code: 'reg.fault-repair-rural' },
      duration: '72h',
    });
    expect(ms(sla.clockOf('restoration').deadline)).toBe(BASE + 72 * HOUR);
    expect(sla.clockOf('restoration').why).toContain('reg.fault-repair-rural');

    // An urban line: 48 h, until its site is recorded as rural — the open request follows, with the reason.
    const urban = await instanceOf({ individual: true, locationClass: 'urban' });
    const u = await createFault(urban.instanceId);
    expect((await slaOf(u.id)).clockOf('restoration')).toMatchObject({
      policy: { code: 'reg.fault-repair' },
      duration: '48h',
    });
    const url = `/api/v1/customers/${urban.customerId}/instances/${urban.instanceId}`;
    for (const bad of ['suburb', 3, '']) {
      const res = await call('PATCH', url, 'agent', { locationClass: bad, version: urban.version });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.body).toContain('locationClass');
    }
    offset = 30 * MIN;
    const moved = await call('PATCH', url, 'agent', { locationClass: 'rural', version: urban.version });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().locationClass).toBe('rural');
    sla = await slaOf(u.id);
    expect(sla.facts.locationClass).toBe('rural');
    expect(sla.clockOf('restoration')).toMatchObject({ policy: { code: 'reg.fault-repair-rural' } });
    expect(ms(sla.clockOf('restoration').deadline)).toBe(BASE + 72 * HOUR); // from the report
    expect(sla.changes.find((c) => c.target === 'restoration')?.reason).toBe(
      'location class of the service changed: urban → rural',
    );
    // The same reason as a code and parameters (the console words it in the user's language).
    expect(sla.changes.find((c) => c.target === 'restoration')?.reasonCoded).toEqual({
      code: 'location_class_changed',
      params: { from: 'urban', to: 'rural' },
    });
    expect(sla.clockOf('restoration').recomputeReasonCoded).toEqual({
      code: 'location_class_changed',
      params: { from: 'urban', to: 'rural' },
    });
    // Added with its class; cleared back to unknown (the urban rows apply).
    const added = await call('POST', `/api/v1/customers/${urban.customerId}/instances`, 'agent', {
      productCode: 'voice.fixed',
      accountNo: '025-86660001',
      serviceAddress: '江苏省南京市江宁区湖熟街道和平村1号',
      locationClass: 'county',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().locationClass).toBe('county');
    const cleared = await call('PATCH', url, 'agent', { locationClass: null, version: moved.json().version });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().locationClass).toBeNull();
    expect((await slaOf(u.id)).clockOf('restoration').policy.code).toBe('reg.fault-repair');
  });

  it("an enterprise's signed contract puts its row over the tier's, and the explanation names it", async () => {
    offset = 0;
    // The demo's contract customer (a 集团级 enterprise of 苏州): its row, not the 集团级 tier's.
    const demo = await s.ctx.db
      .selectFrom('customer_contracts')
      .select(['contract_no', 'customer_id'])
      .executeTakeFirstOrThrow();
    const demoInstance = await s.ctx.db
      .selectFrom('product_instances')
      .select('id')
      .where('customer_id', '=', demo.customer_id)
      .where('product_code', '<>', 'app.logistics_et')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const d = await createFault(demoInstance.id);
    let sla = await slaOf(d.id);
    expect(sla.facts).toMatchObject({ tier: 'group', contractId: demo.contract_no });
    expect(sla.clockOf('restoration')).toMatchObject({
      policy: { code: `contract.${demo.contract_no}`, level: 'contract' },
      duration: '3h',
    });
    expect(sla.clockOf('restoration').why).toContain('overrides tier.group.fault 4h');
    expect(sla.explanation[0]).toMatch(
      new RegExp(`^matching rows.*contract\\.${demo.contract_no} \\(contract`),
    );
    // Beside the English: the same as codes and parameters, one reason per sentence.
    expect(sla.reasons).toHaveLength(sla.explanation.length);
    expect(sla.reasons[0]).toMatchObject({
      code: 'rows_matching',
      params: {
        rows: expect.arrayContaining([
          {
            row: `contract.${demo.contract_no}`,
            level: 'contract',
            match: { contractId: demo.contract_no, kind: 'fault' },
          },
        ]),
      },
    });
    expect(sla.clockOf('restoration').whyCoded).toEqual({
      code: 'target_row',
      params: expect.objectContaining({
        target: 'restoration',
        row: `contract.${demo.contract_no}`,
        level: 'contract',
        duration: '3h',
        calendar: '24x7',
        overrides: expect.arrayContaining([{ row: 'tier.group.fault', duration: '4h' }]),
      }),
    });

    // A 本地A enterprise of 南京 signs one: added through the API, its row through the policy API.
    const { instanceId, customerId } = await instanceOf({ tier: 'localA' });
    const before = await createFault(instanceId);
    expect((await slaOf(before.id)).clockOf('restoration').policy.code).toBe('tier.localA.fault');
    const contracts = `/api/v1/customers/${customerId}/contracts`;
    const contract = {
      contractNo: 'NJ-SLA-2026-0042',
      name: '数据专线服务水平协议',
      validFrom: '2026-12-01',
    };
    // No row may name a contract that does not exist.
    const row = {
      code: 'contract.NJ-SLA-2026-0042',
      name: '某公司专线 SLA',
      source: 'contract NJ-SLA-2026-0042',
      match: { contractId: contract.contractNo, kind: 'fault' },
      targets: {
        restoration: { duration: '5h', calendar: '24x7' },
        response: { duration: '20m', calendar: '24x7' },
      },
    };
    const early = await call('POST', '/api/v1/sla/policies', 'sysadmin', row);
    expect(early.statusCode, early.body).toBe(422);
    expect(early.json().details.fields[0].field).toBe('body.match.contractId');

    offset = 10 * MIN;
    const signed = await call('POST', contracts, 'agent', contract);
    expect(signed.statusCode, signed.body).toBe(201);
    expect(signed.json()).toMatchObject({ ...contract, validTo: null, version: 1 });
    // The open request is the contract's now (accepted on a day it is valid).
    expect((await slaOf(before.id)).facts.contractId).toBe(contract.contractNo);
    const rowed = await call('POST', '/api/v1/sla/policies', 'sysadmin', row);
    expect(rowed.statusCode, rowed.body).toBe(201);
    await recomputeForPolicies(s.ctx.db, { reason: 'policy created', policyCodes: [row.code] }, clock.now());
    sla = await slaOf(before.id);
    expect(sla.clockOf('restoration')).toMatchObject({
      policy: { code: row.code, level: 'contract' },
      duration: '5h',
    });
    expect(ms(sla.clockOf('restoration').deadline)).toBe(BASE + 5 * HOUR);
    // A reason given as free text stays as written, with the rows the run looked at.
    expect(sla.clockOf('restoration').recomputeReasonCoded).toEqual({
      code: 'text',
      params: { text: 'policy created', policies: [row.code] },
    });
    const after = await createFault(instanceId);
    sla = await slaOf(after.id);
    expect(sla.clockOf('response')).toMatchObject({ policy: { code: row.code }, duration: '20m' });
    expect(sla.explanation.join('\n')).toContain(`row ${row.code}, the most specific (contract)`);

    // Bad contracts change nothing: a consumer, an overlap, a taken number, an end before the start.
    const consumer = await instanceOf({ individual: true, locationClass: 'urban' }, 3);
    const cases: [string, object, number][] = [
      [`/api/v1/customers/${consumer.customerId}/contracts`, { ...contract, contractNo: 'X-1' }, 422],
      [contracts, { ...contract, contractNo: 'NJ-SLA-2027-0001', validFrom: '2027-01-01' }, 422],
      [contracts, { ...contract, validFrom: '2020-01-01', validTo: '2020-12-31' }, 409],
      [contracts, { ...contract, contractNo: 'X-2', validFrom: '2020-02-01', validTo: '2020-01-01' }, 400],
      [contracts, { ...contract, contractNo: 'has space' }, 400],
    ];
    for (const [url, body, status] of cases) {
      const res = await call('POST', url, 'agent', body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
    }
    // The overlap names the field and the other contract (a client says it in its own words).
    const overlap = await call('POST', contracts, 'agent', cases[1]![1]);
    expect(overlap.json().details).toMatchObject({
      fields: [{ field: 'validFrom' }],
      overlaps: { contractNo: contract.contractNo, validFrom: contract.validFrom, validTo: null },
    });
    const listed = await call('GET', contracts, 'agent');
    expect(listed.json().map((c: { contractNo: string }) => c.contractNo)).toEqual([contract.contractNo]);

    // Ended before the request's day: the request is no longer the contract's; the tier row applies again.
    const ended = await call('PATCH', `${contracts}/${contract.contractNo}`, 'agent', {
      validFrom: '2026-01-01',
      validTo: '2026-11-30',
      version: 1,
    });
    expect(ended.statusCode, ended.body).toBe(200);
    sla = await slaOf(after.id);
    expect(sla.facts.contractId).toBeNull();
    expect(sla.clockOf('restoration').policy.code).toBe('tier.localA.fault');
    expect(sla.changes.map((c) => c.reason)).toContain(
      `customer contract ${contract.contractNo} changed: the request's contract is none`,
    );
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', customerId)
      .where('action', 'like', 'customer.contract%')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['customer.contract_add', 'customer.contract_update']);
  });

  it('migration 0045 adds 到场 to a stored fault workflow without it', async () => {
    const up = serviceRequestsMigrations.find(([name]) => name === '0045_service_requests_arrive')![1];
    const read = async () =>
      (
        await sql<{
          definition: { transitions: Array<{ action: string; from: string[]; to: string }> };
          version: number;
        }>`select definition, version from service_request_workflows where kind = 'fault'`.execute(s.ctx.db)
      ).rows[0]!;
    const seeded = await read();
    const old = {
      ...seeded.definition,
      transitions: seeded.definition.transitions.filter((r) => r.action !== 'arrive'),
    };
    await sql`update service_request_workflows set definition = ${JSON.stringify(old)}::jsonb
      where kind = 'fault'`.execute(s.ctx.db);
    await up.up(s.ctx.db as never);
    const after = await read();
    expect(after.definition.transitions.filter((r) => r.action === 'arrive')).toEqual([
      { action: 'arrive', from: ['taken', 'in_progress'], to: 'in_progress' },
    ]);
    expect(after.version).toBe(seeded.version + 1);
    await up.up(s.ctx.db as never);
    expect((await read()).version).toBe(after.version);
  });
});
