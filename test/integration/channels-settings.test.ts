// Gateway settings edited by an administrator (issue 14, "admins edit … gateway settings"): a saved
// SMTP server takes the next notice on every node that was already running (no restart), with the
// password it was given; secrets are never answered, logged in the audit or stored in clear; a
// password left out is kept only for the same server; stale versions get 409, bad input 400 with
// nothing stored, other roles 403; "send a test" says what really happened; a reset brings the
// environment's settings back. SMS: the HTTP driver and the reply webhook take the saved key.
import http from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkGatewaySignature,
  consumeRequestEvents,
  deliverDueNotices,
  gatewaySignature,
  noticeDeps,
} from '../../src/modules/channels/index.ts';
import { pickAssignee, routeRequest } from '../../src/modules/routing/index.ts';
import { requestChannelPort } from '../../src/modules/service-requests/index.ts';
import { bodyCases, fieldsFromOpenApi, runCases } from '../bad-input.ts';
import { createTestServer, twoCustomersReaching, type TestServer } from '../harness.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../smtp-receiver.ts';

const ENV_KEY = 'environment-gateway-key-0123';
const SAVED_KEY = 'saved-gateway-key-9876543210';
const SMTP_USER = 'notices';
const SMTP_PASSWORD = 'B-mail-secret-7f3a';
const now = new Date('2026-12-08T02:00:00Z'); // 10:00 in Shanghai: no quiet hours
const clock = { now: () => new Date(now) };

let s: TestServer;
let envMail: SmtpReceiver; // what ONEPOINT_SMTP_URL names
let savedMail: SmtpReceiver; // what the administrator saves
let platform: http.Server;
let platformPort: number;
const platformSeen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
// Two worker nodes, both running before any change: each keeps its own transport cache.
let node1: ReturnType<typeof noticeDeps>;
let node2: ReturnType<typeof noticeDeps>;
let mailCustomer: string;
let smsCustomer: string;
/** Every answer the API gave in this file, to look for secrets in. */
const answers: string[] = [];

beforeAll(async () => {
  [envMail, savedMail] = await Promise.all([
    startSmtpReceiver(),
    startSmtpReceiver({ user: SMTP_USER, pass: SMTP_PASSWORD }),
  ]);
  platform = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      platformSeen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messageId: `p-${platformSeen.length}` }));
    });
  });
  await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
  platformPort = (platform.address() as { port: number }).port;
  s = await createTestServer({
    clock,
    env: { ONEPOINT_SMTP_URL: `smtp://127.0.0.1:${envMail.port}`, ONEPOINT_SMS_GATEWAY_KEY: ENV_KEY },
  });
  const port = requestChannelPort({ routeRequest, pickAssignee });
  node1 = noticeDeps(s.ctx as never, port);
  node2 = noticeDeps(s.ctx as never, port);
  await consumeRequestEvents(node1); // the consumer starts from now
  [mailCustomer, smsCustomer] = await twoCustomersReaching(
    s,
    [
      { name: '赵敏', email: 'zhao.min@example.cn', preferred_channel: 'email' },
      { name: '钱进', mobile: '13800002222', preferred_channel: 'sms' },
    ],
    now,
  );
});
afterAll(async () => {
  node1?.gateways.close();
  node2?.gateways.close();
  await s?.close();
  for (const m of [envMail, savedMail]) await m?.close();
  await new Promise<void>((r) => (platform ? platform.close(() => r()) : r()));
});

async function call(
  login: string,
  method: string,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(await s.as(login)), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  answers.push(res.body);
  return res;
}
const admin = (method: string, url: string, payload?: unknown, headers?: Record<string, string>) =>
  call('sysadmin', method, url, payload, headers);

/** A request for the customer, its notice planned and delivered by the given node. */
async function noticeThrough(node: typeof node1, customerId: string, title: string) {
  const r = await call('admin', 'POST', '/api/v1/service-requests', {
    kind: 'fault',
    title,
    description: '网络中断',
    channel: 'hotline',
    customerId,
  });
  expect(r.statusCode, r.body).toBe(201);
  const { id, number } = r.json() as { id: string; number: string };
  expect((await consumeRequestEvents(node)).planned).toBe(1);
  expect(await deliverDueNotices(node)).toEqual({ sent: 1, failed: 0 });
  return { id, number };
}

