/**
 * Every /api/v1 customer route, one file per resource; registered in one plugin so that they share
 * its content-type parsers, and in an order that keeps the OpenAPI document stable.
 */
import type { ModuleContext } from './customers.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { accessLogRoutes } from './access-log.routes.ts';
import { customerDeps } from './caller.ts';
import { contactRoutes } from './contacts.routes.ts';
import { contractRoutes } from './contracts.routes.ts';
import { customerResourceRoutes, erasureRoutes } from './customer.routes.ts';
import { identifyRoutes } from './identify.routes.ts';
import { importRoutes } from './imports.routes.ts';
import { instanceRoutes, resourceImpactRoutes } from './instances.routes.ts';
import { portalAccountRoutes } from './portal-accounts.ts';
import { revealRoutes } from './reveal.routes.ts';
import type { CustomerRouteEnv, CustomerRouteOptions } from './routes.common.ts';
import { searchRoutes } from './search.routes.ts';

export type { CustomerRouteOptions } from './routes.common.ts';

export function customerRoutes(ctx: ModuleContext, opts: CustomerRouteOptions = {}) {
  const env: CustomerRouteEnv = { ctx, deps: customerDeps(ctx), opts };
  if (ctx.config.piiKeysDevelopment)
    ctx.logger.warn(
      'ONEPOINT_PII_KEYS is not set: ID numbers are encrypted with the built-in development key',
    );
  return async (app: App) => {
    importRoutes(app, env);
    searchRoutes(app, env);
    customerResourceRoutes(app, env);
    accessLogRoutes(app, env);
    contactRoutes(app, env);
    instanceRoutes(app, env);
    contractRoutes(app, env);
    revealRoutes(app, env);
    erasureRoutes(app, env);
    resourceImpactRoutes(app, env);
    identifyRoutes(app, env);
    portalAccountRoutes(app, env);
  };
}
