// Progress notices from the service-request events: by mail to a local SMTP test server (smtp-server)
// and by SMS through the simulator; quiet hours make a notice wait (the platform clock is moved, no
// sleeping) unless the request is urgent; never the same notice twice; a failed attempt is retried
// and shown; an SMS reply "1" after 回单 becomes the customer's note. The HTTP SMS driver signs its
// requests and is retried when the platform answers 5xx.
import http from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkGatewaySignature,
  consumeRequestEvents,
  deliverDueNotices,
  gatewaySignature,
  HttpSmsGateway,
  noticeDeps,
} from '../../src/modules/channels/index.ts';
import { recordEvent } from '../../src/modules/events/index.ts';
import { demoId } from '../../src/modules/identity/index.ts';
import { pickAssignee, routeRequest } from '../../src/modules/routing/index.ts';
import { requestChannelPort } from '../../src/modules/service-requests/index.ts';
import { createTestServer, twoCustomersReaching, type TestServer } from '../harness.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../smtp-receiver.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const KEY = 'test-gateway-key-0123456789';
let now = new Date('2026-12-07T15:00:00Z'); // 23:00 in Shanghai: inside 22:00–08:00
const clock = { now: () => new Date(now) };
let s: TestServer;
let smtp: SmtpReceiver;
let deps: ReturnType<typeof noticeDeps>;
let mailCustomer: string;
let smsCustomer: string;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  s = await createTestServer({
    clock,
    env: { ONEPOINT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ONEPOINT_SMS_GATEWAY_KEY: KEY },
  });
  deps = noticeDeps(s.ctx as never, requestChannelPort({ routeRequest, pickAssignee }));
  await consumeRequestEvents(deps); // the consumer starts from now
  // Two customers: one wants mail and has quiet hours, one wants SMS.
  [mailCustomer, smsCustomer] = await twoCustomersReaching(
    s,
    [
      {
        name: '王芳',
        email: 'wang.fang@example.cn',
        mobile: '13912345678',
        preferred_channel: 'email',
        quiet_hours_start: '22:00',
        quiet_hours_end: '08:00',
      },
      { name: '李雷', mobile: '13800001111', preferred_channel: 'sms' },
    ],
    new Date(),
  );
});
afterAll(async () => {
  deps?.gateways.close();
  await s?.close();
  await smtp?.close();
});

