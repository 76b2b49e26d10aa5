// The transactional outbox and its relay. The relay tests publish to the NATS JetStream server
// at 127.0.0.1:4222 (nats-server -js; .ci/run starts it): they fail, not skip, without it.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCustomerEvent } from '../../src/modules/customers/customers.events.ts';
import { customersToCsv } from '../../src/modules/customers/customers.import.ts';
import type { CustomerView } from '../../src/modules/customers/customers.schemas.ts';
import { planDemoCustomers, resolveAreas } from '../../src/modules/customers/customers.demo.ts';
import { Command } from 'commander';
import { registerEventCommands } from '../../src/modules/events/events.cli.ts';
import { markForReplay, OutboxRelay, recordEvent } from '../../src/modules/events/index.ts';
import type { Platform } from '../../src/server.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { demoId } from '../../src/seed/demo.ts';
import { loadConfig } from '../../src/config.ts';
import { startPlatform } from '../../src/server.ts';
import { createTestServer, openTestDatabase, type TestServer } from '../harness.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const NATS = process.env.ONEPOINT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const NJ = demoId('org', 'CT.JS.NJ');
const PHONE = '13812345678';
const ID_NUMBER = '32010219900307128X';
const EMAIL = 'wang.fang@example.com';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function call(method: string, url: string, login: string, payload?: unknown) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: await s.as(login),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

const outbox = (aggregateId?: string) => {
  let q = s.ctx.db.selectFrom('outbox_events').selectAll().orderBy('id');
  if (aggregateId) q = q.where('aggregate_id', '=', aggregateId);
  return q.execute();
};

