// TMF621 Trouble Ticket v5 over faults and complaints: the same intake as /api/v1/service-requests,
// status through the workflow, every attribute kept or refused by name, and the ticket events
// derived from the requests' own events reach hub listeners whichever API made the change. Every
// response is validated against TM Forum's own v5.0.1 schemas.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubDelivery } from '../../src/modules/events/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { PiiVault } from '../../src/platform/pii/vault.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { tmfSchemas } from '../tmf-schema.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const API = '/tmf-api/troubleTicket/v5';
const HOST = 'oss.onepoint.test:8080';
const validate = tmfSchemas('TMF621-Trouble_Ticket-v5.0.1.oas.yaml');

interface Received {
  path: string;
  json: { eventId: string; eventType: string; event: { troubleTicket: { id: string; status: string } } };
}

async function startListener() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    at: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let s: TestServer;
let listener: Awaited<ReturnType<typeof startListener>>;
beforeAll(async () => {
  s = await createTestServer({ env: { ONEPOINT_ALLOW_PRIVATE_CALLBACKS: 'true' } });
  listener = await startListener();
});
afterAll(async () => {
  await s?.close();
  await listener?.close();
});

type Res = Awaited<ReturnType<TestServer['app']['inject']>>;

async function call(
  method: string,
  url: string,
  login: string,
  payload?: unknown,
  type = 'application/json',
  headers: Record<string, string> = {},
): Promise<Res> {
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: {
      host: HOST,
      ...(await s.as(login)),
      ...(payload !== undefined ? { 'content-type': type } : {}),
      ...headers,
    },
    ...(payload !== undefined
      ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
      : {}),
  });
  // Every TMF621 answer, whatever it is, in TM Forum's own shapes.
  if (url.startsWith(`${API}/troubleTicket`)) {
    const body = res.body ? res.json() : undefined;
    if (res.statusCode >= 400) expect(validate('Error', body), res.body).toEqual([]);
    else if (Array.isArray(body))
      for (const t of body) expect(validate('TroubleTicket', t), JSON.stringify(t)).toEqual([]);
    else if (body) expect(validate('TroubleTicket', body), res.body).toEqual([]);
  }
  return res;
}

const expectError = (res: Res, status: number, mentions?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toMatchObject({ '@type': 'Error', code: `ERR${status}`, status: String(status) });
  if (mentions) expect(res.json().message).toContain(mentions);
};

async function njInstance() {
  return s.ctx.db
    .selectFrom('product_instances as i')
    .select(['i.id as instanceId', 'i.customer_id as customerId'])
    .where('i.org_unit_id', '=', demoId('org', 'CT.JS.NJ'))
    .where('i.product_code', 'like', 'broadband.%')
    .orderBy('i.id')
    .limit(1)
    .executeTakeFirstOrThrow();
}