async function call(method: string, url: string, payload?: unknown) {
  return s.app.inject({
    method: method as 'GET',
    url,
    headers: await s.as('admin'),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function newRequest(customerId: string, extra: Record<string, unknown> = {}) {
  const r = await call('POST', '/api/v1/service-requests', {
    kind: 'fault',
    title: '宽带无法上网，回电13912345678',
    description: '光猫红灯',
    channel: 'hotline',
    customerId,
    ...extra,
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; number: string; version: number };
}

const noticesOf = async (id: string) =>
  (await call('GET', `/api/v1/service-requests/${id}/notices`)).json().items;

describe(`progress notices (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('waits out the quiet hours, then mails the notice once, masked, with the attempt on the timeline', async () => {
    const r = await newRequest(mailCustomer);
    expect((await consumeRequestEvents(deps)).planned).toBe(1);
    await deliverDueNotices(deps);
    expect(smtp.inbox).toHaveLength(0);
    const [waiting] = await noticesOf(r.id);
    expect(waiting).toMatchObject({
      event: 'accepted',
      channel: 'email',
      to: expect.stringMatching(/^w.*\*.*@example\.cn$/),
      status: 'waiting',
      dueAt: '2026-12-08T00:00:00.000Z', // 08:00 in Shanghai
    });

    now = new Date('2026-12-07T23:59:00Z');
    await deliverDueNotices(deps);
    expect(smtp.inbox).toHaveLength(0);
    now = new Date('2026-12-08T00:00:30Z');
    expect(await deliverDueNotices(deps)).toEqual({ sent: 1, failed: 0 });
    expect(smtp.inbox).toHaveLength(1);
    const mail = smtp.inbox[0]!;
    expect(mail.subject).toBe(`您的服务请求 ${r.number} 已受理`);
    expect(mail.text).toContain('139****5678');
    expect(mail.text).not.toContain('13912345678');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.messageId).toContain(r.number);
    expect((await noticesOf(r.id))[0]).toMatchObject({ status: 'sent', attempts: 1 });

    // The request's events queued again (a worker that died before removing them): still one
    // notice, one mail.
    const ids = (
      await s.ctx.db.selectFrom('outbox_events').select('id').where('aggregate_id', '=', r.id).execute()
    ).map((e) => ({ consumer: 'channels.notices', event_id: e.id }));
    expect(ids.length).toBeGreaterThan(0);
    await s.ctx.db.insertInto('outbox_consumer_queue').values(ids).execute();
    expect((await consumeRequestEvents(deps)).planned).toBe(0);
    await deliverDueNotices(deps);
    expect(smtp.inbox).toHaveLength(1);
    const timeline = (await call('GET', `/api/v1/service-requests/${r.id}`)).json().timeline;
    expect(timeline.at(-1)).toMatchObject({ kind: 'contact_attempt', visibility: 'internal' });
    expect(timeline.at(-1).details).toMatchObject({
      code: 'notice.sent',
      event: 'accepted',
      channel: 'email',
      to: expect.stringMatching(/^w.*\*.*@example\.cn$/),
      attempt: 1,
    });
  });

  it('sends an urgent notice in the quiet hours; retries a refused mail and shows the failure', async () => {
    now = new Date('2026-12-08T15:00:00Z'); // 23:00 again
    const r = await newRequest(mailCustomer, { priority: 'urgent', title: '专线中断' });
    await consumeRequestEvents(deps);
    smtp.refuse(1, 451, '4.2.1 Mailbox busy, try later');
    expect(await deliverDueNotices(deps)).toEqual({ sent: 0, failed: 1 });
    const [failed] = await noticesOf(r.id);
    expect(failed).toMatchObject({
      status: 'waiting',
      attempts: 1,
      lastError: expect.stringContaining('451'),
    });
    const timeline = (await call('GET', `/api/v1/service-requests/${r.id}`)).json().timeline;
    expect(timeline.at(-1).details).toMatchObject({
      code: 'notice.retry',
      attempt: 1,
      error: expect.stringContaining('451'),
      nextAttemptAt: expect.any(String),
    });
    expect(JSON.stringify(timeline)).not.toContain('wang.fang@example.cn');

    await deliverDueNotices(deps); // not due again yet
    expect((await noticesOf(r.id))[0].attempts).toBe(1);
    now = new Date(now.getTime() + 31_000);
    expect(await deliverDueNotices(deps)).toEqual({ sent: 1, failed: 0 });
    expect(smtp.inbox.at(-1)!.subject).toContain(r.number);
    expect((await noticesOf(r.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('two workers consuming at once plan and send one notice', async () => {
    const other = noticeDeps(s.ctx as never, requestChannelPort({ routeRequest, pickAssignee }));
    try {
      const r = await newRequest(smsCustomer, { title: '两个进程' });
      const planned = await Promise.all([consumeRequestEvents(deps), consumeRequestEvents(other)]);
      expect(planned[0].planned + planned[1].planned).toBe(1);
      const sent = await Promise.all([deliverDueNotices(deps), deliverDueNotices(other)]);
      expect(sent[0].sent + sent[1].sent).toBe(1);
      expect(await Promise.all([consumeRequestEvents(other), deliverDueNotices(other)])).toEqual([
        { planned: 0, more: false },
        { sent: 0, failed: 0 },
      ]);
      const simulated = await s.ctx.db
        .selectFrom('channel_simulated')
        .select('body')
        .where('body', 'like', `%${r.number}%`)
        .execute();
      expect(simulated).toHaveLength(1);
      expect(await noticesOf(r.id)).toEqual([expect.objectContaining({ event: 'accepted', status: 'sent' })]);
    } finally {
      other.gateways.close();
    }
  });

  // PostgreSQL only: the embedded engine has one connection, so no transaction can commit late.
  it.runIf(ENGINE === 'postgres')(
    'an event whose transaction commits after later events were consumed is not missed',
    async () => {
      const r = await newRequest(smsCustomer, { title: '晚提交' });
      await consumeRequestEvents(deps);
      let release!: () => void;
      const released = new Promise<void>((res) => (release = res));
      let recorded = false;
      const late = s.ctx.db.transaction().execute(async (trx) => {
        await recordEvent(trx, {
          subject: 'serviceRequest.ServiceRequestStateChangeEvent',
          eventType: 'ServiceRequestStateChangeEvent',
          aggregateType: 'serviceRequest',
          aggregateId: r.id,
          event: {
            serviceRequest: {
              id: r.id,
              number: r.number,
              status: 'dispatched',
              customer: { id: smsCustomer },
            },
          },
        });
        recorded = true;
        await released;
      });
      while (!recorded) await new Promise((res) => setTimeout(res, 10));
      // Later events commit and are consumed while the first transaction is still open.
      const later = await newRequest(smsCustomer, { title: '先提交' });
      expect((await consumeRequestEvents(deps)).planned).toBe(1);
      release();
      await late;
      expect((await consumeRequestEvents(deps)).planned).toBe(1);
      expect((await noticesOf(r.id)).map((n: { event: string }) => n.event)).toEqual([
        'accepted',
        'dispatched',
      ]);
      expect((await noticesOf(later.id)).map((n: { event: string }) => n.event)).toEqual(['accepted']);
      await deliverDueNotices(deps);
    },
  );

  it('tells the SMS customer through the simulator at each step; a reply "1" after 回单 is their note', async () => {
    now = new Date('2026-12-09T02:00:00Z'); // 10:00 in Shanghai
    // An administrator's wording for the dispatch notice is the one sent.
    const edited = await s.app.inject({
      method: 'PUT',
      url: '/api/v1/notice-templates/dispatched/zh-CN',
      headers: await s.as('sysadmin'),
      payload: {
        subject: '已派单',
        body: '【派单】{number}：师傅已接单，将尽快联系您。',
        smsTemplateId: 'SMS_002',
      },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, smsTemplateId: 'SMS_002' });
    const r = await newRequest(smsCustomer, { title: '宽带慢' });
    let version = r.version;
    for (const [action, extra] of [
      ['dispatch', {}],
      ['take', {}],
      ['start', {}],
      ['resolve', { result: '已更换光猫' }],
    ] as const) {
      const t = await call('POST', `/api/v1/service-requests/${r.id}/transitions`, {
        action,
        ...extra,
        version,
      });
      expect(t.statusCode, t.body).toBe(200);
      version = t.json().version;
    }
    await consumeRequestEvents(deps);
    await deliverDueNotices(deps);
    expect(
      (await noticesOf(r.id)).map((n: { event: string; status: string }) => [n.event, n.status]),
    ).toEqual([
      ['accepted', 'sent'],
      ['dispatched', 'sent'],
      ['resolved', 'sent'],
    ]);
    const simulated = await s.ctx.db
      .selectFrom('channel_simulated')
      .select(['to_address', 'body', 'template_id'])
      .where('to_address', '=', '13800001111')
      .where('body', 'like', `%${r.number}%`)
      .orderBy('sent_at')
      .execute();
    expect(simulated).toHaveLength(3);
    expect(simulated[1]).toMatchObject({
      body: `【派单】${r.number}：师傅已接单，将尽快联系您。`,
      template_id: 'SMS_002',
    });
    expect(simulated[2]!.body).toContain('已更换光猫');

    const body = JSON.stringify({ messageId: 'up-1', phone: '13800001111', text: '1 满意' });
    const ts = String(Math.floor(now.getTime() / 1000));
    const reply = await s.app.inject({
      method: 'POST',
      url: '/api/v1/channels/sms/inbound',
      headers: {
        'content-type': 'application/json',
        'x-timestamp': ts,
        'x-signature': gatewaySignature(KEY, ts, body),
      },
      payload: body,
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({
      outcome: 'note',
      requestNumber: r.number,
      satisfaction: 'satisfied',
    });
    const note = (await call('GET', `/api/v1/service-requests/${r.id}`)).json().timeline.at(-1);
    expect(note).toMatchObject({ kind: 'note', visibility: 'customer' });
    expect(note.body).toContain('满意');

    const forged = await s.app.inject({
      method: 'POST',
      url: '/api/v1/channels/sms/inbound',
      headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': 'ab'.repeat(32) },
      payload: body,
    });
    expect(forged.statusCode).toBe(401);
  });

  it('the HTTP SMS driver signs its requests; a 5xx is an error to retry', async () => {
    const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    let fail = true;
    const platform = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' });
        res.end(fail ? '{"code":"Throttling"}' : '{"messageId":"m-42"}');
        fail = false;
      });
    });
    await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
    try {
      const port = (platform.address() as { port: number }).port;
      const gw = new HttpSmsGateway(`http://127.0.0.1:${port}/sms`, KEY, '中国电信', clock);
      const notice = {
        id: uuidv7(),
        channel: 'sms' as const,
        to: '13800001111',
        subject: null,
        body: '您好',
        templateId: 'SMS_001',
        variables: { number: 'JS20261209000001' },
        requestNumber: 'JS20261209000001',
      };
      await expect(gw.send(notice)).rejects.toThrow(/503/);
      expect(await gw.send(notice)).toBe('m-42');
      const last = seen.at(-1)!;
      expect(JSON.parse(last.body)).toMatchObject({
        phone: '13800001111',
        templateId: 'SMS_001',
        signName: '中国电信',
      });
      expect(
        checkGatewaySignature(
          KEY,
          String(last.headers['x-timestamp']),
          last.body,
          String(last.headers['x-signature']),
        ),
      ).toBe(true);
    } finally {
      await new Promise<void>((r) => platform.close(() => r()));
    }
  });

  it("shows the portal customer the notices sent about their own request, and nobody else's", async () => {
    now = new Date('2026-12-10T02:00:00Z'); // 10:00 in Shanghai
    const own = (
      await s.ctx.db
        .selectFrom('customer_portal_accounts')
        .select('customer_id')
        .where('user_id', '=', demoId('user', 'customer'))
        .executeTakeFirstOrThrow()
    ).customer_id;
    const at = new Date();
    await s.ctx.db.deleteFrom('customer_contacts').where('customer_id', '=', own).execute();
    await s.ctx.db
      .insertInto('customer_contacts')
      .values({
        id: uuidv7(),
        customer_id: own,
        name: '张伟',
        role: 'primary',
        mobile: '13700002222',
        preferred_channel: 'sms',
        is_primary: true,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const mine = await newRequest(own, { title: '电视没信号' });
    const theirs = await newRequest(smsCustomer, { title: '宽带慢' });
    await consumeRequestEvents(deps);
    await deliverDueNotices(deps);
    const portal = async (id: string) =>
      s.app.inject({
        method: 'GET',
        url: `/api/v1/portal/service-requests/${id}/notices`,
        headers: await s.as('customer'),
      });
    const seen = await portal(mine.id);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().items).toEqual([
      expect.objectContaining({ event: 'accepted', channel: 'sms', to: '137****2222' }),
    ]);
    expect(seen.json().items[0].body).toContain(mine.number);
    expect(seen.json().items[0]).not.toHaveProperty('lastError');
    expect((await portal(theirs.id)).statusCode).toBe(404);
    // A staff login speaks for no customer: the portal route finds nothing for it.
    const staff = await s.app.inject({
      method: 'GET',
      url: `/api/v1/portal/service-requests/${mine.id}/notices`,
      headers: await s.as('admin'),
    });
    expect(staff.statusCode).toBe(404);
  });
});
