// Email in: real mail over SMTP (nodemailer as the client) to the listener on a random port —
// a new mail becomes a request, a reply naming its number a customer note, automatic mail nothing;
// GBK mail reads correctly, HTML is reduced to text without scripts.
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailInDeps, startMailListener, type MailListener } from '../../src/modules/channels/index.ts';
import { pickAssignee, routeRequest } from '../../src/modules/routing/index.ts';
import { requestChannelPort } from '../../src/modules/service-requests/index.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
let listener: MailListener;
let transport: ReturnType<typeof nodemailer.createTransport>;
let customer: { id: string; email: string };

beforeAll(async () => {
  s = await createTestServer({ env: { ONEPOINT_ATTACHMENT_MAX_BYTES: '2048' } });
  listener = await startMailListener(
    mailInDeps(s.ctx as never, requestChannelPort({ routeRequest, pickAssignee })),
    { host: '127.0.0.1', port: 0 },
  );
  transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
  });
  const row = await s.ctx.db
    .selectFrom('customers')
    .select(['id', 'email'])
    .where('email', 'is not', null)
    .where('status', '=', 'active')
    .orderBy('customer_no')
    .limit(1)
    .executeTakeFirstOrThrow();
  customer = { id: row.id, email: row.email! };
});
afterAll(async () => {
  transport?.close();
  await listener?.close();
  await s?.close();
});

const requestByRef = (messageId: string) =>
  s.ctx.db.selectFrom('service_requests').selectAll().where('channel_ref', '=', messageId).executeTakeFirst();

