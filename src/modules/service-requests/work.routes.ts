/**
 * Changes to one request, as sub-resources. Each takes the version the client read — the ETag in
 * `If-Match` or `version` in the body — and answers 409 when someone changed it since.
 */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import {
  expectedVersion as expectedBy,
  IF_MATCH,
  type IfMatchRule,
  withEtag,
} from '../../platform/http/if-match.ts';
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

// Requests take `*` (any version) and say which ETag they want.
const REQUEST_IF_MATCH: IfMatchRule = {
  ...IF_MATCH,
  malformed: ['headers.if-match', 'must be the ETag the request was read with, e.g. "3"'],
  differs: ['body.version', 'differs from If-Match: send one of them'],
  least: 0,
  star: true,
};

/** The version the client read: If-Match (`"3"`, `W/"3"`, `3`; `*`: any) or the body's `version`. */
export const expectedVersion = (request: FastifyRequest, bodyVersion: number | undefined) =>
  expectedBy(request, bodyVersion, REQUEST_IF_MATCH);

const VERSION_NOTE = ' Send the ETag you read in If-Match (or `version`): a stale one gets 409.';

export function workRoutes(app: App, { deps }: RouteEnv): void {
  app.post(
    '/service-requests/:id/transitions',
    {
      schema: {
        tags,
        summary:
          'A workflow action: triage, dispatch, take, start, arrive (到场: on site, a fault), suspend (reason), ' +
          'resume, escalate (reason), return (reason), resolve (result), callback, confirm, close, ' +
          'reopen (reason: the SLA clocks of restoration and resolution count on), cancel (reason). A refused action ' +
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
      return withEtag(reply, await transition(deps, callerOf(request, deps.clock), request.params.id, body));
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
      return withEtag(reply, await urge(deps, callerOf(request, deps.clock), request.params.id, body));
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
      return withEtag(reply, await addNote(deps, callerOf(request, deps.clock), request.params.id, body));
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
      return withEtag(reply, await followUp(deps, callerOf(request, deps.clock), request.params.id, body));
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
      return withEtag(reply, await transfer(deps, callerOf(request, deps.clock), request.params.id, body));
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
      return withEtag(
        reply,
        await handOverOwnership(deps, callerOf(request, deps.clock), request.params.id, body),
      );
    },
  );
}
