/**
 * /channel-settings: how mail and SMS/voice go out (administrators, `channels.admin`). Each gateway
 * (`mail-out`, `sms`) is read with its ETag, saved with PUT (If-Match or `version`: a stale one gets
 * 409), reset to the environment with DELETE, and tried with POST …/test. Secrets are write-only.
 */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { expectedVersion, ifMatch, withEtag } from '../../platform/http/if-match.ts';
import { host } from './channels.routes.ts';
import type { ModuleContext } from './channels.tables.ts';
import { settingsDeps } from './deps.ts';
import { checkMailOut, checkSms } from './send-check.ts';
import { resetMailOut, resetSms, saveMailOut, saveSms, settingsViews } from './settings.ts';

const tags = ['channels'];
const admin = { access: { permission: 'channels.admin' } } as const;

const source = z
  .enum(['environment', 'stored'])
  .describe(
    "environment: the server's environment variables apply (nothing saved); stored: an administrator's saved settings apply instead, for this whole gateway",
  );
const secretState = z.enum(['set', 'not_set']).describe('whether a secret is there (it is never shown)');
const tls = z
  .enum(['implicit', 'starttls', 'opportunistic'])
  .describe('implicit: SMTPS (465); starttls: STARTTLS required (587); opportunistic: STARTTLS when offered');
const when = z.iso.datetime({ offset: true }).nullable();

const mailPublic = z.object({
  configured: z.boolean().describe('false: no server, every mail notice fails (and is retried)'),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  tls: tls.nullable(),
  username: z.string().nullable().describe('the login; null: no AUTH'),
  password: secretState,
  from: z.string(),
});
const mailOutView = mailPublic.extend({
  source,
  secure: z.boolean().nullable().describe('implicit TLS'),
  authenticated: z.boolean().describe('logs in (its password is never shown)'),
  version: z.number().int().describe('also the ETag'),
  updatedAt: when.describe('last saved or reset by an administrator'),
  updatedBy: z.string().nullable().describe('their login'),
  environment: mailPublic.describe(
    'what ONEPOINT_SMTP_URL and ONEPOINT_MAIL_FROM say (what a reset comes back to)',
  ),
});
const smsPublic = z.object({
  driver: z.enum(['simulator', 'http']),
  url: z.string().nullable().describe('the gateway URL without credentials or query'),
  signName: z.string(),
  key: secretState,
});
const smsView = smsPublic.extend({
  source,
  keySet: z.boolean(),
  version: z.number().int().describe('also the ETag'),
  updatedAt: when,
  updatedBy: z.string().nullable(),
  environment: smsPublic.describe('what the ONEPOINT_NOTICE_GATEWAY and ONEPOINT_SMS_* variables say'),
});
const settingsView = z.object({
  smtpListen: z
    .string()
    .nullable()
    .describe('host:port of the SMTP listener (ONEPOINT_SMTP_LISTEN, environment only); null: off'),
  mailOut: mailOutView,
  sms: smsView,
  imapPollSeconds: z.number().int().describe('ONEPOINT_IMAP_POLL_SECONDS (environment only)'),
  imapPasswordVariables: z
    .array(z.string())
    .describe('the ONEPOINT_IMAP_PASSWORD_* variables set (names only)'),
});

