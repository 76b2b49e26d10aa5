import type { ModuleContext } from './identity.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { apiTokenRoutes } from './api-tokens.routes.ts';
import { orgUnitRoutes } from './org-units.routes.ts';
import { roleRoutes } from './roles.routes.ts';
import { skillGroupRoutes } from './skill-groups.routes.ts';
import { userRoutes } from './users.routes.ts';

/** The identity & organisation administration API (org units, users, roles, skill groups, tokens). */
export function identityAdminRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    await app.register(orgUnitRoutes(ctx));
    await app.register(userRoutes(ctx));
    await app.register(roleRoutes(ctx));
    await app.register(skillGroupRoutes(ctx));
    await app.register(apiTokenRoutes(ctx));
  };
}
