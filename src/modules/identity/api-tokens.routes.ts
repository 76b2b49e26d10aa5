import { z } from 'zod';
import type { ModuleContext } from './identity.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { issueApiToken, listApiTokensInScope, revokeApiToken } from './api-tokens.service.ts';
import { callerOf } from './caller.ts';
import {
  apiTokenList,
  apiTokenListQuery,
  createApiTokenBody,
  createdApiToken,
  idParams,
} from './identity.schemas.ts';

export function apiTokenRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    const tags = ['api-tokens'];
    app.get(
      '/api-tokens',
      {
        schema: {
          tags,
          summary: 'API tokens of users in your data scope (never the secrets)',
          querystring: apiTokenListQuery,
          response: { 200: apiTokenList },
        },
        config: { access: { permission: 'token.manage' } },
      },
      async (request) => ({
        items: await listApiTokensInScope(ctx.db, callerOf(request, ctx.clock), request.query.userId),
      }),
    );
    app.post(
      '/api-tokens',
      {
        schema: {
          tags,
          summary:
            'Issue an API token for a user; the secret is in this response only. It expires after ' +
            '365 days unless expiresInDays (0: never) or expiresAt says otherwise; an expired token ' +
            'is refused with 401 TOKEN_EXPIRED',
          body: createApiTokenBody,
          response: { 201: createdApiToken },
        },
        config: { access: { permission: 'token.manage' } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await issueApiToken(ctx.db, callerOf(request, ctx.clock), request.body, ctx.permissions)),
    );
    app.delete(
      '/api-tokens/:id',
      {
        schema: { tags, summary: 'Revoke an API token', params: idParams, response: { 204: z.null() } },
        config: { access: { permission: 'token.manage' } },
      },
      async (request, reply) => {
        await revokeApiToken(ctx.db, callerOf(request, ctx.clock), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
