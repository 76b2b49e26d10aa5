import type { ModuleContext } from './identity.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from './caller.ts';
import {
  createRoleBody,
  permissionList,
  role,
  roleList,
  roleParams,
  updateRoleBody,
} from './identity.schemas.ts';
import { createRole, listPermissions, listRoles, updateRole } from './roles.service.ts';

export function roleRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    const tags = ['roles'];
    app.get(
      '/roles',
      {
        schema: { tags, summary: 'Every role with its permissions', response: { 200: roleList } },
        config: { access: { permission: 'role.read' } },
      },
      async () => ({ items: await listRoles(ctx.db) }),
    );
    app.post(
      '/roles',
      {
        schema: {
          tags,
          summary: 'Create a custom role (only with permissions you hold)',
          body: createRoleBody,
          response: { 201: role },
        },
        config: { access: { permission: 'role.manage' } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createRole(ctx.db, ctx.permissions, callerOf(request, ctx.clock), request.body)),
    );
    app.patch(
      '/roles/:code',
      {
        schema: {
          tags,
          summary: 'Change a custom role; built-in roles cannot be changed',
          params: roleParams,
          body: updateRoleBody,
          response: { 200: role },
        },
        config: { access: { permission: 'role.manage' } },
      },
      async (request) =>
        updateRole(ctx.db, ctx.permissions, callerOf(request, ctx.clock), request.params.code, request.body),
    );
    app.get(
      '/permissions',
      {
        schema: { tags, summary: 'The permission catalogue', response: { 200: permissionList } },
        config: { access: { permission: 'role.read' } },
      },
      async () => ({ items: listPermissions(ctx.permissions) }),
    );
  };
}
