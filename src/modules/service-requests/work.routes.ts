/**
 * Changes to one request, as sub-resources. Each takes the version the client read — the ETag in
 * `If-Match` or `version` in the body — and answers 409 when someone changed it since.
 */
import type { FastifyRequest } from 'fastify';
import { invalidField } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { etag } from './requests.routes.ts';
import { access, tags, type RouteEnv } from './routes.common.ts';
import {
  followUpInput,
  idParams,
  noteInput,
  ownerHandoverInput,
  requestView,
  transferInput,
  transitionInput,
  urgeInput,
} from './service-requests.schemas.ts';
import { addNote, followUp, handOverOwnership, transfer, transition, urge } from './transitions.ts';
import type { RequestView } from './service-requests.schemas.ts';

/** The version the client read: If-Match (`"3"`, `W/"3"`, `3`) or the body's `version`. */
export function expectedVersion(
  request: FastifyRequest,
  bodyVersion: number | undefined,
): number | undefined {
  const raw = request.headers['if-match'];
  if (raw === undefined || raw === '*') return bodyVersion;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(Array.isArray(raw) ? (raw[0] ?? '') : raw);
  if (!m) throw invalidField('headers.if-match', 'must be the ETag the request was read with, e.g. "3"');
  const v = Number(m[1]);
  if (bodyVersion !== undefined && bodyVersion !== v)
    throw invalidField('body.version', 'differs from If-Match: send one of them');
  return v;
}

const VERSION_NOTE = ' Send the ETag you read in If-Match (or `version`): a stale one gets 409.';

export function workRoutes(app: App, { deps }: RouteEnv): void {
  const answer = (reply: { header(k: string, v: string): unknown }, view: RequestView) => {
    reply.header('etag', etag(view.version));
    return view;
  };

  app.post(
    '/service-requests/:id/transitions',
    {
      schema: {
        tags,
        summary:
          'A workflow action: triage, dispatch, take, start, suspend (reason), resume, escalate (reason), ' +
          'return (reason), resolve (result), callback, confirm, close, reopen (reason). A refused action ' +
          'names the allowed ones (409 TRANSITION_NOT_ALLOWED, details.allowed).' +
          VERSION_NOTE,
        params: idParams,
        body: transitionInput,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      return answer(reply, await transition(deps, callerOf(request, deps.clock), request.params.id, body));
    },
  );

  app.post(
    '/service-requests/:id/urges',
    {
      schema: {
        tags,
        summary:
          '催单: the customer urges; counted and shown on the timeline (no change of state).' + VERSION_NOTE,
        params: idParams,
        body: urgeInput,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      return answer(reply, await urge(deps, callerOf(request, deps.clock), request.params.id, body));
    },
  );

  app.post(
    '/service-requests/:id/notes',
    {
      schema: {
        tags,
        summary:
          'A note: internal, or a reply the customer sees (visibility customer); kind contact_attempt for a ' +
          'call to the customer. Appends to the timeline (the version stays).',
        params: idParams,
        body: noteInput,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      return answer(reply, await addNote(deps, callerOf(request, deps.clock), request.params.id, body));
    },
  );

  app.post(
    '/service-requests/:id/follow-ups',
    {
      schema: {
        tags,
        summary:
          "The customer follows up: it reaches the owner (首问), or when the owner is away the deputy, else the owner's group lead — named on the timeline.",
        params: idParams,
        body: followUpInput,
        response: { 200: requestView },
      },
      config: access.work,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      return answer(reply, await followUp(deps, callerOf(request, deps.clock), request.params.id, body));
    },
  );

  app.post(
    '/service-requests/:id/transfers',
    {
      schema: {
        tags,
        summary:
          'Transfer to another unit (any level or province) and/or support line (一线/二线/三线), with a reason.' +
          VERSION_NOTE,
        params: idParams,
        body: transferInput,
        response: { 200: requestView },
      },
      config: access.dispatch,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      return answer(reply, await transfer(deps, callerOf(request, deps.clock), request.params.id, body));
    },
  );

  app.post(
    '/service-requests/:id/owner-handover',
    {
      schema: {
        tags,
        summary:
          "Hand over first-contact ownership (首问负责) to another person, with a reason (audited); by the owner or staff over the owner's unit." +
          VERSION_NOTE,
        params: idParams,
        body: ownerHandoverInput,
        response: { 200: requestView },
      },
      config: access.dispatch,
    },
    async (request, reply) => {
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      return answer(
        reply,
        await handOverOwnership(deps, callerOf(request, deps.clock), request.params.id, body),
      );
    },
  );
}
