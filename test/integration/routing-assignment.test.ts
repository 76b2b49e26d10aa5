// Assignment within a skill group, through the real database: presence (set by each user through
// /me/presence) skips away and offline members, round-robin takes turns, least-loaded uses the
// load the caller passes and the group's capacity, with slots reserved for enterprise customers.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '../../src/modules/identity/index.ts';
import { pickAssignee } from '../../src/modules/routing/index.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const user = (login: string) => demoId('user', login);
const GROUP = demoId('skill', 'JS.BROADBAND');
let s: TestServer;

async function call(
  login: string,
  method: InjectOptions['method'],
  url: string,
  payload?: unknown,
  headers = {},
) {
  return s.app.inject({
    method,
    url,
    headers: { ...(await s.as(login)), ...headers },
    ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
  });
}

const noLoad = async () => new Map<string, number>();
const pick = (over: Partial<Parameters<typeof pickAssignee>[1]> = {}) =>
  pickAssignee(s.ctx.db, {
    skillGroupId: GROUP,
    requiredSkills: ['fault'],
    enterpriseOrHighValue: false,
    loadOf: noLoad,
    ...over,
  });

beforeAll(async () => {
  s = await createTestServer();
  const res = await call('admin', 'PUT', `/api/v1/skill-groups/${GROUP}/members`, {
    members: [
      { userId: user('agent'), proficiency: 4 },
      { userId: user('staff001'), proficiency: 3 },
      { userId: user('staff006'), proficiency: 3 },
    ],
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await s?.close();
});

describe(`presence (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('is available until a user says otherwise; away with an end time and a deputy', async () => {
    expect((await call('staff001', 'GET', '/api/v1/me/presence')).json()).toEqual({
      status: 'available',
      until: null,
      deputy: null,
      version: 0,
    });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const res = await call('staff001', 'PUT', '/api/v1/me/presence', {
      status: 'away',
      until,
      deputyUserId: user('supervisor'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'away',
      until,
      deputy: { id: user('supervisor') },
      version: 1,
    });
    const stale = await call('staff001', 'PUT', '/api/v1/me/presence', { status: 'offline', version: 5 });
    expect(stale.statusCode).toBe(409);
    const back = await call('staff001', 'PUT', '/api/v1/me/presence', { status: 'available', version: 1 });
    expect(back.json()).toMatchObject({ status: 'available', deputy: null, version: 2 });
  });

  it('refuses an end time in the past or on "available", oneself or nobody as deputy', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 60_000).toISOString();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ status: 'away', until: past }, 400, 'body.until'],
      [{ status: 'available', until: future }, 400, 'body.until'],
      [{ status: 'away', deputyUserId: user('staff006') }, 200, ''],
      [{ status: 'away', deputyUserId: user('staff001') }, 400, 'body.deputyUserId'],
      [{ status: 'away', deputyUserId: demoId('user', 'nobody') }, 422, 'body.deputyUserId'],
      [{ status: 'busy' }, 400, 'body.status'],
    ];
    for (const [body, status, field] of cases) {
      const res = await call('staff001', 'PUT', '/api/v1/me/presence', body);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(status);
      if (field) expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    await call('staff001', 'PUT', '/api/v1/me/presence', { status: 'available' });
  });
});

describe(`assignment within a skill group (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('round-robin: each member in turn', async () => {
    const got = [];
    for (let i = 0; i < 6; i++) got.push((await pick()).userId);
    expect(new Set(got.slice(0, 3))).toEqual(new Set([user('agent'), user('staff001'), user('staff006')]));
    expect(got.slice(3)).toEqual(got.slice(0, 3));
  });

  it('gives concurrent assignments in one group different members, none waiting for another', async () => {
    const picks = await Promise.all(
      [0, 1, 2].map(() =>
        s.ctx.db.transaction().execute(async (trx) => {
          const r = await pickAssignee(trx, {
            skillGroupId: GROUP,
            requiredSkills: [],
            enterpriseOrHighValue: false,
            loadOf: noLoad,
          });
          // Hold the transaction open a moment, as an intake would while it writes the request.
          await new Promise((done) => setTimeout(done, 150));
          return r.userId;
        }),
      ),
    );
    expect(new Set(picks).size).toBe(3);
  });

  it('skips away and offline members, and takes them again when their away time is over', async () => {
    const until = new Date(Date.now() + 3_600_000);
    await call('agent', 'PUT', '/api/v1/me/presence', { status: 'away', until: until.toISOString() });
    await call('staff006', 'PUT', '/api/v1/me/presence', { status: 'offline' });
    for (let i = 0; i < 3; i++) {
      const r = await pick();
      expect(r.userId).toBe(user('staff001'));
      expect(r.explanation).toContain('agent (away)');
      expect(r.explanation).toContain('staff006 (offline)');
    }
    const later = await Promise.all([1, 2].map(() => pick({ now: new Date(until.getTime() + 1000) })));
    expect(later.map((r) => r.userId)).toContain(user('agent'));
    await call('staff006', 'PUT', '/api/v1/me/presence', { status: 'offline' });
    await call('staff001', 'PUT', '/api/v1/me/presence', { status: 'away' });
    const none = await pick();
    expect(none.userId).toBeNull();
    expect(none.explanation).toContain('nobody available');
    for (const login of ['agent', 'staff001', 'staff006'])
      await call(login, 'PUT', '/api/v1/me/presence', { status: 'available' });
  });

  it('least-loaded with a capacity: the least loaded member; reserved slots only for enterprise customers', async () => {
    const set = await call('supervisor', 'PUT', `/api/v1/routing-strategies/${GROUP}`, {
      strategy: 'least_loaded',
      capacity: 4,
      reservedSlots: 1,
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.headers.etag).toBe('"1"');
    const asked: string[][] = [];
    const loads = (m: Record<string, number>) => async (ids: readonly string[]) => {
      asked.push([...ids]);
      return new Map(Object.entries(m).map(([login, n]) => [user(login), n]));
    };
    const r = await pick({ loadOf: loads({ agent: 2, staff001: 1, staff006: 3 }) });
    expect(r.userId).toBe(user('staff001'));
    expect(asked[0]!.sort()).toEqual([user('agent'), user('staff001'), user('staff006')].sort());
    // Everybody at 3 of 4 with one slot reserved: ordinary customers wait, enterprise ones do not,
    // and the most proficient member takes them.
    const full = loads({ agent: 3, staff001: 3, staff006: 3 });
    const ordinary = await pick({ loadOf: full });
    expect(ordinary.userId).toBeNull();
    expect(ordinary.explanation).toContain('at capacity 3/3');
    expect((await pick({ loadOf: full, enterpriseOrHighValue: true })).userId).toBe(user('agent'));
    const busy = loads({ agent: 4, staff001: 4, staff006: 2 });
    expect((await pick({ loadOf: busy, enterpriseOrHighValue: true })).userId).toBe(user('staff006'));
  });

  it('keeps strategies to routing.manage holders, in scope, with versions', async () => {
    expect(
      (await call('agent', 'PUT', `/api/v1/routing-strategies/${GROUP}`, { strategy: 'skill' })).statusCode,
    ).toBe(403);
    const zj = await call('zj.supervisor', 'PUT', `/api/v1/routing-strategies/${GROUP}`, {
      strategy: 'skill',
    });
    expect(zj.statusCode).toBe(404);
    const stale = await call(
      'sysadmin',
      'PUT',
      `/api/v1/routing-strategies/${GROUP}`,
      { strategy: 'skill' },
      { 'if-match': '"7"' },
    );
    expect(stale.statusCode).toBe(409);
    const bad = await call('sysadmin', 'PUT', `/api/v1/routing-strategies/${GROUP}`, {
      strategy: 'least_loaded',
      capacity: 2,
      reservedSlots: 2,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.fields[0].field).toBe('body.reservedSlots');
    const list = await call('dispatcher', 'GET', '/api/v1/routing-strategies');
    expect(list.json().items).toEqual([
      expect.objectContaining({
        skillGroupId: GROUP,
        strategy: 'least_loaded',
        capacity: 4,
        reservedSlots: 1,
        version: 1,
      }),
    ]);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', GROUP)
      .where('action', '=', 'routing_strategy.set')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('by skill: nobody when the group lacks a required skill; the most proficient otherwise', async () => {
    expect(
      (
        await call('sysadmin', 'PUT', `/api/v1/routing-strategies/${GROUP}`, {
          strategy: 'skill',
          version: 1,
        })
      ).statusCode,
    ).toBe(200);
    const lacking = await pick({ requiredSkills: ['iptv'] });
    expect(lacking.userId).toBeNull();
    expect(lacking.explanation).toContain('lacks the skills iptv');
    expect((await pick({ requiredSkills: ['broadband'] })).userId).toBe(user('agent'));
  });
});
