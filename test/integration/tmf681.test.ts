// TMF681 Communication Message v4: messages sent through the notices' machinery (SMS through the
// simulator gateway, Email to a local SMTP test server), their state from the notice attempts,
// every attribute kept or refused by name, PATCH/DELETE, the hub and its events. Every response is
// validated against TM Forum's own v4.0.0 document; personal data masked in every answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueNotices, noticeDeps } from '../../src/modules/channels/index.ts';
import { HubDelivery } from '../../src/modules/events/index.ts';
import { pickAssignee, routeRequest } from '../../src/modules/routing/index.ts';
import { requestChannelPort } from '../../src/modules/service-requests/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { PiiVault } from '../../src/platform/pii/vault.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../smtp-receiver.ts';
import { tmfSchemas } from '../tmf-schema.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const API = '/tmf-api/communicationManagement/v4';
const HOST = 'oss.onepoint.test:8080';
const validate = tmfSchemas('TMF681-Communication-v4.0.0.swagger.json');

let now = new Date('2026-12-07T02:00:00Z');
const clock = { now: () => new Date(now) };
let s: TestServer;
let smtp: SmtpReceiver;
let deps: ReturnType<typeof noticeDeps>;
const received: Array<{ path: string; json: { eventType: string; event: Record<string, unknown> } }> = [];
let listener: http.Server;
let listenerUrl = '';

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  listener = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  s = await createTestServer({
    clock,
    env: { ONEPOINT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ONEPOINT_ALLOW_PRIVATE_CALLBACKS: 'true' },
  });
  deps = noticeDeps(s.ctx as never, requestChannelPort({ routeRequest, pickAssignee }));
});
afterAll(async () => {
  await s?.close();
  await smtp?.close();
  await new Promise<void>((r) => listener?.close(() => r()));
});

type Res = Awaited<ReturnType<TestServer['app']['inject']>>;

async function call(
  method: string,
  url: string,
  payload?: unknown,
  type = 'application/json',
  login = 'admin',
): Promise<Res> {
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: {
      host: HOST,
      ...(await s.as(login)),
      ...(payload !== undefined ? { 'content-type': type } : {}),
    },
    ...(payload !== undefined
      ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
      : {}),
  });
  // Every TMF681 answer, whatever it is, in TM Forum's own shapes.
  const body = res.body ? res.json() : undefined;
  if (res.statusCode >= 400) expect(validate('Error', body), res.body).toEqual([]);
  else if (url.startsWith(`${API}/hub`) && body) expect(validate('EventSubscription', body)).toEqual([]);
  else if (Array.isArray(body))
    for (const m of body) expect(validate('CommunicationMessage', m), JSON.stringify(m)).toEqual([]);
  else if (body) expect(validate('CommunicationMessage', body), res.body).toEqual([]);
  return res;
}

const expectError = (res: Res, status: number, mentions?: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toMatchObject({ '@type': 'Error', code: `ERR${status}`, status: String(status) });
  if (mentions) expect(res.json().message).toContain(mentions);
};

const sms = (over: Record<string, unknown> = {}) => ({
  '@type': 'CommunicationMessage',
  messageType: 'SMS',
  content: '尊敬的客户，您的宽带将于今晚 23:00 割接，如有疑问请拨打 13912345678。',
  sender: { id: 'oss', name: '网管中心' },
  receiver: [{ id: 'r1', name: '王小明', phoneNumber: '13800138000' }],
  ...over,
});

