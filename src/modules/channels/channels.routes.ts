/**
 * /channel-mailboxes and /notice-templates (administrators), a request's notices (whoever reads
 * the request), and the SMS gateway's webhook for replies (signed with the gateway key).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, notFound, unprocessableField } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { utf8JsonParser } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { PiiVault } from '../../platform/pii/vault.ts';
import { IMAP_PASSWORD_ENV } from '../../config.ts';
import { portalCustomerOf } from '../customers/index.ts';
import { displayNames, isActiveUser, userUnits } from '../identity/index.ts';
import { imapDeps, settingsDeps } from './deps.ts';
import { passwordContext, pollImapSource } from './imap-in.ts';
import type { RequestPortFor } from './deps.ts';
import type { ModuleContext } from './channels.tables.ts';
import { checkGatewaySignature } from './gateway.ts';
import { LANGS, NOTICE_EVENTS, noticesOf } from './notices.ts';
import { currentSms } from './settings.ts';
import { takeSms } from './sms-in.ts';

const tags = ['channels'];
const admin = { access: { permission: 'channels.admin' } } as const;
const KINDS = [
  'consultation',
  'business_order',
  'fault',
  'complaint',
  'billing',
  'technical_support',
  'integration',
  'suggestion',
] as const;

const imapView = z.object({
  host: z.string(),
  port: z.number().int(),
  tls: z.enum(['implicit', 'starttls', 'none']),
  username: z.string(),
  password: z
    .enum(['stored', 'env'])
    .describe('where the password comes from: stored encrypted, or the variable passwordEnv (never shown)'),
  passwordEnv: z.string().nullable(),
  folder: z.string(),
  afterStore: z.enum(['seen', 'move']),
  moveTo: z.string().nullable(),
  active: z.boolean(),
  lastPollAt: z.iso.datetime({ offset: true }).nullable(),
  lastOkAt: z.iso.datetime({ offset: true }).nullable(),
  lastError: z.string().nullable(),
  lastTaken: z.number().int().nullable(),
  version: z.number().int(),
});
const mailboxView = z.object({
  address: z.string(),
  kind: z.string(),
  ownerUserId: z.string(),
  ownerName: z.string().nullable().describe("the intake user's name"),
  unitName: z.string().nullable().describe("the intake unit: the intake user's unit"),
  active: z.boolean(),
  version: z.number().int(),
  updatedAt: z.iso.datetime({ offset: true }),
  imap: imapView.nullable().describe('the IMAP account its mail is read from, if any'),
});
export const host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/, 'a host name or address');
const imapInput = z
  .strictObject({
    host,
    port: z.number().int().min(1).max(65535),
    tls: z.enum(['implicit', 'starttls', 'none']).describe('implicit: IMAPS (993); starttls: 143 upgraded'),
    username: z.string().trim().min(1).max(200),
    password: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .describe('stored encrypted, never shown; leave out to keep the stored one'),
    passwordEnv: z
      .string()
      .regex(IMAP_PASSWORD_ENV, 'ONEPOINT_IMAP_PASSWORD_<NAME>')
      .optional()
      .describe('read the password from this environment variable instead of storing it'),
    folder: z.string().trim().min(1).max(200).default('INBOX'),
    afterStore: z.enum(['seen', 'move']).default('seen'),
    moveTo: z.string().trim().min(1).max(200).optional(),
    active: z.boolean().default(true),
  })
  .refine((b) => !(b.password && b.passwordEnv), {
    message: 'give password or passwordEnv, not both',
    path: ['passwordEnv'],
  })
  .refine((b) => b.afterStore !== 'move' || b.moveTo, {
    message: 'is required when afterStore is move',
    path: ['moveTo'],
  });

const mailboxInput = z.strictObject({
  kind: z.enum(KINDS).describe('the kind of request a new mail becomes'),
  ownerUserId: z
    .uuid()
    .describe('the user requests are taken in the name of (首问); their unit is the intake unit'),
  active: z.boolean().default(true),
});
const addressParams = z.object({
  address: z
    .string()
    .trim()
    .toLowerCase()
    .max(200)
    .regex(/^[^@\s]+@[^@\s]+$/, 'an email address'),
});

const templateView = z.object({
  event: z.string(),
  lang: z.string(),
  subject: z.string(),
  body: z.string(),
  smsTemplateId: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.iso.datetime({ offset: true }),
});
const templateInput = z.strictObject({
  subject: z.string().trim().min(1).max(200),
  body: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .describe('variables: {number}, {title}, {status}, {resolution} (masked when sent)'),
  smsTemplateId: z.string().trim().min(1).max(64).nullable().optional(),
});

const noticeView = z.object({
  id: z.string(),
  event: z.string(),
  channel: z.string(),
  to: z.string().describe('masked'),
  status: z.enum(['waiting', 'sent', 'failed', 'skipped', 'cancelled']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  dueAt: z.iso.datetime({ offset: true }),
  sentAt: z.iso.datetime({ offset: true }).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  body: z.string(),
});

const portalNoticeView = z.object({
  id: z.string(),
  event: z.string(),
  channel: z.string(),
  to: z.string().describe('masked'),
  sentAt: z.iso.datetime({ offset: true }),
  body: z.string(),
});

const smsInput = z.strictObject({
  messageId: z.string().trim().min(1).max(100),
  phone: z
    .string()
    .trim()
    .regex(/^(\+?86)?1\d{10}$/, 'a mainland mobile number'),
  text: z.string().max(1000),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});

const iso = (d: Date) => new Date(d).toISOString();

/** The intake users' names and units (the identity module's directory). */
async function userNames(
  db: ModuleContext['db'],
  ids: string[],
): Promise<Map<string, { name: string | null; unitName: string | null }>> {
  const units = await userUnits(db, ids);
  const names = await displayNames(
    db,
    [...new Set([...units.values()].map((u) => u.orgUnitId))],
    [...new Set(ids)],
  );
  return new Map(
    ids.map((id) => {
      const unit = units.get(id);
      return [
        id,
        {
          name: names.user.get(id) ?? null,
          unitName: unit ? (names.unit.get(unit.orgUnitId) ?? null) : null,
        },
      ];
    }),
  );
}