// `noreply@example.cn` or `客服中心 <noreply@example.cn>`: one address, no line breaks (the platform
// refuses the other control characters in every body).
const MAILBOX = /^([^\r\n\t<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
const version = z.number().int().positive().optional().describe('the version read (or send If-Match)');

const mailOutInput = z
  .strictObject({
    host,
    port: z.number().int().min(1).max(65535),
    tls,
    username: z.string().trim().min(1).max(200).nullable().optional(),
    password: z
      .string()
      .min(1)
      .max(500)
      .nullable()
      .optional()
      .describe(
        'write-only; left out: the password in use is kept while host and user stay the same; null: none',
      ),
    from: z.string().trim().min(3).max(200).regex(MAILBOX, 'an address, or a name and <address>'),
    version,
  })
  .refine((b) => !(b.password && !b.username), { message: 'needs a username', path: ['password'] });

const gatewayUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => {
    // Runs after a failed format check too: a value that is no URL is refused there already.
    const x = URL.parse(u);
    return !x || (!x.username && !x.password && !x.search && !x.hash);
  }, 'no user, password, query or fragment (the key goes in `key`)');
const smsInput = z
  .strictObject({
    driver: z
      .enum(['simulator', 'http'])
      .describe('simulator: records only (demo, tests); http: the SMS platform'),
    url: gatewayUrl.nullable().optional().describe('the HTTP SMS platform (http driver)'),
    key: z
      .string()
      .min(16)
      .max(500)
      .nullable()
      .optional()
      .describe(
        'write-only HMAC key (requests and the reply webhook); left out: kept while the gateway origin stays the same; null: none',
      ),
    signName: z.string().trim().min(1).max(20).describe('短信签名'),
    version,
  })
  .refine((b) => b.driver !== 'http' || b.url, { message: 'is required for the http driver', path: ['url'] })
  .refine((b) => !(b.driver === 'http' && b.key === null), {
    message: 'is required for the http driver',
    path: ['key'],
  });

const SAVE_NOTE =
  "They apply instead of the environment's for this gateway, on every node from the next send, until reset. Send the version read (If-Match or `version`): a stale one gets 409. Audited, without the secret.";
const RESET_NOTE =
  "The environment's settings apply again; the saved ones, secret included, are forgotten (If-Match optional). Audited.";

const checkView = z.object({
  outcome: z
    .enum(['sent', 'recorded', 'failed'])
    .describe(
      'sent: the server or platform took it; recorded: the simulator kept it (nothing reached a phone)',
    ),
  source,
  to: z.string().describe('masked'),
  providerId: z.string().nullable().describe("the server's or platform's message id"),
  error: z.string().nullable().describe("the server's words (no secret, the address masked)"),
  durationMs: z.number().int(),
});

export function settingsRoutes(ctx: ModuleContext) {
  const deps = settingsDeps(ctx);
  const checkDeps = { ...deps, clock: ctx.clock };
  return async (app: App) => {
    app.get(
      '/channel-settings',
      {
        schema: {
          tags,
          summary:
            'How mail and SMS go out and come in: per gateway, whether the environment or an administrator’s saved settings apply (secrets never shown)',
          response: { 200: settingsView },
        },
        config: admin,
      },
      async () => {
        const c = ctx.config;
        return {
          smtpListen: c.smtpListen ? `${c.smtpListen.host}:${c.smtpListen.port}` : null,
          ...(await settingsViews(deps)),
          imapPollSeconds: c.imapPollSeconds,
          imapPasswordVariables: Object.keys(c.imapPasswords).sort(),
        };
      },
    );

    // Mail out: read, save, reset.
    app.get(
      '/channel-settings/mail-out',
      {
        schema: {
          tags,
          summary: 'The outgoing mail settings that apply now (ETag: the version)',
          response: { 200: mailOutView },
        },
        config: admin,
      },
      async (_request, reply) => withEtag(reply, (await settingsViews(deps)).mailOut),
    );
    app.put(
      '/channel-settings/mail-out',
      {
        schema: {
          tags,
          summary: `Save the outgoing mail settings. ${SAVE_NOTE}`,
          body: mailOutInput,
          response: { 200: mailOutView },
        },
        config: admin,
      },
      async (request, reply) => {
        const expected = expectedVersion(request, request.body.version);
        return withEtag(reply, await saveMailOut(deps, callerOf(request, ctx.clock), request.body, expected));
      },
    );
    app.delete(
      '/channel-settings/mail-out',
      {
        schema: {
          tags,
          summary: `Forget the saved outgoing mail settings. ${RESET_NOTE}`,
          response: { 200: mailOutView },
        },
        config: admin,
      },
      async (request, reply) =>
        withEtag(reply, await resetMailOut(deps, callerOf(request, ctx.clock), ifMatch(request))),
    );

    // SMS and voice: read, save, reset.
    app.get(
      '/channel-settings/sms',
      {
        schema: {
          tags,
          summary: 'The SMS/voice gateway settings that apply now (ETag: the version)',
          response: { 200: smsView },
        },
        config: admin,
      },
      async (_request, reply) => withEtag(reply, (await settingsViews(deps)).sms),
    );
    app.put(
      '/channel-settings/sms',
      {
        schema: {
          tags,
          summary: `Save the SMS/voice gateway settings. ${SAVE_NOTE}`,
          body: smsInput,
          response: { 200: smsView },
        },
        config: admin,
      },
      async (request, reply) => {
        const expected = expectedVersion(request, request.body.version);
        return withEtag(reply, await saveSms(deps, callerOf(request, ctx.clock), request.body, expected));
      },
    );
    app.delete(
      '/channel-settings/sms',
      {
        schema: {
          tags,
          summary: `Forget the saved SMS/voice gateway settings. ${RESET_NOTE}`,
          response: { 200: smsView },
        },
        config: admin,
      },
      async (request, reply) =>
        withEtag(reply, await resetSms(deps, callerOf(request, ctx.clock), ifMatch(request))),
    );

    app.post(
      '/channel-settings/mail-out/test',
      {
        schema: {
          tags,
          summary:
            'Send a test mail through the settings that apply now (what notices use) and say what happened; audited',
          body: z.strictObject({ to: z.email().max(200) }),
          response: { 200: checkView },
        },
        config: admin,
      },
      async (request) => checkMailOut(checkDeps, callerOf(request, ctx.clock), request.body.to),
    );
    app.post(
      '/channel-settings/sms/test',
      {
        schema: {
          tags,
          summary:
            'Send a test SMS (or voice notice) through the driver that applies now and say what happened; audited',
          body: z.strictObject({
            to: z
              .string()
              .trim()
              .regex(/^(\+?86)?1\d{10}$/, 'a mainland mobile number'),
            channel: z.enum(['sms', 'voice']).default('sms'),
            templateId: z
              .string()
              .trim()
              .min(1)
              .max(64)
              .optional()
              .describe("the platform's registered template id, if it needs one"),
          }),
          response: { 200: checkView },
        },
        config: admin,
      },
      async (request) => checkSms(checkDeps, callerOf(request, ctx.clock), request.body),
    );
  };
}
