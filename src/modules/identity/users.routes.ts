import { z } from 'zod';
import type { ModuleContext } from './identity.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from './caller.ts';
import {
  createUserBody,
  idParams,
  resetPasswordBody,
  setUserRolesBody,
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
  setUserRoles,
  unlockUser,
  updateUser,
} from './users.service.ts';

// Reading users serves two duties (三员分立): keeping accounts (user.read) and assigning roles
// (user.grant, the security administrator, who holds no other user permission).
const readUsers = { anyPermission: ['user.read', 'user.grant'] } as const;

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
        config: { access: readUsers },
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
        reply
          .status(201)
          .send(await createUser(ctx.db, callerOf(request, ctx.clock), request.body, ctx.permissions)),
    );
    app.get(
      '/users/:id',
      {
        schema: { tags, summary: 'One staff user', params: idParams, response: { 200: user } },
        config: { access: readUsers },
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
      async (request) =>
        updateUser(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body, ctx.permissions),
    );
    app.put(
      '/users/:id/roles',
      {
        schema: {
          tags,
          summary:
            "Assign a user's roles (授权; not your own, nor roles with administration permissions you lack); send the version you read",
          params: idParams,
          body: setUserRolesBody,
          response: { 200: user },
        },
        config: { access: { permission: 'user.grant' } },
      },
      async (request) =>
        setUserRoles(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body, ctx.permissions),
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
        await resetPassword(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.id,
          request.body.password,
          ctx.permissions,
        );
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
        config: { access: { permission: 'user.unlock' } },
      },
      async (request) => {
        const r = await unlockUser(ctx.db, callerOf(request, ctx.clock), request.params.id, ctx.permissions);
        return { login: r.login, failures: r.failures, lockedUntil: r.lockedUntil?.toISOString() ?? null };
      },
    );
  };
}
