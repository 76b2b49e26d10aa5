// `onepoint rotate-keys`: every secret the platform encrypts with ONEPOINT_PII_KEYS — authenticator
// secrets, ID numbers and contact media, the saved SMTP password and SMS gateway key, IMAP
// passwords, webhook and TMF listener secrets (those still in clear encrypted too) — is
// re-encrypted under the new key by each owning module's hook. With the old key removed afterwards, mail goes out, the SMS gateway
// takes the signed request, the IMAP account is read, and webhooks and listeners get deliveries
// signed with the secrets they were given.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { ModuleContext } from '../../src/context.ts';
import { modules } from '../../src/modules.ts';
import {
  checkGatewaySignature,
  imapDeps,
  noticeDeps,
  pollImapSource,
} from '../../src/modules/channels/index.ts';
import {
  HubDelivery,
  SIGNATURE_HEADER,
  verifySignature,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from '../../src/modules/events/index.ts';
import { pickAssignee, routeRequest } from '../../src/modules/routing/index.ts';
import { requestChannelPort } from '../../src/modules/service-requests/index.ts';
import { registerKeyRotation } from '../../src/platform/key-rotation.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { PiiVault } from '../../src/platform/pii/vault.ts';
import { demoId } from '../../src/seed/demo.ts';
import type { Platform } from '../../src/server.ts';
import { DEV_KEY_BASE64 } from '../customers/helpers.ts';
import { createTestServer, type TestServer } from '../harness.ts';
import { startImapServer, type ImapTestServer } from '../imap-server.ts';

const ENGINE = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const OLD = { id: 'dev', secret: Buffer.from(DEV_KEY_BASE64, 'base64') };
const NEW = { id: 'k2027', secret: randomBytes(32) };
const SMTP = { user: 'notices', pass: 'Rotated-smtp-secret-1' };
const SMS_KEY = 'sms-gateway-key-0123456789';
const MAILBOX = 'service@onepoint.local';

let s: TestServer;
let imap: ImapTestServer;
let smtp: SMTPServer;
let smtpPort: number;
const smtpLogins: string[] = [];
let mailsIn = 0;
/** The SMS platform and the webhook/listener receiver: every POST by path. */
let receiver: http.Server;
let receiverUrl: string;
const seen: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      smtpLogins.push(auth.password ?? '');
      if (auth.username === SMTP.user && auth.password === SMTP.pass) return cb(null, { user: SMTP.user });
      return cb(new Error('535 authentication failed'));
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => {
        mailsIn += 1;
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: 'p-1' }));
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  imap = await startImapServer(MAILBOX, 'imap-rotation-secret-1');
  s = await createTestServer({
    env: {
      ONEPOINT_PII_KEYS: `${OLD.id}:${DEV_KEY_BASE64}`,
      ONEPOINT_ALLOW_PRIVATE_CALLBACKS: 'true',
    },
  });
});
afterAll(async () => {
  await s?.close();
  await imap?.stop();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

const call = async (login: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  s.app.inject({ method, url, headers: await s.as(login), ...(payload ? { payload } : {}) });

/** The server's context as a process started with these keys sees it. */
const withKeys = (...keys: Array<typeof OLD>): ModuleContext => ({
  ...s.ctx,
  config: { ...s.ctx.config, piiKeys: keys } as Config,
});

/** `onepoint rotate-keys` on a platform with these keys: what it printed. */
async function rotateKeys(keys: Array<typeof OLD>, args: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  let opened = false;
  // Commander's own refusals (a bad option value) are written here, and thrown, not exited.
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (t) => out.push(t), writeErr: (t) => err.push(t) });
  registerKeyRotation(program, modules, {
    open: async () => {
      opened = true;
      return { context: withKeys(...keys), close: async () => {} } as unknown as Platform;
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  let failed: unknown;
  await program.parseAsync(['node', 'onepoint', 'rotate-keys', ...args]).catch((e: unknown) => (failed = e));
  return { out: out.join(''), err: err.join(''), failed, opened };
}

/** What rotation would change: every stored ciphertext (ID numbers and media, authenticators). */
const encrypted = async () => ({
  customers: await s.ctx.db.selectFrom('customers').select(['id', 'id_number_enc']).orderBy('id').execute(),
  media: await s.ctx.db.selectFrom('customer_contact_media').selectAll().orderBy('id').execute(),
  mfa: await s.ctx.db.selectFrom('user_mfa').select(['user_id', 'secret_enc']).orderBy('user_id').execute(),
  audit: await s.ctx.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq').execute(),
});

const port = requestChannelPort({ routeRequest, pickAssignee });
const notice = (channel: 'email' | 'sms', to: string) => ({
  id: crypto.randomUUID(),
  channel,
  to,
  subject: '轮换后',
  body: '密钥轮换后的通知',
  templateId: channel === 'sms' ? 'SMS_1' : null,
  variables: {},
  requestNumber: null,
});

describe(`key rotation over every module (${ENGINE})`, () => {
  const secrets: { webhook?: string; hub?: string } = {};
  const LEGACY = 'a-listener-secret-kept-in-clear-0123456789';

  it('refuses a --batch that is not a positive whole number, naming it, before anything is re-encrypted', async () => {
    const before = await encrypted();
    for (const batch of [
      '0',
      'abc',
      '-1',
      '1.5',
      '',
      ' ',
      '0x10',
      '1e3',
      '99999999999999999999',
      'Infinity',
    ]) {
      const run = await rotateKeys([NEW, OLD], ['--batch', batch]);
      expect(run.failed, `--batch ${JSON.stringify(batch)}`).toMatchObject({
        code: 'commander.invalidArgument',
        exitCode: 1,
      });
      expect(run.err, batch).toMatch(/option '--batch <n>' argument .* is invalid\./);
      expect(run.opened, batch).toBe(false);
      expect(run.out, batch).toBe('');
    }
    expect(await encrypted()).toEqual(before);
  });

  it('re-encrypts gateway, IMAP, webhook and listener secrets; with the old key removed they still work', async () => {
    // Saved under the old key, the only one this server has.
    const mail = await call('sysadmin', 'PUT', '/api/v1/channel-settings/mail-out', {
      host: '127.0.0.1',
      port: smtpPort,
      tls: 'opportunistic',
      username: SMTP.user,
      password: SMTP.pass,
      from: '客服中心 <kefu@ct.example>',
    });
    expect(mail.statusCode, mail.body).toBe(200);
    const sms = await call('sysadmin', 'PUT', '/api/v1/channel-settings/sms', {
      driver: 'http',
      url: `${receiverUrl}/sms/send`,
      key: SMS_KEY,
      signName: '电信客服',
    });
    expect(sms.statusCode, sms.body).toBe(200);
    const source = await call('sysadmin', 'PUT', `/api/v1/channel-mailboxes/${MAILBOX}/imap`, {
      host: imap.host,
      port: imap.port,
      tls: 'none',
      username: imap.user,
      password: imap.password,
    });
    expect(source.statusCode, source.body).toBe(200);
    const hook = await call('admin', 'POST', '/api/v1/webhooks', {
      url: `${receiverUrl}/webhook`,
      eventTypes: ['ServiceRequestCreateEvent'],
    });
    expect(hook.statusCode, hook.body).toBe(201);
    secrets.webhook = hook.json().secret;
    const hub = await call('admin', 'POST', '/tmf-api/troubleTicket/v5/hub', {
      callback: `${receiverUrl}/hub`,
      query: 'eventType=TroubleTicketCreateEvent',
    });
    expect(hub.statusCode, hub.body).toBe(201);
    secrets.hub = hub.json().secret;
    // A listener registered before listeners' secrets were encrypted: in clear.
    const legacy = await call('admin', 'POST', '/tmf-api/troubleTicket/v5/hub', {
      callback: `${receiverUrl}/legacy`,
      query: 'eventType=TroubleTicketCreateEvent',
    });
    expect(legacy.statusCode, legacy.body).toBe(201);
    await s.ctx.db
      .updateTable('event_hubs')
      .set({ secret: LEGACY })
      .where('id', '=', legacy.json().id)
      .execute();

    // An authenticator of a user who will not sign in before the old key goes.
    const agent = demoId('user', 'agent');
    const mfaContext = `identity/mfa-secret:${agent}`;
    await s.ctx.db
      .insertInto('user_mfa')
      .values({
        user_id: agent,
        secret_enc: new PiiVault([OLD]).encrypt('JBSWY3DPEHPK3PXP', mfaContext),
        created_at: new Date(),
        confirmed_at: new Date(),
        last_step: null,
        locked_until: null,
      })
      .execute();

    // Before the rotation, a process with the new key alone cannot send mail.
    const before = noticeDeps(withKeys(NEW) as never, port);
    await expect(before.gateways.mail.send(notice('email', 'a@example.cn'))).rejects.toThrow(
      /cannot be decrypted/,
    );
    before.gateways.close();

    // The operator lists the new key first, keeps the old one, and rotates.
    const run = await rotateKeys([NEW, OLD], ['--batch', '50']);
    expect(run.failed).toBeUndefined();
    expect(run.out).toMatch(/^ID numbers and contact media: \d+ re-encrypted under key "k2027"$/m);
    expect(run.out).toContain(
      'gateway settings secrets (SMTP password, SMS gateway key): 2 re-encrypted under key "k2027"\n',
    );
    expect(run.out).toContain('IMAP source passwords: 1 re-encrypted under key "k2027"\n');
    expect(run.out).toContain('webhook and TMF listener secrets: 3 re-encrypted under key "k2027"\n');
    expect(run.out).toContain('two-factor (TOTP) secrets: 1 re-encrypted under key "k2027"\n');
    expect(run.out).toContain('everything is under key "k2027"');
    // Progress, on stderr, for each kind of secret.
    expect(run.err).toContain('IMAP source passwords: rotated 1/1\n');
    expect(run.err).toContain('webhook and TMF listener secrets: rotated 3/3\n');

    const stored = [
      (await s.ctx.db.selectFrom('channel_mail_settings').select('password_enc').executeTakeFirstOrThrow())
        .password_enc,
      (await s.ctx.db.selectFrom('channel_sms_settings').select('key_enc').executeTakeFirstOrThrow()).key_enc,
      ...(await s.ctx.db.selectFrom('channel_imap_sources').select('password_enc').execute()).map(
        (r) => r.password_enc,
      ),
      ...(
        await s.ctx.db.selectFrom('event_hubs').select('secret').where('deleted_at', 'is', null).execute()
      ).map((r) => r.secret.replace(/^enc:/, '')),
    ];
    expect(stored).toHaveLength(6);
    for (const v of stored) expect(v).toMatch(/^k2027\./);
    expect(stored.join()).not.toContain(LEGACY);
    const mfa = await s.ctx.db
      .selectFrom('user_mfa')
      .select('secret_enc')
      .where('user_id', '=', agent)
      .executeTakeFirstOrThrow();
    expect(new PiiVault([NEW]).decrypt(mfa.secret_enc, mfaContext)).toBe('JBSWY3DPEHPK3PXP');

    // The old key removed: a process with the new key alone.
    const after = withKeys(NEW);
    const deps = noticeDeps(after as never, port);
    try {
      await deps.gateways.mail.send(notice('email', 'b@example.cn'));
      expect(mailsIn).toBe(1);
      expect(smtpLogins.at(-1)).toBe(SMTP.pass);
      await deps.gateways.sms.send(notice('sms', '13800002222'));
    } finally {
      deps.gateways.close();
    }
    const smsSent = seen.filter((r) => r.path === '/sms/send');
    expect(smsSent).toHaveLength(1);
    const h = smsSent[0]!.headers;
    expect(
      checkGatewaySignature(SMS_KEY, String(h['x-timestamp']), smsSent[0]!.body, String(h['x-signature'])),
    ).toBe(true);
    expect(await pollImapSource(imapDeps(after as never, port), MAILBOX)).toMatchObject({ status: 'ok' });

    const created = await call('admin', 'POST', '/api/v1/service-requests', {
      kind: 'fault',
      title: '密钥轮换后',
      description: '专线中断',
      channel: 'hotline',
    });
    expect(created.statusCode, created.body).toBe(201);
    const worker = new HubDelivery({
      db: s.ctx.db,
      clock: s.ctx.clock,
      logger: createLogger('silent'),
      allowPrivate: true,
      maxAttempts: 3,
      vault: new PiiVault(after.config.piiKeys),
    });
    expect(await worker.drain()).toMatchObject({ delivered: 3, failed: 0 });
    const at = (path: string) => seen.filter((r) => r.path === path);
    const [w] = at('/webhook');
    const now = Math.floor(Date.now() / 1000);
    expect(
      verifyWebhookSignature(
        secrets.webhook!,
        w!.body,
        w!.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string,
        now,
      ),
    ).toBe(true);
    for (const [path, secret] of [
      ['/hub', secrets.hub!],
      ['/legacy', LEGACY],
    ] as const) {
      const [r] = at(path);
      expect(verifySignature(secret, r!.body, r!.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(
        true,
      );
    }

    // Safe to run again: nothing left to do. Each module audited its part.
    const again = await rotateKeys([NEW]);
    expect(again.failed).toBeUndefined();
    expect(again.out).toContain('gateway settings secrets (SMTP password, SMS gateway key): 0 re-encrypted');
    expect(again.out).toContain('IMAP source passwords: 0 re-encrypted');
    expect(again.out).toContain('webhook and TMF listener secrets: 0 re-encrypted');
    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'like', '%keys_rotated')
      .orderBy('seq')
      .execute();
    // In registry order, once per run.
    const each = [
      'auth.mfa_keys_rotated',
      'customer.pii_keys_rotated',
      'event_hub.keys_rotated',
      'channel_settings.keys_rotated',
    ];
    expect(audit.map((a) => a.action)).toEqual([...each, ...each]);
    expect(audit[2]!.details).toEqual({ keyId: 'k2027', secrets: 3, unreadable: 0 });
    expect(audit[3]!.details).toEqual({ keyId: 'k2027', gatewaySecrets: 2, imapPasswords: 1, unreadable: 0 });
  });

  it('names a secret no listed key decrypts, leaves it as it is and fails (exit 1)', async () => {
    const gone = new PiiVault([{ id: 'gone', secret: randomBytes(32) }]).encrypt(
      'lost',
      `imap:${MAILBOX}:password`,
    );
    await s.ctx.db.updateTable('channel_imap_sources').set({ password_enc: gone }).execute();
    const run = await rotateKeys([NEW]);
    expect(run.failed).toMatchObject({ name: 'CliError', exitCode: 1 });
    expect(run.out).toContain('IMAP source passwords: 0 re-encrypted');
    expect(run.out).toContain(`the IMAP password of ${MAILBOX} (key "gone")`);
    expect(run.out).not.toContain('everything is under key');
    const kept = await s.ctx.db
      .selectFrom('channel_imap_sources')
      .select('password_enc')
      .executeTakeFirstOrThrow();
    expect(kept.password_enc).toBe(gone);
  });
});
