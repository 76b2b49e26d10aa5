// SLA reports over HTTP, on both engines: the platform clock is moved to make clocks met, missed,
// breached while open and on track; the % met per target and its base are checked per day, per
// unit and per agent, in another zone, as CSV/XLSX; the breaches with their cause, paged; the
// "about to breach" list; open requests by SLA state; a supervisor of another province sees none
// of it; bad input is refused with a code and changes nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import { requestSlaPort } from '../../src/modules/service-requests/index.ts';
import { raisedPriority, SlaScheduler } from '../../src/modules/sla/index.ts';
import { demoId } from '../../src/seed/demo.ts';
import requestsEn from '../../web/src/i18n/locales/requests.en.ts';
import requestsZhCN from '../../web/src/i18n/locales/requests.zh-CN.ts';
import slaEn from '../../web/src/i18n/locales/sla.en.ts';
import slaZhCN from '../../web/src/i18n/locales/sla.zh-CN.ts';
import { createTestServer, type TestServer } from '../harness.ts';

// Monday 2026-06-01 10:00 China time: months before the demo data's requests, so that the
// reports' range holds only this file's requests. The test moves it.
const BASE = Date.parse('2026-06-01T02:00:00Z');
let offset = 0;
const clock = { now: () => new Date(BASE + offset) };
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY1 = '2026-06-01';
const DAY2 = '2026-06-02';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({ clock });
  // Requests go to their site's unit (南京), where the dispatcher works.
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

type View = { id: string; number: string; version: number; status: string; priority: string };
type Cell = {
  met: number;
  missed: number;
  openOnTrack: number;
  openBreached: number;
  decided: number;
  metPercent: number | null;
};
type Row = { key: string | null; name: string | null; byTarget: (Cell & { target: string })[]; all: Cell };
type Met = { rows: Row[]; total: { byTarget: (Cell & { target: string })[]; all: Cell }; targets: string[] };
type Breach = {
  requestId: string;
  number: string;
  target: string;
  deadline: string;
  open: boolean;
  lateMinutes: number | null;
  assignee: { name: string | null } | null;
  cause: {
    pausedMinutes: number;
    statusAtDeadline: string | null;
    breachStep: { actions: string[] } | null;
    escalation: {
      priority?: { from: string; to: string };
      supportLine?: { from: number; to: number };
    } | null;
  };
};
type AtRisk = {
  total: number;
  items: {
    number: string;
    target: string;
    deadline: string;
    minutesLeft: number;
    breached: boolean;
    assignee: { name: string | null } | null;
    handlingUnit: { id: string; name: string | null } | null;
  }[];
};
type States = { total: number; states: Record<'onTrack' | 'warned' | 'breached' | 'paused', number> };

