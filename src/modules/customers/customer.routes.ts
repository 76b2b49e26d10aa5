/** One customer: create, read, change, 360 view, erase. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { customer360, noOpenRequests } from './customer-360.service.ts';
import { createCustomer, eraseCustomer, getCustomer, updateCustomer } from './customer.service.ts';
import {
  contactView,
  customerInput,
  customerPatch,
  customerView,
  historyEntry,
  instanceView,
} from './customers.schemas.ts';
import { idParams, manage, read, tags, type CustomerRouteEnv } from './routes.common.ts';

export function customerResourceRoutes(app: App, { deps, opts }: CustomerRouteEnv): void {
  app.post(
    '/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer (with contacts, branches and service instances)',
        body: customerInput,
        response: { 201: customerView },
      },
      config: manage,
    },
    async (request, reply) =>
      reply.status(201).send(await createCustomer(deps, callerOf(request, deps.clock), request.body)),
  );

  app.get(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'One customer (masked); the access is logged',
        params: idParams,
        response: { 200: customerView },
      },
      config: read,
    },
    async (request) => getCustomer(deps, callerOf(request, deps.clock), request.params.id),
  );

  app.patch(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Change a customer; send `version` to guard against concurrent edits',
        params: idParams,
        body: customerPatch,
        response: { 200: customerView },
      },
      config: manage,
    },
    async (request) => updateCustomer(deps, callerOf(request, deps.clock), request.params.id, request.body),
  );

  app.get(
    '/customers/:id/360',
    {
      schema: {
        tags,
        summary: 'Customer 360: the customer, contacts, instances, open requests and recent history',
        params: idParams,
        response: {
          200: z.object({
            customer: customerView,
            contacts: z.array(contactView),
            instances: z.array(instanceView),
            openRequests: z.array(z.unknown()),
            recentHistory: z.array(historyEntry),
          }),
        },
      },
      config: read,
    },
    async (request) =>
      customer360(
        deps,
        callerOf(request, deps.clock),
        request.params.id,
        opts.openRequests ?? noOpenRequests,
      ),
  );
}

/** Erasure is registered after the other per-customer routes (the OpenAPI document keeps its order). */
export function erasureRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.post(
    '/customers/:id/erase',
    {
      schema: {
        tags,
        summary: 'Erase (anonymise) a customer on request; keeps what law requires (see module README)',
        params: idParams,
        body: z.strictObject({ reason: z.string().trim().min(4).max(500) }),
        response: { 200: customerView },
      },
      config: { access: { permission: 'customer.erase' } },
    },
    async (request) =>
      eraseCustomer(deps, callerOf(request, deps.clock), request.params.id, request.body.reason),
  );
}
