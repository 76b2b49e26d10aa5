/** What the route files share: dependencies, access rules. */
import type { RequestDeps } from './deps.ts';
import type { ModuleContext } from './service-requests.tables.ts';

export interface RouteEnv {
  ctx: ModuleContext;
  deps: RequestDeps;
}

export const tags = ['service-requests'];

export const access = {
  read: { access: { permission: 'request.read' } },
  create: { access: { permission: 'request.create' } },
  work: { access: { permission: 'request.work' } },
  dispatch: { access: { permission: 'request.dispatch' } },
  admin: { access: { permission: 'request.admin' } },
} as const;