async function call(method: string, url: string, login: string, payload?: unknown, headers = {}) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(await s.as(login)), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function get<T>(url: string, login = 'supervisor'): Promise<T> {
  const res = await call('GET', url, login);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

async function createFault(instanceId: string): Promise<View> {
  const res = await call('POST', '/api/v1/service-requests', 'agent', {
    kind: 'fault',
    title: '宽带中断',
    description: '客户来电：宽带中断',
    channel: 'hotline',
    productInstanceId: instanceId,
  });
  expect(res.statusCode, res.body).toBe(201);
  return act(res.json() as View, 'dispatch');
}

async function act(v: View, action: string, extra: Record<string, unknown> = {}): Promise<View> {
  const res = await call(
    'POST',
    `/api/v1/service-requests/${v.id}/transitions`,
    'dispatcher',
    { action, ...extra },
    { 'if-match': `"${v.version}"` },
  );
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json() as View;
}

/** The request as it is now (a breach step raises its priority: a new version). */
const fresh = (v: View) => get<View>(`/api/v1/service-requests/${v.id}`, 'dispatcher');

const cellOf = (row: { byTarget: (Cell & { target: string })[] }, target: string) =>
  row.byTarget.find((c) => c.target === target)!;
const counts = (c: Cell) => [c.met, c.missed, c.openBreached, c.openOnTrack, c.decided, c.metPercent];

describe(`SLA reports (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  const logger = createLogger('silent');
  let bPriority = '';
  let A: View, B: View, C: View, D: View, E: View, F: View;
  let baseline: States;
  const NJ = demoId('org', 'CT.JS.NJ');

  it('counts met, missed, breached-while-open and on-track clocks per target, per day', async () => {
    const sched = new SlaScheduler({ db: s.ctx.db, clock, logger, port: requestSlaPort });
    offset = 0;
    baseline = await get<States>('/api/v1/sla/open-states?kind=fault');
    // A 本地B customer's service in 南京 without a product row: response 1h, arrival 6h,
    // restoration 12h (tier.localB.fault), all 7×24.
    const { instanceId } = await s.ctx.db
      .selectFrom('product_instances as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select(['i.id as instanceId'])
      .where('c.tier', '=', 'localB')
      .where('i.org_unit_id', '=', NJ)
      .where('i.product_code', '<>', 'app.logistics_et')
      .orderBy('i.id')
      .limit(1)
      .executeTakeFirstOrThrow();

    // Day 1. A: everything in time. B: taken late, paused by the customer 2 h, resolved late.
    // C: never taken.
    [A, B, C] = [await createFault(instanceId), await createFault(instanceId), await createFault(instanceId)];
    bPriority = B.priority;
    offset = 20 * MIN;
    A = await act(await act(A, 'take'), 'start');
    offset = 61 * MIN;
    expect(await sched.drain()).toBeGreaterThanOrEqual(2); // B's and C's response breached
    offset = 90 * MIN;
    B = await act(await act(await fresh(B), 'take'), 'start');
    offset = 2 * HOUR;
    A = await act(A, 'resolve', { result: '已恢复' });
    offset = 3 * HOUR;
    B = await act(B, 'suspend', { reason: '客户要求改天上门', cause: 'customer' });
    offset = 5 * HOUR;
    B = await act(B, 'resume');
    offset = 14.5 * HOUR;
    await sched.drain(); // B's arrival (8 h) and restoration (14 h); C's arrival and restoration
    offset = 15 * HOUR;
    B = await act(await fresh(B), 'resolve', { result: '更换光猫' });

    // Day 2. D: taken in time. E: taken, then paused by the customer. F: 50 min old at the end
    // (past its response warning at 30 min).
    offset = 24 * HOUR;
    D = await createFault(instanceId);
    E = await createFault(instanceId);
    offset = 24 * HOUR + 10 * MIN;
    F = await createFault(instanceId);
    D = await act(D, 'take');
    E = await act(E, 'take');
    E = await act(E, 'suspend', { reason: '客户出差', cause: 'customer' });
    offset = 25 * HOUR;

    const r = await get<Met>(`/api/v1/sla/reports/met?groupBy=day&from=${DAY1}&to=${DAY2}`);
    expect(r.targets).toEqual(['response', 'feedback', 'arrival', 'restoration', 'resolution']);
    expect(r.rows.map((x) => x.key)).toEqual([DAY1, DAY2]);
    const [d1, d2] = r.rows as [Row, Row];
    // met, missed, open breached, open on track, base, %
    for (const t of ['response', 'arrival', 'restoration'])
      expect(counts(cellOf(d1, t)), t).toEqual([1, 1, 1, 0, 3, 33.3]);
    expect(counts(d1.all)).toEqual([3, 3, 3, 0, 9, 33.3]);
    expect(counts(cellOf(d2, 'response'))).toEqual([2, 0, 0, 1, 2, 100]);
    expect(counts(cellOf(d2, 'arrival'))).toEqual([0, 0, 0, 3, 0, null]);
    expect(counts(d2.all)).toEqual([2, 0, 0, 7, 2, 100]);
    // No 本地B fault target of feedback or resolution: no base, no percentage.
    expect(counts(cellOf(r.total, 'feedback'))).toEqual([0, 0, 0, 0, 0, null]);
    expect(counts(r.total.all)).toEqual([5, 3, 3, 7, 11, 45.5]);

    // One target only.
    const only = await get<Met>(
      `/api/v1/sla/reports/met?groupBy=day&from=${DAY1}&to=${DAY2}&target=response`,
    );
    expect(only.targets).toEqual(['response']);
    expect(counts(only.total.all)).toEqual([3, 1, 1, 1, 5, 60]);
  });

  it('groups by handling unit and by agent (assignee), with names', async () => {
    const byUnit = await get<Met>(`/api/v1/sla/reports/met?groupBy=orgUnit&from=${DAY1}&to=${DAY2}`);
    expect(byUnit.rows).toHaveLength(1);
    expect(byUnit.rows[0]).toMatchObject({ key: NJ, name: '南京分公司' });
    expect(counts(byUnit.rows[0]!.all)).toEqual([5, 3, 3, 7, 11, 45.5]);

    const byAgent = await get<Met>(`/api/v1/sla/reports/met?groupBy=agent&from=${DAY1}&to=${DAY2}`);
    const dispatcher = demoId('user', 'dispatcher');
    expect(byAgent.rows.map((x) => x.key)).toEqual([dispatcher, null]); // F and C are nobody's yet
    expect(byAgent.rows[0]!.name).toBeTruthy();
    // C (breached on all three) and F (on track on all three).
    expect(counts(byAgent.rows[1]!.all)).toEqual([0, 0, 3, 3, 3, 0]);

    // The unit filter: 南京 holds them all, 浙江 none.
    const nj = await get<Met>(`/api/v1/sla/reports/met?groupBy=kind&from=${DAY1}&to=${DAY2}&orgUnitId=${NJ}`);
    expect(nj.rows.map((x) => [x.key, x.all.decided])).toEqual([['fault', 11]]);
    const zj = await get<Met>(
      `/api/v1/sla/reports/met?groupBy=kind&from=${DAY1}&to=${DAY2}&orgUnitId=${demoId('org', 'CT.ZJ')}`,
    );
    expect(zj.rows).toEqual([]);
  });

  it("counts days in the caller's time zone", async () => {
    // 10:00 in Beijing is 22:00 the day before in New York.
    const r = await get<Met>(
      `/api/v1/sla/reports/met?groupBy=day&from=2026-05-31&to=${DAY1}&zone=America/New_York`,
    );
    expect(r.rows.map((x) => [x.key, x.all.decided, x.all.openOnTrack])).toEqual([
      ['2026-05-31', 9, 0],
      [DAY1, 2, 7],
    ]);
    const weeks = await get<Met>(`/api/v1/sla/reports/met?groupBy=week&from=${DAY1}&to=2026-06-09`);
    expect(weeks.rows.map((x) => [x.key, x.all.decided])).toEqual([
      [DAY1, 11],
      ['2026-06-08', 0],
    ]);
  });

  it('exports the report as CSV and XLSX, labelled in zh-CN (default) or English (lang, Accept-Language)', async () => {
    const csvLines = (body: string) =>
      body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
    const met = `/api/v1/sla/reports/met/export?groupBy=day&from=${DAY1}&to=${DAY2}`;
    const csv = await call('GET', met, 'supervisor');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csvLines(csv.body);
    expect(lines[0]).toBe('分组,分组编码,时限,达标,超时,未完成已超时,未完成未超时,考核基数,达标率(%)');
    expect(lines).toContain(`${DAY1},${DAY1},响应,1,1,1,0,3,33.3`);
    expect(lines).toContain(`${DAY2},${DAY2},到场,0,0,0,3,0,`);
    // English: asked for, or what the browser prefers; lang wins over the header.
    const english = await call('GET', `${met}&lang=en`, 'supervisor');
    expect(csvLines(english.body)[0]).toBe(
      'Group,Group code,Target,Met,Missed,"Open, past the deadline","Open, within the deadline",Base,Met (%)',
    );
    expect(csvLines(english.body)).toContain(`${DAY1},${DAY1},Response,1,1,1,0,3,33.3`);
    const browser = await call('GET', met, 'supervisor', undefined, { 'accept-language': 'en-US,en;q=0.9' });
    expect(browser.body).toBe(english.body);
    const asked = await call('GET', `${met}&lang=zh-CN`, 'supervisor', undefined, {
      'accept-language': 'en',
    });
    expect(asked.body).toBe(csv.body);
    // Groups that are codes are named: a kind, a tier.
    const byKind = await call('GET', `${met.replace('groupBy=day', 'groupBy=kind')}`, 'supervisor');
    expect(csvLines(byKind.body).some((l) => l.startsWith('故障申告,fault,响应,'))).toBe(true);
    const byKindEn = await call('GET', `${met.replace('groupBy=day', 'groupBy=kind')}&lang=en`, 'supervisor');
    expect(csvLines(byKindEn.body).some((l) => l.startsWith('Fault report,fault,Response,'))).toBe(true);

    const xlsx = await call('GET', `${met}&format=xlsx`, 'supervisor');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    const breaches = `/api/v1/sla/reports/breaches/export?from=${DAY1}&to=${DAY2}`;
    const breachCsv = await call('GET', breaches, 'supervisor');
    expect(breachCsv.statusCode).toBe(200);
    const rows = csvLines(breachCsv.body);
    expect(rows).toHaveLength(1 + 6);
    expect(rows[0]).toBe(
      '工单号,工单类型,时限,策略行,承诺时限,起算时间,时限到期,完成时间,超时(分钟),仍未完成,处理单位,技能组,处理人,首问责任人,' +
        '客户原因挂起(分钟),到期时环节,超时处理时间,超时处理,升级,时限重算',
    );
    // B's response: taken 30 min late, still 已派单 at its deadline; the breach raised and escalated.
    const bResponse = rows.find((r) => r.startsWith(`${B.number},故障申告,响应,`))!;
    expect(bResponse).toContain(',30,否,');
    expect(bResponse).toContain(',已派单,');
    expect(bResponse).toContain('提升优先级、升级支持线');
    expect(bResponse).toMatch(/优先级 \S+ → \S+；支持线 1 → 2/);
    // No codes of kinds, targets, states or actions are left in the file.
    expect(breachCsv.body).not.toMatch(
      /,(fault|response|arrival|restoration|dispatched|escalate|raise_priority),/,
    );
    // Kinds, targets and states are named as the console names them (web/src/i18n/locales).
    const zhWords = (target: 'response' | 'restoration') =>
      `${B.number},${requestsZhCN.kinds.fault},${slaZhCN.policies.targets[target]},`;
    expect(bResponse.startsWith(zhWords('response'))).toBe(true);
    expect(bResponse).toContain(`,${requestsZhCN.states.dispatched},`);
    const bRestoration = rows.find((r) => r.startsWith(`${B.number},故障申告,修复/恢复,`))!;
    expect(bRestoration.startsWith(zhWords('restoration'))).toBe(true);
    expect(bRestoration).toContain('·');
    expect(bRestoration).toContain(',120,');
    const breachEn = csvLines((await call('GET', `${breaches}&lang=en`, 'supervisor')).body);
    expect(breachEn[0]!.startsWith('Request number,Kind,Target,Policy row,Commitment,')).toBe(true);
    const enResponse = breachEn.find((r) => r.startsWith(`${B.number},Fault report,Response,`))!;
    expect(enResponse).toContain(',Dispatched,');
    expect(
      enResponse.startsWith(`${B.number},${requestsEn.kinds.fault},${slaEn.policies.targets.response},`),
    ).toBe(true);
    expect(enResponse).toContain(`,${requestsEn.states.dispatched},`);
    expect(enResponse).toContain('priority raised, escalated one support line');
    // The JSON answer keeps the codes.
    const json = await get<{ items: Breach[] }>(`/api/v1/sla/reports/breaches?from=${DAY1}&to=${DAY2}`);
    expect(
      json.items.find((b) => b.number === B.number && b.target === 'response')?.cause.statusAtDeadline,
    ).toBe('dispatched');
  });

  it('lists the breaches with their cause, newest deadline first, paged', async () => {
    const all = await get<{ items: Breach[]; nextCursor: string | null }>(
      `/api/v1/sla/reports/breaches?from=${DAY1}&to=${DAY2}`,
    );
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((b) => `${b.number}:${b.target}`).sort()).toEqual(
      [B, C].flatMap((v) => ['response', 'arrival', 'restoration'].map((t) => `${v.number}:${t}`)).sort(),
    );
    const deadlines = all.items.map((b) => Date.parse(b.deadline));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => b - a));

    const of = (v: View, t: string) => all.items.find((b) => b.number === v.number && b.target === t)!;
    // B's restoration: 12 h + the customer's 2 h pause = 14 h; resolved at 15 h.
    expect(of(B, 'restoration')).toMatchObject({ open: false, lateMinutes: 60 });
    expect(of(B, 'restoration').cause.pausedMinutes).toBe(120);
    expect(of(B, 'restoration').cause.breachStep?.actions).toContain('escalate');
    expect(of(B, 'restoration').assignee?.name).toBeTruthy();
    // B's response: taken 30 min late; its breach raised the priority and escalated one line.
    expect(of(B, 'response')).toMatchObject({ open: false, lateMinutes: 30 });
    expect(of(B, 'response').cause.statusAtDeadline).toBe('dispatched');
    expect(of(B, 'response').cause.escalation).toEqual({
      priority: { from: bPriority, to: raisedPriority(bPriority) },
      supportLine: { from: 1, to: 2 },
    });
    // C: never taken, still open, 24 h late on its response by now.
    expect(of(C, 'response')).toMatchObject({ open: true, lateMinutes: 24 * 60 });
    expect(of(C, 'response').cause.statusAtDeadline).toBe('dispatched');
    expect(of(C, 'response').assignee).toBeNull();

    // Pages of 4: the same six, none twice.
    const p1 = await get<{ items: Breach[]; nextCursor: string | null }>(
      `/api/v1/sla/reports/breaches?from=${DAY1}&to=${DAY2}&limit=4`,
    );
    expect(p1.items).toHaveLength(4);
    expect(p1.nextCursor).toBeTruthy();
    const p2 = await get<{ items: Breach[]; nextCursor: string | null }>(
      `/api/v1/sla/reports/breaches?from=${DAY1}&to=${DAY2}&limit=4&cursor=${p1.nextCursor}`,
    );
    expect(p2.nextCursor).toBeNull();
    expect([...p1.items, ...p2.items].map((b) => `${b.number}:${b.target}`)).toEqual(
      all.items.map((b) => `${b.number}:${b.target}`),
    );
  });

  it('lists the clocks about to breach or breached and waiting, least time left first', async () => {
    const soon = await get<AtRisk>('/api/v1/sla/at-risk?horizonMinutes=60');
    const mine = (r: AtRisk) => r.items.filter((i) => [C, D, E, F].some((v) => v.number === i.number));
    // C's response, arrival, restoration and progress are breached; F's response is due at 25 h 10 min.
    expect(mine(soon).map((i) => `${i.number}:${i.target}:${i.breached}`)).toEqual([
      `${C.number}:response:true`,
      `${C.number}:progress:true`,
      `${C.number}:arrival:true`,
      `${C.number}:restoration:true`,
      `${F.number}:response:false`,
    ]);
    expect(mine(soon).at(-1)).toMatchObject({ minutesLeft: 10, assignee: null });
    expect(mine(soon)[0]).toMatchObject({
      minutesLeft: -24 * 60,
      handlingUnit: { id: NJ, name: '南京分公司' },
    });
    // Six hours ahead adds D's and F's progress updates (4 h) and arrivals (6 h); E's are paused.
    const later = await get<AtRisk>('/api/v1/sla/at-risk?horizonMinutes=360');
    const more = mine(later).slice(5);
    expect(more.map((i) => `${i.number}:${i.target}`)).toEqual([
      `${D.number}:progress`,
      `${F.number}:progress`,
      `${D.number}:arrival`,
      `${F.number}:arrival`,
    ]);
    expect(more[0]!.assignee?.name).toBeTruthy();
    const deadlines = later.items.map((i) => Date.parse(i.deadline));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    expect(later.total).toBeGreaterThanOrEqual(later.items.length);
  });

  it('counts open requests by SLA state', async () => {
    const now = await get<States>('/api/v1/sla/open-states?kind=fault');
    // The demo data's requests are months later: only this file's requests moved the counts.
    expect({
      onTrack: now.states.onTrack - baseline.states.onTrack,
      warned: now.states.warned - baseline.states.warned,
      breached: now.states.breached - baseline.states.breached,
      paused: now.states.paused - baseline.states.paused,
    }).toEqual({ onTrack: 1, warned: 1, breached: 1, paused: 1 });
    expect(now.total - baseline.total).toBe(4);
  });

  it('shows a supervisor of another province none of it; agents may not read reports', async () => {
    const met = await get<Met>(
      `/api/v1/sla/reports/met?groupBy=day&from=${DAY1}&to=${DAY2}`,
      'zj.supervisor',
    );
    expect(counts(met.total.all)).toEqual([0, 0, 0, 0, 0, null]);
    const b = await get<{ items: Breach[] }>(
      `/api/v1/sla/reports/breaches?from=${DAY1}&to=${DAY2}`,
      'zj.supervisor',
    );
    expect(b.items).toEqual([]);
    const risk = await get<AtRisk>('/api/v1/sla/at-risk?horizonMinutes=10080', 'zj.supervisor');
    expect(risk.items.filter((i) => [C, D, E, F].some((v) => v.number === i.number))).toEqual([]);
    // The monitoring centre's desk: faults routed to it or entered by it (not these).
    const desk = await get<Met>(
      `/api/v1/sla/reports/met?groupBy=day&from=${DAY1}&to=${DAY2}&desk=monitoring`,
      'monitor',
    );
    expect(desk.total.all.decided + desk.total.all.openOnTrack).toBe(0);

    for (const url of ['/api/v1/sla/reports/met', '/api/v1/sla/at-risk', '/api/v1/sla/reports/breaches'])
      expect((await call('GET', url, 'agent')).statusCode).toBe(403);
  });

  it('refuses bad input with a code naming the field, and stores nothing', async () => {
    const tables = async () =>
      (
        await sql<{
          n: string;
        }>`select (select count(*) from audit_log) + (select count(*) from outbox_events)
          + (select count(*) from sla_clock_changes) as n`.execute(s.ctx.db)
      ).rows[0]!.n;
    const before = await tables();
    const refused = async (url: string, status: number, field: string) => {
      const res = await call('GET', url, 'supervisor');
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      const body = res.json() as { code: string; details: { fields: { field: string }[] } };
      expect(body.code).toBe(status === 400 ? 'VALIDATION_FAILED' : 'UNPROCESSABLE');
      expect(body.details.fields.map((f) => f.field)).toContain(field);
    };
    await refused('/api/v1/sla/reports/met?groupBy=customer', 400, 'querystring.groupBy');
    await refused('/api/v1/sla/reports/met?from=2026-02-30', 400, 'querystring.from');
    await refused('/api/v1/sla/reports/met?from=2026-6-1', 400, 'querystring.from');
    await refused(`/api/v1/sla/reports/met?from=${DAY2}&to=${DAY1}`, 400, 'querystring.to');
    await refused('/api/v1/sla/reports/met?from=2025-01-01&to=2026-06-01', 400, 'querystring.to');
    await refused('/api/v1/sla/reports/met?zone=Mars/Olympus', 400, 'querystring.zone');
    await refused('/api/v1/sla/reports/met?target=progress', 400, 'querystring.target');
    await refused('/api/v1/sla/reports/breaches?cursor=bm90LWEtY3Vyc29y', 400, 'querystring.cursor');
    await refused('/api/v1/sla/at-risk?horizonMinutes=0', 400, 'querystring.horizonMinutes');
    await refused(
      '/api/v1/sla/reports/met?orgUnitId=00000000-0000-4000-8000-000000000000',
      422,
      'querystring.orgUnitId',
    );
    await refused('/api/v1/sla/reports/met/export?format=pdf', 400, 'querystring.format');
    expect(await tables()).toBe(before);
  });
});
