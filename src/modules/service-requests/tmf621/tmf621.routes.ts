/**
 * TMF621 Trouble Ticket v5 over faults and complaints: GET/POST /troubleTicket,
 * GET/PATCH/DELETE (撤单) /troubleTicket/{id}, on the shared TMF plumbing (src/platform/tmf). The event
 * hub (POST /hub) is the events module's, mounted beside it (index.ts).
 */
import { z } from 'zod';
import type { App } from '../../../platform/http/app.ts';
import { callerOf } from '../../../platform/http/caller.ts';
import {
  addMergePatchParser,
  publicBaseUrl,
  selectFields,
  sendPage,
  tmfListQuery,
  TMF_PATCH_BODY_TYPES,
} from '../../../platform/tmf/index.ts';
import type { RoutingPort } from '../routing-port.ts';
import { requestDeps } from '../deps.ts';
import { idempotencyKeyOf } from '../requests.routes.ts';
import type { ModuleContext } from '../service-requests.tables.ts';
import { expectedVersion } from '../work.routes.ts';
import { ticketHref } from './tmf621.mapper.ts';
import { listTickets } from './tmf621.list.ts';
import { cancelTicket, createTicket, getTicket, patchTicket } from './tmf621.service.ts';

export { TMF621_BASE } from './tmf621.mapper.ts';

export function tmf621Routes(ctx: ModuleContext, routing: RoutingPort) {
  const deps = requestDeps(ctx, routing);
  const tags = ['TMF621 Trouble Ticket'];
  const fieldsQuery = z.object({ fields: z.string().max(500).optional() });
  const idParams = z.object({ id: z.string().max(64) });
  const baseOf = (request: { protocol: string; host: string }) =>
    publicBaseUrl(ctx.config.publicUrl, request);
  return async (app: App) => {
    addMergePatchParser(app);

    app.get(
      '/troubleTicket',
      {
        schema: {
          tags,
          summary:
            'List or find trouble tickets (faults and complaints; offset/limit, fields, filters: id, status, severity, priority, ticketType, relatedParty.id, creationDate.gt/.lt, lastUpdate)',
          querystring: z.looseObject(tmfListQuery({ defaultLimit: 20, maxLimit: 100 })),
        },
        config: { access: { permission: 'request.read' } },
      },
      async (request, reply) => {
        const { items, total } = await listTickets(
          deps,
          callerOf(request, deps.clock),
          request.query,
          baseOf(request),
        );
        return sendPage(reply, items, total);
      },
    );

    app.get(
      '/troubleTicket/:id',
      {
        schema: { tags, summary: 'Retrieve a trouble ticket', params: idParams, querystring: fieldsQuery },
        config: { access: { permission: 'request.read' } },
      },
      async (request, reply) => {
        const ticket = await getTicket(
          deps,
          callerOf(request, deps.clock),
          request.params.id,
          baseOf(request),
        );
        return reply.send(selectFields(ticket, request.query.fields));
      },
    );

    app.post(
      '/troubleTicket',
      {
        schema: {
          tags,
          summary:
            'Open a trouble ticket: a fault (ticketType fault/incident) or complaint request, through the same intake as POST /api/v1/service-requests (Idempotency-Key honoured)',
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: { access: { permission: 'request.create' } },
      },
      async (request, reply) => {
        const caller = callerOf(request, deps.clock);
        const base = baseOf(request);
        const id = await createTicket(deps, caller, request.body, idempotencyKeyOf(request));
        void reply.header('location', ticketHref(base, id));
        const ticket = await getTicket(deps, caller, id, base);
        return reply.status(201).send(selectFields(ticket, request.query.fields));
      },
    );

    app.patch(
      '/troubleTicket/:id',
      {
        schema: {
          tags,
          summary:
            'Update a trouble ticket (JSON Merge Patch): status through the workflow, new notes, severity, dates and references kept',
          params: idParams,
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: { access: { permission: 'request.work' }, bodyTypes: TMF_PATCH_BODY_TYPES },
      },
      async (request) => {
        const caller = callerOf(request, deps.clock);
        const base = baseOf(request);
        const version = expectedVersion(request, undefined);
        await patchTicket(deps, caller, request.params.id, request.body, base, version);
        return selectFields(await getTicket(deps, caller, request.params.id, base), request.query.fields);
      },
    );

    app.delete(
      '/troubleTicket/:id',
      {
        schema: {
          tags,
          summary:
            '撤单: cancel a ticket nobody has started working on (acknowledged, not yet taken) — the workflow action cancel, audited, on the timeline, TroubleTicketDeleteEvent to listeners; 204. A ticket further along: 409, nothing changes. The record is kept (GET shows it cancelled).',
          params: idParams,
        },
        config: { access: { permission: 'request.work' } },
      },
      async (request, reply) => {
        const caller = callerOf(request, deps.clock);
        await cancelTicket(deps, caller, request.params.id, expectedVersion(request, undefined));
        return reply.status(204).send();
      },
    );
  };
}
