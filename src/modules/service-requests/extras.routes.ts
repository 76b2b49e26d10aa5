/** Merge a duplicate, link related requests, tags: each with the version read (If-Match or body). */
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { etag } from '../../platform/http/if-match.ts';
import { linkRequest, mergeInto, setTags, unlinkRequest } from './merge-requests.ts';
import { access, tags, type RouteEnv } from './routes.common.ts';
import {
  idParams,
  linkInput,
  linkParams,
  mergeInput,
  requestView,
  tagsInput,
  viewers,
} from './service-requests.schemas.ts';
import { expectedVersion } from './work.routes.ts';
import { heartbeat } from './viewing.ts';
import { z } from 'zod';

const VERSION_NOTE = ' Send the ETag you read in If-Match (or `version`): a stale one gets 409.';

export function extraRoutes(app: App, { deps }: RouteEnv): void {
  app.post(
    '/service-requests/:id/viewing',
    {
      schema: {
        tags,
        summary:
          'Heartbeat while the request is open (every ~20 s): answers the others who had it open in the last minute',
        params: idParams,
        response: { 200: z.object({ viewers }) },
      },
      config: access.read,
    },
    async (request) => heartbeat(deps, callerOf(request, deps.clock), request.params.id),
  );

  app.post(
    '/service-requests/:id/merge-into',
    {
      schema: {
        tags,
        summary:
          'Merge this duplicate into another request (合并): this one is closed as merged (mergedIntoId), its ' +
          'timeline shows on the target, the customer is told once on the target.' +
          VERSION_NOTE,
        params: idParams,
        body: mergeInput,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      const view = await mergeInto(deps, callerOf(request, deps.clock), request.params.id, body);
      return reply.header('etag', etag(view.version)).send(view);
    },
  );

  app.post(
    '/service-requests/:id/links',
    {
      schema: {
        tags,
        summary: 'Link a related request to this one (关联).' + VERSION_NOTE,
        params: idParams,
        body: linkInput,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      const view = await linkRequest(deps, callerOf(request, deps.clock), request.params.id, body);
      return reply.header('etag', etag(view.version)).send(view);
    },
  );

  app.delete(
    '/service-requests/:id/links/:relatedId',
    {
      schema: {
        tags,
        summary: 'Remove a link this request holds.' + VERSION_NOTE,
        params: linkParams,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const { id, relatedId } = request.params;
      const version = expectedVersion(request, undefined);
      const view = await unlinkRequest(deps, callerOf(request, deps.clock), id, relatedId, version);
      return reply.header('etag', etag(view.version)).send(view);
    },
  );

  app.put(
    '/service-requests/:id/tags',
    {
      schema: {
        tags,
        summary: "Replace the request's tags (list filter `tag=`)." + VERSION_NOTE,
        params: idParams,
        body: tagsInput,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      const view = await setTags(deps, callerOf(request, deps.clock), request.params.id, body);
      return reply.header('etag', etag(view.version)).send(view);
    },
  );
}
