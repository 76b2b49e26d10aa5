// The TMF event hub: listeners registered with POST /hub receive the API's events from the
// outbox, signed, with retries — without NATS. Listeners here are local HTTP servers, so the
// server runs with ONEPOINT_ALLOW_PRIVATE_CALLBACKS=true (one test shows the refusal without it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  HubDelivery,
  prunePublished,
  SIGNATURE_HEADER,
  verifySignature,
} from '../../src/modules/events/index.ts';
import { registerEventCommands } from '../../src/modules/events/events.cli.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { PiiVault } from '../../src/platform/pii/vault.ts';
import { buildApp, startPlatform, type Platform } from '../../src/server.ts';
import { createTestServer, DEMO_PASSWORD, openTestDatabase, type TestServer } from '../harness.ts';
import { tmfSchemas } from '../tmf-schema.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const API = '/tmf-api/customer/v5';
const validate = tmfSchemas('TMF629-Customer_Management-v5.0.1.oas.yaml');

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { eventId: string; eventType: string; event: { customer: { id: string; name: string } } };
}

/** A listener: records every POST; answers each path with the scripted codes, then 200. */
async function startListener() {
  const received: Received[] = [];
  const script = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) });
      const code = script.get(req.url ?? '')?.shift() ?? 200;
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    port,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let s: TestServer;
let listener: Awaited<ReturnType<typeof startListener>>;
// The workers' clock: tests move it to make a retry due without waiting for the back-off.
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const worker = (extra: Partial<ConstructorParameters<typeof HubDelivery>[0]> = {}) =>
  new HubDelivery({
    db: s.ctx.db,
    clock,
    logger: createLogger('silent'),
    allowPrivate: true,
    maxAttempts: 3,
    vault: new PiiVault(s.ctx.config.piiKeys),
    ...extra,
  });

beforeAll(async () => {
  s = await createTestServer({ env: { ONEPOINT_ALLOW_PRIVATE_CALLBACKS: 'true' } });
  listener = await startListener();
});
afterAll(async () => {
  await s?.close();
  await listener?.close();
});