const stored = async () => ({
  mail: await s.ctx.db.selectFrom('channel_mail_settings').selectAll().execute(),
  sms: await s.ctx.db.selectFrom('channel_sms_settings').selectAll().execute(),
});

const savedMailBody = (extra: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: savedMail.port,
  tls: 'opportunistic',
  username: SMTP_USER,
  password: SMTP_PASSWORD,
  from: '客服中心 <kefu@ct.example>',
  ...extra,
});

describe(`gateway settings edited by administrators (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('shows the environment’s settings first, then a saved SMTP server takes the next notice on every node, no restart', async () => {
    // Both nodes send through the environment's server (and keep its transport).
    const before1 = await noticeThrough(node1, mailCustomer, '环境变量的邮件服务器');
    await noticeThrough(node2, mailCustomer, '环境变量的邮件服务器（二）');
    expect(envMail.inbox.map((m) => m.subject)).toEqual([
      expect.stringContaining(before1.number),
      expect.any(String),
    ]);

    const read = await admin('GET', '/api/v1/channel-settings/mail-out');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toMatchObject({
      source: 'environment',
      configured: true,
      host: '127.0.0.1',
      port: envMail.port,
      tls: 'opportunistic',
      username: null,
      password: 'not_set',
      version: 1,
      updatedAt: null,
      environment: { host: '127.0.0.1', port: envMail.port },
    });

    const saved = await admin('PUT', '/api/v1/channel-settings/mail-out', savedMailBody(), {
      'if-match': read.headers.etag as string,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe('"2"');
    expect(saved.json()).toMatchObject({
      source: 'stored',
      host: '127.0.0.1',
      port: savedMail.port,
      username: SMTP_USER,
      password: 'set',
      authenticated: true,
      from: '客服中心 <kefu@ct.example>',
      updatedBy: 'sysadmin',
      // What a reset would come back to, still said.
      environment: { port: envMail.port, password: 'not_set' },
    });

    // The next notice on each node goes to the saved server, logged in with the saved password.
    const after1 = await noticeThrough(node1, mailCustomer, '管理员设置的邮件服务器');
    const after2 = await noticeThrough(node2, mailCustomer, '管理员设置的邮件服务器（二）');
    expect(envMail.inbox).toHaveLength(2);
    expect(savedMail.inbox.map((m) => m.subject)).toEqual([
      expect.stringContaining(after1.number),
      expect.stringContaining(after2.number),
    ]);
    expect(savedMail.inbox[0]!.from?.value[0]?.address).toBe('kefu@ct.example');
    expect(savedMail.logins.at(-1)).toEqual({ user: SMTP_USER, pass: SMTP_PASSWORD });

    // The overview says the same, and which value comes from where.
    const all = (await admin('GET', '/api/v1/channel-settings')).json();
    expect(all.mailOut).toMatchObject({ source: 'stored', port: savedMail.port, password: 'set' });
    expect(all.sms).toMatchObject({ source: 'environment', driver: 'simulator', key: 'set', keySet: true });
  });

  it('keeps the password when a save leaves it out — but only for the same server and user', async () => {
    const v = (await admin('GET', '/api/v1/channel-settings/mail-out')).json().version as number;
    const kept = await admin('PUT', '/api/v1/channel-settings/mail-out', {
      ...savedMailBody({ from: 'noreply@ct.example' }),
      password: undefined,
      version: v,
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ password: 'set', from: 'noreply@ct.example', version: v + 1 });
    const r = await noticeThrough(node1, mailCustomer, '密码保留');
    expect(savedMail.inbox.at(-1)!.subject).toContain(r.number);
    expect(savedMail.logins.at(-1)).toEqual({ user: SMTP_USER, pass: SMTP_PASSWORD });

    // Another host without the password: refused, nothing stored (the password never goes there).
    const before = await stored();
    const moved = await admin('PUT', '/api/v1/channel-settings/mail-out', {
      ...savedMailBody({ host: 'smtp.elsewhere.example' }),
      password: undefined,
    });
    expect(moved.statusCode, moved.body).toBe(422);
    expect(moved.json()).toMatchObject({
      code: 'UNPROCESSABLE',
      details: { fields: [{ field: 'password' }] },
    });
    expect(await stored()).toEqual(before);
  });

  it('answers a stale version with 409 and stores nothing', async () => {
    const current = await admin('GET', '/api/v1/channel-settings/mail-out');
    const etag = current.headers.etag as string;
    const before = await stored();
    for (const [payload, headers] of [
      [savedMailBody(), { 'if-match': '"1"' }],
      [savedMailBody({ version: 1 }), {}],
    ] as const) {
      const res = await admin('PUT', '/api/v1/channel-settings/mail-out', payload, headers);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'CONFLICT',
        details: { currentVersion: Number(etag.slice(1, -1)) },
      });
    }
    const reset = await admin('DELETE', '/api/v1/channel-settings/sms', undefined, { 'if-match': '"99"' });
    expect(reset.statusCode).toBe(409);
    expect(await stored()).toEqual(before);
  });

  it('refuses bad input with 400 naming the field, storing nothing', async () => {
    const doc = s.app.swagger();
    const routes = [
      {
        method: 'PUT' as const,
        url: '/api/v1/channel-settings/mail-out',
        valid: savedMailBody(),
        fields: fieldsFromOpenApi(doc, 'PUT', '/api/v1/channel-settings/mail-out'),
      },
      {
        method: 'PUT' as const,
        url: '/api/v1/channel-settings/sms',
        valid: { driver: 'http', url: 'https://sms.example.cn/send', key: SAVED_KEY, signName: '电信' },
        fields: fieldsFromOpenApi(doc, 'PUT', '/api/v1/channel-settings/sms'),
      },
      {
        method: 'POST' as const,
        url: '/api/v1/channel-settings/mail-out/test',
        valid: { to: 'ops@ct.example' },
        fields: fieldsFromOpenApi(doc, 'POST', '/api/v1/channel-settings/mail-out/test'),
      },
      {
        method: 'POST' as const,
        url: '/api/v1/channel-settings/sms/test',
        valid: { to: '13800002222' },
        fields: fieldsFromOpenApi(doc, 'POST', '/api/v1/channel-settings/sms/test'),
      },
    ];
    const before = await stored();
    const auditBefore = await s.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('action', 'like', 'channel_settings.%')
      .executeTakeFirstOrThrow();
    const headers = await s.as('sysadmin');
    const { problems, bodies } = await runCases(s.app, routes.flatMap(bodyCases), () => headers);
    answers.push(...bodies);
    expect(problems).toEqual([]);
    // The rules beyond the types, each named.
    const rules: Array<[string, Record<string, unknown>, string]> = [
      ['/mail-out', savedMailBody({ port: 0 }), 'body.port'],
      ['/mail-out', savedMailBody({ tls: 'ssl' }), 'body.tls'],
      ['/mail-out', savedMailBody({ host: 'smtp.ct.cn\r\nRCPT TO:<x@y>' }), 'body.host'],
      ['/mail-out', savedMailBody({ from: 'a@b.cn\r\nBcc: all@b.cn' }), 'body.from'],
      ['/mail-out', savedMailBody({ from: 'not an address' }), 'body.from'],
      ['/mail-out', savedMailBody({ username: null }), 'body.password'],
      ['/sms', { driver: 'http', key: SAVED_KEY, signName: '电信' }, 'body.url'],
      [
        '/sms',
        { driver: 'http', url: 'https://sms.example.cn/send', key: null, signName: '电信' },
        'body.key',
      ],
      ['/sms', { driver: 'http', url: 'https://u:p@sms.example.cn/send', signName: '电信' }, 'body.url'],
      ['/sms', { driver: 'http', url: 'https://sms.example.cn/send?ak=1', signName: '电信' }, 'body.url'],
      ['/sms', { driver: 'http', url: 'ftp://sms.example.cn/send', signName: '电信' }, 'body.url'],
      ['/sms', { driver: 'simulator', key: 'short', signName: '电信' }, 'body.key'],
      [
        '/sms',
        { driver: 'simulator', signName: '一二三四五六七八九十一二三四五六七八九十一' },
        'body.signName',
      ],
    ];
    for (const [path, body, field] of rules) {
      const res = await admin('PUT', `/api/v1/channel-settings${path}`, body);
      expect(res.statusCode, `${path} ${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const badEtag = await admin('PUT', '/api/v1/channel-settings/mail-out', savedMailBody(), {
      'if-match': 'yesterday',
    });
    expect(badEtag.statusCode).toBe(400);
    expect(await stored()).toEqual(before);
    const auditAfter = await s.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('action', 'like', 'channel_settings.%')
      .executeTakeFirstOrThrow();
    expect(Number(auditAfter.n)).toBe(Number(auditBefore.n));
  });

  it('refuses every other role (403) and changes nothing', async () => {
    const before = await stored();
    for (const login of ['agent', 'supervisor', 'secadmin', 'auditor', 'dispatcher']) {
      for (const [method, url, body] of [
        ['GET', '/api/v1/channel-settings', undefined],
        ['GET', '/api/v1/channel-settings/mail-out', undefined],
        ['PUT', '/api/v1/channel-settings/mail-out', savedMailBody()],
        ['DELETE', '/api/v1/channel-settings/mail-out', undefined],
        ['GET', '/api/v1/channel-settings/sms', undefined],
        ['PUT', '/api/v1/channel-settings/sms', { driver: 'simulator', signName: '电信' }],
        ['DELETE', '/api/v1/channel-settings/sms', undefined],
        ['POST', '/api/v1/channel-settings/mail-out/test', { to: 'ops@ct.example' }],
        ['POST', '/api/v1/channel-settings/sms/test', { to: '13800002222' }],
      ] as const) {
        const res = await call(login, method, url, body);
        expect(res.statusCode, `${login} ${method} ${url}`).toBe(403);
      }
    }
    expect(await stored()).toEqual(before);
    expect(savedMail.inbox.filter((m) => m.subject?.includes('测试'))).toEqual([]);
  });

  it('sends a test mail through the settings in force and tells a failure honestly', async () => {
    const sent = await admin('POST', '/api/v1/channel-settings/mail-out/test', { to: 'ops.lead@ct.example' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({
      outcome: 'sent',
      source: 'stored',
      to: expect.stringMatching(/^o.*\*.*@ct\.example$/),
      providerId: expect.any(String),
      error: null,
    });
    const test = savedMail.inbox.at(-1)!;
    expect(test.subject).toContain('测试邮件');
    expect(test.to && 'value' in test.to ? test.to.value[0]?.address : undefined).toBe('ops.lead@ct.example');

    // A server that is not there (the same host and user: the password is kept for it).
    const closed = await startSmtpReceiver();
    const deadPort = closed.port;
    await closed.close();
    const v = (await admin('GET', '/api/v1/channel-settings/mail-out')).json().version as number;
    const moved = await admin('PUT', '/api/v1/channel-settings/mail-out', {
      ...savedMailBody({ port: deadPort, version: v }),
      password: undefined,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const failed = await admin('POST', '/api/v1/channel-settings/mail-out/test', {
      to: 'ops.lead@ct.example',
    });
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({
      outcome: 'failed',
      providerId: null,
      error: expect.stringMatching(/ECONNREFUSED|connect/i),
    });
    expect(failed.body).not.toContain('ops.lead@ct.example');

    // Back to the working server for what follows.
    const back = await admin('PUT', '/api/v1/channel-settings/mail-out', {
      ...savedMailBody(),
      password: undefined,
    });
    expect(back.statusCode, back.body).toBe(200);
  });

  it('the SMS driver and the reply webhook take the saved key; a test SMS says whether it left', async () => {
    const url = `http://127.0.0.1:${platformPort}/sms/send`;
    const saved = await admin('PUT', '/api/v1/channel-settings/sms', {
      driver: 'http',
      url,
      key: SAVED_KEY,
      signName: '电信客服',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      source: 'stored',
      driver: 'http',
      url,
      key: 'set',
      signName: '电信客服',
    });

    const test = await admin('POST', '/api/v1/channel-settings/sms/test', { to: '13800002222' });
    expect(test.json()).toMatchObject({ outcome: 'sent', providerId: 'p-1', to: '138****2222', error: null });
    const r = await noticeThrough(node2, smsCustomer, '短信网关已改');
    expect(platformSeen).toHaveLength(2);
    for (const req of platformSeen) {
      expect(
        checkGatewaySignature(
          SAVED_KEY,
          String(req.headers['x-timestamp']),
          req.body,
          String(req.headers['x-signature']),
        ),
      ).toBe(true);
      expect(JSON.parse(req.body)).toMatchObject({ phone: '13800002222', signName: '电信客服' });
    }
    expect(platformSeen[1]!.body).toContain(r.number);

    // Replies are signed with the saved key now; the environment's no longer passes.
    const reply = async (key: string) => {
      const body = JSON.stringify({ messageId: uuidv7(), phone: '13800002222', text: '收到' });
      const ts = String(Math.floor(now.getTime() / 1000));
      return s.app.inject({
        method: 'POST',
        url: '/api/v1/channels/sms/inbound',
        headers: {
          'content-type': 'application/json',
          'x-timestamp': ts,
          'x-signature': gatewaySignature(key, ts, body),
        },
        payload: body,
      });
    };
    expect((await reply(SAVED_KEY)).statusCode).toBe(200);
    expect((await reply(ENV_KEY)).statusCode).toBe(401);

    // The simulator (the key left out: kept, as no URL takes it anywhere): "recorded", not "sent".
    const sim = await admin('PUT', '/api/v1/channel-settings/sms', {
      driver: 'simulator',
      signName: '电信客服',
    });
    expect(sim.json()).toMatchObject({ driver: 'simulator', key: 'set', url: null });
    const recorded = await admin('POST', '/api/v1/channel-settings/sms/test', {
      to: '13800002222',
      channel: 'voice',
    });
    expect(recorded.json()).toMatchObject({
      outcome: 'recorded',
      providerId: expect.stringMatching(/^sim-/),
    });
    expect(platformSeen).toHaveLength(2);
    expect((await reply(SAVED_KEY)).statusCode).toBe(200);
  });

  it('a reset brings the environment’s settings back, on every node', async () => {
    const mail = await admin('DELETE', '/api/v1/channel-settings/mail-out');
    expect(mail.statusCode, mail.body).toBe(200);
    expect(mail.json()).toMatchObject({
      source: 'environment',
      port: envMail.port,
      password: 'not_set',
      updatedBy: 'sysadmin',
    });
    expect(mail.headers.etag).toBe(`"${mail.json().version}"`);
    const sms = await admin('DELETE', '/api/v1/channel-settings/sms');
    expect(sms.json()).toMatchObject({ source: 'environment', driver: 'simulator', url: null, key: 'set' });
    expect(await stored()).toMatchObject({
      mail: [{ source: 'environment', host: null, password_enc: null }],
      sms: [{ source: 'environment', driver: null, key_enc: null }],
    });
    const saved = savedMail.inbox.length;
    const r = await noticeThrough(node2, mailCustomer, '恢复环境变量');
    expect(envMail.inbox.at(-1)!.subject).toContain(r.number);
    expect(savedMail.inbox).toHaveLength(saved);
  });

  it('never answered, audited or stored a secret in clear; every change is in the audit log', async () => {
    for (const secret of [SMTP_PASSWORD, SAVED_KEY, ENV_KEY])
      expect(answers.filter((a) => a.includes(secret))).toEqual([]);
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'actor_login', 'details'])
      .where('action', 'like', 'channel_settings.%')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => `${a.action} ${a.entity_id}`)).toEqual(
      expect.arrayContaining([
        'channel_settings.update mail_out',
        'channel_settings.test mail_out',
        'channel_settings.update sms',
        'channel_settings.test sms',
        'channel_settings.reset mail_out',
        'channel_settings.reset sms',
      ]),
    );
    expect(audit.every((a) => a.actor_login === 'sysadmin')).toBe(true);
    const text = JSON.stringify(audit);
    for (const secret of [SMTP_PASSWORD, SAVED_KEY, ENV_KEY, 'ops.lead@ct.example', '13800002222'])
      expect(text).not.toContain(secret);
    expect(audit.find((a) => a.action === 'channel_settings.update')!.details).toMatchObject({
      passwordChanged: true,
      after: { password: 'set', port: savedMail.port },
    });
  });
});

describe('saved secrets at rest', () => {
  it('are encrypted, not kept in clear', async () => {
    const saved = await admin('PUT', '/api/v1/channel-settings/mail-out', savedMailBody());
    expect(saved.statusCode, saved.body).toBe(200);
    const row = await s.ctx.db.selectFrom('channel_mail_settings').selectAll().executeTakeFirstOrThrow();
    expect(row.password_enc).toBeTruthy();
    expect(JSON.stringify(row)).not.toContain(SMTP_PASSWORD);
    expect(saved.body).not.toContain(SMTP_PASSWORD);
  });
});
