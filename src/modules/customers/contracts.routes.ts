/** An enterprise's signed service agreements (SLA contracts). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { addContract, listContracts, updateContract } from './contracts.service.ts';
import { contractInput, contractParams, contractPatch, contractView } from './customers.schemas.ts';
import { idParams, manage, read, tags, type CustomerRouteEnv } from './routes.common.ts';

export function contractRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.get(
    '/customers/:id/contracts',
    {
      schema: {
        tags,
        summary:
          "An enterprise customer's signed service agreements (SLA contracts), oldest first: the number names its rows in the SLA policy matrix",
        params: idParams,
        response: { 200: z.array(contractView) },
      },
      config: read,
    },
    async (request) => listContracts(deps, callerOf(request, deps.clock), request.params.id),
  );
  app.post(
    '/customers/:id/contracts',
    {
      schema: {
        tags,
        summary:
          'Add a signed service agreement (enterprise customers; one valid on any day — an overlap is 422, a taken number 409)',
        params: idParams,
        body: contractInput,
        response: { 201: contractView },
      },
      config: manage,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addContract(deps, callerOf(request, deps.clock), request.params.id, request.body)),
  );
  app.patch(
    '/customers/:id/contracts/:contractNo',
    {
      schema: {
        tags,
        summary:
          "Change a service agreement's name or period (e.g. end it: validTo); the SLA of the customer's open requests follows",
        params: contractParams,
        body: contractPatch,
        response: { 200: contractView },
      },
      config: manage,
    },
    async (request) =>
      updateContract(
        deps,
        callerOf(request, deps.clock),
        request.params.id,
        request.params.contractNo,
        request.body,
      ),
  );
}