export function channelRoutes(ctx: ModuleContext, requestsFor: RequestPortFor) {
  const requests = requestsFor(ctx);
  const vault = new PiiVault(ctx.config.piiKeys);
  const mailboxesView = async (address?: string) => {
    let q = ctx.db
      .selectFrom('channel_mailboxes as m')
      .leftJoin('channel_imap_sources as s', 's.mailbox', 'm.address')
      .selectAll('m')
      .select([
        's.host',
        's.port',
        's.tls',
        's.username',
        's.password_env',
        's.folder',
        's.after_store',
        's.move_to',
        's.active as imap_active',
        's.last_poll_at',
        's.last_ok_at',
        's.last_error',
        's.last_taken',
        's.version as imap_version',
      ])
      .orderBy('m.address');
    if (address) q = q.where('m.address', '=', address);
    const rows = await q.execute();
    const owners = await userNames(
      ctx.db,
      rows.map((r) => r.owner_user_id),
    );
    return rows.map((m) => ({
      address: m.address,
      kind: m.kind,
      ownerUserId: m.owner_user_id,
      ownerName: owners.get(m.owner_user_id)?.name ?? null,
      unitName: owners.get(m.owner_user_id)?.unitName ?? null,
      active: m.active,
      version: m.version,
      updatedAt: iso(m.updated_at),
      imap:
        m.host === null
          ? null
          : {
              host: m.host,
              port: m.port!,
              tls: m.tls!,
              username: m.username!,
              password: m.password_env ? ('env' as const) : ('stored' as const),
              passwordEnv: m.password_env,
              folder: m.folder!,
              afterStore: m.after_store!,
              moveTo: m.move_to,
              active: m.imap_active!,
              lastPollAt: m.last_poll_at ? iso(m.last_poll_at) : null,
              lastOkAt: m.last_ok_at ? iso(m.last_ok_at) : null,
              lastError: m.last_error,
              lastTaken: m.last_taken,
              version: m.imap_version!,
            },
    }));
  };
  return async (app: App) => {
    app.get(
      '/channel-mailboxes',
      {
        schema: {
          tags,
          summary: 'The addresses the SMTP listener takes mail for, and the request kind each makes',
          response: { 200: z.object({ items: z.array(mailboxView) }) },
        },
        config: admin,
      },
      async () => ({ items: await mailboxesView() }),
    );
    app.put(
      '/channel-mailboxes/:address',
      {
        schema: {
          tags,
          summary: 'Add or change a mailbox (address → request kind, intake user)',
          params: addressParams,
          body: mailboxInput,
          response: { 200: mailboxView },
        },
        config: admin,
      },
      async (request) => {
        const { address } = request.params;
        const b = request.body;
        if (!(await isActiveUser(ctx.db, b.ownerUserId)))
          throw unprocessableField('ownerUserId', 'is not an active user');
        const now = callerOf(request, ctx.clock).now;
        const m = await ctx.db
          .insertInto('channel_mailboxes')
          .values({
            address,
            kind: b.kind,
            owner_user_id: b.ownerUserId,
            active: b.active,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.column('address').doUpdateSet((eb) => ({
              kind: b.kind,
              owner_user_id: b.ownerUserId,
              active: b.active,
              updated_at: now,
              version: eb('channel_mailboxes.version', '+', 1),
            })),
          )
          .returning('address')
          .executeTakeFirstOrThrow();
        return (await mailboxesView(m.address))[0]!;
      },
    );

    app.put(
      '/channel-mailboxes/:address/imap',
      {
        schema: {
          tags,
          summary: "Read the mailbox's mail from an IMAP account (polled; IDLE where the server has it)",
          params: addressParams,
          body: imapInput,
          response: { 200: mailboxView },
        },
        config: admin,
      },
      async (request) => {
        const { address } = request.params;
        const b = request.body;
        const now = callerOf(request, ctx.clock).now;
        const box = await ctx.db
          .selectFrom('channel_mailboxes')
          .select('address')
          .where('address', '=', address)
          .executeTakeFirst();
        if (!box) throw notFound('Mailbox');
        const existing = await ctx.db
          .selectFrom('channel_imap_sources')
          .select(['password_enc', 'password_env'])
          .where('mailbox', '=', address)
          .executeTakeFirst();
        const password = b.password
          ? { password_enc: vault.encrypt(b.password, passwordContext(address)), password_env: null }
          : b.passwordEnv
            ? { password_enc: null, password_env: b.passwordEnv }
            : existing
              ? { password_enc: existing.password_enc, password_env: existing.password_env }
              : undefined;
        if (!password) throw unprocessableField('password', 'is required (or passwordEnv)');
        const values = {
          host: b.host,
          port: b.port,
          tls: b.tls,
          username: b.username,
          ...password,
          folder: b.folder,
          after_store: b.afterStore,
          move_to: b.afterStore === 'move' ? (b.moveTo ?? null) : null,
          active: b.active,
          updated_at: now,
        };
        await ctx.db
          .insertInto('channel_imap_sources')
          .values({ mailbox: address, ...values, created_at: now })
          .onConflict((oc) =>
            oc.column('mailbox').doUpdateSet((eb) => ({
              ...values,
              // Another server or folder: the cursor starts again (UIDs are per folder).
              uid_validity: eb
                .case()
                .when(
                  eb.and([
                    eb('channel_imap_sources.host', '=', b.host),
                    eb('channel_imap_sources.folder', '=', b.folder),
                    eb('channel_imap_sources.username', '=', b.username),
                  ]),
                )
                .then(eb.ref('channel_imap_sources.uid_validity'))
                .else(null)
                .end(),
              version: eb('channel_imap_sources.version', '+', 1),
            })),
          )
          .execute();
        return (await mailboxesView(address))[0]!;
      },
    );

    app.delete(
      '/channel-mailboxes/:address/imap',
      {
        schema: {
          tags,
          summary: 'Stop reading the mailbox from IMAP (the account is forgotten, password included)',
          params: addressParams,
          response: { 204: z.null() },
        },
        config: admin,
      },
      async (request, reply) => {
        const r = await ctx.db
          .deleteFrom('channel_imap_sources')
          .where('mailbox', '=', request.params.address)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw notFound('IMAP source');
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/channel-mailboxes/:address/imap/poll',
      {
        schema: {
          tags,
          summary: 'Poll the IMAP account now (what the poller does on its interval) and say how it went',
          params: addressParams,
          response: {
            200: z.object({
              status: z.enum(['ok', 'error', 'busy', 'inactive']),
              taken: z.number().int(),
              error: z.string().optional(),
            }),
          },
        },
        config: admin,
      },
      async (request) => {
        const found = await ctx.db
          .selectFrom('channel_imap_sources')
          .select('mailbox')
          .where('mailbox', '=', request.params.address)
          .executeTakeFirst();
        if (!found) throw notFound('IMAP source');
        return pollImapSource(imapDeps(ctx, requestsFor), request.params.address);
      },
    );

    const templateOut = (t: {
      event: string;
      lang: string;
      subject: string;
      body: string;
      sms_template_id: string | null;
      version: number;
      updated_at: Date;
    }) => ({
      event: t.event,
      lang: t.lang,
      subject: t.subject,
      body: t.body,
      smsTemplateId: t.sms_template_id,
      version: t.version,
      updatedAt: iso(t.updated_at),
    });
    app.get(
      '/notice-templates',
      {
        schema: {
          tags,
          summary: 'The notice templates, per event and language',
          response: { 200: z.object({ items: z.array(templateView) }) },
        },
        config: admin,
      },
      async () => ({
        items: (
          await ctx.db.selectFrom('notice_templates').selectAll().orderBy('event').orderBy('lang').execute()
        ).map(templateOut),
      }),
    );
    app.put(
      '/notice-templates/:event/:lang',
      {
        schema: {
          tags,
          summary: "Change an event's notice text in one language",
          params: z.object({ event: z.enum(NOTICE_EVENTS), lang: z.enum(LANGS) }),
          body: templateInput,
          response: { 200: templateView },
        },
        config: admin,
      },
      async (request) => {
        const { event, lang } = request.params;
        const b = request.body;
        const now = callerOf(request, ctx.clock).now;
        const t = await ctx.db
          .insertInto('notice_templates')
          .values({
            event,
            lang,
            subject: b.subject,
            body: b.body,
            sms_template_id: b.smsTemplateId ?? null,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.columns(['event', 'lang']).doUpdateSet((eb) => ({
              subject: b.subject,
              body: b.body,
              ...(b.smsTemplateId !== undefined ? { sms_template_id: b.smsTemplateId } : {}),
              updated_at: now,
              version: eb('notice_templates.version', '+', 1),
            })),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return templateOut(t);
      },
    );

    app.get(
      '/service-requests/:id/notices',
      {
        schema: {
          tags,
          summary: 'The notices sent (or waiting) to the customer about a request, and their status',
          params: z.object({ id: z.uuid() }),
          response: { 200: z.object({ items: z.array(noticeView) }) },
        },
        config: { access: { permission: 'request.read' } },
      },
      async (request) => {
        const caller = callerOf(request, ctx.clock);
        if (!(await requests.visibleTo(ctx.db, caller, request.params.id))) throw notFound('Service request');
        return { items: await noticesOf(ctx.db, request.params.id) };
      },
    );

    app.get(
      '/portal/service-requests/:id/notices',
      {
        schema: {
          tags,
          summary: 'My messages about my own request (portal): the notices sent to me',
          params: z.object({ id: z.uuid() }),
          response: { 200: z.object({ items: z.array(portalNoticeView) }) },
        },
        config: { access: { permission: 'request.portal' } },
      },
      async (request) => {
        const caller = callerOf(request, ctx.clock);
        const customerId = await portalCustomerOf(ctx.db, caller.principal.userId);
        const ref = customerId ? await requests.requestRef(ctx.db, request.params.id) : undefined;
        // Another customer's request, or none, is 404 alike (as on the portal's other routes).
        if (!ref || ref.customerId !== customerId) throw notFound('Service request');
        // The customer sees what reached them: sent notices, not the attempts or their errors.
        const items = (await noticesOf(ctx.db, ref.id)).filter((n) => n.status === 'sent' && n.sentAt);
        return {
          items: items.map((n) => ({
            id: n.id,
            event: n.event,
            channel: n.channel,
            to: n.to,
            sentAt: n.sentAt!,
            body: n.body,
          })),
        };
      },
    );

    // The gateway's webhook: its own JSON parser keeps the bytes the signature is over.
    await app.register(async (hook) => {
      hook.removeContentTypeParser('application/json');
      const json = utf8JsonParser(hook);
      hook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
        (req as FastifyRequest & { rawBody?: Buffer }).rawBody = body as Buffer;
        json(req, body, done);
      });
      hook.post(
        '/channels/sms/inbound',
        {
          schema: {
            tags,
            summary:
              "The SMS gateway's webhook for replies (短信上行): X-Timestamp and X-Signature (hex HMAC-SHA256 of `<timestamp>\\n<body>` with the gateway key)",
            body: smsInput,
            security: [],
            response: {
              200: z.object({
                outcome: z.string(),
                requestNumber: z.string().optional(),
                satisfaction: z.string().optional(),
              }),
            },
          },
          config: { access: { public: true } },
        },
        async (request) => {
          // The key that applies now (an administrator's, else the environment's): every node alike.
          const key = (await currentSms(settingsDeps(ctx))).key;
          if (!key) throw new AppError('NOT_FOUND', 'No SMS gateway is configured');
          const ts = String(request.headers['x-timestamp'] ?? '');
          const sig = String(request.headers['x-signature'] ?? '');
          const raw = (request as FastifyRequest & { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
          const age = Math.abs(ctx.clock.now().getTime() / 1000 - Number(ts));
          if (!/^\d{9,11}$/.test(ts) || !(age <= 300) || !checkGatewaySignature(key, ts, raw, sig))
            throw new AppError('UNAUTHENTICATED', 'The webhook signature is missing, stale or wrong');
          return takeSms(
            { db: ctx.db, clock: ctx.clock, requests },
            request.body as z.infer<typeof smsInput>,
          );
        },
      );
    });
  };
}
