/**
 * Routes of TMF629 Customer Management v5 over the same customers, rules and masking as
 * /api/v1/customers: GET/POST /customer, GET/PATCH/DELETE /customer/{id}, on the shared TMF
 * plumbing (src/platform/tmf). Reads: tmf629.read.ts; lists and filters: tmf629.list.ts; writes:
 * tmf629.write.ts; what has no home in our model: tmf629.store.ts.
 */
import { z } from 'zod';
import type { ModuleContext } from '../customers.tables.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import {
  addMergePatchParser,
  publicBaseUrl,
  sendPage,
  tmfListQuery,
  TMF_PATCH_BODY_TYPES,
} from '../../../platform/tmf/index.ts';
import { callerOf } from '../../../platform/http/caller.ts';
import { customerDeps } from '../caller.ts';
import { loadInScope } from '../customer-checks.ts';
import { customerHref } from './tmf629.mapper.ts';
import { getTmf, isUuid } from './tmf629.read.ts';
import { listTmf } from './tmf629.list.ts';
import { createTmf, patchTmf } from './tmf629.write.ts';

export { TMF629_BASE } from './tmf629.mapper.ts';

export function tmf629Routes(ctx: ModuleContext) {
  const deps = customerDeps(ctx);
  const tags = ['TMF629 Customer Management'];
  const fieldsQuery = z.object({ fields: z.string().max(500).optional() });
  const idParams = z.object({ id: z.string().max(64) });
  const baseOf = (request: { protocol: string; host: string }) =>
    publicBaseUrl(ctx.config.publicUrl, request);
  return async (app: App) => {
    addMergePatchParser(app);

    app.get(
      '/customer',
      {
        schema: {
          tags,
          summary:
            'List or find customers (offset/limit, fields, attribute filters: id, status=a,b, validFor.startDateTime.gte=…)',
          querystring: z.looseObject(tmfListQuery({ defaultLimit: 20, maxLimit: 100 })),
        },
        config: { access: { permission: 'customer.read' } },
      },
      async (request, reply) => {
        const { items, total } = await listTmf(
          deps,
          callerOf(request, deps.clock),
          request.query,
          baseOf(request),
        );
        return sendPage(reply, items, total);
      },
    );

    app.get(
      '/customer/:id',
      {
        schema: { tags, summary: 'Retrieve a customer', params: idParams, querystring: fieldsQuery },
        config: { access: { permission: 'customer.read' } },
      },
      async (request) => {
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'customer not found');
        return getTmf(
          deps,
          callerOf(request, deps.clock),
          request.params.id,
          baseOf(request),
          request.query.fields,
        );
      },
    );

    app.post(
      '/customer',
      {
        schema: {
          tags,
          summary: 'Create a customer (engagedParty.@referredType Individual or Organization)',
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: { access: { permission: 'customer.manage' } },
      },
      async (request, reply) => {
        const caller = callerOf(request, deps.clock);
        const base = baseOf(request);
        const id = await createTmf(deps, caller, request.body);
        void reply.header('location', customerHref(base, id));
        return reply.status(201).send(await getTmf(deps, caller, id, base, request.query.fields));
      },
    );

    app.patch(
      '/customer/:id',
      {
        schema: {
          tags,
          summary: 'Update a customer (JSON Merge Patch: null removes an attribute)',
          params: idParams,
          querystring: fieldsQuery,
          body: z.unknown(),
        },
        config: { access: { permission: 'customer.manage' }, bodyTypes: TMF_PATCH_BODY_TYPES },
      },
      async (request) => {
        const caller = callerOf(request, deps.clock);
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'customer not found');
        const base = baseOf(request);
        await patchTmf(deps, caller, request.params.id, request.body, base);
        return getTmf(deps, caller, request.params.id, base, request.query.fields);
      },
    );

    app.delete(
      '/customer/:id',
      {
        schema: {
          tags,
          summary:
            'Not supported for a customer that exists (404 otherwise): erase one through POST /api/v1/customers/{id}/erase',
          params: idParams,
        },
        config: { access: { permission: 'customer.erase' } },
      },
      async (request) => {
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'customer not found');
        await loadInScope(deps.db, callerOf(request, deps.clock), request.params.id);
        throw new AppError(
          'METHOD_NOT_ALLOWED',
          'Customers are not deleted; erase one through POST /api/v1/customers/{id}/erase',
        );
      },
    );
  };
}
