// Issue 9, "Scope on writes": the branch takeover, the uniqueness existence oracle and the import's
// duplicate check, each as the attack a member of staff could make through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar, residentIdCheckChar } from '../../src/modules/customers/domain/pii.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const NJ = demoId('org', 'CT.JS.NJ');
const SZ = demoId('org', 'CT.JS.SZ');
const HZ = demoId('org', 'CT.ZJ.HZ');
const ROOT = demoId('org', 'CT');

// The clock the server runs on: the import rate limit is per hour.
let nowMs = Date.parse('2026-12-07T09:00:00Z');
const clock = { now: () => new Date(nowMs) };

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({ clock, env: { ONEPOINT_IMPORTS_PER_HOUR: '3' } });
});
afterAll(async () => {
  await s?.close();
});

let serial = 0;
/** A valid resident ID no other test uses (Nanjing 玄武 region code, a birth date per call). */
function newIdNumber(): string {
  serial += 1;
  const first17 = `320102198${String(serial % 10)}0${1 + (serial % 9)}${10 + (serial % 18)}1${String(serial).padStart(2, '0')}`;
  return first17 + residentIdCheckChar(first17);
}
/** A valid unified social credit code no other test uses. */
function newCreditCode(): string {
  serial += 1;
  const first17 = `91320100MA1${String(100000 + serial)}`;
  return first17 + creditCodeCheckChar(first17);
}

type Headers = Record<string, string>;
async function call(
  login: string | Headers,
  method: string,
  url: string,
  payload?: unknown,
  extra: Headers = {},
) {
  const headers = typeof login === 'string' ? await s.as(login) : login;
  return s.app.inject({
    method: method as 'GET',
    url: url.startsWith('/tmf-api') ? url : `/api/v1${url}`,
    headers: { ...headers, ...extra },
    ...(payload === undefined
      ? {}
      : typeof payload === 'string'
        ? { payload }
        : { payload: payload as object }),
  });
}

const individual = (orgUnitId: string, over: Record<string, unknown> = {}) => ({
  kind: 'individual',
  name: '测试客户',
  orgUnitId,
  ...over,
});

const auditOf = async (action: string) =>
  s.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

const accessLogOf = async (customerId: string) =>
  s.ctx.db
    .selectFrom('customer_access_log')
    .select(['actor_login', 'action', 'purpose'])
    .where('customer_id', '=', customerId)
    .execute();