const counts = async () => {
  const one = async (table: 'communication_messages' | 'notices') =>
    Number(
      (
        await s.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { messages: await one('communication_messages'), notices: await one('notices') };
};

const simulated = (to: string) =>
  s.ctx.db.selectFrom('channel_simulated').selectAll().where('to_address', '=', to).execute();

describe(`TMF681 Communication Message (${ENGINE})`, () => {
  it('sends an SMS to each receiver through the gateway, keeps every attribute and shows the delivery, masked', async () => {
    const body = sms({
      description: '割接通知 13912345678',
      priority: '1',
      logFlag: true,
      tryTimes: 3,
      '@baseType': 'CommunicationMessage',
      characteristic: [{ name: 'campaign', value: 'cutover-2026-12' }],
      receiver: [
        {
          id: 'r1',
          name: '王小明',
          phoneNumber: '13800138000',
          party: { id: 'c1', '@referredType': 'Customer' },
        },
        { id: 'r2', phoneNumber: '139 0000 1111' },
      ],
      state: 'initial',
      attachment: [],
    });
    const res = await call('POST', `${API}/communicationMessage`, body);
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json();
    expect(res.headers.location).toBe(`http://${HOST}${API}/communicationMessage/${m.id}`);
    expect(m).toMatchObject({
      '@type': 'CommunicationMessage',
      '@baseType': 'CommunicationMessage',
      messageType: 'SMS',
      state: 'initial',
      priority: '1',
      logFlag: true,
      tryTimes: 3,
      sender: { id: 'oss', name: '网管中心' },
      characteristic: [{ name: 'campaign', value: 'cutover-2026-12' }],
    });
    // Masked on the way out: addresses, the receiver's name, free text.
    expect(m.receiver[0]).toMatchObject({ id: 'r1', phoneNumber: '138****8000', name: '王**' });
    expect(m.receiver[0].party).toEqual({ id: 'c1', '@referredType': 'Customer' });
    expect(m.receiver[1].phoneNumber).toBe('139****1111');
    expect(m.content).not.toContain('13912345678');
    expect(m.description).not.toContain('13912345678');
    expect(res.body).not.toContain('13800138000');
    expect(await deliverDueNotices(deps)).toEqual({ sent: 2, failed: 0 });
    // The gateway got the text in clear at the clear numbers.
    const got = await simulated('13800138000');
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toContain('13912345678');
    expect(await simulated('13900001111')).toHaveLength(1);
    const after = (await call('GET', `${API}/communicationMessage/${m.id}`)).json();
    expect(after).toMatchObject({
      state: 'completed',
      sendTime: now.toISOString(),
      sendTimeComplete: now.toISOString(),
    });
    expect(
      after.receiver.map((r: { deliveryState: string; attempts: number }) => [r.deliveryState, r.attempts]),
    ).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
    const fields = (await call('GET', `${API}/communicationMessage/${m.id}?fields=state`)).json();
    expect(fields).toEqual({
      id: m.id,
      href: m.href,
      '@type': 'CommunicationMessage',
      state: 'completed',
    });
  });

  it('sends Email over SMTP at scheduledSendTime; a refused address is retried (tryTimes) and shown failed', async () => {
    const res = await call('POST', `${API}/communicationMessage`, {
      messageType: 'Email',
      subject: '割接通知',
      content: '今晚 23:00 割接。',
      scheduledSendTime: '2026-12-07T12:00:00+08:00', // 04:00Z: two hours from now
      sender: { email: 'noc@onepoint.local' },
      receiver: [{ email: 'Li.Lei@Example.com' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    expect(res.json().receiver[0].email).not.toContain('li.lei');
    expect(await deliverDueNotices(deps)).toEqual({ sent: 0, failed: 0 }); // not yet due
    now = new Date('2026-12-07T04:00:00Z');
    expect(await deliverDueNotices(deps)).toEqual({ sent: 1, failed: 0 });
    expect(smtp.inbox.at(-1)).toMatchObject({ subject: '割接通知' });
    expect(smtp.inbox.at(-1)!.text).toContain('今晚 23:00 割接');
    expect(smtp.inbox.at(-1)!.to).toMatchObject({ text: 'li.lei@example.com' });
    expect((await call('GET', `${API}/communicationMessage/${id}`)).json().state).toBe('completed');
    // tryTimes 2: refused twice → failed, the error shown (never the address in clear).
    smtp.refuse(2, 550, '5.1.1 No such mailbox');
    const f = await call('POST', `${API}/communicationMessage`, {
      messageType: 'email',
      subject: 'x',
      content: 'y',
      tryTimes: 2,
      sender: {},
      receiver: [{ email: 'nobody@example.com' }],
    });
    expect(await deliverDueNotices(deps)).toEqual({ sent: 0, failed: 1 });
    const mid = (await call('GET', `${API}/communicationMessage/${f.json().id}`)).json();
    expect(mid).toMatchObject({ state: 'inProgress' });
    now = new Date(now.getTime() + 60_000);
    expect(await deliverDueNotices(deps)).toEqual({ sent: 0, failed: 1 });
    const failed = (await call('GET', `${API}/communicationMessage/${f.json().id}`)).json();
    expect(failed.state).toBe('failed');
    expect(failed.receiver[0]).toMatchObject({ deliveryState: 'failed', attempts: 2 });
    expect(failed.receiver[0].lastError).toBeTruthy();
    expect(JSON.stringify(failed)).not.toContain('nobody@example.com');
  });

  it('refuses bad documents with the Error shape and a 4xx naming the attribute, changing nothing', async () => {
    const before = await counts();
    const { receiver: _r, ...noReceiver } = sms();
    for (const [body, status, mentions] of [
      [{ ...sms(), colour: 'red' }, 400, 'colour'],
      [noReceiver, 400, 'receiver'],
      [sms({ content: 7 }), 400, 'content'],
      [sms({ content: '' }), 400, 'content'],
      [sms({ messageType: 'Pigeon' }), 422, 'messageType'],
      [sms({ receiver: [] }), 400, 'receiver'],
      [sms({ receiver: [{ email: 'a@b.cn' }] }), 400, 'receiver[0].phoneNumber'],
      [sms({ receiver: [{ phoneNumber: 'call me' }] }), 400, 'receiver[0].phoneNumber'],
      [sms({ receiver: [{ phoneNumber: '13800138000', colour: 1 }] }), 400, 'receiver[0].colour'],
      [
        sms({ receiver: [{ phoneNumber: '13800138000', party: { id: 'x' } }] }),
        400,
        'receiver[0].party.@referredType',
      ],
      [sms({ sender: { fax: '1' } }), 400, 'sender.fax'],
      [sms({ id: 'mine' }), 400, 'id'],
      [sms({ sendTime: '2026-12-07T00:00:00Z' }), 400, 'sendTime'],
      [sms({ state: 'completed' }), 400, 'state'],
      [sms({ tryTimes: 0 }), 400, 'tryTimes'],
      [sms({ logFlag: 'yes' }), 400, 'logFlag'],
      [sms({ scheduledSendTime: '2026-12-08 09:00' }), 400, 'scheduledSendTime'],
      [sms({ characteristic: [{ name: 'x' }] }), 400, 'characteristic[0].value'],
      [sms({ attachment: [{ url: 'https://x/y.pdf' }] }), 422, 'attachment'],
      [sms({ '@type': 'Letter' }), 400, '@type'],
      [{ messageType: 'Email', content: 'x', sender: {}, receiver: [{ email: 'a@b.cn' }] }, 400, 'subject'],
      ['[]', 400, 'body'],
    ] as Array<[unknown, number, string]>)
      expectError(await call('POST', `${API}/communicationMessage`, body), status, mentions);
    expectError(await call('POST', `${API}/communicationMessage`, '{"content":', 'application/json'), 400);
    expectError(await call('POST', `${API}/communicationMessage`, 'x', 'text/plain'), 415);
    expect(await counts()).toEqual(before);
    expectError(await call('GET', `${API}/communicationMessage/0193a000-0000-7000-8000-000000000000`), 404);
    expectError(await call('GET', `${API}/communicationMessage/nope`), 404);
    // Without the permission: 403, in the Error shape.
    expectError(
      await call('GET', `${API}/communicationMessage`, undefined, 'application/json', 'agent'),
      403,
    );
  });

  it('lists with filters, fields, offset/limit and the count headers', async () => {
    const all = await call('GET', `${API}/communicationMessage`);
    expect(all.statusCode, all.body).toBe(200);
    const total = Number(all.headers['x-total-count']);
    expect(total).toBeGreaterThanOrEqual(3);
    const email = await call('GET', `${API}/communicationMessage?messageType=Email&state=completed`);
    expect(
      email
        .json()
        .every(
          (m: { messageType: string; state: string }) => m.messageType === 'Email' && m.state === 'completed',
        ),
    ).toBe(true);
    expect(email.json().length).toBeGreaterThanOrEqual(1);
    const failed = await call('GET', `${API}/communicationMessage?state=failed,cancelled&fields=state`);
    for (const m of failed.json()) expect(Object.keys(m).sort()).toEqual(['@type', 'href', 'id', 'state']);
    const page = await call('GET', `${API}/communicationMessage?offset=1&limit=1`);
    expect(page.json()).toHaveLength(1);
    expect(page.headers['x-result-count']).toBe('1');
    expect(page.headers['x-total-count']).toBe(String(total));
    expect(page.json()[0].id).toBe(all.json()[1].id);
    const later = await call('GET', `${API}/communicationMessage?scheduledSendTime.gt=2026-12-07T03:00:00Z`);
    expect(later.json().map((m: { scheduledSendTime: string }) => m.scheduledSendTime)).toEqual([
      '2026-12-07T04:00:00.000Z',
    ]);
    expectError(await call('GET', `${API}/communicationMessage?colour=red`), 400, 'colour');
    expectError(await call('GET', `${API}/communicationMessage?state=sleeping`), 400, 'state');
  });

  it('patches kept attributes and, before sending, the content; cancels with PATCH or DELETE; refusals change nothing', async () => {
    const mp = 'application/merge-patch+json';
    const m = (
      await call(
        'POST',
        `${API}/communicationMessage`,
        sms({ scheduledSendTime: '2026-12-09T01:00:00Z', priority: '2' }),
      )
    ).json();
    const url = `${API}/communicationMessage/${m.id}`;
    const p = await call(
      'PATCH',
      url,
      { content: '割接推迟到明晚。', priority: null, description: '改期' },
      mp,
    );
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({ content: '割接推迟到明晚。', description: '改期', state: 'initial' });
    expect(p.json().priority).toBeUndefined();
    const before = (await call('GET', url)).json();
    for (const [body, status, mentions] of [
      [{ receiver: [{ phoneNumber: '13700000000' }] }, 422, 'receiver'],
      [{ messageType: 'Email' }, 422, 'messageType'],
      [{ state: 'completed' }, 422, 'state'],
      [{ state: 'asleep' }, 400, 'state'],
      [{ sendTime: '2026-12-07T00:00:00Z' }, 400, 'sendTime'],
      [{ colour: 'red' }, 400, 'colour'],
      [{ content: null }, 400, 'content'],
      [{}, 400, 'body'],
    ] as Array<[unknown, number, string]>)
      expectError(await call('PATCH', url, body, mp), status, mentions);
    expectError(
      await call(
        'PATCH',
        url,
        [{ op: 'replace', path: '/content', value: 'x' }],
        'application/json-patch+json',
      ),
      415,
    );
    expect((await call('GET', url)).json()).toEqual(before);
    // Cancelled by PATCH: its notices withdrawn, nothing sent when due.
    const c = await call('PATCH', url, { state: 'cancelled' }, 'application/json');
    expect(c.json()).toMatchObject({ state: 'cancelled' });
    expect(c.json().receiver[0].deliveryState).toBe('cancelled');
    // A sent message: content cannot change (409), DELETE refused (409), the record unchanged.
    const sent = (
      await call('POST', `${API}/communicationMessage`, sms({ receiver: [{ phoneNumber: '13611112222' }] }))
    ).json();
    await deliverDueNotices(deps);
    const sentUrl = `${API}/communicationMessage/${sent.id}`;
    const sentBefore = (await call('GET', sentUrl)).json();
    expect(sentBefore.state).toBe('completed');
    expectError(await call('PATCH', sentUrl, { content: '改' }, mp), 409, 'content');
    // The same content sent back is no change (a client PATCHing what it has).
    const same = await call('PATCH', sentUrl, { content: sms().content, tryTimes: null }, mp);
    expect(same.statusCode, same.body).toBe(200);
    expectError(await call('DELETE', sentUrl), 409, 'completed');
    expect((await call('GET', sentUrl)).json()).toEqual(sentBefore);
    // DELETE before sending: 204, cancelled, never sent; again: 204; unknown: 404.
    const d = (
      await call(
        'POST',
        `${API}/communicationMessage`,
        sms({ scheduledSendTime: '2026-12-09T01:00:00Z', receiver: [{ phoneNumber: '13522223333' }] }),
      )
    ).json();
    const del = await call('DELETE', `${API}/communicationMessage/${d.id}`);
    expect(del.statusCode, del.body).toBe(204);
    expect((await call('DELETE', `${API}/communicationMessage/${d.id}`)).statusCode).toBe(204);
    now = new Date('2026-12-09T02:00:00Z');
    await deliverDueNotices(deps);
    expect(await simulated('13522223333')).toHaveLength(0);
    expect(await simulated('13800138000')).toHaveLength(1); // the cancelled one's receiver too
    expect((await call('GET', `${API}/communicationMessage/${d.id}`)).json().state).toBe('cancelled');
    expectError(
      await call('DELETE', `${API}/communicationMessage/0193a000-0000-7000-8000-000000000000`),
      404,
    );
  });

  it('tells hub listeners of create, state change and delete; a removed listener hears nothing more', async () => {
    const drain = new HubDelivery({
      db: s.ctx.db,
      clock: s.ctx.clock,
      logger: createLogger('silent'),
      allowPrivate: true,
      maxAttempts: 3,
      vault: new PiiVault(s.ctx.config.piiKeys),
    });
    await drain.drain(); // earlier tests' events: before the listener
    const reg = await call('POST', `${API}/hub`, { callback: `${listenerUrl}/cm` });
    expect(reg.statusCode, reg.body).toBe(201);
    const m = (
      await call('POST', `${API}/communicationMessage`, sms({ receiver: [{ phoneNumber: '13344445555' }] }))
    ).json();
    await deliverDueNotices(deps);
    const d = (
      await call('POST', `${API}/communicationMessage`, sms({ scheduledSendTime: '2027-01-01T00:00:00Z' }))
    ).json();
    await call('DELETE', `${API}/communicationMessage/${d.id}`);
    await drain.drain();
    const got = received.filter((r) => r.path === '/cm');
    const cm = (r: (typeof got)[number]) =>
      r.json.event.communicationMessage as { id: string; state: string };
    expect(got.map((r) => [r.json.eventType, cm(r).id, cm(r).state])).toEqual([
      ['CommunicationMessageCreateEvent', m.id, 'initial'],
      ['CommunicationMessageStateChangeEvent', m.id, 'completed'],
      ['CommunicationMessageCreateEvent', d.id, 'initial'],
      ['CommunicationMessageDeleteEvent', d.id, 'cancelled'],
    ]);
    for (const r of got) {
      expect(validate('CommunicationMessage', r.json.event.communicationMessage)).toEqual([]);
      expect(JSON.stringify(r.json)).not.toContain('13344445555');
    }
    expect((await call('DELETE', `${API}/hub/${reg.json().id}`)).statusCode).toBe(204);
    await call('POST', `${API}/communicationMessage`, sms());
    await drain.drain();
    expect(received.filter((r) => r.path === '/cm')).toHaveLength(4);
    expectError(await call('DELETE', `${API}/hub/${reg.json().id}`), 404);
  });
});
