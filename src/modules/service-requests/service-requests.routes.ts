/** Every /api/v1 service-request route, registered in one plugin (stable OpenAPI order). */
import type { App } from '../../platform/http/app.ts';
import { requestDeps } from './deps.ts';
import { queueRoutes } from './queues.routes.ts';
import { requestRoutes } from './requests.routes.ts';
import { workRoutes } from './work.routes.ts';
import { adminRoutes } from './admin.routes.ts';
import { extraRoutes } from './extras.routes.ts';
import { portalRoutes } from './portal.routes.ts';
import type { RoutingPort } from './routing-port.ts';
import type { ModuleContext } from './service-requests.tables.ts';

export function serviceRequestRoutes(ctx: ModuleContext, routing: RoutingPort) {
  const env = { ctx, deps: requestDeps(ctx, routing) };
  return async (app: App) => {
    queueRoutes(app, env);
    requestRoutes(app, env);
    workRoutes(app, env);
    adminRoutes(app, env);
    extraRoutes(app, env);
    portalRoutes(app, env);
  };
}
