import { z } from 'zod';
import type { ModuleContext } from './identity.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from './caller.ts';
import {
  createUserBody,
  idParams,
  resetPasswordBody,
  unlockResult,
  updateUserBody,
  user,
  userList,
  userListQuery,
} from './identity.schemas.ts';
import {
  createUser,
  getUser,
  listUsersInScope,
  resetPassword,
  unlockUser,
  updateUser,
} from './users.service.ts';

export function userRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    const tags = ['users'];
    app.get(
      '/users',
      {
        schema: {
          tags,
          summary: 'Staff users in your data scope, in login order (keyset paging with cursor)',
          querystring: userListQuery,
          response: { 200: userList },
        },
        config: { access: { permission: 'user.read' } },
      },
      async (request) => listUsersInScope(ctx.db, callerOf(request, ctx.clock), request.query),
    );
    app.post(
      '/users',
      {
        schema: { tags, summary: 'Create a staff user', body: createUserBody, response: { 201: user } },
        config: { access: { permission: 'user.manage' } },
      },
      async (request, reply) =>
        reply.status(201).send(await createUser(ctx.db, callerOf(request, ctx.clock), request.body)),
    );
    app.get(
      '/users/:id',
      {
        schema: { tags, summary: 'One staff user', params: idParams, response: { 200: user } },
        config: { access: { permission: 'user.read' } },
      },
      async (request) => getUser(ctx.db, callerOf(request, ctx.clock), request.params.id),
    );
    app.patch(
      '/users/:id',
      {
        schema: {
          tags,
          summary: 'Change a staff user (disabling ends their sessions); send the version you read',
          params: idParams,
          body: updateUserBody,
          response: { 200: user },
        },
        config: { access: { permission: 'user.manage' } },
      },
      async (request) => updateUser(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body),
    );
    app.post(
      '/users/:id/password',
      {
        schema: {
          tags,
          summary: "Set a new password for a user (ends the user's sessions)",
          params: idParams,
          body: resetPasswordBody,
          response: { 204: z.null() },
        },
        config: { access: { permission: 'user.manage' } },
      },
      async (request, reply) => {
        await resetPassword(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body.password);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/users/:id/unlock',
      {
        schema: {
          tags,
          summary:
            'Unlock a user locked out by failed sign-ins (forgets the failures; audited when there were any)',
          params: idParams,
          response: { 200: unlockResult },
        },
        config: { access: { permission: 'user.manage' } },
      },
      async (request) => {
        const r = await unlockUser(ctx.db, callerOf(request, ctx.clock), request.params.id);
        return { login: r.login, failures: r.failures, lockedUntil: r.lockedUntil?.toISOString() ?? null };
      },
    );
  };
}
