/** Service instances: a customer's, and those on a network resource (alarm impact). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { instanceInput, instancePatch, instanceView } from './customers.schemas.ts';
import { addInstance, affectedInstances, listInstances, updateInstance } from './instances.service.ts';
import { idParams, instanceParams, manage, read, tags, type CustomerRouteEnv } from './routes.common.ts';

export function instanceRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.get(
    '/customers/:id/instances',
    {
      schema: {
        tags,
        summary: "A customer's service instances (masked)",
        params: idParams,
        response: { 200: z.array(instanceView) },
      },
      config: read,
    },
    async (request) => listInstances(deps, callerOf(request, deps.clock), request.params.id),
  );
  app.post(
    '/customers/:id/instances',
    {
      schema: {
        tags,
        summary: 'Add a service instance',
        params: idParams,
        body: instanceInput,
        response: { 201: instanceView },
      },
      config: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addInstance(deps, callerOf(request, deps.clock), request.params.id, request.body)),
  );
  app.patch(
    '/customers/:id/instances/:instanceId',
    {
      schema: {
        tags,
        summary: 'Change a service instance (status, resources, address)',
        params: instanceParams,
        body: instancePatch,
        response: { 200: instanceView },
      },
      config: manage,
    },
    async (request) =>
      updateInstance(
        deps,
        callerOf(request, deps.clock),
        request.params.id,
        request.params.instanceId,
        request.body,
      ),
  );
}

export function resourceImpactRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.get(
    '/product-instances',
    {
      schema: {
        tags,
        summary: 'Service instances on a network resource (device and port, exchange, circuit, set-top box)',
        querystring: z.strictObject({
          deviceId: z.string().trim().min(1).max(100).optional(),
          devicePort: z.string().trim().min(1).max(50).optional(),
          exchange: z.string().trim().min(1).max(100).optional(),
          circuitId: z.string().trim().min(1).max(100).optional(),
          stbId: z.string().trim().min(1).max(64).optional(),
          includeTerminated: z.stringbool().optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(500),
        }),
        response: {
          200: z.object({
            items: z.array(
              instanceView.extend({
                customer: z.object({
                  id: z.string(),
                  customerNo: z.string(),
                  name: z.string(),
                  kind: z.string(),
                  tier: z.string().nullable(),
                }),
              }),
            ),
          }),
        },
      },
      config: read,
    },
    async (request) => {
      const { limit, ...q } = request.query;
      return { items: await affectedInstances(deps, callerOf(request, deps.clock), q, limit) };
    },
  );
}