describe(`event outbox (${ENGINE})`, () => {
  let customerId: string;

  it('records a masked TMF629 CustomerCreateEvent with the customer, exactly as TMF629 GET shows it', async () => {
    const res = await call('POST', '/api/v1/customers', 'agent', {
      kind: 'individual',
      name: '王芳',
      orgUnitId: NJ,
      phone: PHONE,
      email: EMAIL,
      address: '江苏省南京市玄武区中山路18号3栋201室',
      idNumber: ID_NUMBER,
      contacts: [{ name: '李强', role: 'other', mobile: '13912345678' }],
    });
    expect(res.statusCode).toBe(201);
    customerId = res.json().id;
    const rows = await outbox(customerId);
    expect(rows.map((r) => r.event_type)).toEqual(['CustomerCreateEvent']);
    const row = rows[0]!;
    expect(row.subject).toBe('customer.CustomerCreateEvent');
    expect(row.published_at).toBeNull();
    const envelope = row.payload as Record<string, unknown> & { event: { customer: unknown } };
    expect(envelope).toMatchObject({ eventId: row.id, eventType: 'CustomerCreateEvent' });
    expect(Number.isNaN(Date.parse(String(envelope.eventTime)))).toBe(false);
    const tmf = await call('GET', `/tmf-api/customer/v5/customer/${customerId}`, 'agent');
    // An event is built without a request: its href is the path (absolute in the GET's answer).
    const shown = tmf.json();
    expect(envelope.event.customer).toEqual({ ...shown, href: new URL(shown.href).pathname });
  });

  it('records attribute, contact, state and erase events; none carries a raw phone, ID number or email', async () => {
    expect(
      (await call('PATCH', `/api/v1/customers/${customerId}`, 'agent', { name: '王芳芳' })).statusCode,
    ).toBe(200);
    const tmfPatch = await s.app.inject({
      method: 'PATCH',
      url: `/tmf-api/customer/v5/customer/${customerId}`,
      headers: { ...(await s.as('agent')), 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ status: 'suspended' }),
    });
    expect(tmfPatch.statusCode).toBe(200);
    const contact = await call('POST', `/api/v1/customers/${customerId}/contacts`, 'agent', {
      name: '赵六',
      role: 'billing',
      mobile: '13700001111',
    });
    expect(contact.statusCode).toBe(201);
    expect(
      (await call('POST', `/api/v1/customers/${customerId}/erase`, 'admin', { reason: '客户申请注销' }))
        .statusCode,
    ).toBe(200);
    const rows = await outbox(customerId);
    expect(rows.map((r) => r.event_type)).toEqual([
      'CustomerCreateEvent',
      'CustomerAttributeValueChangeEvent',
      'CustomerStateChangeEvent',
      'CustomerAttributeValueChangeEvent',
      'CustomerDeleteEvent',
    ]);
    const state = rows[2]!.payload as { event: { customer: { status: string } } };
    expect(state.event.customer.status).toBe('suspended');
    const all = JSON.stringify(await outbox());
    for (const raw of [PHONE, ID_NUMBER, EMAIL, '13912345678', '13700001111', '中山路18号'])
      expect(all).not.toContain(raw);
    expect(all).toContain('138****5678');
  });

  it('writes no event when the change fails: inside the transaction or before it', async () => {
    const before = (await outbox()).length;
    const view = (await call('GET', `/api/v1/customers/${customerId}`, 'agent')).json() as CustomerView;
    // A change that records its event and then fails in the same transaction.
    await expect(
      s.ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('customers').set({ name: '不该留下' }).where('id', '=', customerId).execute();
        await recordCustomerEvent(
          trx,
          { view, contacts: [] },
          'CustomerAttributeValueChangeEvent',
          new Date(),
        );
        await recordEvent(trx, {
          subject: 'test.Fail',
          eventType: 'Fail',
          aggregateType: 'test',
          aggregateId: '1',
          event: {},
        });
        throw new Error('the change fails after its events were written');
      }),
    ).rejects.toThrow(/fails after/);
    // Refused changes through the API: an erased customer cannot change; a stale version conflicts.
    expect(
      (await call('PATCH', `/api/v1/customers/${customerId}`, 'agent', { name: '张三' })).statusCode,
    ).toBe(409);
    const other = await call('POST', '/api/v1/customers', 'agent', {
      kind: 'individual',
      name: '钱七',
      orgUnitId: NJ,
    });
    expect(
      (await call('PATCH', `/api/v1/customers/${other.json().id}`, 'agent', { name: '孙八', version: 99 }))
        .statusCode,
    ).toBe(409);
    expect((await outbox()).length).toBe(before + 1); // the create of 钱七 only
  });

  it('records one summary event per committed import, none for a rejected one', async () => {
    const units = await s.ctx.db.selectFrom('org_units').select(['id', 'code']).execute();
    const codes = new Map(units.map((u) => [u.id, u.code]));
    const inputs = planDemoCustomers(await resolveAreas(s.ctx.db), {
      consumers: 3,
      enterprisesPerTier: 0,
      seed: 7,
      startIndex: 900_000,
    });
    const csv = customersToCsv(
      inputs.map((c, i) => ({ ...c, customerNo: `EV${i}` })),
      (id) => codes.get(id)!,
    );
    const post = async (body: string) =>
      s.app.inject({
        method: 'POST',
        url: '/api/v1/customers/imports',
        headers: { ...(await s.as('admin')), 'content-type': 'text/csv' },
        payload: body,
      });
    expect((await post(csv)).statusCode).toBe(200);
    expect((await post(csv)).statusCode).toBe(422); // the same numbers again: rejected as a whole
    const imports = (await outbox()).filter((r) => r.event_type === 'CustomerBatchImportEvent');
    expect(imports).toHaveLength(1);
    expect((imports[0]!.payload as { event: unknown }).event).toEqual({
      import: {
        format: 'csv',
        rows: expect.any(Number),
        customers: 3,
        contacts: expect.any(Number),
        instances: expect.any(Number),
      },
    });
    const perRow = await s.ctx.db
      .selectFrom('outbox_events')
      .select('id')
      .where('event_type', '=', 'CustomerCreateEvent')
      .execute();
    expect(perRow).toHaveLength(2); // 王芳 and 钱七: an import does not add one per row
  });

  it('shows the outbox status to administrators only', async () => {
    const res = await call('GET', '/api/v1/events/status', 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ unpublished: (await outbox()).length, failing: 0, relay: 'off' });
    expect((await call('GET', '/api/v1/events/status', 'agent')).statusCode).toBe(403);
  });
});

