/**
 * The TMF event hub (TMF630 / TMF629 v5 "events subscription"): POST /hub, GET and DELETE
 * /hub/{id}. A route factory: each TMF API mounts it under its own base path with its api name and
 * event types, e.g. `app.register(hubRoutes(ctx, {api: 'TMF629', basePath, eventTypes}), {prefix})`.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext } from './events.tables.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { requirePrincipal } from '../../platform/http/auth.ts';
import { PiiVault } from '../../platform/pii/vault.ts';
import { invalidTmfInput, publicBaseUrl, resourceHref } from '../../platform/tmf/index.ts';
import { actorOf } from '../identity/index.ts';
import { SIGNATURE_HEADER } from './domain/signature.ts';
import { deleteHub, findHub, registerHub, type HubApi, type HubRecord } from './hub.service.ts';

export interface HubRouteOptions extends HubApi {
  /**
   * Where the API is mounted (e.g. `/tmf-api/customer/v5`): a listener's href is
   * `<ONEPOINT_PUBLIC_URL or the request's origin><basePath>/hub/<id>`.
   */
  basePath: string;
  /** Who may register, read and remove listeners; default `events.subscribe`. */
  permission?: string;
}

const ALLOWED = new Set(['@type', '@baseType', '@schemaLocation', 'callback', 'query']);

const hubBody = z
  .looseObject({
    '@type': z.literal('Hub', { error: 'must be "Hub"' }).optional(),
    callback: z.string({ error: 'is required (the URL events are POSTed to)' }).min(1).max(2000),
    query: z.string().max(1000).optional(),
  })
  .superRefine((v, ctx) => {
    for (const k of Object.keys(v))
      if (!ALLOWED.has(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'is not an attribute of Hub' });
  });

const idParams = z.object({ id: z.string().max(64) });

/** The context of the module that mounts the hub (e.g. customers for TMF629), whatever its tables. */
export type HubMountContext = Omit<ModuleContext, 'db'> & { db: AnyExecutor };

export function hubRoutes(mountCtx: HubMountContext, opts: HubRouteOptions) {
  // The hub's tables are the events module's own: typed with them here, whoever mounts it.
  const ctx: ModuleContext = { ...mountCtx, db: mountCtx.db };
  const permission = opts.permission ?? 'events.subscribe';
  const vault = new PiiVault(ctx.config.piiKeys);
  const tags = [`${opts.api} events subscription`];
  const hrefOf = (request: FastifyRequest, id: string) =>
    resourceHref(publicBaseUrl(ctx.config.publicUrl, request), opts.basePath, 'hub', id);
  const view = (request: FastifyRequest, h: HubRecord) => ({
    '@type': 'Hub',
    id: h.id,
    href: hrefOf(request, h.id),
    callback: h.callback,
    ...(h.query !== null ? { query: h.query } : {}),
  });
  const notFound = () => new AppError('NOT_FOUND', 'hub not found');

  return async (app: App) => {
    app.post(
      '/hub',
      {
        schema: {
          tags,
          summary: `Register a listener for ${opts.api} events (callback; optional query: eventType=…, event.* attributes)`,
          description:
            `Events are POSTed to the callback as JSON, signed: ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 ` +
            'of the body with the secret returned here once>. Callbacks must be public addresses.',
          body: z.unknown(),
        },
        config: { access: { permission } },
      },
      async (request, reply) => {
        const body = hubBody.safeParse(request.body);
        if (!body.success) throw invalidTmfInput(body.error);
        const principal = requirePrincipal(request);
        const hub = await registerHub(
          ctx.db,
          opts,
          { callback: body.data.callback, query: body.data.query },
          {
            actor: actorOf(principal, request),
            now: ctx.clock.now(),
            allowPrivate: ctx.config.allowPrivateCallbacks,
            vault,
          },
        );
        void reply.header('location', hrefOf(request, hub.id));
        // The signing secret is shown this once; GET never returns it.
        return reply.status(201).send({ ...view(request, hub), secret: hub.secret });
      },
    );

    app.get(
      '/hub/:id',
      {
        schema: { tags, summary: 'Retrieve a listener', params: idParams },
        config: { access: { permission } },
      },
      async (request) => {
        const hub = await findHub(ctx.db, opts.api, request.params.id);
        if (!hub) throw notFound();
        return view(request, hub);
      },
    );

    app.delete(
      '/hub/:id',
      {
        schema: { tags, summary: 'Remove a listener: it receives nothing more', params: idParams },
        config: { access: { permission } },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const removed = await deleteHub(ctx.db, opts.api, request.params.id, {
          actor: actorOf(principal, request),
          now: ctx.clock.now(),
        });
        if (!removed) throw notFound();
        return reply.status(204).send();
      },
    );
  };
}
