// A priority the SLA scheduler raises (a breach step) is a change of the ticket like one made
// through the API: TMF621 hub listeners get its TroubleTicketAttributeValueChangeEvent (schema-valid,
// the new priority in it), with the ServiceRequestAttributeValueChangeEvent beside it in the outbox.
// Time is the platform clock, moved by the test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubDelivery } from '../../src/modules/events/index.ts';
import { requestSlaPort } from '../../src/modules/service-requests/index.ts';
import { raisedPriority, SlaScheduler } from '../../src/modules/sla/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { PiiVault } from '../../src/platform/pii/vault.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { tmfSchemas } from '../tmf-schema.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const API = '/tmf-api/troubleTicket/v5';
const validate = tmfSchemas('TMF621-Trouble_Ticket-v5.0.1.oas.yaml');
// Monday 2026-12-07 10:00 China time; the test moves it.
const BASE = Date.parse('2026-12-07T02:00:00Z');
const MIN = 60_000;
let offset = 0;
const clock = { now: () => new Date(BASE + offset) };

interface Received {
  eventType: string;
  event: { troubleTicket: { id: string; priority: string; status: string } };
}

let s: TestServer;
let server: http.Server;
let callback: string;
const received: Received[] = [];

beforeAll(async () => {
  s = await createTestServer({ clock, env: { ONEPOINT_ALLOW_PRIVATE_CALLBACKS: 'true' } });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tt`;
});
afterAll(async () => {
  await s?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

const call = async (method: 'GET' | 'POST', url: string, login: string, payload?: object) =>
  s.app.inject({
    method,
    url,
    headers: await s.as(login),
    ...(payload ? { payload } : {}),
  });

describe(`SLA steps tell TMF621 listeners (${ENGINE})`, () => {
  it('a breach that raises the priority sends TroubleTicketAttributeValueChangeEvent, like an API change', async () => {
    const logger = createLogger('silent');
    const scheduler = new SlaScheduler({ db: s.ctx.db, clock, logger, port: requestSlaPort });
    const hub = new HubDelivery({
      db: s.ctx.db,
      clock,
      logger,
      allowPrivate: true,
      maxAttempts: 3,
      vault: new PiiVault(s.ctx.config.piiKeys),
    });
    // The demo data's clocks settled first, and their events fanned out before the listener.
    offset = 40 * 24 * 60 * MIN;
    await scheduler.drain();
    await hub.drain();
    const reg = await call('POST', `${API}/hub`, 'admin', {
      '@type': 'Hub',
      callback,
      query: 'eventType=TroubleTicketAttributeValueChangeEvent',
    });
    expect(reg.statusCode, reg.body).toBe(201);

    // A group-tier (集团级) enterprise's fault: its response clock is 15 minutes.
    const { instanceId } = await s.ctx.db
      .selectFrom('product_instances as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select(['i.id as instanceId'])
      .where('c.tier', '=', 'group')
      .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
      .where('i.product_code', '<>', 'app.logistics_et')
      .orderBy('i.id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const created = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'fault',
      title: '专线中断',
      description: '客户来电：专线中断',
      channel: 'hotline',
      productInstanceId: instanceId,
      priority: 'normal',
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json() as { id: string; priority: string; supportLine: number };
    expect(ticket.priority).toBe('normal');

    // Warnings only (50 %, 80 %): the priority stays, nothing for this listener.
    offset += 13 * MIN;
    await scheduler.drain();
    await hub.drain();
    expect(received.filter((r) => r.event.troubleTicket.id === ticket.id)).toEqual([]);

    // The breach (15 min): priority raised one level and one support line up, by the scheduler.
    offset += 3 * MIN;
    expect(await scheduler.drain()).toBeGreaterThan(0);
    const after = (await call('GET', `/api/v1/service-requests/${ticket.id}`, 'agent')).json() as {
      priority: string;
      supportLine: number;
    };
    expect(after.priority).toBe(raisedPriority('normal'));
    expect(after.supportLine).toBe(ticket.supportLine + 1);
    await hub.drain();
    const got = received.filter((r) => r.event.troubleTicket.id === ticket.id);
    expect(got.map((r) => [r.eventType, r.event.troubleTicket.priority])).toEqual([
      ['TroubleTicketAttributeValueChangeEvent', raisedPriority('normal')],
    ]);
    expect(validate(got[0]!.eventType, got[0]), JSON.stringify(got[0])).toEqual([]);

    // The service-request event beside it says what changed and that the SLA changed it.
    const rows = await s.ctx.db
      .selectFrom('outbox_events')
      .select('payload')
      .where('aggregate_id', '=', ticket.id)
      .where('event_type', '=', 'ServiceRequestAttributeValueChangeEvent')
      .execute();
    expect(rows).toHaveLength(1);
    const payload = (
      typeof rows[0]!.payload === 'string' ? JSON.parse(rows[0]!.payload) : rows[0]!.payload
    ) as {
      event: { serviceRequest: { priority: string }; change: unknown };
    };
    expect(payload.event.serviceRequest.priority).toBe(raisedPriority('normal'));
    expect(payload.event.change).toEqual({
      by: 'sla',
      priority: { from: 'normal', to: raisedPriority('normal') },
      supportLine: { from: ticket.supportLine, to: ticket.supportLine + 1 },
    });
  });
});
