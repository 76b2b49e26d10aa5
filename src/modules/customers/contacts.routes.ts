/** A customer's contact people. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { addContact, deleteContact, listContacts, updateContact } from './contacts.service.ts';
import { contactInput, contactPatch, contactView } from './customers.schemas.ts';
import { contactParams, idParams, manage, read, tags, type CustomerRouteEnv } from './routes.common.ts';

export function contactRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.get(
    '/customers/:id/contacts',
    {
      schema: {
        tags,
        summary: "A customer's contacts (masked)",
        params: idParams,
        response: { 200: z.array(contactView) },
      },
      config: read,
    },
    async (request) => listContacts(deps, callerOf(request, deps.clock), request.params.id),
  );
  app.post(
    '/customers/:id/contacts',
    {
      schema: {
        tags,
        summary: 'Add a contact',
        params: idParams,
        body: contactInput,
        response: { 201: contactView },
      },
      config: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addContact(deps, callerOf(request, deps.clock), request.params.id, request.body)),
  );
  app.patch(
    '/customers/:id/contacts/:contactId',
    {
      schema: {
        tags,
        summary: 'Change a contact',
        params: contactParams,
        body: contactPatch,
        response: { 200: contactView },
      },
      config: manage,
    },
    async (request) =>
      updateContact(
        deps,
        callerOf(request, deps.clock),
        request.params.id,
        request.params.contactId,
        request.body,
      ),
  );
  app.delete(
    '/customers/:id/contacts/:contactId',
    {
      schema: { tags, summary: 'Remove a contact', params: contactParams, response: { 204: z.null() } },
      config: manage,
    },
    async (request, reply) => {
      await deleteContact(deps, callerOf(request, deps.clock), request.params.id, request.params.contactId);
      return reply.status(204).send(null);
    },
  );
}
