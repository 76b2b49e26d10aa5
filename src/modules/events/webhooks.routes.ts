/** Outbound webhooks for administrators: /api/v1/webhooks (webhooks.service.ts). */
import { z } from 'zod';
import type { ModuleContext } from './events.tables.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { requirePrincipal } from '../../platform/http/auth.ts';
import { PiiVault } from '../../platform/pii/vault.ts';
import { actorOf } from '../identity/index.ts';
import { WEBHOOK_SIGNATURE_HEADER } from './domain/signature.ts';
import {
  deleteWebhook,
  findWebhook,
  listWebhooks,
  registerWebhook,
  replayDelivery,
  webhookDeliveries,
  webhookEventTypes,
} from './webhooks.service.ts';

const tags = ['webhooks'];
const access = { access: { permission: 'webhook.manage' } };

const webhookInput = z.strictObject({
  url: z.string().min(1).max(2000),
  eventTypes: z.array(z.string().min(1).max(100)).min(1).max(50),
  description: z.string().trim().min(1).max(200).optional(),
});

const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  description: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  health: z.enum(['ok', 'failing', 'idle']).describe('ok: the last attempt succeeded; failing: it failed'),
  deliveries: z.object({
    pending: z.number(),
    retrying: z.number(),
    delivered: z.number(),
    failed: z.number(),
  }),
  lastAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
});

const deliveryView = z.object({
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

const idParams = z.object({ id: z.string().max(64) });
const notFound = () => new AppError('NOT_FOUND', 'webhook not found');

export function webhookRoutes(ctx: ModuleContext) {
  const vault = new PiiVault(ctx.config.piiKeys);
  return async (app: App) => {
    app.get(
      '/webhooks/event-types',
      {
        schema: {
          tags,
          summary: 'The event types a webhook can receive',
          response: { 200: z.object({ items: z.array(z.string()) }) },
        },
        config: access,
      },
      async () => ({ items: webhookEventTypes() }),
    );

    app.post(
      '/webhooks',
      {
        schema: {
          tags,
          summary: 'Register a webhook: events of these types are POSTed to the URL, signed',
          description:
            `Each delivery: the event envelope as JSON, ${WEBHOOK_SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex ` +
            'HMAC-SHA256 of "<t>.<body>" with the secret returned here once>, X-Onepoint-Event-Id. Retried with ' +
            'back-off until ONEPOINT_HUB_MAX_ATTEMPTS. URLs must be public addresses.',
          body: webhookInput,
          response: { 201: webhookView.extend({ secret: z.string() }) },
        },
        config: access,
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const created = await registerWebhook(ctx.db, vault, request.body, {
          actor: actorOf(principal, request),
          now: ctx.clock.now(),
          allowPrivate: ctx.config.allowPrivateCallbacks,
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/webhooks',
      {
        schema: {
          tags,
          summary: 'Webhooks with their deliveries at a glance',
          response: { 200: z.object({ items: z.array(webhookView) }) },
        },
        config: access,
      },
      async () => ({ items: await listWebhooks(ctx.db) }),
    );

    app.get(
      '/webhooks/:id',
      {
        schema: { tags, summary: 'One webhook', params: idParams, response: { 200: webhookView } },
        config: access,
      },
      async (request) => {
        const w = await findWebhook(ctx.db, request.params.id);
        if (!w) throw notFound();
        return w;
      },
    );

    app.get(
      '/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          summary:
            "A webhook's latest deliveries (newest first): status, attempts, last HTTP status and error",
          params: idParams,
          response: { 200: z.object({ items: z.array(deliveryView) }) },
        },
        config: access,
      },
      async (request) => {
        if (!(await findWebhook(ctx.db, request.params.id))) throw notFound();
        return { items: await webhookDeliveries(ctx.db, request.params.id) };
      },
    );

    app.post(
      '/webhooks/:id/deliveries/:eventId/replay',
      {
        schema: {
          tags,
          summary: 'Deliver an event again (same eventId and body); its attempts start anew',
          params: z.object({ id: z.string().max(64), eventId: z.string().max(64) }),
        },
        config: access,
      },
      async (request, reply) => {
        if (!(await findWebhook(ctx.db, request.params.id))) throw notFound();
        const principal = requirePrincipal(request);
        await replayDelivery(ctx.db, request.params.id, request.params.eventId, {
          actor: actorOf(principal, request),
          now: ctx.clock.now(),
        });
        return reply.status(202).send();
      },
    );

    app.delete(
      '/webhooks/:id',
      {
        schema: { tags, summary: 'Remove a webhook: nothing more is sent to it', params: idParams },
        config: access,
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const removed = await deleteWebhook(ctx.db, request.params.id, {
          actor: actorOf(principal, request),
          now: ctx.clock.now(),
        });
        if (!removed) throw notFound();
        return reply.status(204).send();
      },
    );
  };
}
