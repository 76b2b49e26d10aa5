// Concurrency (issue 13), through a real listening server on PostgreSQL: requests go out over
// parallel HTTP connections and interleave in the server and on the database's connections (not
// app.inject, which runs them one handler at a time until their first await). Parallel updates of
// one request with the same version, N agents taking the same request from their queue, parallel
// dispatches to different people, parallel creates with one Idempotency-Key, and SLA schedulers
// racing to claim the same due timers (each warning and breach acted on once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { requestSlaPort } from '../../src/modules/service-requests/index.ts';
import { SlaScheduler } from '../../src/modules/sla/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { demoId } from '../../src/seed/demo.ts';
import { DEMO_PASSWORD, createTestServer, type TestServer } from '../harness.ts';
import { checkSlaOnce } from './sla-support.ts';

const engine = inject('engine');

let s: TestServer;
let base: string;
// The platform clock: the system's until the SLA test moves it on (it runs last).
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
const HOUR = 3_600_000;
const tokens = new Map<string, string>();

/** One HTTP request over a real connection. */
async function call(
  method: string,
  path: string,
  login: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens.get(login)}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function signIn(login: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  });
  expect(res.status, login).toBe(200);
  tokens.set(login, ((await res.json()) as { token: string }).token);
}

/** Agents of the hotline centre (江苏 10000): the demo's agent and the staff the demo adds there. */
const AGENTS = ['agent', 'staff001', 'staff006', 'staff011', 'staff016', 'staff021', 'staff026', 'staff031'];

async function newFault(title: string, headers: Record<string, string> = {}) {
  return call(
    'POST',
    '/api/v1/service-requests',
    'agent',
    {
      kind: 'fault',
      title,
      description: '宽带无法上网，光猫红灯',
      channel: 'hotline',
      category: 'iptv.stutter',
    },
    headers,
  );
}

