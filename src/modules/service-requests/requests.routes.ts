/** Requests: create (with Idempotency-Key), list, read one with its timeline. */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { etag } from '../../platform/http/if-match.ts';
import { invalidField } from '../../platform/errors.ts';
import { notFound } from '../../platform/errors.ts';
import { requestSla, requestSlaResponse } from '../sla/index.ts';
import { createRequest } from './create-request.ts';
import { loadInScope } from './requests.repository.ts';
import { getRequest, listRequests } from './queue.ts';
import type { RouteEnv } from './routes.common.ts';
import { access, tags } from './routes.common.ts';
import {
  createInput,
  createdView,
  idParams,
  listQuery,
  listResponse,
  requestWithTimeline,
} from './service-requests.schemas.ts';

/** The Idempotency-Key header: 1–200 visible ASCII characters, or none. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || !/^[\x21-\x7e]{1,200}$/.test(key))
    throw invalidField('headers.idempotency-key', 'must be 1 to 200 visible ASCII characters');
  return key;
}

export function requestRoutes(app: App, { deps }: RouteEnv): void {
  app.post(
    '/service-requests',
    {
      schema: {
        tags,
        summary:
          'Accept a service request (受理). Send an Idempotency-Key header to make retries safe: a replay ' +
          'returns the first answer; the same key with another body is refused (422 IDEMPOTENCY_KEY_REUSED)',
        body: createInput,
        response: { 201: createdView },
      },
      config: access.create,
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request);
      const { view, replayed } = await createRequest(deps, callerOf(request, deps.clock), request.body, key);
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).header('etag', etag(view.version)).send(view);
    },
  );

  app.get(
    '/service-requests',
    {
      schema: {
        tags,
        summary: 'Requests in scope, newest first (queue filters, keyset paging with `cursor`)',
        querystring: listQuery,
        response: { 200: listResponse },
      },
      config: access.read,
    },
    async (request) => listRequests(deps, callerOf(request, deps.clock), request.query),
  );

  app.get(
    '/service-requests/:id',
    {
      schema: {
        tags,
        summary: 'One request with its timeline; the ETag is its version (send it back in If-Match)',
        params: idParams,
        response: { 200: requestWithTimeline },
      },
      config: access.read,
    },
    async (request, reply) => {
      const view = await getRequest(deps, callerOf(request, deps.clock), request.params.id);
      return reply.header('etag', etag(view.version)).send(view);
    },
  );

  app.get(
    '/service-requests/:id/sla',
    {
      schema: {
        tags,
        summary:
          "The request's SLA clocks: per target the policy row and why, the calendar, duration, start, " +
          'customer-caused pauses, deadline, state, steps (warnings, breach) and the recompute history',
        params: idParams,
        response: { 200: requestSlaResponse },
      },
      config: access.read,
    },
    async (request) => {
      const caller = callerOf(request, deps.clock);
      const row = await loadInScope(deps.db, caller, request.params.id);
      const sla = await requestSla(deps.db, row.id);
      if (!sla) throw notFound('SLA of the service request');
      return sla;
    },
  );
}