const countRequests = async () =>
  Number(
    (
      await s.ctx.db
        .selectFrom('service_requests')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('channel', '=', 'email')
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`email in (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('a mail to fault@ becomes a fault request of the sender; a reply naming its number becomes a customer note', async () => {
    const sent = await transport.sendMail({
      from: customer.email,
      to: 'fault@onepoint.local',
      subject: '宽带无法上网',
      text: '家里宽带从早上开始无法上网，光猫红灯闪烁。',
      messageId: '<first.1@customer.example>',
    });
    expect(sent.accepted).toEqual(['fault@onepoint.local']);
    const r = await requestByRef('<first.1@customer.example>');
    expect(r).toMatchObject({
      kind: 'fault',
      channel: 'email',
      customer_id: customer.id,
      title: '宽带无法上网',
      status: 'accepted',
    });
    expect(r!.description).toContain('光猫红灯闪烁');

    // The same mail again (a client's retry): no second request.
    await transport.sendMail({
      from: customer.email,
      to: 'fault@onepoint.local',
      subject: '宽带无法上网',
      text: 'again',
      messageId: '<first.1@customer.example>',
    });
    const before = await countRequests();

    await transport.sendMail({
      from: customer.email,
      to: 'fault@onepoint.local',
      subject: `Re: 您的服务请求 ${r!.number} 已受理`,
      text: '下午两点后家里有人。\n\nOn Mon, 7 Dec 2026 onepoint wrote:\n> 您好，您的服务请求已受理',
      inReplyTo: `<notice.x.${r!.number}@onepoint>`,
    });
    expect(await countRequests()).toBe(before);
    const staff = await s.app.inject({
      method: 'GET',
      url: `/api/v1/service-requests/${r!.id}`,
      headers: await s.as('admin'),
    });
    const note = staff.json().timeline.at(-1);
    expect(note).toMatchObject({ kind: 'note', visibility: 'customer', body: '下午两点后家里有人。' });
  });

  it('a mail from an unknown sender to service@ is a consultation without a customer, identified at triage', async () => {
    await transport.sendMail({
      from: 'stranger@example.net',
      to: 'service@onepoint.local',
      subject: '想咨询企业专线资费',
      html: '<p>请问<b>100M</b>专线多少钱？</p><script>alert(1)</script><style>p{}</style>',
      messageId: '<html.1@example.net>',
    });
    const r = await requestByRef('<html.1@example.net>');
    expect(r).toMatchObject({ kind: 'consultation', customer_id: null });
    expect(r!.description).toContain('请问100M专线多少钱？');
    expect(r!.description).not.toMatch(/alert|script|<|p\{\}/);
  });

  it("keeps the mail's files within the attachment limit on the request", async () => {
    await transport.sendMail({
      from: customer.email,
      to: 'fault@onepoint.local',
      subject: '光猫故障照片',
      text: '见附件',
      messageId: '<files.1@customer.example>',
      attachments: [
        { filename: '故障说明.txt', content: '光猫 LOS 灯红色闪烁', contentType: 'text/plain' },
        { filename: 'big.txt', content: 'x'.repeat(5000), contentType: 'text/plain' },
      ],
    });
    const r = await requestByRef('<files.1@customer.example>');
    const files = await s.app.inject({
      method: 'GET',
      url: `/api/v1/attachments?ownerType=service_request&ownerId=${r!.id}`,
      headers: await s.as('admin'),
    });
    expect(files.statusCode, files.body).toBe(200);
    expect(files.json().items.map((f: { fileName: string; sizeBytes: number }) => f.fileName)).toEqual([
      '故障说明.txt',
    ]);
    const inbound = await s.ctx.db
      .selectFrom('channel_inbound')
      .select('detail')
      .where('request_id', '=', r!.id)
      .executeTakeFirstOrThrow();
    expect(inbound.detail).toBe('attachments: 1 kept, 1 refused');
  });

  it('reads GBK- and GB2312-encoded mail', async () => {
    for (const charset of ['GBK', 'GB2312']) {
      const subject = `=?${charset}?B?${iconv.encode('发票抬头错误', charset).toString('base64')}?=`;
      const body = iconv.encode('上月发票抬头写错了，请重开。', charset).toString('base64');
      const id = `<${charset.toLowerCase()}.1@example.cn>`;
      const raw = [
        `From: someone@example.cn`,
        `To: service@onepoint.local`,
        `Subject: ${subject}`,
        `Message-ID: ${id}`,
        `MIME-Version: 1.0`,
        `Content-Type: text/plain; charset=${charset}`,
        `Content-Transfer-Encoding: base64`,
        '',
        body,
        '',
      ].join('\r\n');
      await transport.sendMail({
        envelope: { from: 'someone@example.cn', to: ['service@onepoint.local'] },
        raw,
      });
      const r = await requestByRef(id);
      expect(r).toMatchObject({ title: '发票抬头错误', description: '上月发票抬头写错了，请重开。' });
    }
  });

  it('auto-replies, bulk mail and bounces create nothing; mail for another address is refused', async () => {
    const before = await countRequests();
    await transport.sendMail({
      from: customer.email,
      to: 'fault@onepoint.local',
      subject: '自动回复：我正在休假',
      text: '我正在休假',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await transport.sendMail({
      from: 'news@example.com',
      to: 'service@onepoint.local',
      subject: 'Newsletter',
      text: 'hello',
      headers: { Precedence: 'bulk' },
    });
    await transport.sendMail({
      from: 'someone@example.com',
      to: 'service@onepoint.local',
      subject: 'Out of office',
      text: 'away',
      headers: { 'X-Autoreply': 'yes' },
    });
    // A bounce: null envelope sender.
    await transport.sendMail({
      envelope: { from: '', to: ['service@onepoint.local'] },
      raw: 'From: MAILER-DAEMON@example.com\r\nTo: service@onepoint.local\r\nSubject: Undelivered Mail\r\n\r\nfailed\r\n',
    });
    expect(await countRequests()).toBe(before);
    const dropped = await s.ctx.db
      .selectFrom('channel_inbound')
      .select('detail')
      .where('outcome', '=', 'auto_reply')
      .execute();
    expect(dropped.map((d) => d.detail)).toEqual(
      expect.arrayContaining([
        'Auto-Submitted: auto-replied',
        'Precedence: bulk',
        'null sender (delivery report)',
      ]),
    );
    await expect(
      transport.sendMail({ from: 'a@example.com', to: 'nobody@onepoint.local', subject: 'x', text: 'y' }),
    ).rejects.toThrow(/550/);
  });
});