describe.runIf(engine === 'postgres')(
  'concurrency over parallel HTTP connections (PostgreSQL)',
  { timeout: 60_000 },
  () => {
    beforeAll(async () => {
      s = await createTestServer({ clock }); // four pooled connections: the writes race on the database
      base = await s.app.listen({ port: 0, host: '127.0.0.1' });
      await Promise.all([...AGENTS, 'supervisor', 'dispatcher'].map(signIn));
    });
    afterAll(async () => {
      await s?.close();
    });

    it('parallel updates of one request with the same version: exactly one wins, no lost update', async () => {
      const created = await newFault('并发修改');
      expect(created.status).toBe(201);
      const { id, version } = created.json as { id: string; version: number };
      // Eight agents change the tags at once, each to a set of its own, all from the version read.
      const tries = await Promise.all(
        AGENTS.map((login, i) =>
          call(
            'PUT',
            `/api/v1/service-requests/${id}/tags`,
            login,
            { tags: [`tag-${i}`, `by-${login}`] },
            { 'if-match': `"${version}"` },
          ),
        ),
      );
      const won = tries.filter((t) => t.status === 200);
      expect(won.length, JSON.stringify(tries.map((t) => [t.status, t.json.code]))).toBe(1);
      for (const t of tries.filter((x) => x.status !== 200)) {
        expect([409, 412]).toContain(t.status);
        expect(t.json.code).toBe('CONFLICT');
      }
      const winner = AGENTS[tries.findIndex((t) => t.status === 200)]!;
      const after = await call('GET', `/api/v1/service-requests/${id}`, 'agent');
      expect(after.json.version).toBe(version + 1);
      expect(after.json.tags).toEqual(expect.arrayContaining([`by-${winner}`]));
      expect(after.json.tags).toHaveLength(2);
    });

    it('N agents take the same request from their queue at once: one gets it, the rest are refused', async () => {
      const created = await newFault('并发接单');
      expect(created.status).toBe(201);
      let v = created.json as { id: string; version: number; handlingUnitId: string };
      // Into the hotline centre's unassigned queue, where every one of the agents sees it.
      const moved = await call(
        'POST',
        `/api/v1/service-requests/${v.id}/transfers`,
        'supervisor',
        { toUnitId: demoId('org', 'CT.JS.10000'), reason: '本中心处理' },
        { 'if-match': `"${v.version}"` },
      );
      expect(moved.status, JSON.stringify(moved.json)).toBe(200);
      const dispatched = await call(
        'POST',
        `/api/v1/service-requests/${v.id}/transitions`,
        'supervisor',
        { action: 'dispatch' },
        { 'if-match': `"${moved.json.version}"` },
      );
      expect(dispatched.status, JSON.stringify(dispatched.json)).toBe(200);
      v = dispatched.json as typeof v;
      if (dispatched.json.assigneeId)
        throw new Error('routing assigned it; the queue test needs it unassigned');
      for (const login of AGENTS) {
        const queue = await call('GET', '/api/v1/service-requests?unassigned=true&limit=100', login);
        expect(
          (queue.json.items as Array<{ id: string }>).some((r) => r.id === v.id),
          `${login} sees it unassigned`,
        ).toBe(true);
      }
      // Without If-Match (as a "take next" button sends it): the version read guards the update.
      const takes = await Promise.all(
        AGENTS.map((login) =>
          call('POST', `/api/v1/service-requests/${v.id}/transitions`, login, { action: 'take' }),
        ),
      );
      const ok = takes.filter((t) => t.status === 200);
      expect(ok.length, JSON.stringify(takes.map((t) => [t.status, t.json.code]))).toBe(1);
      expect(takes.filter((t) => t.status !== 200).every((t) => t.status === 409)).toBe(true);
      const taker = AGENTS[takes.findIndex((t) => t.status === 200)]!;
      const after = await call('GET', `/api/v1/service-requests/${v.id}`, 'agent');
      expect(after.json.status).toBe('taken');
      expect(after.json.assigneeId).toBe(demoId('user', taker));
      const timeline = after.json.timeline as Array<{ kind: string; toStatus?: string | null }>;
      expect(timeline.filter((t) => t.toStatus === 'taken')).toHaveLength(1);
      expect(after.json.version).toBe(v.version + 1);
    });

    it('parallel dispatches of one request to different people: one assignment stands', async () => {
      const created = await newFault('并发派单');
      const v = created.json as { id: string; version: number };
      const to = AGENTS.slice(1);
      const tries = await Promise.all(
        to.map((login) =>
          call('POST', `/api/v1/service-requests/${v.id}/transitions`, 'supervisor', {
            action: 'dispatch',
            assigneeId: demoId('user', login),
          }),
        ),
      );
      const ok = tries.filter((t) => t.status === 200);
      expect(ok.length, JSON.stringify(tries.map((t) => [t.status, t.json.code]))).toBe(1);
      const after = await call('GET', `/api/v1/service-requests/${v.id}`, 'agent');
      expect(after.json.assigneeId).toBe(ok[0]!.json.assigneeId);
      const timeline = after.json.timeline as Array<{ toStatus?: string | null }>;
      expect(timeline.filter((t) => t.toStatus === 'dispatched')).toHaveLength(1);
    });

    it('parallel creates with one Idempotency-Key make one request; all answers name it', async () => {
      const key = `idem-${Date.now()}`;
      const title = `并发重复提交 ${key}`;
      const tries = await Promise.all(
        Array.from({ length: 12 }, () => newFault(title, { 'idempotency-key': key })),
      );
      expect(
        tries.every((t) => t.status === 200 || t.status === 201),
        JSON.stringify(tries.map((t) => t.status)),
      ).toBe(true);
      expect(new Set(tries.map((t) => t.json.id)).size).toBe(1);
      expect(new Set(tries.map((t) => t.json.number)).size).toBe(1);
      const rows = await s.ctx.db
        .selectFrom('service_requests')
        .select(['id'])
        .where('title', '=', title)
        .execute();
      expect(rows).toHaveLength(1);
      const events = await s.ctx.db
        .selectFrom('outbox_events')
        .select('id')
        .where('aggregate_id', '=', rows[0]!.id)
        .where('event_type', '=', 'ServiceRequestCreateEvent')
        .execute();
      expect(events).toHaveLength(1);
    });

    it('SLA schedulers racing for the same due timers: each warning and breach acted on once', async () => {
      const created = await Promise.all(Array.from({ length: 24 }, (_, i) => newFault(`并发时限 ${i}`)));
      const before = new Map<string, { priority: string; supportLine: number }>();
      for (const c of created) {
        expect(c.status).toBe(201);
        const v = c.json as { id: string; priority: string; supportLine: number };
        before.set(v.id, { priority: v.priority, supportLine: v.supportLine });
      }
      // Six schedulers (as in six worker processes) on the server's four pooled connections, small
      // batches so that their rounds interleave; no scheduler runs in the test server itself.
      const logger = createLogger('silent');
      const schedulers = Array.from(
        { length: 6 },
        () => new SlaScheduler({ db: s.ctx.db, clock, logger, port: requestSlaPort, batchSize: 5 }),
      );
      const race = () => Promise.all(schedulers.map((x) => x.drain()));
      // A day on: the 50 % warning of each request's 48 h repair clock (and whatever else of the
      // demo data is due by then); two more days: the breach, the 80 % warning passed over.
      offset = 24 * HOUR + 10 * 60_000;
      const warned = await race();
      offset = 48 * HOUR + 20 * 60_000;
      const breached = await race();
      for (const counts of [warned, breached])
        expect(
          counts.filter((n) => n > 0).length,
          `clocks claimed per scheduler: ${counts.join(', ')}`,
        ).toBeGreaterThan(1);
      expect(await Promise.all(schedulers.map((x) => x.drain()))).toEqual(schedulers.map(() => 0));
      await checkSlaOnce(
        s.ctx.db,
        [...before.keys()].flatMap((id) => [`${id}:restoration:50`, `${id}:restoration:100`]),
        before,
      );
    });
  },
);
