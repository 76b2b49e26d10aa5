import { z } from 'zod';
import type { ModuleContext } from '../../context.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { productInput, productPatch, productView } from './products.schemas.ts';
import { createProduct, listProducts, updateProduct } from './products.service.ts';

/** /products: the catalogue. Reading needs a signed-in caller; changes need product.manage. */
export function productRoutes(ctx: ModuleContext) {
  const tags = ['customers'];
  const manage = { access: { permission: 'product.manage' } } as const;
  return async (app: App) => {
    app.get(
      '/products',
      {
        schema: {
          tags,
          summary: 'The service product catalogue',
          querystring: z.strictObject({ includeInactive: z.stringbool().default(false) }),
          response: { 200: z.array(productView) },
        },
        config: { access: { authenticated: true } },
      },
      async (request) => listProducts(ctx.db, request.query.includeInactive),
    );
    app.post(
      '/products',
      {
        schema: {
          tags,
          summary: 'Add a product to the catalogue',
          body: productInput,
          response: { 201: productView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply.status(201).send(await createProduct(ctx.db, callerOf(request, ctx.clock), request.body)),
    );
    app.patch(
      '/products/:code',
      {
        schema: {
          tags,
          summary: 'Change a product (name, category, active …)',
          params: z.object({ code: z.string().max(64) }),
          body: productPatch,
          response: { 200: productView },
        },
        config: manage,
      },
      async (request) =>
        updateProduct(ctx.db, callerOf(request, ctx.clock), request.params.code, request.body),
    );
  };
}