describe(`scope on writes (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  describe('changing where a customer belongs', () => {
    let enterprise: { id: string; version: number };
    beforeAll(async () => {
      // A Jiangsu group customer with a branch in Hangzhou: Zhejiang staff see and serve it too.
      const res = await call('admin', 'POST', '/customers', {
        kind: 'enterprise',
        name: '苏浙联合测试集团',
        tier: 'group',
        orgUnitId: NJ,
        branches: [{ orgUnitId: HZ, name: '杭州分部' }],
      });
      expect(res.statusCode).toBe(201);
      enterprise = res.json();
    });

    it('refuses the takeover: a Zhejiang agent cannot move it to Hangzhou and drop the branch', async () => {
      expect((await call('zj.agent', 'GET', `/customers/${enterprise.id}`)).statusCode).toBe(200);
      const updatesBefore = (await auditOf('customer.update')).length;
      const takeover = await call('zj.agent', 'PATCH', `/customers/${enterprise.id}`, {
        version: enterprise.version,
        orgUnitId: HZ,
        branches: [],
      });
      expect(takeover.statusCode).toBe(403);
      expect(takeover.json().message).toMatch(
        /orgUnitId: the customer's current org unit is outside your data scope/,
      );
      // Moving alone, or adding a branch in a Jiangsu unit, is refused the same way.
      const move = await call('zj.agent', 'PATCH', `/customers/${enterprise.id}`, {
        version: enterprise.version,
        orgUnitId: HZ,
      });
      expect(move.statusCode).toBe(403);
      const widen = await call('zj.agent', 'PATCH', `/customers/${enterprise.id}`, {
        version: enterprise.version,
        branches: [
          { orgUnitId: HZ, name: '杭州分部' },
          { orgUnitId: SZ, name: '苏州分部' },
        ],
      });
      expect(widen.statusCode).toBe(403);
      expect(widen.json().message).toMatch(/^branches: /);
      // Through TMF629 the unit is a characteristic: the same rule.
      const tmf = await call(
        'zj.agent',
        'PATCH',
        `/tmf-api/customer/v5/customer/${enterprise.id}`,
        JSON.stringify({ characteristic: [{ name: 'orgUnitId', value: HZ, valueType: 'string' }] }),
        { 'content-type': 'application/merge-patch+json' },
      );
      expect(tmf.statusCode).toBe(403);

      const after = (await call('admin', 'GET', `/customers/${enterprise.id}`)).json();
      expect(after.orgUnitId).toBe(NJ);
      expect(after.branches.map((b: { orgUnitId: string }) => b.orgUnitId)).toEqual([HZ]);
      expect(after.version).toBe(enterprise.version);
      expect((await auditOf('customer.update')).length).toBe(updatesBefore);
      // Jiangsu still sees it.
      expect((await call('agent', 'GET', `/customers/${enterprise.id}`)).statusCode).toBe(200);
    });

    it('still lets the Zhejiang agent serve it, and the owner move it within its own scope', async () => {
      const notes = await call('zj.agent', 'PATCH', `/customers/${enterprise.id}`, {
        version: enterprise.version,
        notes: '杭州分部报修已处理',
      });
      expect(notes.statusCode).toBe(200);
      const moved = await call('agent', 'PATCH', `/customers/${enterprise.id}`, {
        version: notes.json().version,
        orgUnitId: SZ,
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json().orgUnitId).toBe(SZ);
    });

    it('refuses a new customer with a branch outside the caller’s scope', async () => {
      const res = await call('agent', 'POST', '/customers', {
        kind: 'enterprise',
        name: '江苏测试企业',
        tier: 'localA',
        orgUnitId: NJ,
        branches: [{ orgUnitId: HZ, name: '杭州办事处' }],
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toMatch(/branches\.orgUnitId: the org unit is outside your data scope/);
    });
  });

  describe('unique values held outside the caller’s scope (no existence oracle)', () => {
    it('answers an ID number held in Jiangsu exactly as a free one, and records the duplicate for review', async () => {
      const held = newIdNumber();
      const js = await call('admin', 'POST', '/customers', individual(NJ, { idNumber: held }));
      expect(js.statusCode).toBe(201);
      const jsId: string = js.json().id;

      const free = await call('zj.agent', 'POST', '/customers', individual(HZ, { idNumber: newIdNumber() }));
      const dup = await call('zj.agent', 'POST', '/customers', individual(HZ, { idNumber: held }));
      // The same answer: status, shape, a masked ID number of the same form.
      expect(dup.statusCode).toBe(201);
      expect(free.statusCode).toBe(201);
      expect(Object.keys(dup.json()).sort()).toEqual(Object.keys(free.json()).sort());
      expect(dup.json().idNumber).toMatch(/^\d{3}\*+[\dX]{4}$/);
      const zjId: string = dup.json().id;

      // Searching the number shows the caller their own customer only.
      const found = await call('zj.agent', 'GET', `/customers?idNumber=${held}`);
      expect(found.json().items.map((c: { id: string }) => c.id)).toEqual([zjId]);
      // The caller's 360 history says nothing about another customer.
      const history = (await call('zj.agent', 'GET', `/customers/${zjId}/360`)).json().recentHistory;
      expect(JSON.stringify(history)).not.toContain(jsId);

      // For review: at the lowest unit above both (the group), not visible to either province.
      const [entry] = (await auditOf('customer.duplicate_deferred')).filter((e) => e.entity_id === zjId);
      expect(entry).toMatchObject({
        entity_type: 'customer_duplicate',
        org_unit_id: ROOT,
        actor_login: 'zj.agent',
        details: { field: 'idNumber', customerId: zjId, otherCustomerId: jsId },
      });
      const zjAudit = await call('zj.supervisor', 'GET', '/audit-log?action=customer.duplicate_deferred');
      expect(zjAudit.statusCode).toBe(200);
      expect(zjAudit.json().items).toEqual([]);
      const national = await call('admin', 'GET', '/audit-log?action=customer.duplicate_deferred');
      expect(national.json().items.map((e: { entityId: string }) => e.entityId)).toContain(zjId);
      // And in the Jiangsu customer's access log: who matched it (never the value).
      expect(await accessLogOf(jsId)).toContainEqual({
        actor_login: 'zj.agent',
        action: 'search',
        purpose: 'uniqueness check',
      });
      expect(JSON.stringify(entry)).not.toContain(held);
    });

    it('refuses a value held by a customer the caller sees (409 naming it), access-logged', async () => {
      const held = newIdNumber();
      const js = (await call('admin', 'POST', '/customers', individual(NJ, { idNumber: held }))).json();
      const res = await call('agent', 'POST', '/customers', individual(NJ, { idNumber: held }));
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'CONFLICT',
        message: 'idNumber: another customer already has this ID number',
        details: { field: 'idNumber', customerId: js.id },
      });
      expect(await accessLogOf(js.id)).toContainEqual({
        actor_login: 'agent',
        action: 'search',
        purpose: 'uniqueness check',
      });
    });

    it('lets exactly one of several concurrent writers of one value in one scope succeed', async () => {
      // No unique index does it any more: the advisory lock on the value (PostgreSQL pool of 4).
      const held = newIdNumber();
      const line = { productCode: 'broadband.lan', accountNo: `lan025race${serial}` };
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call(
            'agent',
            'POST',
            '/customers',
            individual(NJ, i % 2 ? { idNumber: held } : { instances: [line] }),
          ),
        ),
      );
      const codes = (parity: number) =>
        results
          .filter((_, i) => i % 2 === parity)
          .map((r) => r.statusCode)
          .sort();
      expect(codes(1)).toEqual([201, 409, 409]);
      expect(codes(0)).toEqual([201, 409, 409]);
    });

    it('treats a PATCHed ID number, a credit code and an account number the same way', async () => {
      // PATCH: a Zhejiang customer given an ID number held in Jiangsu.
      const held = newIdNumber();
      await call('admin', 'POST', '/customers', individual(NJ, { idNumber: held }));
      const mine = (await call('zj.agent', 'POST', '/customers', individual(HZ))).json();
      const patched = await call('zj.agent', 'PATCH', `/customers/${mine.id}`, {
        version: mine.version,
        idNumber: held,
      });
      expect(patched.statusCode).toBe(200);

      // A credit code held by a Jiangsu enterprise.
      const code = newCreditCode();
      const ent = { kind: 'enterprise', name: '测试企业', tier: 'localB', creditCode: code };
      expect((await call('admin', 'POST', '/customers', { ...ent, orgUnitId: NJ })).statusCode).toBe(201);
      expect((await call('zj.agent', 'POST', '/customers', { ...ent, orgUnitId: HZ })).statusCode).toBe(201);
      // …and refused where the caller sees the holder.
      const seen = await call('agent', 'POST', '/customers', { ...ent, orgUnitId: NJ });
      expect(seen.statusCode).toBe(409);
      expect(seen.json().details.field).toBe('creditCode');

      // A live account number of a Jiangsu instance.
      const line = { productCode: 'broadband.ftth', accountNo: `ad025scope${serial}` };
      await call('admin', 'POST', '/customers', individual(NJ, { instances: [line] }));
      const added = await call('zj.agent', 'POST', `/customers/${mine.id}/instances`, line);
      expect(added.statusCode).toBe(201);
      const twice = await call('zj.agent', 'POST', `/customers/${mine.id}/instances`, line);
      expect(twice.statusCode).toBe(409);
      expect(twice.json().details.field).toBe('accountNo');

      const fields = (await auditOf('customer.duplicate_deferred'))
        .filter((e) => e.actor_login === 'zj.agent')
        .map((e) => (e.details as { field: string }).field);
      expect(fields).toEqual(expect.arrayContaining(['idNumber', 'creditCode', 'accountNo']));
    });
  });

  describe('the import’s duplicate check', () => {
    let importer: Headers;
    let password: string;
    beforeAll(async () => {
      // A Zhejiang importer: the role holds customer.import (administrators only by default).
      const role = await call('admin', 'POST', '/roles', {
        code: 'zj_importer',
        name: '浙江导入员',
        nameEn: 'Zhejiang importer',
        permissions: ['customer.read', 'customer.manage', 'customer.import'],
      });
      expect(role.statusCode).toBe(201);
      password = 'Zj-Import-2026x';
      const u = await call('admin', 'POST', '/users', {
        login: 'zj.importer',
        displayName: '浙江导入员',
        orgUnitId: demoId('org', 'CT.ZJ.10000'),
        roles: ['zj_importer'],
        password,
      });
      expect(u.statusCode).toBe(201);
      const login = await s.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login: 'zj.importer', password },
      });
      importer = { authorization: `Bearer ${login.json().token}` };
    });

    const csv = (rows: string[][]) =>
      `customer_no,kind,name,org_unit,id_number\n${rows.map((r) => r.join(',')).join('\n')}\n`;
    const upload = (who: Headers | string, body: string, dryRun = true) =>
      call(who, 'POST', `/customers/imports?dryRun=${dryRun}`, body, { 'content-type': 'text/csv' });

    it('reports only customers the importer sees, logs every match, and is rate-limited per user', async () => {
      const jsHeld = newIdNumber();
      const zjHeld = newIdNumber();
      const js = (await call('admin', 'POST', '/customers', individual(NJ, { idNumber: jsHeld }))).json();
      const zj = (await call('admin', 'POST', '/customers', individual(HZ, { idNumber: zjHeld }))).json();

      // A number held in Jiangsu passes the dry run like a free one.
      const dry = await upload(importer, csv([['ZJT1', 'individual', '导入一', 'CT.ZJ.HZ', jsHeld]]));
      expect(dry.statusCode).toBe(200);
      expect(dry.json()).toMatchObject({ ok: true, dryRun: true, errors: [] });
      // One held in Zhejiang is reported, on its row.
      const seen = await upload(
        importer,
        csv([
          ['ZJT2', 'individual', '导入二', 'CT.ZJ.HZ', jsHeld],
          ['ZJT3', 'individual', '导入三', 'CT.ZJ.HZ', zjHeld],
        ]),
      );
      expect(seen.statusCode).toBe(422);
      expect(seen.json().details.errors).toEqual([
        expect.objectContaining({ row: 3, column: 'id_number', code: 'ID_NUMBER_EXISTS' }),
      ]);
      expect(await accessLogOf(js.id)).toContainEqual({
        actor_login: 'zj.importer',
        action: 'search',
        purpose: 'uniqueness check (import)',
      });
      expect((await accessLogOf(zj.id)).map((r) => r.actor_login)).toContain('zj.importer');

      // Written for real: the duplicate goes in, recorded for review.
      const written = await upload(
        importer,
        csv([['ZJT4', 'individual', '导入四', 'CT.ZJ.HZ', jsHeld]]),
        false,
      );
      expect(written.statusCode).toBe(200);
      expect(written.json()).toMatchObject({ ok: true, customers: 1 });
      const review = (await auditOf('customer.duplicate_deferred')).filter(
        (e) => e.actor_login === 'zj.importer',
      );
      expect(review).toEqual([
        expect.objectContaining({
          org_unit_id: ROOT,
          details: expect.objectContaining({ field: 'idNumber', otherCustomerId: js.id }),
        }),
      ]);

      // The fourth import within the hour (ONEPOINT_IMPORTS_PER_HOUR=3) is refused before it is read.
      const limited = await upload(
        importer,
        csv([['ZJT5', 'individual', '导入五', 'CT.ZJ.HZ', newIdNumber()]]),
      );
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Per user: another importer is not held back; an hour later this one may go on.
      expect(
        (await upload('admin', csv([['ZJT6', 'individual', '导入六', 'CT.ZJ.HZ', newIdNumber()]])))
          .statusCode,
      ).toBe(200);
      nowMs += 3_600_000;
      // An hour of the test clock ends the importer's session too (idle timeout): sign in again.
      const again = await s.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login: 'zj.importer', password },
      });
      importer = { authorization: `Bearer ${again.json().token}` };
      const later = await upload(
        importer,
        csv([['ZJT7', 'individual', '导入七', 'CT.ZJ.HZ', newIdNumber()]]),
      );
      expect(later.statusCode).toBe(200);
    });
  });
});
