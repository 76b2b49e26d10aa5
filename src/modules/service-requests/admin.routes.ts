/** Categories (per kind) and workflows (per kind): everyone who reads requests reads them; admins edit. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import {
  createCategory,
  getWorkflow,
  listCategories,
  listWorkflows,
  putWorkflow,
  updateCategory,
} from './admin.service.ts';
import { access, tags, type RouteEnv } from './routes.common.ts';
import {
  categoryInput,
  categoryPatch,
  categoryQuery,
  categoryView,
  idParams,
  kindParams,
  workflowPut,
  workflowView,
} from './service-requests.schemas.ts';

export function adminRoutes(app: App, { deps }: RouteEnv): void {
  app.get(
    '/service-request-categories',
    {
      schema: {
        tags,
        summary: 'Request categories per kind (the taxonomy administrators edit)',
        querystring: categoryQuery,
        response: { 200: z.object({ items: z.array(categoryView) }) },
      },
      config: access.read,
    },
    async (request) => listCategories(deps, request.query),
  );

  app.post(
    '/service-request-categories',
    {
      schema: {
        tags,
        summary: 'Add a category to a kind',
        body: categoryInput,
        response: { 201: categoryView },
      },
      config: access.admin,
    },
    async (request, reply) =>
      reply.status(201).send(await createCategory(deps, callerOf(request, deps.clock), request.body)),
  );

  app.patch(
    '/service-request-categories/:id',
    {
      schema: {
        tags,
        summary: 'Rename, reorder or retire (active: false) a category; send `version`',
        params: idParams,
        body: categoryPatch,
        response: { 200: categoryView },
      },
      config: access.admin,
    },
    async (request) => updateCategory(deps, callerOf(request, deps.clock), request.params.id, request.body),
  );

  app.get(
    '/service-request-workflows',
    {
      schema: {
        tags,
        summary: 'The workflow of every kind',
        response: { 200: z.object({ items: z.array(workflowView) }) },
      },
      config: access.read,
    },
    async () => listWorkflows(deps),
  );

  app.get(
    '/service-request-workflows/:kind',
    {
      schema: {
        tags,
        summary: "One kind's workflow (states, actions, close at intake)",
        params: kindParams,
        response: { 200: workflowView },
      },
      config: access.read,
    },
    async (request) => getWorkflow(deps, request.params.kind),
  );

  app.put(
    '/service-request-workflows/:kind',
    {
      schema: {
        tags,
        summary:
          "Replace a kind's workflow. Validated: known states, starts at accepted, a terminal closed state, every state reachable and able to reach closed (422 with details.problems); send `version`",
        params: kindParams,
        body: workflowPut,
        response: { 200: workflowView },
      },
      config: access.admin,
    },
    async (request) => putWorkflow(deps, callerOf(request, deps.clock), request.params.kind, request.body),
  );
}
