// Email in: real mail over SMTP (nodemailer as the client) to the listener on a random port —
// a new mail becomes a request, a reply naming its number a customer note, automatic mail nothing;
// GBK mail reads correctly, HTML is reduced to text without scripts. The same by IMAP polling from
// a real IMAP server (Dovecot, which must be installed: `apt-get install -y dovecot-imapd`).
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import {
  imapDeps,
  mailInDeps,
  pollImapSource,
  startImapPoller,
  startMailListener,
  type MailListener,
} from '../../src/modules/channels/index.ts';
import { pickAssignee, routeRequest } from '../../src/modules/routing/index.ts';
import { requestChannelPort } from '../../src/modules/service-requests/index.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { startImapServer, type ImapTestServer } from '../imap-server.ts';

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

/** Waits (up to 15 s) for something a background worker does. */
async function until(check: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

// IMAP polling against a real IMAP server (Dovecot, started here: see test/imap-server.ts).
describe(`email in by IMAP polling (needs dovecot-imapd; ${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  let imap: ImapTestServer;
  let client: ImapFlow;
  const deps = () => imapDeps(s.ctx as never, requestChannelPort({ routeRequest, pickAssignee }));
  const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
    s.app.inject({ method, url, headers: await s.as('sysadmin'), ...(payload ? { payload } : {}) });
  const append = (raw: string[], flags: string[] = []) => client.append('INBOX', raw.join('\r\n'), flags);
  const flagsOf = async () => {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const out: Array<{ uid: number; seen: boolean }> = [];
      for await (const m of client.fetch('1:*', { uid: true, flags: true }))
        out.push({ uid: m.uid, seen: m.flags?.has('\\Seen') ?? false });
      return out;
    } finally {
      lock.release();
    }
  };

  beforeAll(async () => {
    imap = await startImapServer('service@onepoint.local', 'imap-secret-1');
    client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
    });
    await client.connect();
  });
  afterAll(async () => {
    await client?.logout().catch(() => undefined);
    await imap?.stop();
  });

  it('takes new mail once — request, reply note, GBK, auto-reply ignored — across restarts and two pollers', async () => {
    // Mail already read in the mailbox before it is configured is left alone.
    await append(
      ['From: old@example.cn', 'Subject: 旧邮件', 'Message-ID: <old.1@example.cn>', '', 'read'],
      ['\\Seen'],
    );
    const put = await call('PUT', '/api/v1/channel-mailboxes/service@onepoint.local/imap', {
      host: imap.host,
      port: imap.port,
      tls: 'none',
      username: imap.user,
      password: imap.password,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().imap).toMatchObject({ host: imap.host, password: 'stored', passwordEnv: null });
    expect(put.body).not.toContain(imap.password);
    const stored = await s.ctx.db
      .selectFrom('channel_imap_sources')
      .select('password_enc')
      .executeTakeFirstOrThrow();
    expect(stored.password_enc).not.toContain(imap.password);

    const gbk = (t: string) => iconv.encode(t, 'GBK').toString('base64');
    await append([
      `From: ${customer.email}`,
      'To: service@onepoint.local',
      'Subject: 咨询套餐变更',
      'Message-ID: <imap.1@customer.example>',
      '',
      '想把套餐换成融合套餐。',
    ]);
    await append([
      'From: someone@example.cn',
      'To: service@onepoint.local',
      `Subject: =?GBK?B?${gbk('发票邮寄地址')}?=`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=GBK',
      'Content-Transfer-Encoding: base64',
      '',
      gbk('请把发票寄到公司前台。'),
    ]);
    await append([
      'From: away@example.cn',
      'To: service@onepoint.local',
      'Subject: 自动回复',
      'Auto-Submitted: auto-replied',
      '',
      '休假中',
    ]);
    const before = await countRequests();
    const polled = await call('POST', '/api/v1/channel-mailboxes/service@onepoint.local/imap/poll');
    expect(polled.json()).toEqual({ status: 'ok', taken: 3 });
    expect(await countRequests()).toBe(before + 2);
    const first = await requestByRef('<imap.1@customer.example>');
    expect(first).toMatchObject({ kind: 'consultation', channel: 'email', customer_id: customer.id });
    const gbkRequest = await s.ctx.db
      .selectFrom('service_requests')
      .select(['title', 'description'])
      .where('title', '=', '发票邮寄地址')
      .executeTakeFirst();
    expect(gbkRequest?.description).toBe('请把发票寄到公司前台。');
    // Stored, then marked read; the old mail untouched and not taken.
    expect((await flagsOf()).map((m) => m.seen)).toEqual([true, true, true, true]);
    expect(await requestByRef('<old.1@example.cn>')).toBeUndefined();

    // A reply naming the request is a note; the flags reset by a person do not bring mail back:
    // a restarted poller (new deps, same database) goes on from the cursor.
    await append([
      `From: ${customer.email}`,
      'To: service@onepoint.local',
      `Subject: Re: ${first!.number}`,
      '',
      '周末也可以上门。',
    ]);
    await client.mailboxOpen('INBOX');
    await client.messageFlagsRemove('1:*', ['\\Seen']);
    const restarted = await pollImapSource(deps(), 'service@onepoint.local');
    expect(restarted).toEqual({ status: 'ok', taken: 1 });
    expect(await countRequests()).toBe(before + 2);
    const timeline = (
      await s.app.inject({
        method: 'GET',
        url: `/api/v1/service-requests/${first!.id}`,
        headers: await s.as('admin'),
      })
    ).json().timeline;
    expect(timeline.at(-1)).toMatchObject({ kind: 'note', visibility: 'customer', body: '周末也可以上门。' });

    // Two pollers at once: one takes the new mail, the other finds the source held.
    await append([
      `From: two@example.cn`,
      'Subject: 两个轮询',
      'Message-ID: <imap.two@example.cn>',
      '',
      '一次',
    ]);
    const both = await Promise.all([
      pollImapSource(deps(), 'service@onepoint.local'),
      pollImapSource(deps(), 'service@onepoint.local'),
    ]);
    expect(both.map((r) => r.taken).sort()).toEqual([0, 1]);
    expect(await countRequests()).toBe(before + 3);
    expect((await pollImapSource(deps(), 'service@onepoint.local')).taken).toBe(0);

    const listed = (await call('GET', '/api/v1/channel-mailboxes')).json().items;
    const service = listed.find((m: { address: string }) => m.address === 'service@onepoint.local');
    expect(service.imap).toMatchObject({ lastError: null, lastTaken: 0, lastOkAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(imap.password);
  });

  it('the poller hears new mail through IDLE and takes it without waiting for its interval', async () => {
    const poller = startImapPoller(deps(), 3600_000);
    try {
      // Its first round has run and its watcher is in IDLE once the source was polled again.
      const since = Date.now();
      await until(async () => {
        const r = await s.ctx.db
          .selectFrom('channel_imap_sources')
          .select('last_poll_at')
          .where('mailbox', '=', 'service@onepoint.local')
          .executeTakeFirstOrThrow();
        return r.last_poll_at !== null && new Date(r.last_poll_at).getTime() >= since - 1000;
      });
      await new Promise((r) => setTimeout(r, 500));
      await append([
        'From: idle@example.cn',
        'Subject: 推送',
        'Message-ID: <imap.idle@example.cn>',
        '',
        '即时',
      ]);
      await until(async () => (await requestByRef('<imap.idle@example.cn>')) !== undefined);
    } finally {
      await poller.stop();
    }
  });

  it("shows a wrong password as the source's last error, without the password", async () => {
    const put = await call('PUT', '/api/v1/channel-mailboxes/fault@onepoint.local/imap', {
      host: imap.host,
      port: imap.port,
      tls: 'none',
      username: imap.user,
      password: 'wrong-password-42',
    });
    expect(put.statusCode, put.body).toBe(200);
    const r = await call('POST', '/api/v1/channel-mailboxes/fault@onepoint.local/imap/poll');
    expect(r.json()).toMatchObject({ status: 'error', taken: 0 });
    const listed = (await call('GET', '/api/v1/channel-mailboxes')).json().items;
    const fault = listed.find((m: { address: string }) => m.address === 'fault@onepoint.local');
    expect(fault.imap.lastError).toMatch(/auth|fail/i);
    expect(JSON.stringify(listed)).not.toContain('wrong-password-42');
    // Neither password nor passwordEnv for a new source, or both: refused, nothing stored.
    const none = await call('PUT', '/api/v1/channel-mailboxes/fault@onepoint.local/imap', {
      host: imap.host,
      port: imap.port,
      tls: 'none',
      username: imap.user,
      passwordEnv: 'PATH',
    });
    expect(none.statusCode).toBe(400);
    expect((await call('DELETE', '/api/v1/channel-mailboxes/fault@onepoint.local/imap')).statusCode).toBe(
      204,
    );
  });
});
