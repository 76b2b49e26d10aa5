/**
 * TMF681 Communication Message v4: GET/POST /communicationMessage, GET/PATCH/DELETE
 * /communicationMessage/{id}, on the shared TMF plumbing (src/platform/tmf). The hub (POST /hub,
 * DELETE /hub/{id}) is the events module's, mounted beside it (index.ts).
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
import type { ModuleContext } from '../channels.tables.ts';
import {
  cancelMessage,
  createMessage,
  getMessage,
  listMessages,
  messageHref,
  patchMessage,
} from './tmf681.service.ts';

export const MESSAGE_PERMISSION = 'channels.message';

export function tmf681Routes(ctx: ModuleContext) {
  const deps = { db: ctx.db, clock: ctx.clock };
  const tags = ['TMF681 Communication Message'];
  const access = { access: { permission: MESSAGE_PERMISSION } } as const;
  const fieldsQuery = z.object({ fields: z.string().max(500).optional() });
  const idParams = z.object({ id: z.string().max(64) });
  const baseOf = (request: { protocol: string; host: string }) =>
    publicBaseUrl(ctx.config.publicUrl, request);
  return async (app: App) => {
    addMergePatchParser(app);

    app.get(
      '/communicationMessage',
      {
        schema: {
          tags,
          summary:
            'List communication messages, newest first (offset/limit, fields, filters: id, state, messageType, priority, scheduledSendTime)',
          querystring: z.looseObject(tmfListQuery({ defaultLimit: 20, maxLimit: 100 })),
        },
        config: access,
      },
      async (request, reply) => {
        const { items, total } = await listMessages(deps, request.query, baseOf(request));
        return sendPage(reply, items, total);
      },
    );

    app.get(
      '/communicationMessage/:id',
      {
        schema: {
          tags,
          summary: 'A communication message with its state and each receiver’s delivery (masked)',
          params: idParams,
          querystring: fieldsQuery,
        },
        config: access,
      },
      async (request) =>
        selectFields(await getMessage(deps, request.params.id, baseOf(request)), request.query.fields),
    );

    app.post(
      '/communicationMessage',
      {
        schema: {
          tags,
          summary:
            'Send a message (SMS through the notice gateway, Email over SMTP) to each receiver, at scheduledSendTime or now, retried (tryTimes)',
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: access,
      },
      async (request, reply) => {
        const base = baseOf(request);
        const id = await createMessage(deps, callerOf(request, ctx.clock), request.body);
        void reply.header('location', messageHref(base, id));
        return reply.status(201).send(selectFields(await getMessage(deps, id, base), request.query.fields));
      },
    );

    app.patch(
      '/communicationMessage/:id',
      {
        schema: {
          tags,
          summary:
            'Update a message (JSON Merge Patch): kept attributes; content, subject, scheduledSendTime, tryTimes before sending begins; state cancelled',
          params: idParams,
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: { ...access, bodyTypes: TMF_PATCH_BODY_TYPES },
      },
      async (request) => {
        const base = baseOf(request);
        await patchMessage(deps, callerOf(request, ctx.clock), request.params.id, request.body, base);
        return selectFields(await getMessage(deps, request.params.id, base), request.query.fields);
      },
    );

    app.delete(
      '/communicationMessage/:id',
      {
        schema: {
          tags,
          summary:
            'Cancel a message still being sent (its waiting notices withdrawn; 204); one sent, failed: 409. The record is kept (state cancelled)',
          params: idParams,
        },
        config: access,
      },
      async (request, reply) => {
        await cancelMessage(deps, callerOf(request, ctx.clock), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
