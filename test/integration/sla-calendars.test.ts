// Business calendars through the API: the built-in calendars and the national schedule from
// chinese-days, the calendar check (add / between), a provisional result for a year without a
// schedule and the admin warning, entering that year, a unit's calendar standing in for a built-in
// one, overrides (a typhoon day), and bad input refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/modules/identity/index.ts';
import { bodyCases, fieldsFromOpenApi, runCases, type BodyRoute } from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1/sla';
const unit = (code: string) => demoId('org', code);
// The platform clock: 7 December 2026, when 2027's schedule may not be entered yet.
const clock = { now: () => new Date('2026-12-07T10:00:00+08:00') };
let s: TestServer;
let sys: { authorization: string };
let sup: { authorization: string };

beforeAll(async () => {
  s = await createTestServer({ clock });
  sys = await s.as('sysadmin');
  sup = await s.as('supervisor');
});
afterAll(async () => {
  await s?.close();
});

const post = (url: string, payload: unknown, headers = sup) =>
  s.app.inject({ method: 'POST', url: `${API}${url}`, payload: payload as object, headers });
const add = async (payload: Record<string, unknown>) => {
  const res = await post('/calendar-check/add', payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe(`business calendars (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('lists the built-in calendars; agents may not see them', async () => {
    const res = await s.app.inject({ method: 'GET', url: `${API}/calendars`, headers: sup });
    expect(res.statusCode).toBe(200);
    const office = res.json().items.find((c: { code: string }) => c.code === 'cn-office');
    expect(office).toMatchObject({
      builtin: true,
      zone: 'Asia/Shanghai',
      days: 'national',
      hours: [
        { from: '08:30', to: '12:00' },
        { from: '13:00', to: '17:30' },
      ],
    });
    const agent = await s.as('agent');
    expect((await s.app.inject({ method: 'GET', url: `${API}/calendars`, headers: agent })).statusCode).toBe(
      403,
    );
  });

  it('checks a deadline across 2025 National Day and a 调休 Saturday', async () => {
    expect(
      await add({ calendar: 'cn-office', from: '2025-09-30T10:00:00+08:00', duration: '1wd' }),
    ).toMatchObject({ result: '2025-10-09T10:00:00+08:00', provisional: false, missingYears: [] });
    expect(await add({ calendar: 'cn-office', from: '2025-10-10T15:00:00Z', duration: '4h' })).toMatchObject({
      from: '2025-10-10T23:00:00+08:00',
      countedFrom: '2025-10-11T08:30:00+08:00',
      result: '2025-10-11T13:30:00+08:00',
    });
    const res = await post('/calendar-check/between', {
      calendar: 'cn-workdays',
      from: '2025-09-26T00:00:00+08:00',
      to: '2025-10-13T00:00:00+08:00',
    });
    expect(res.json()).toMatchObject({ workingTime: '168h', minutes: 7 * 24 * 60, provisional: false });
  });

  it('marks a result in a year without a schedule provisional, warns, and an admin enters the year', async () => {
    const r = await add({ calendar: 'cn-workdays', from: '2026-12-31T10:00:00+08:00', duration: '1wd' });
    expect(r).toMatchObject({ result: '2027-01-01T10:00:00+08:00', provisional: true, missingYears: [2027] });
    expect(r.warnings[0]).toMatch(/2027/);

    const years = await s.app.inject({ method: 'GET', url: `${API}/calendar-years`, headers: sup });
    expect(years.json().items.map((y: { year: number }) => y.year)).toEqual(
      Array.from({ length: 23 }, (_, i) => 2004 + i),
    );
    expect(years.json().items.at(-1)).toMatchObject({
      year: 2026,
      source: 'chinese-days@1.5.7',
      workdays: 6,
    });
    expect(years.json().warnings).toEqual([
      expect.objectContaining({ code: 'NATIONAL_SCHEDULE_MISSING', year: 2027 }),
    ]);

    // A supervisor reads but may not enter it; the system administrator does.
    const year2027 = {
      holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-02' }, { date: '2027-01-03' }],
      workdays: [],
    };
    const put = (headers: { authorization: string }, payload: unknown) =>
      s.app.inject({ method: 'PUT', url: `${API}/calendar-years/2027`, payload: payload as object, headers });
    expect((await put(sup, year2027)).statusCode).toBe(403);
    const saved = await put(sys, year2027);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ year: 2027, source: 'admin', holidays: 3, workdays: 0 });

    const again = await add({ calendar: 'cn-workdays', from: '2026-12-31T10:00:00+08:00', duration: '1wd' });
    expect(again).toMatchObject({ result: '2027-01-04T10:00:00+08:00', provisional: false });
    const after = await s.app.inject({ method: 'GET', url: `${API}/calendar-years`, headers: sup });
    expect(after.json().warnings).toEqual([]);
  });

  it("uses a province's calendar in place of cn-office for its units, and its typhoon closure", async () => {
    const created = await post(
      '/calendars',
      {
        code: 'zj-office',
        name: '浙江办公时间',
        orgUnitId: unit('CT.ZJ'),
        replaces: 'cn-office',
        days: 'national',
        hours: [{ from: '09:00', to: '18:00' }],
      },
      sys,
    );
    expect(created.statusCode, created.body).toBe(201);
    const from = { calendar: 'cn-office', from: '2025-10-09T17:00:00+08:00', duration: '2h' };
    // Elsewhere cn-office: 0.5 h on Thursday, 1.5 h on Friday from 08:30.
    expect(await add(from)).toMatchObject({ calendar: 'cn-office', result: '2025-10-10T10:00:00+08:00' });
    // In 浙江 (and under it) 09:00–18:00: 1 h on Thursday, 1 h on Friday from 09:00.
    const zj = await add({ ...from, orgUnitId: unit('CT.ZJ.NOC') });
    expect(zj).toMatchObject({ calendar: 'zj-office', result: '2025-10-10T10:00:00+08:00' });

    const typhoon = await post(
      '/calendar-overrides',
      { orgUnitId: unit('CT.ZJ'), date: '2025-10-10', kind: 'closed', reason: '台风停工' },
      sys,
    );
    expect(typhoon.statusCode, typhoon.body).toBe(201);
    // Friday closed in 浙江: on to Saturday 10-11 (a 调休 working day); 24x7 is not closed.
    expect(await add({ ...from, orgUnitId: unit('CT.ZJ.NOC') })).toMatchObject({
      result: '2025-10-11T10:00:00+08:00',
    });
    expect(
      await add({
        calendar: '24x7',
        from: '2025-10-09T17:00:00+08:00',
        duration: '2h',
        orgUnitId: unit('CT.ZJ'),
      }),
    ).toMatchObject({ result: '2025-10-09T19:00:00+08:00' });
    const gone = await s.app.inject({
      method: 'DELETE',
      url: `${API}/calendar-overrides/${typhoon.json().id}`,
      headers: sys,
    });
    expect(gone.statusCode).toBe(204);
    expect(await add({ ...from, orgUnitId: unit('CT.ZJ.NOC') })).toMatchObject({
      result: '2025-10-10T10:00:00+08:00',
    });
  });

  it('refuses bad input with 400 naming the field, and nothing is written', async () => {
    const cases: Array<[string, string, unknown, string, number?]> = [
      [
        'POST',
        '/calendar-check/add',
        { calendar: 'cn-office', from: '2025-10-09T17:00:00+08:00', duration: '3w' },
        'body.duration',
      ],
      [
        'POST',
        '/calendar-check/add',
        { calendar: 'cn-office', from: '2025-10-09T17:00', duration: '3wd' },
        'body.from',
      ],
      [
        'POST',
        '/calendar-check/add',
        { calendar: 'nope', from: '2025-10-09T17:00:00Z', duration: '3wd' },
        'body.calendar',
        422,
      ],
      ['POST', '/calendar-check/between', { calendar: '24x7', from: '2025-10-09T17:00:00Z' }, 'body.to'],
      [
        'POST',
        '/calendars',
        {
          code: 'x-office',
          name: 'x',
          orgUnitId: unit('CT.JS'),
          days: 'national',
          hours: [
            { from: '09:00', to: '12:00' },
            { from: '11:00', to: '17:00' },
          ],
        },
        'body.hours',
      ],
      [
        'POST',
        '/calendars',
        { code: 'x-office', name: 'x', orgUnitId: unit('CT.JS'), days: 'national', zone: 'Mars/Base' },
        'body.zone',
      ],
      [
        'PUT',
        '/calendar-years/2028',
        { holidays: [{ date: '2028-01-01' }], workdays: [{ date: '2028-01-05' }] },
        'body.workdays[0].date',
      ],
      ['PUT', '/calendar-years/2028', { holidays: [{ date: '2029-01-01' }] }, 'body.holidays[0].date'],
      [
        'POST',
        '/calendar-overrides',
        { orgUnitId: unit('CT.JS'), date: '2025-02-30', kind: 'closed', reason: 'x' },
        'body.date',
      ],
    ];
    for (const [method, url, payload, field, status = 400] of cases) {
      const res = await s.app.inject({
        method: method as 'POST',
        url: `${API}${url}`,
        payload: payload as object,
        headers: sys,
      });
      expect(res.statusCode, `${url} ${res.body}`).toBe(status);
      expect(res.json().code).toBe(status === 400 ? 'VALIDATION_FAILED' : 'UNPROCESSABLE');
      expect(JSON.stringify(res.json().details), url).toContain(field);
    }
    const db = s.ctx.db;
    expect(
      await db.selectFrom('sla_calendars').select('code').where('code', '=', 'x-office').execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('sla_calendar_years').select('year').where('year', '=', 2028).execute(),
    ).toEqual([]);
  });

  it('refuses wrong types, missing and unknown fields, oversize strings on every body — changing nothing', async () => {
    const doc = s.app.swagger();
    const route = (
      method: BodyRoute['method'],
      path: string,
      url: string,
      valid: Record<string, unknown>,
    ) => ({
      method,
      url: `${API}${url}`,
      valid,
      fields: fieldsFromOpenApi(doc, method, `${API}${path}`),
    });
    const id = '0190a5b4-0000-7000-8000-000000000000';
    const calendar = { code: 'y-office', name: 'y', orgUnitId: unit('CT.JS'), days: 'national', hours: [] };
    const routes = [
      route('POST', '/calendars', '/calendars', calendar),
      route('PATCH', '/calendars/{code}', '/calendars/zj-office', { name: 'z', version: 1 }),
      route('POST', '/calendar-overrides', '/calendar-overrides', {
        orgUnitId: unit('CT.JS'),
        date: '2025-10-10',
        kind: 'closed',
        reason: 'x',
      }),
      route('PATCH', '/calendar-overrides/{id}', `/calendar-overrides/${id}`, { reason: 'x', version: 1 }),
      route('PUT', '/calendar-years/{year}', '/calendar-years/2028', {
        holidays: [{ date: '2028-01-01' }],
        workdays: [],
      }),
      route('POST', '/calendar-check/add', '/calendar-check/add', {
        calendar: 'cn-office',
        from: '2025-10-10T10:00:00Z',
        duration: '1wd',
      }),
      route('POST', '/calendar-check/between', '/calendar-check/between', {
        calendar: 'cn-office',
        from: '2025-10-10T10:00:00Z',
        to: '2025-10-11T10:00:00Z',
      }),
    ];
    const db = s.ctx.db;
    const snapshot = async () => ({
      calendars: await db.selectFrom('sla_calendars').selectAll().orderBy('code').execute(),
      overrides: await db.selectFrom('sla_calendar_overrides').selectAll().orderBy('id').execute(),
      years: await db.selectFrom('sla_calendar_years').selectAll().orderBy('year').execute(),
    });
    const before = await snapshot();
    const { problems } = await runCases(s.app, routes.flatMap(bodyCases), () => sys);
    expect(problems).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