describe(`outbox relay to NATS JetStream at ${NATS} (needs nats-server with JetStream; ${ENGINE})`, () => {
  // A stream of its own per run, so that runs on both engines never meet.
  const tag = `t${randomBytes(4).toString('hex')}`;
  const stream = `OPTEST_${tag}`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const relays: OutboxRelay[] = [];
  const relay = (extra: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}) => {
    const r = new OutboxRelay({
      db: s.ctx.db,
      logger: createLogger('silent'),
      servers: NATS,
      stream,
      subjectPrefix: tag,
      batchSize: 5,
      backoffMs: () => 300,
      ...extra,
    });
    relays.push(r);
    return r;
  };
  const messages = async () => (await jsm.streams.info(stream)).state.messages;

  beforeAll(async () => {
    try {
      nc = await connect({ servers: NATS, timeout: 3000 });
    } catch (err) {
      throw new Error(
        `NATS is not reachable at ${NATS} (${String(err)}): start nats-server with JetStream (.ci/run does)`,
        { cause: err },
      );
    }
    jsm = await jetstreamManager(nc);
    // Enough events to need several batches of 5 per relay.
    await s.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 30; i++)
        await recordEvent(trx, {
          subject: 'test.Bulk',
          eventType: 'Bulk',
          aggregateType: 'test',
          aggregateId: String(i),
          event: { i },
        });
    });
  });
  afterAll(async () => {
    for (const r of relays) await r.stop();
    await jsm?.streams.delete(stream).catch(() => {});
    await nc?.close();
  });

  it('two relays running at once publish every event exactly once (SKIP LOCKED), creating the stream', async () => {
    const waiting = (await outbox()).length;
    expect(waiting).toBeGreaterThan(30);
    const [a, b] = await Promise.all([relay().drain(), relay().drain()]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.claimed + b.claimed).toBe(waiting); // no row claimed twice
    expect(a.published + b.published).toBe(waiting);
    expect(a.duplicates + b.duplicates).toBe(0);
    expect(await messages()).toBe(waiting);
    const left = await s.ctx.db
      .selectFrom('outbox_events')
      .select('id')
      .where('published_at', 'is', null)
      .execute();
    expect(left).toEqual([]);
    // The message carries the envelope, with the event id as its JetStream message id.
    const first = (await outbox())[0]!;
    const msg = await jsm.streams.getMessage(stream, { last_by_subj: `${tag}.customer.CustomerCreateEvent` });
    expect(msg?.header.get('Nats-Msg-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.event_type).toBe('CustomerCreateEvent');
    const status = (await call('GET', '/api/v1/events/status', 'admin')).json();
    expect(status).toMatchObject({ unpublished: 0, oldestUnpublishedAgeSeconds: 0, published: waiting });
  });

  it('retries a failed publish after a back-off, recording the attempt and error, and publishes it once', async () => {
    const [id = ''] = await s.ctx.db.transaction().execute(async (trx) => {
      const ids: string[] = [];
      for (const n of ['r', 'r2', 'r3'])
        ids.push(
          await recordEvent(trx, {
            subject: 'test.Retry',
            eventType: 'Retry',
            aggregateType: 'test',
            aggregateId: n,
            event: {},
          }),
        );
      return ids;
    });
    let fail = true;
    const r = relay({
      // Long enough that a loaded machine still asks again before it has passed.
      backoffMs: () => 1500,
      beforePublish: () => {
        if (fail) {
          fail = false;
          throw new Error('simulated: NATS refused the message');
        }
      },
    });
    const before = await messages();
    // The round stops at the failure; the rest of its batch goes back at once, not after the lease.
    expect(await r.drain()).toMatchObject({ claimed: 3, published: 0, failed: 1 });
    expect(await r.drain()).toMatchObject({ claimed: 2, published: 2, failed: 0 });
    const row = await s.ctx.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      attempts: 1,
      published_at: null,
      last_error: 'simulated: NATS refused the message',
    });
    const status = (await call('GET', '/api/v1/events/status', 'admin')).json();
    expect(status).toMatchObject({ unpublished: 1, failing: 1, failedAttempts: 1 });
    // Not due yet: nothing is claimed before the back-off has passed.
    expect(await r.drain()).toMatchObject({ claimed: 0 });
    await new Promise((res) => setTimeout(res, 1600));
    expect(await r.drain()).toMatchObject({ claimed: 1, published: 1, failed: 0 });
    expect(await messages()).toBe(before + 3);
    const done = await s.ctx.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(done.published_at).not.toBeNull();
    expect(done.last_error).toBeNull();
  });

  it('replays published events idempotently: JetStream drops the repeated message ids', async () => {
    const before = await messages();
    const n = await markForReplay(s.ctx.db, new Date(Date.now() - 3_600_000));
    expect(n).toBe((await outbox()).length);
    const r = await relay().drain();
    expect(r).toMatchObject({ published: n, duplicates: n, failed: 0 });
    expect(await messages()).toBe(before);
  });

  it('`onepoint events status` and `events replay --since` work on the outbox', async () => {
    const lines: string[] = [];
    const cli = (natsUrl: string | undefined) =>
      // Commander's own parse errors go to the test, not to the run's output.
      registerEventCommands(new Command().exitOverride().configureOutput({ writeErr: () => {} }), {
        open: async () =>
          ({
            context: { ...s.ctx, config: { ...s.ctx.config, natsUrl } },
            close: async () => {},
          }) as unknown as Platform,
        out: (t) => lines.push(t),
        err: () => {},
        relay: { stream, subjectPrefix: tag },
      });
    await cli(undefined).parseAsync(['node', 'onepoint', 'events', 'status']);
    expect(lines.join('')).toMatch(/^unpublished: 0$/m);
    expect(lines.join('')).toMatch(/NATS_URL unset/);
    const before = await messages();
    lines.length = 0;
    await cli(NATS).parseAsync(['node', 'onepoint', 'events', 'replay', '--since', '1h']);
    const n = (await outbox()).length;
    expect(lines.join('')).toBe(`published ${n} event(s) (${n} already in the stream), 0 failed\n`);
    expect(await messages()).toBe(before);

    // A --since that is neither a date nor an age: a clear error, nothing marked for replay.
    const published = (await outbox()).filter((e) => e.published_at !== null).length;
    for (const bad of ['yesterday', '2026-13-45', '6w', '']) {
      await expect(
        cli(NATS).parseAsync(['node', 'onepoint', 'events', 'replay', '--since', bad]),
      ).rejects.toThrow(/must be a date .* or an age/);
    }
    expect((await outbox()).filter((e) => e.published_at !== null).length).toBe(published);
  });

  it('runs in the background and stops cleanly', async () => {
    const r = relay({ pollMs: 50 });
    r.start();
    const id = await s.ctx.db.transaction().execute((trx) =>
      recordEvent(trx, {
        subject: 'test.Live',
        eventType: 'Live',
        aggregateType: 'test',
        aggregateId: 'l',
        event: {},
      }),
    );
    const deadline = Date.now() + 5000;
    let published: Date | null = null;
    while (!published && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 50));
      published = (
        await s.ctx.db
          .selectFrom('outbox_events')
          .select('published_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).published_at;
    }
    expect(published).not.toBeNull();
    await r.stop();
  });

  it('runs in a process with jobs on when NATS_URL is set (and warns once when it is not)', async () => {
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const start = async (env: Record<string, string>) => {
      const { database, dispose } = await openTestDatabase();
      const config = loadConfig({ LOG_LEVEL: 'warn', ...env });
      const p = await startPlatform(config, createLogger('warn', sink), {
        command: 'test',
        jobs: true,
        database,
      });
      return { p, close: async () => (await p.close(), await dispose()) };
    };
    const off = await start({});
    await off.close();
    expect(logs.filter((l) => l.includes('NATS_URL is not set'))).toHaveLength(1);

    const on = await start({
      NATS_URL: NATS,
      ONEPOINT_EVENTS_STREAM: stream,
      ONEPOINT_EVENTS_SUBJECT_PREFIX: tag,
    });
    try {
      const db = on.p.context.db;
      const id = await db.transaction().execute((trx) =>
        recordEvent(trx, {
          subject: 'test.Serve',
          eventType: 'Serve',
          aggregateType: 'test',
          aggregateId: 's',
          event: {},
        }),
      );
      const deadline = Date.now() + 5000;
      let row = await db
        .selectFrom('outbox_events')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      while (!row.published_at && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 50));
        row = await db.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      }
      expect(row.published_at).not.toBeNull();
      const msg = await jsm.streams.getMessage(stream, { last_by_subj: `${tag}.test.Serve` });
      expect(msg?.header.get('Nats-Msg-Id')).toBe(id);
    } finally {
      await on.close();
    }
  });
});