async function call(
  method: string,
  url: string,
  login: string,
  payload?: unknown,
  type = 'application/json',
) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(await s.as(login)), ...(payload !== undefined ? { 'content-type': type } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

async function register(path: string, query?: string) {
  const res = await call('POST', `${API}/hub`, 'admin', {
    '@type': 'Hub',
    callback: listener.url(path),
    ...(query !== undefined ? { query } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; href: string; callback: string; query?: string; secret: string };
}

async function createCustomer(name: string): Promise<string> {
  const res = await call('POST', `${API}/customer`, 'agent', {
    '@type': 'Customer',
    name,
    engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual', name },
    contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: '13812345678' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const expectTmfError = (res: { statusCode: number; json: () => unknown }, status: number) => {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ '@type': 'Error', code: `ERR${status}`, status: String(status) });
  expect(validate('Error', res.json())).toEqual([]);
};

const deliveriesOf = (hubId: string) =>
  s.ctx.db.selectFrom('hub_deliveries').selectAll().where('hub_id', '=', hubId).orderBy('event_id').execute();

describe(`TMF629 event hub (${ENGINE})`, () => {
  it('registers, shows and removes a listener in the TMF629 v5 Hub shape; the secret is shown once', async () => {
    const created = await call('POST', `${API}/hub`, 'admin', {
      '@type': 'Hub',
      callback: listener.url('/shape'),
      query: 'eventType=CustomerCreateEvent',
    });
    expect(created.statusCode, created.body).toBe(201);
    const hub = created.json();
    expect(validate('Hub', hub)).toEqual([]);
    expect(hub.href).toMatch(new RegExp(`^http://localhost(:80)?${API}/hub/${hub.id}$`));
    expect(hub).toMatchObject({
      '@type': 'Hub',
      callback: listener.url('/shape'),
      query: 'eventType=CustomerCreateEvent',
    });
    expect(hub.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.headers.location).toBe(hub.href);
    // Stored encrypted with the platform vault, like a webhook's secret: never in clear.
    const stored = await s.ctx.db
      .selectFrom('event_hubs')
      .select('secret')
      .where('id', '=', hub.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret.startsWith('enc:')).toBe(true);
    expect(stored.secret).not.toContain(hub.secret);

    const got = await call('GET', `${API}/hub/${hub.id}`, 'admin');
    expect(got.statusCode).toBe(200);
    expect(validate('Hub', got.json())).toEqual([]);
    expect(got.json()).toEqual({
      '@type': 'Hub',
      id: hub.id,
      href: hub.href,
      callback: hub.callback,
      query: hub.query,
    });

    // Without a query: every customer event; no @type (older clients) is accepted too.
    const plain = await call('POST', `${API}/hub`, 'admin', { callback: listener.url('/shape') });
    expect(plain.statusCode).toBe(201);
    expect(plain.json().query).toBeUndefined();
    expect(validate('Hub', plain.json())).toEqual([]);

    expect((await call('DELETE', `${API}/hub/${hub.id}`, 'admin')).statusCode).toBe(204);
    expect((await call('DELETE', `${API}/hub/${plain.json().id}`, 'admin')).statusCode).toBe(204);
    expectTmfError(await call('GET', `${API}/hub/${hub.id}`, 'admin'), 404);
    expectTmfError(await call('DELETE', `${API}/hub/${hub.id}`, 'admin'), 404);
    expectTmfError(await call('DELETE', `${API}/hub/not-a-uuid`, 'admin'), 404);

    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_id', '=', hub.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['event_hub.register', 'event_hub.delete']);
  });

  it('refuses bad registrations naming the attribute, and callers without events.subscribe', async () => {
    const bad = async (body: unknown, status: number, message: RegExp) => {
      const res = await call('POST', `${API}/hub`, 'admin', body);
      expectTmfError(res, status);
      expect((res.json() as { message: string }).message).toMatch(message);
    };
    await bad({ '@type': 'Hub' }, 400, /callback: is required/);
    await bad({ '@type': 'Subscription', callback: listener.url('/x') }, 400, /@type: must be "Hub"/);
    await bad({ callback: listener.url('/x'), secret: 'mine' }, 400, /secret: is not an attribute of Hub/);
    await bad({ callback: 'ftp://example.com/x' }, 400, /callback: must be an absolute http/);
    await bad({ callback: listener.url('/x'), query: 'status=active' }, 400, /query: filtering on "status"/);
    await bad(
      { callback: listener.url('/x'), query: 'eventType=TroubleTicketCreateEvent' },
      400,
      /query: eventType: each value is one of CustomerCreateEvent/,
    );
    expectTmfError(await call('POST', `${API}/hub`, 'agent', { callback: listener.url('/x') }), 403);
    expectTmfError(await call('GET', `${API}/hub/${crypto.randomUUID()}`, 'supervisor'), 403);
  });

  it('delivers CustomerCreateEvent and CustomerAttributeValueChangeEvent, signed and schema-valid, to matching listeners only', async () => {
    const all = await register('/all');
    const createOnly = await register('/create', 'eventType=CustomerCreateEvent');
    const other = await register('/other', 'eventType=CustomerStateChangeEvent,CustomerDeleteEvent');
    const orgs = await register('/orgs', 'event.customer.engagedParty.@referredType=Organization');
    const renamed = await register(
      '/renamed',
      `eventType=CustomerAttributeValueChangeEvent&event.customer.name=${encodeURIComponent('周晓梅梅')}`,
    );

    const id = await createCustomer('周晓梅');
    const patch = await call(
      'PATCH',
      `${API}/customer/${id}`,
      'agent',
      { name: '周晓梅梅' },
      'application/merge-patch+json',
    );
    expect(patch.statusCode, patch.body).toBe(200);
    // Nothing is sent on the request's path: the worker does it.
    expect(listener.at('/all')).toHaveLength(0);
    // Registered after the changes but before the worker ran: it hears of neither.
    const late = await register('/late');

    const round = await worker().drain();
    expect(round).toMatchObject({ delivered: 4, failed: 0, gaveUp: 0 });

    const got = listener.at('/all');
    expect(got.map((r) => r.json.eventType)).toEqual([
      'CustomerCreateEvent',
      'CustomerAttributeValueChangeEvent',
    ]);
    for (const r of got) {
      expect(r.json.event.customer.id).toBe(id);
      expect(r.headers['content-type']).toBe('application/json');
      expect(verifySignature(all.secret, r.body, r.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(
        true,
      );
      expect(
        verifySignature(createOnly.secret, r.body, r.headers[SIGNATURE_HEADER.toLowerCase()] as string),
      ).toBe(false);
      expect(validate(r.json.eventType, r.json)).toEqual([]);
    }
    expect(got[1]!.json.event.customer.name).toBe('周晓梅梅');
    // Events are masked as ever: the phone is not in the clear.
    expect(got.map((r) => r.body).join()).not.toContain('13812345678');

    const created = listener.at('/create');
    expect(created.map((r) => r.json.eventType)).toEqual(['CustomerCreateEvent']);
    expect(created[0]!.json.eventId).toBe(got[0]!.json.eventId);
    expect(listener.at('/other')).toHaveLength(0);
    expect(await deliveriesOf(other.id)).toHaveLength(0);
    // Attribute filters on the event: an individual is not an organisation; the new name matches.
    expect(listener.at('/orgs')).toHaveLength(0);
    expect(listener.at('/renamed').map((r) => r.json.eventId)).toEqual([got[1]!.json.eventId]);

    const rows = await deliveriesOf(all.id);
    expect(rows.map((r) => [r.status, r.attempts, r.last_status_code])).toEqual([
      ['delivered', 1, 200],
      ['delivered', 1, 200],
    ]);
    expect(await deliveriesOf(late.id)).toHaveLength(0);
    expect(listener.at('/late')).toHaveLength(0);
    for (const h of [all, createOnly, other, orgs, renamed, late])
      await call('DELETE', `${API}/hub/${h.id}`, 'admin');
  });

  it('signs with a secret stored in clear before secrets were encrypted; one no key decrypts fails the attempt, saying so', async () => {
    const legacy = await register('/legacy');
    const undecryptable = await register('/undecryptable');
    // As a listener registered before the upgrade has it: the secret in clear.
    const clear = 'a-listener-secret-from-before-0123456789';
    await s.ctx.db.updateTable('event_hubs').set({ secret: clear }).where('id', '=', legacy.id).execute();
    // Encrypted under a key ONEPOINT_PII_KEYS no longer lists.
    const gone = new PiiVault([{ id: 'gone', secret: Buffer.alloc(32, 7) }]).encrypt('x', 'y');
    await s.ctx.db
      .updateTable('event_hubs')
      .set({ secret: `enc:${gone}` })
      .where('id', '=', undecryptable.id)
      .execute();
    await createCustomer('李清');
    const round = await worker().drain();
    expect(round).toMatchObject({ delivered: 1, failed: 1 });
    const got = listener.at('/legacy');
    expect(got).toHaveLength(1);
    expect(
      verifySignature(clear, got[0]!.body, got[0]!.headers[SIGNATURE_HEADER.toLowerCase()] as string),
    ).toBe(true);
    expect(listener.at('/undecryptable')).toHaveLength(0);
    const [failed] = await deliveriesOf(undecryptable.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed!.last_error).toMatch(/signing secret cannot be decrypted/);
    for (const h of [legacy, undecryptable]) await call('DELETE', `${API}/hub/${h.id}`, 'admin');
  });

  it('retries a failing listener after a back-off and keeps every attempt; gives up after the configured attempts', async () => {
    const flaky = await register('/flaky');
    const down = await register('/down');
    listener.script.set('/flaky', [500]);
    listener.script.set('/down', [503, 503, 503, 503]);
    await createCustomer('钱丽');
    const w = worker();

    expect(await w.drain()).toMatchObject({ delivered: 0, failed: 2 });
    const [first] = await deliveriesOf(flaky.id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
    expect(first!.next_attempt_at.getTime()).toBeGreaterThan(clock.now().getTime() + 5_000);
    // Not due yet: nothing is sent again.
    expect((await w.drain()).claimed).toBe(0);

    offsetMs += 11_000;
    expect(await w.drain()).toMatchObject({ delivered: 1, failed: 1 });
    const [after] = await deliveriesOf(flaky.id);
    expect(after).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status_code: 200,
      last_error: null,
    });
    const tries = listener.at('/flaky');
    expect(tries).toHaveLength(2);
    expect(tries[1]!.json.eventId).toBe(tries[0]!.json.eventId);
    expect(tries[1]!.json.eventType).toBe('CustomerCreateEvent');
    expect(
      verifySignature(flaky.secret, tries[1]!.body, tries[1]!.headers['x-hub-signature-256'] as string),
    ).toBe(true);
    const attempts = await s.ctx.db
      .selectFrom('hub_delivery_attempts')
      .selectAll()
      .where('hub_id', '=', flaky.id)
      .orderBy('attempt')
      .execute();
    expect(attempts.map((a) => [a.attempt, a.outcome, a.status_code, a.next_attempt_at !== null])).toEqual([
      [1, 'retry', 500, true],
      [2, 'delivered', 200, false],
    ]);

    offsetMs += 3_600_000;
    await w.drain(); // third attempt of /down: the configured maximum (3) — given up
    offsetMs += 3_600_000;
    expect((await w.drain()).claimed).toBe(0);
    const [gaveUp] = await deliveriesOf(down.id);
    expect(gaveUp).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 503 });
    expect(gaveUp!.last_error).toMatch(/503/);
    expect(listener.at('/down')).toHaveLength(3);
    const downAttempts = await s.ctx.db
      .selectFrom('hub_delivery_attempts')
      .select('outcome')
      .where('hub_id', '=', down.id)
      .orderBy('attempt')
      .execute();
    expect(downAttempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'gave_up']);

    const lines: string[] = [];
    await registerEventCommands(new Command().exitOverride(), {
      open: async () => ({ context: s.ctx, close: async () => {} }) as unknown as Platform,
      out: (t) => lines.push(t),
      err: () => {},
    }).parseAsync(['node', 'onepoint', 'events', 'status']);
    expect(lines.join('')).toMatch(/^hub listeners: 2$/m);
    expect(lines.join('')).toMatch(/^hub deliveries pending: 0 \(retrying: 0\), given up: 1$/m);
    for (const h of [flaky, down]) await call('DELETE', `${API}/hub/${h.id}`, 'admin');
  });

  it('delivery workers running at once deliver each event to each listener once', async () => {
    const a = await register('/twice-a');
    const b = await register('/twice-b');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await createCustomer(`孙${'一二三四五六'[i]}`));
    const rounds = await Promise.all([1, 2, 3].map(() => worker({ batchSize: 1 }).drain()));
    expect(rounds.reduce((n, r) => n + r.delivered, 0)).toBe(12);
    for (const path of ['/twice-a', '/twice-b']) {
      const eventIds = listener.at(path).map((r) => r.json.eventId);
      expect(eventIds).toHaveLength(6);
      expect(new Set(eventIds).size).toBe(6);
      expect(
        listener
          .at(path)
          .map((r) => r.json.event.customer.id)
          .sort(),
      ).toEqual([...ids].sort());
    }
    for (const h of [a, b]) {
      const rows = await deliveriesOf(h.id);
      expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
      await call('DELETE', `${API}/hub/${h.id}`, 'admin');
    }
  });

  // PostgreSQL only: the embedded engine has one connection, so a second worker cannot hold locks.
  it.runIf(ENGINE === 'postgres')(
    'a worker skips deliveries another worker holds (SKIP LOCKED) instead of waiting or taking them',
    async () => {
      const held = await register('/held');
      for (let i = 0; i < 4; i++) await createCustomer(`卫${'甲乙丙丁'[i]}`);
      await worker().fanOut();
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let locked: string[] = [];
      const holder = s.ctx.db.transaction().execute(async (trx) => {
        const rows = await sql<{ event_id: string }>`
          select event_id from hub_deliveries where hub_id = ${held.id}
          order by event_id limit 2 for update`.execute(trx);
        locked = rows.rows.map((r) => r.event_id);
        await released;
      });
      while (locked.length === 0) await new Promise((r) => setTimeout(r, 10));
      const round = await worker().drain();
      expect(round.delivered).toBe(2);
      const got = listener.at('/held').map((r) => r.json.eventId);
      expect(got).toHaveLength(2);
      expect(got.some((id) => locked.includes(id))).toBe(false);
      release();
      await holder;
      expect((await worker().drain()).delivered).toBe(2);
      expect(new Set(listener.at('/held').map((r) => r.json.eventId)).size).toBe(4);
      await call('DELETE', `${API}/hub/${held.id}`, 'admin');
    },
  );

  it('DELETE /hub/{id} stops deliveries, those already waiting included', async () => {
    const gone = await register('/gone');
    await createCustomer('吴刚');
    await worker().fanOut(); // its delivery is waiting
    expect(await deliveriesOf(gone.id)).toHaveLength(1);
    expect((await call('DELETE', `${API}/hub/${gone.id}`, 'admin')).statusCode).toBe(204);
    await createCustomer('郑爽');
    await worker().drain();
    expect(listener.at('/gone')).toHaveLength(0);
    expect((await deliveriesOf(gone.id)).map((d) => d.status)).toEqual(['cancelled']);
  });

  it('pruning keeps published events the hub still needs: not yet fanned out, or a delivery waiting', async () => {
    const eventsOf = (id: string) =>
      s.ctx.db.selectFrom('outbox_events').select('id').where('aggregate_id', '=', id).execute();
    const publishLongAgo = (id: string) =>
      s.ctx.db
        .updateTable('outbox_events')
        .set({ published_at: sql<Date>`now() - interval '30 days'` })
        .where('aggregate_id', '=', id)
        .execute();
    // No listener: nothing is fanned out, and the event is pruned as before.
    const before = await createCustomer('蒋波');
    await publishLongAgo(before);
    await prunePublished(s.ctx.db, 7);
    expect(await eventsOf(before)).toHaveLength(0);

    const slow = await register('/slow');
    listener.script.set('/slow', [500]);
    const id = await createCustomer('冯雪');
    await publishLongAgo(id);
    await prunePublished(s.ctx.db, 7); // not fanned out yet
    expect(await eventsOf(id)).toHaveLength(1);
    await worker().drain(); // first attempt fails: the delivery waits for its retry
    await prunePublished(s.ctx.db, 7);
    expect(await eventsOf(id)).toHaveLength(1);
    offsetMs += 3_600_000;
    await worker().drain();
    expect((await deliveriesOf(slow.id))[0]!.status).toBe('delivered');
    await prunePublished(s.ctx.db, 7);
    expect(await eventsOf(id)).toHaveLength(0);
    expect(await deliveriesOf(slow.id)).toHaveLength(0);
    await call('DELETE', `${API}/hub/${slow.id}`, 'admin');
  });

  it('a worker without ONEPOINT_ALLOW_PRIVATE_CALLBACKS does not connect to a private address', async () => {
    const res = await call('POST', `${API}/hub`, 'admin', {
      callback: `http://localhost:${listener.port}/private`,
    });
    expect(res.statusCode).toBe(201);
    await createCustomer('陈晨');
    expect(await worker({ allowPrivate: false }).drain()).toMatchObject({ delivered: 0, failed: 1 });
    expect(listener.at('/private')).toHaveLength(0);
    const [d] = await deliveriesOf(res.json().id);
    expect(d!.last_error).toMatch(/non-public address/);
    await call('DELETE', `${API}/hub/${res.json().id}`, 'admin');
  });
});

describe(`TMF629 event hub without ONEPOINT_ALLOW_PRIVATE_CALLBACKS (${ENGINE})`, () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await createTestServer({ env: { ONEPOINT_PUBLIC_URL: 'https://crm.example.cn/onepoint' } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('refuses callbacks on loopback, private, link-local and other non-public addresses with a 422', async () => {
    const headers = { ...(await strict.as('admin')), 'content-type': 'application/json' };
    for (const callback of [
      `http://127.0.0.1:${listener.port}/x`,
      'http://localhost/x',
      'http://[::1]:8080/x',
      'http://10.1.2.3/x',
      'http://192.168.1.10/x',
      'http://172.20.0.5/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[fe80::1]/x',
      'http://[fd00::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://0.0.0.0/x',
    ]) {
      const res = await strict.app.inject({
        method: 'POST',
        url: `${API}/hub`,
        headers,
        payload: JSON.stringify({ '@type': 'Hub', callback }),
      });
      expect(res.statusCode, callback).toBe(422);
      expect(res.json()).toMatchObject({ '@type': 'Error', code: 'ERR422', reason: 'UNPROCESSABLE' });
      expect(res.json().message).toMatch(/non-public address/);
    }
    const unresolvable = await strict.app.inject({
      method: 'POST',
      url: `${API}/hub`,
      headers,
      payload: JSON.stringify({ callback: 'https://no-such-host.invalid/x' }),
    });
    expect(unresolvable.statusCode).toBe(400);
    expect(unresolvable.json().message).toMatch(/does not resolve/);
    const n = await strict.ctx.db
      .selectFrom('event_hubs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);

    // A public address is taken (nothing is sent at registration); the href uses ONEPOINT_PUBLIC_URL.
    const ok = await strict.app.inject({
      method: 'POST',
      url: `${API}/hub`,
      headers,
      payload: JSON.stringify({ '@type': 'Hub', callback: 'https://8.8.8.8/tmf/listener' }),
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().href).toBe(`https://crm.example.cn/onepoint${API}/hub/${ok.json().id}`);
    expect(validate('Hub', ok.json())).toEqual([]);
  });
});

describe(`hub delivery in a serving process with jobs on and no NATS_URL (${ENGINE})`, () => {
  it('delivers in the background (the embedded trial delivers too)', async () => {
    const { database, dispose } = await openTestDatabase();
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({
      ONEPOINT_DEMO_PASSWORD: DEMO_PASSWORD,
      LOG_LEVEL: 'warn',
      ONEPOINT_ALLOW_PRIVATE_CALLBACKS: 'true',
    });
    const p = await startPlatform(config, createLogger('warn', sink), {
      command: 'test',
      jobs: true,
      database,
    });
    try {
      expect(p.context.config.natsUrl).toBeUndefined();
      const app = await buildApp(p.context);
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login: 'admin', password: DEMO_PASSWORD },
      });
      const headers = { authorization: `Bearer ${login.json().token}`, 'content-type': 'application/json' };
      const hub = await app.inject({
        method: 'POST',
        url: `${API}/hub`,
        headers,
        payload: JSON.stringify({ callback: listener.url('/serve'), query: 'eventType=CustomerCreateEvent' }),
      });
      expect(hub.statusCode).toBe(201);
      const created = await app.inject({
        method: 'POST',
        url: `${API}/customer`,
        headers,
        payload: JSON.stringify({
          '@type': 'Customer',
          name: '何静',
          engagedParty: { '@type': 'PartyRef', '@referredType': 'Individual' },
          contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: '13912340000' }],
        }),
      });
      expect(created.statusCode, created.body).toBe(201);
      const deadline = Date.now() + 10_000;
      while (listener.at('/serve').length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(listener.at('/serve').map((r) => r.json.event.customer.id)).toEqual([created.json().id]);
      await app.close();
    } finally {
      await p.close();
      await dispose();
    }
    expect(logs.filter((l) => l.includes('NATS_URL is not set'))).toHaveLength(1);
  });
});