const countRequests = async () =>
  Number(
    (
      await s.ctx.db
        .selectFrom('service_requests')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const minimal = (over: Record<string, unknown> = {}) => ({
  '@type': 'TroubleTicket',
  description: '网管告警：OLT 端口 LOS',
  severity: 'Major',
  ticketType: 'incident',
  ...over,
});

async function act(id: string, action: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', `/api/v1/service-requests/${id}/transitions`, 'admin', { action, ...extra });
  expect(res.statusCode, res.body).toBe(200);
}

const worker = () =>
  new HubDelivery({
    db: s.ctx.db,
    clock: s.ctx.clock,
    logger: createLogger('silent'),
    allowPrivate: true,
    maxAttempts: 3,
    vault: new PiiVault(s.ctx.config.piiKeys),
  });

/** The restoration deadline of the request's SLA clocks (what expectedResolutionDate shows; to the second). */
async function restorationDeadline(id: string) {
  const res = await call('GET', `/api/v1/service-requests/${id}/sla`, 'admin');
  expect(res.statusCode, res.body).toBe(200);
  const c = (res.json().clocks as { target: string; deadline: string | null }[]).find(
    (x) => x.target === 'restoration',
  );
  return c?.deadline ? expect.stringMatching(`^${new Date(c.deadline).toISOString().slice(0, 19)}`) : null;
}

describe(`TMF621 Trouble Ticket (${ENGINE})`, () => {
  it('opens a fault with every attribute through the same intake, links the customer and keeps the rest', async () => {
    const { instanceId, customerId } = await njInstance();
    const body = minimal({
      name: '宽带无法上网',
      description: '光猫 LOS 灯红，联系电话 139 1234 5678',
      ticketType: 'fault',
      priority: 'High',
      channel: { '@type': 'ChannelRef', id: 'monitoring' },
      expectedResolutionDate: '2026-12-08T18:00:00+08:00',
      requestedResolutionDate: '2026-12-08T12:00:00Z',
      relatedParty: [
        {
          '@type': 'RelatedPartyRefOrPartyRoleRef',
          role: 'customer',
          partyOrPartyRole: { '@type': 'PartyRoleRef', id: customerId, '@referredType': 'Customer' },
        },
        {
          '@type': 'RelatedPartyRefOrPartyRoleRef',
          role: 'reporter',
          partyOrPartyRole: { '@type': 'PartyRef', id: 'noc-7', name: '省网管中心' },
        },
      ],
      relatedEntity: [
        {
          '@type': 'RelatedEntity',
          role: 'affectedProduct',
          entity: { '@type': 'EntityRef', id: instanceId, '@referredType': 'Product' },
        },
        {
          '@type': 'RelatedEntity',
          role: 'alarm',
          entity: { '@type': 'EntityRef', id: 'ALM-1', '@referredType': 'Alarm' },
        },
      ],
      attachment: [
        { '@type': 'AttachmentRef', id: 'att-1', url: 'https://oss.example.cn/a/1.png', name: '告警截图' },
      ],
      externalIdentifier: [{ '@type': 'ExternalIdentifier', id: 'OSS-123', owner: 'OSS' }],
      note: [{ '@type': 'Note', text: '已远程重启光猫无效', author: 'noc-operator' }],
      troubleTicketCharacteristic: [
        {
          '@type': 'StringCharacteristic',
          name: 'category',
          value: 'iptv.stutter',
          valueType: 'string',
        },
        { '@type': 'StringCharacteristic', name: 'alarmCode', value: 'LOS', valueType: 'string' },
      ],
    });
    const before = await countRequests();
    const res = await call('POST', `${API}/troubleTicket`, 'agent', body, 'application/json', {
      'idempotency-key': 'tt-full-1',
    });
    expect(res.statusCode, res.body).toBe(201);
    const t = res.json();
    expect(res.headers.location).toBe(`http://${HOST}${API}/troubleTicket/${t.id}`);
    // The SLA's restoration deadline, not the client's value (kept, shown only without one).
    const expected = await restorationDeadline(t.id);
    expect(expected).not.toBeNull();
    expect(t).toMatchObject({
      '@type': 'TroubleTicket',
      href: `http://${HOST}${API}/troubleTicket/${t.id}`,
      name: '宽带无法上网',
      ticketType: 'fault',
      severity: 'Major',
      priority: 'high',
      status: 'acknowledged',
      channel: { id: 'monitoring' },
      expectedResolutionDate: expected,
      requestedResolutionDate: '2026-12-08T12:00:00.000Z',
    });
    // Free text masked as everywhere; the customer linked by its TMF629 id; the rest as sent.
    expect(t.description).toContain('139****5678');
    expect(t.relatedParty).toEqual([
      expect.objectContaining({
        role: 'customer',
        partyOrPartyRole: expect.objectContaining({ id: customerId, '@referredType': 'Customer' }),
      }),
      expect.objectContaining({
        role: 'reporter',
        partyOrPartyRole: expect.objectContaining({ id: 'noc-7' }),
      }),
    ]);
    expect(t.relatedEntity.map((e: { entity: { id: string } }) => e.entity.id)).toEqual([
      instanceId,
      'ALM-1',
    ]);
    expect(t.attachment[0]).toMatchObject({ id: 'att-1', url: 'https://oss.example.cn/a/1.png' });
    expect(t.externalIdentifier[0]).toMatchObject({ id: 'OSS-123', owner: 'OSS' });
    expect(t.note).toEqual([
      expect.objectContaining({ '@type': 'Note', text: '已远程重启光猫无效', author: 'noc-operator' }),
    ]);
    expect(t.troubleTicketCharacteristic.map((c: { name: string }) => c.name)).toEqual([
      'number',
      'category',
      'alarmCode',
    ]);
    expect(t.statusChangeHistory).toEqual([expect.objectContaining({ status: 'acknowledged' })]);
    // The request of our own API: the same record, routed, audited.
    const sr = (await call('GET', `/api/v1/service-requests/${t.id}`, 'admin')).json();
    expect(sr).toMatchObject({
      kind: 'fault',
      channel: 'monitoring',
      categoryCode: 'iptv.stutter',
      productInstanceId: instanceId,
    });
    expect(sr.customer.id).toBe(customerId);
    // A retry with the same Idempotency-Key: the same ticket, one request.
    const again = await call('POST', `${API}/troubleTicket`, 'agent', body, 'application/json', {
      'idempotency-key': 'tt-full-1',
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(t.id);
    expect(await countRequests()).toBe(before + 1);
    const got = await call('GET', `${API}/troubleTicket/${t.id}`, 'agent');
    expect(got.json()).toEqual(t);
    const some = await call('GET', `${API}/troubleTicket/${t.id}?fields=severity`, 'agent');
    expect(some.json()).toEqual({ id: t.id, href: t.href, '@type': 'TroubleTicket', severity: 'Major' });
  });

  it('accepts a ticket without relatedParty (an alarm) and a complaint by ticketType', async () => {
    const alarm = await call('POST', `${API}/troubleTicket`, 'agent', minimal());
    expect(alarm.statusCode, alarm.body).toBe(201);
    expect(alarm.json()).toMatchObject({
      ticketType: 'fault',
      relatedParty: [],
      status: 'acknowledged',
      channel: { id: 'api' },
    });
    const complaint = await call(
      'POST',
      `${API}/troubleTicket`,
      'agent',
      minimal({ ticketType: 'complaint', severity: 'Minor' }),
    );
    expect(complaint.statusCode, complaint.body).toBe(201);
    expect(complaint.json().ticketType).toBe('complaint');
  });

  it('masks a phone number in an attribute kept as sent, on the way out', async () => {
    const res = await call(
      'POST',
      `${API}/troubleTicket`,
      'agent',
      minimal({
        troubleTicketCharacteristic: [
          {
            '@type': 'StringCharacteristic',
            name: 'callback',
            valueType: 'string',
            value: '回电 13912345678',
          },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const again = await call('GET', `${API}/troubleTicket/${res.json().id}`, 'agent');
    expect(again.body).not.toContain('13912345678');
    expect(again.json().troubleTicketCharacteristic).toContainEqual(
      expect.objectContaining({ name: 'callback', value: expect.stringMatching(/^回电 139\*+5678$/) }),
    );
  });

  it('refuses bad documents with the Error shape and a 4xx, changing nothing', async () => {
    const before = await countRequests();
    const { instanceId } = await njInstance();
    const cases: Array<[unknown, number, string]> = [
      [minimal({ severity: 5 }), 400, 'severity'],
      [minimal({ status: 'open' }), 400, 'status'],
      [minimal({ status: 'resolved' }), 400, 'status'],
      [{ '@type': 'TroubleTicket', severity: 'Major', ticketType: 'fault' }, 400, 'description'],
      [minimal({ severity: undefined }), 400, 'severity'],
      [minimal({ ticketType: 'billing' }), 400, 'ticketType'],
      [minimal({ '@type': 'Ticket' }), 400, '@type'],
      [minimal({ colour: 'red' }), 400, 'colour'],
      [minimal({ id: 'x' }), 400, 'id'],
      [minimal({ creationDate: '2026-01-01T00:00:00Z' }), 400, 'creationDate'],
      [minimal({ priority: 'whenever' }), 400, 'priority'],
      [minimal({ expectedResolutionDate: '2026-12-08' }), 400, 'expectedResolutionDate'],
      [minimal({ channel: { id: 'pigeon' } }), 400, 'channel'],
      [
        minimal({
          relatedParty: [
            {
              role: 'customer',
              partyOrPartyRole: { '@type': 'PartyRef', id: '0193a000-0000-7000-8000-000000000000' },
            },
          ],
        }),
        404,
        'Customer',
      ],
      [minimal({ relatedParty: [{ partyOrPartyRole: { id: 'p' } }] }), 400, 'relatedParty[0].role'],
      [minimal({ attachment: [{ '@type': 'Attachment', content: 'AAAA' }] }), 422, 'attachment[0]'],
      [minimal({ note: [{ text: 5 }] }), 400, 'note[0].text'],
      [
        minimal({
          relatedEntity: [{ role: 'p', entity: { id: instanceId, '@referredType': 'Product', colour: 1 } }],
        }),
        400,
        'relatedEntity[0].entity.colour',
      ],
      [[minimal()], 400, 'body'],
    ];
    for (const [body, status, mentions] of cases)
      expectError(await call('POST', `${API}/troubleTicket`, 'agent', body), status, mentions);
    expectError(await call('POST', `${API}/troubleTicket`, 'agent', 'description=x', 'text/plain'), 415);
    expectError(await call('POST', `${API}/troubleTicket`, 'agent', '{"@type": ', 'application/json'), 400);
    expect(await countRequests()).toBe(before);
  });

  it('lists with attribute filters, fields, offset/limit and the count headers', async () => {
    const { customerId } = await njInstance();
    const party = [{ role: 'customer', partyOrPartyRole: { '@type': 'PartyRoleRef', id: customerId } }];
    const a = (
      await call(
        'POST',
        `${API}/troubleTicket`,
        'agent',
        minimal({ severity: 'Critical', relatedParty: party }),
      )
    ).json();
    const b = (
      await call(
        'POST',
        `${API}/troubleTicket`,
        'agent',
        minimal({ severity: 'Warning', ticketType: 'complaint' }),
      )
    ).json();
    // A consultation is no trouble ticket.
    const other = await call('POST', '/api/v1/service-requests', 'agent', {
      kind: 'consultation',
      title: '资费咨询',
      description: '咨询',
      channel: 'hotline',
    });
    expect(other.statusCode).toBe(201);
    const ids = (res: Res) => (res.json() as Array<{ id: string }>).map((t) => t.id);
    const list = await call('GET', `${API}/troubleTicket?severity=Critical,Warning`, 'agent');
    expect(list.statusCode, list.body).toBe(200);
    expect(ids(list).sort()).toEqual([a.id, b.id].sort());
    expect(list.headers['x-total-count']).toBe('2');
    expect(list.headers['x-result-count']).toBe('2');
    expect(
      ids(await call('GET', `${API}/troubleTicket?severity=Critical,Warning&ticketType=complaint`, 'agent')),
    ).toEqual([b.id]);
    expect(
      ids(await call('GET', `${API}/troubleTicket?relatedParty.id=${customerId}&severity=Critical`, 'agent')),
    ).toEqual([a.id]);
    expect(
      ids(
        await call(
          'GET',
          `${API}/troubleTicket?id=${a.id},${b.id}&status=acknowledged&priority=normal`,
          'agent',
        ),
      ).sort(),
    ).toEqual([a.id, b.id].sort());
    expect(ids(await call('GET', `${API}/troubleTicket?id=${a.id}&status=resolved,closed`, 'agent'))).toEqual(
      [],
    );
    const created = new Date(a.creationDate).getTime();
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(
      ids(
        await call(
          'GET',
          `${API}/troubleTicket?id=${a.id}&creationDate.gt=${iso(created - 1000)}&creationDate.lt=${iso(created + 1000)}`,
          'agent',
        ),
      ),
    ).toEqual([a.id]);
    expect(
      ids(
        await call('GET', `${API}/troubleTicket?id=${a.id}&creationDate.gt=${iso(created + 1000)}`, 'agent'),
      ),
    ).toEqual([]);
    expect(ids(await call('GET', `${API}/troubleTicket?id=${other.json().id}`, 'agent'))).toEqual([]);
    const page = await call('GET', `${API}/troubleTicket?fields=status&offset=1&limit=2`, 'agent');
    expect(page.json()).toHaveLength(2);
    expect(Number(page.headers['x-total-count'])).toBeGreaterThanOrEqual(4);
    expect(page.headers['x-result-count']).toBe('2');
    for (const t of page.json()) expect(Object.keys(t).sort()).toEqual(['@type', 'href', 'id', 'status']);
    expectError(await call('GET', `${API}/troubleTicket?colour=red`, 'agent'), 400, 'colour');
    expectError(await call('GET', `${API}/troubleTicket?status=open`, 'agent'), 400, 'status');
    expectError(
      await call('GET', `${API}/troubleTicket?creationDate.gt=yesterday`, 'agent'),
      400,
      'creationDate',
    );
  });

  it('patches with merge patch: kept attributes, new notes, status through the workflow; refusals change nothing', async () => {
    const t = (await call('POST', `${API}/troubleTicket`, 'admin', minimal())).json();
    const url = `${API}/troubleTicket/${t.id}`;
    const mp = 'application/merge-patch+json';
    const p1 = await call(
      'PATCH',
      url,
      'admin',
      {
        severity: 'Critical',
        expectedResolutionDate: '2026-12-09T00:00:00Z',
        note: [{ text: '现场核查中' }],
      },
      mp,
    );
    expect(p1.statusCode, p1.body).toBe(200);
    expect(p1.json()).toMatchObject({
      severity: 'Critical',
      // A fault's restoration clock (48 h, 电信条例) decides what the ticket shows.
      expectedResolutionDate: await restorationDeadline(t.id),
    });
    expect(p1.json().note.map((n: { text: string }) => n.text)).toEqual(['现场核查中']);
    // Plain JSON is a merge patch too; null removes a kept attribute.
    const p2 = await call('PATCH', url, 'admin', { expectedResolutionDate: null }, 'application/json');
    expect(p2.statusCode, p2.body).toBe(200);
    expect(p2.json().expectedResolutionDate).toEqual(await restorationDeadline(t.id));
    // Not reachable from acknowledged: the spec's Error, naming what is.
    const refused = await call(
      'PATCH',
      url,
      'admin',
      { status: 'resolved', statusChangeReason: '已恢复' },
      mp,
    );
    expectError(refused, 409, 'resolved');
    const stateBefore = (await call('GET', url, 'admin')).json();
    for (const [body, status, mentions] of [
      [{ status: 'open' }, 400, 'status'],
      [{ severity: 7 }, 400, 'severity'],
      [{ name: '改名' }, 422, 'name'],
      [{ note: [{ id: 'nope', text: 'x' }] }, 422, 'note[0].id'],
      [{ colour: 'red' }, 400, 'colour'],
      [{}, 400, 'body'],
    ] as Array<[unknown, number, string]>)
      expectError(await call('PATCH', url, 'admin', body, mp), status, mentions);
    expectError(
      await call(
        'PATCH',
        url,
        'admin',
        [{ op: 'replace', path: '/severity', value: 'Minor' }],
        'application/json-patch+json',
      ),
      415,
    );
    expect((await call('GET', url, 'admin')).json()).toEqual(stateBefore);
    // Through the workflow: dispatched (our API), then inProgress (take) and resolved (resolve) here.
    await act(t.id, 'dispatch');
    const p3 = await call('PATCH', url, 'admin', { status: 'inProgress' }, mp);
    expect(p3.statusCode, p3.body).toBe(200);
    expect(p3.json().status).toBe('inProgress');
    expectError(await call('PATCH', url, 'admin', { status: 'pending' }, mp), 400, 'statusChangeReason');
    expectError(
      await call('PATCH', url, 'admin', { statusChangeReason: '无' }, mp),
      400,
      'statusChangeReason',
    );
    const held = await call(
      'PATCH',
      url,
      'admin',
      { status: 'pending', statusChangeReason: '等待客户预约' },
      mp,
    );
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json()).toMatchObject({ status: 'pending', statusChangeReason: '等待客户预约' });
    expect((await call('PATCH', url, 'admin', { status: 'inProgress' }, mp)).json().status).toBe(
      'inProgress',
    );
    const p4 = await call(
      'PATCH',
      url,
      'admin',
      { status: 'resolved', statusChangeReason: '更换光猫后恢复' },
      mp,
    );
    expect(p4.statusCode, p4.body).toBe(200);
    expect(p4.json()).toMatchObject({ status: 'resolved', statusChangeReason: '更换光猫后恢复' });
    expect(p4.json().resolutionDate).toBeDefined();
    expect(p4.json().statusChangeHistory.map((c: { status: string }) => c.status)).toEqual([
      'acknowledged',
      'acknowledged',
      'inProgress',
      'pending',
      'inProgress',
      'resolved',
    ]);
    const sr = (await call('GET', `/api/v1/service-requests/${t.id}`, 'admin')).json();
    expect(sr).toMatchObject({ status: 'resolved', resolution: '更换光猫后恢复' });
    // DELETE (撤单) of a ticket already worked on: 409 naming why, nothing changes; unknown: 404.
    const resolvedBefore = (await call('GET', url, 'admin')).json();
    expectError(await call('DELETE', url, 'admin'), 409, 'cannot be deleted');
    expect((await call('GET', url, 'admin')).json()).toEqual(resolvedBefore);
    expectError(
      await call('DELETE', `${API}/troubleTicket/0193a000-0000-7000-8000-000000000000`, 'admin'),
      404,
    );
    expectError(await call('GET', `${API}/troubleTicket/not-an-id`, 'admin'), 404);
  });

  it('makes one PATCH atomic: a change that fails undoes the ones before it (kept attributes, notes, events)', async () => {
    const t = (await call('POST', `${API}/troubleTicket`, 'admin', minimal())).json();
    const url = `${API}/troubleTicket/${t.id}`;
    // Dispatched to someone else: taking it (status inProgress) fails when it runs, after the
    // severity and the note were written in the same PATCH.
    await act(t.id, 'dispatch', { assigneeId: demoId('user', 'agent') });
    const before = (await call('GET', url, 'admin')).json();
    const outbox = () =>
      s.ctx.db
        .selectFrom('outbox_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('aggregate_id', '=', t.id)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n));
    const eventsBefore = await outbox();
    const res = await call(
      'PATCH',
      url,
      'admin',
      { severity: 'Minor', note: [{ text: '先记一笔' }], status: 'inProgress' },
      'application/merge-patch+json',
    );
    expectError(res, 409, 'assigned to someone else');
    expect((await call('GET', url, 'admin')).json()).toEqual(before);
    expect(await outbox()).toBe(eventsBefore);
    // A stale If-Match: refused before anything is written.
    expectError(
      await call('PATCH', url, 'admin', { severity: 'Minor' }, 'application/merge-patch+json', {
        'if-match': '"99"',
      }),
      409,
    );
    expect((await call('GET', url, 'admin')).json()).toEqual(before);
  });

  it('DELETE cancels (撤单) a ticket nobody has worked on: 204, kept as cancelled, TroubleTicketDeleteEvent to listeners', async () => {
    const drain = worker();
    await drain.drain();
    const reg = await call('POST', `${API}/hub`, 'admin', {
      '@type': 'Hub',
      callback: listener.url('/deleted'),
      query: 'eventType=TroubleTicketDeleteEvent,TroubleTicketStatusChangeEvent',
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const t = (await call('POST', `${API}/troubleTicket`, 'admin', minimal())).json();
    const url = `${API}/troubleTicket/${t.id}`;
    await act(t.id, 'dispatch'); // dispatched, not taken: still cancellable
    const del = await call('DELETE', url, 'admin');
    expect(del.statusCode, del.body).toBe(204);
    expect(del.body).toBe('');
    const after = (await call('GET', url, 'admin')).json();
    expect(after.status).toBe('cancelled');
    expect(after.statusChangeHistory.at(-1)).toMatchObject({ status: 'cancelled' });
    const listed = await call('GET', `${API}/troubleTicket?status=cancelled&id=${t.id}`, 'admin');
    expect(listed.json().map((x: { id: string }) => x.id)).toEqual([t.id]);
    // Our API shows the same: state cancelled, nothing more allowed, the reason on the timeline, audited.
    const sr = (await call('GET', `/api/v1/service-requests/${t.id}`, 'admin')).json();
    expect(sr).toMatchObject({ status: 'cancelled', allowedActions: [] });
    expect(sr.timeline.at(-1)).toMatchObject({ kind: 'status', toStatus: 'cancelled' });
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('entity_id', '=', t.id)
      .where('action', '=', 'service_request.transition')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    // Deleting again changes nothing (204); a cancelled ticket takes no PATCH of status.
    expect((await call('DELETE', url, 'admin')).statusCode).toBe(204);
    expectError(
      await call('PATCH', url, 'admin', { status: 'inProgress' }, 'application/merge-patch+json'),
      409,
    );
    await drain.drain();
    const got = listener.at('/deleted');
    expect(got.map((r) => [r.json.eventType, r.json.event.troubleTicket.status])).toEqual([
      ['TroubleTicketStatusChangeEvent', 'cancelled'],
      ['TroubleTicketDeleteEvent', 'cancelled'],
    ]);
    for (const r of got) expect(validate(r.json.eventType, r.json), JSON.stringify(r.json)).toEqual([]);
    // Our own event for webhooks: ServiceRequestCancelEvent, a type a webhook may take.
    const ours = await s.ctx.db
      .selectFrom('outbox_events')
      .select(['event_type'])
      .where('aggregate_id', '=', t.id)
      .where('event_type', '=', 'ServiceRequestCancelEvent')
      .execute();
    expect(ours).toHaveLength(1);
    const types = (await call('GET', '/api/v1/webhooks/event-types', 'admin')).json();
    expect(JSON.stringify(types)).toContain('ServiceRequestCancelEvent');
    expect((await call('DELETE', `${API}/hub/${reg.json().id}`, 'admin')).statusCode).toBe(204);
  });

  it('cancels through our own API too (cancel with a reason), and PATCH status cancelled is the same 撤单', async () => {
    const a = (await call('POST', `${API}/troubleTicket`, 'admin', minimal())).json();
    const noReason = await call('POST', `/api/v1/service-requests/${a.id}/transitions`, 'admin', {
      action: 'cancel',
    });
    expect(noReason.statusCode, noReason.body).toBe(400);
    expect(noReason.body).toContain('reason');
    await act(a.id, 'cancel', { reason: '客户来电撤销申告' });
    const ticket = (await call('GET', `${API}/troubleTicket/${a.id}`, 'admin')).json();
    expect(ticket).toMatchObject({ status: 'cancelled', statusChangeReason: '客户来电撤销申告' });
    const b = (await call('POST', `${API}/troubleTicket`, 'admin', minimal())).json();
    const mp = 'application/merge-patch+json';
    expectError(
      await call('PATCH', `${API}/troubleTicket/${b.id}`, 'admin', { status: 'cancelled' }, mp),
      400,
      'statusChangeReason',
    );
    const p = await call(
      'PATCH',
      `${API}/troubleTicket/${b.id}`,
      'admin',
      { status: 'cancelled', statusChangeReason: '重复申告' },
      mp,
    );
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json().status).toBe('cancelled');
    // Taken: too far along for our API as well (409 naming the allowed actions).
    const c = (await call('POST', `${API}/troubleTicket`, 'admin', minimal())).json();
    await act(c.id, 'dispatch');
    await act(c.id, 'take');
    const late = await call('POST', `/api/v1/service-requests/${c.id}/transitions`, 'admin', {
      action: 'cancel',
      reason: '太晚了',
    });
    expect(late.statusCode, late.body).toBe(409);
    expectError(await call('DELETE', `${API}/troubleTicket/${c.id}`, 'admin'), 409, 'inProgress');
    expect((await call('GET', `${API}/troubleTicket/${c.id}`, 'admin')).json().status).toBe('inProgress');
  });

  it('tells hub listeners of create, status change and resolution made through /api/v1, and nothing after removal', async () => {
    const drain = worker();
    await drain.drain(); // earlier tests' events: before the listener, never delivered to it
    const reg = await call('POST', `${API}/hub`, 'admin', {
      '@type': 'Hub',
      callback: listener.url('/tt'),
      query: 'eventType=TroubleTicketCreateEvent,TroubleTicketStatusChangeEvent,TroubleTicketResolvedEvent',
    });
    expect(reg.statusCode, reg.body).toBe(201);
    expect(validate('Hub', reg.json())).toEqual([]);
    const created = await call('POST', '/api/v1/service-requests', 'admin', {
      kind: 'fault',
      title: '专线中断',
      description: '客户专线中断',
      channel: 'hotline',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    await act(id, 'dispatch');
    await act(id, 'take');
    await act(id, 'start'); // inProgress → inProgress: no status change event
    await act(id, 'resolve', { result: '已修复' });
    // A consultation is no ticket: no ticket event.
    await call('POST', '/api/v1/service-requests', 'admin', {
      kind: 'consultation',
      title: '咨询',
      description: '咨询',
      channel: 'hotline',
    });
    await drain.drain();
    const got = listener.at('/tt');
    expect(got.map((r) => [r.json.eventType, r.json.event.troubleTicket.status])).toEqual([
      ['TroubleTicketCreateEvent', 'acknowledged'],
      ['TroubleTicketStatusChangeEvent', 'inProgress'],
      ['TroubleTicketStatusChangeEvent', 'resolved'],
      ['TroubleTicketResolvedEvent', 'resolved'],
    ]);
    for (const r of got) {
      expect(r.json.event.troubleTicket.id).toBe(id);
      expect(validate(r.json.eventType, r.json), JSON.stringify(r.json)).toEqual([]);
    }
    const removed = await call('DELETE', `${API}/hub/${reg.json().id}`, 'admin');
    expect(removed.statusCode).toBe(204);
    await act(id, 'reopen', { reason: '客户表示仍未恢复' });
    await drain.drain();
    expect(listener.at('/tt')).toHaveLength(4);
  });
});
