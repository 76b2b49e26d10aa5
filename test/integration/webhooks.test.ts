// Outbound webhooks: administrators register a URL and event types; committed changes are POSTed
// signed (timestamp + body), retried with back-off (time moved with the platform clock, no sleep),
// shown failing when given up, and replayed with the same event id.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HubDelivery,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from '../../src/modules/events/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { PiiVault } from '../../src/platform/pii/vault.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { eventId: string; eventType: string; event: { serviceRequest: { id: string } } };
}

async function startReceiver() {
  const received: Received[] = [];
  const script = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(script.get(req.url ?? '')?.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    at: (path: string) => received.filter((r) => r.path === path),
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let s: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let worker: HubDelivery;

beforeAll(async () => {
  s = await createTestServer({ env: { ONEPOINT_ALLOW_PRIVATE_CALLBACKS: 'true' }, clock });
  receiver = await startReceiver();
  worker = new HubDelivery({
    db: s.ctx.db,
    clock,
    logger: createLogger('silent'),
    allowPrivate: true,
    maxAttempts: 3,
    vault: new PiiVault(s.ctx.config.piiKeys),
  });
});
afterAll(async () => {
  await s?.close();
  await receiver?.close();
});

async function call(method: string, url: string, login: string, payload?: unknown) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: await s.as(login),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function newRequest(kind = 'fault') {
  const res = await call('POST', '/api/v1/service-requests', 'admin', {
    kind,
    title: '宽带无法上网',
    description: '客户来电',
    channel: 'hotline',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe(`outbound webhooks (${ENGINE})`, () => {
  it('registers (administrators only, audited, secret encrypted) and delivers signed events of committed changes', async () => {
    expect(
      (
        await call('POST', '/api/v1/webhooks', 'agent', {
          url: receiver.url('/x'),
          eventTypes: ['ServiceRequestCreateEvent'],
        })
      ).statusCode,
    ).toBe(403);
    const unknown = await call('POST', '/api/v1/webhooks', 'admin', {
      url: receiver.url('/x'),
      eventTypes: ['RequestMade'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('RequestMade');
    const types = (await call('GET', '/api/v1/webhooks/event-types', 'admin')).json().items;
    expect(types).toEqual(
      expect.arrayContaining([
        'ServiceRequestCreateEvent',
        'TroubleTicketCreateEvent',
        'CustomerCreateEvent',
      ]),
    );
    await worker.drain(); // nothing older than the webhook is sent to it
    const res = await call('POST', '/api/v1/webhooks', 'admin', {
      url: receiver.url('/ok'),
      eventTypes: ['ServiceRequestCreateEvent', 'ServiceRequestStateChangeEvent'],
      description: '工单同步到 CRM',
    });
    expect(res.statusCode, res.body).toBe(201);
    const hook = res.json();
    expect(hook).toMatchObject({ url: receiver.url('/ok'), health: 'idle', description: '工单同步到 CRM' });
    expect(hook.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await s.ctx.db
      .selectFrom('event_hubs')
      .select('secret')
      .where('id', '=', hook.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret.startsWith('enc:')).toBe(true);
    expect(stored.secret).not.toContain(hook.secret);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', hook.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['webhook.register']);
    expect((await call('GET', `/api/v1/webhooks/${hook.id}`, 'admin')).json()).not.toHaveProperty('secret');

    const id = await newRequest();
    const ok = await call('POST', `/api/v1/service-requests/${id}/transitions`, 'admin', {
      action: 'dispatch',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // A refused change writes nothing: nothing is sent for it.
    const refused = await call('POST', `/api/v1/service-requests/${id}/transitions`, 'admin', {
      action: 'confirm',
    });
    expect(refused.statusCode).toBe(409);
    await worker.drain();
    const got = receiver.at('/ok');
    expect(got.map((r) => r.json.eventType)).toEqual([
      'ServiceRequestCreateEvent',
      'ServiceRequestStateChangeEvent',
    ]);
    for (const r of got) {
      expect(r.json.event.serviceRequest.id).toBe(id);
      expect(r.headers['x-onepoint-event-id']).toBe(r.json.eventId);
      const header = r.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const now = Math.floor(clock.now().getTime() / 1000);
      expect(verifyWebhookSignature(hook.secret, r.body, header, now)).toBe(true);
      expect(verifyWebhookSignature(hook.secret, `${r.body} `, header, now)).toBe(false);
      expect(verifyWebhookSignature(hook.secret, r.body, header, now + 3600)).toBe(false); // stale: replayed later
    }
    const view = (await call('GET', `/api/v1/webhooks/${hook.id}`, 'admin')).json();
    expect(view).toMatchObject({
      health: 'ok',
      deliveries: { delivered: 2, pending: 0, failed: 0 },
      lastStatusCode: 200,
    });
    expect((await call('DELETE', `/api/v1/webhooks/${hook.id}`, 'admin')).statusCode).toBe(204);
    await newRequest();
    await worker.drain();
    expect(receiver.at('/ok')).toHaveLength(2);
  });

  it('retries a failing endpoint with back-off, shows it failing once given up, and replays with the same event id', async () => {
    await worker.drain();
    const hook = (
      await call('POST', '/api/v1/webhooks', 'admin', {
        url: receiver.url('/fail'),
        eventTypes: ['ServiceRequestCreateEvent'],
      })
    ).json();
    receiver.script.set('/fail', [500, 503, 500]);
    const id = await newRequest('complaint');
    let round = await worker.drain();
    expect(round.failed).toBe(1);
    let [d] = (await call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, 'admin')).json().items;
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      eventType: 'ServiceRequestCreateEvent',
    });
    expect(new Date(d.nextAttemptAt).getTime()).toBeGreaterThan(clock.now().getTime());
    expect((await worker.drain()).claimed).toBe(0); // not due yet: no sleep, the clock decides
    offsetMs += 3600_000;
    round = await worker.drain();
    expect(round.failed).toBe(1);
    offsetMs += 3600_000;
    round = await worker.drain();
    expect(round.gaveUp).toBe(1);
    [d] = (await call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, 'admin')).json().items;
    expect(d).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 500 });
    const view = (await call('GET', `/api/v1/webhooks/${hook.id}`, 'admin')).json();
    expect(view).toMatchObject({ health: 'failing', deliveries: { failed: 1 }, lastStatusCode: 500 });
    const first = receiver.at('/fail');
    expect(first).toHaveLength(3);
    expect(new Set(first.map((r) => r.json.eventId)).size).toBe(1);
    // Replay (the endpoint works again): the same event, the same id.
    const replay = await call('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.eventId}/replay`, 'admin');
    expect(replay.statusCode, replay.body).toBe(202);
    expect(
      (await call('POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.eventId}/replay`, 'admin')).statusCode,
    ).toBe(409);
    await worker.drain();
    const all = receiver.at('/fail');
    expect(all).toHaveLength(4);
    expect(all[3]!.json.eventId).toBe(d.eventId);
    expect(all[3]!.json.event.serviceRequest.id).toBe(id);
    expect((await call('GET', `/api/v1/webhooks/${hook.id}`, 'admin')).json()).toMatchObject({
      health: 'ok',
      deliveries: { delivered: 1, failed: 0 },
    });
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', hook.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['webhook.register', 'webhook.replay']);
  });
});
