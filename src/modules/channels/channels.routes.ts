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
import { portalCustomerOf } from '../customers/index.ts';
import { isActiveUser } from '../identity/index.ts';
import type { RequestPortFor } from './index.ts';
import type { ModuleContext } from './channels.tables.ts';
import { checkGatewaySignature } from './gateway.ts';
import { LANGS, NOTICE_EVENTS, noticesOf } from './notices.ts';
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

const mailboxView = z.object({
  address: z.string(),
  kind: z.string(),
  ownerUserId: z.string(),
  active: z.boolean(),
  version: z.number().int(),
  updatedAt: z.iso.datetime({ offset: true }),
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
  status: z.enum(['waiting', 'sent', 'failed', 'skipped']),
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

export function channelRoutes(ctx: ModuleContext, requestsFor: RequestPortFor) {
  const requests = requestsFor(ctx);
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
      async () => ({
        items: (await ctx.db.selectFrom('channel_mailboxes').selectAll().orderBy('address').execute()).map(
          (m) => ({
            address: m.address,
            kind: m.kind,
            ownerUserId: m.owner_user_id,
            active: m.active,
            version: m.version,
            updatedAt: iso(m.updated_at),
          }),
        ),
      }),
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
          .returningAll()
          .executeTakeFirstOrThrow();
        return {
          address: m.address,
          kind: m.kind,
          ownerUserId: m.owner_user_id,
          active: m.active,
          version: m.version,
          updatedAt: iso(m.updated_at),
        };
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
          const key = ctx.config.smsGatewayKey;
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
