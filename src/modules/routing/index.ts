// The routing module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { routingMigrations } from './routing.migrations.ts';
import { routingRoutes } from './routing.routes.ts';
import type { RoutingTables } from './routing.tables.ts';

/** Routing rules (where a request goes) and assignment within a skill group (who takes it). */
export const routing = defineModule<RoutingTables>({
  name: 'routing',
  migrations: routingMigrations,
  routes: [{ plugin: routingRoutes }],
  permissions: {
    'routing.read': {
      description: 'See routing rules and group strategies, and preview where a request would go',
      roles: ['supervisor', 'dispatcher'],
    },
    'routing.manage': {
      description: 'Create, change and remove routing rules and set group assignment strategies',
      roles: ['system_admin', 'supervisor'],
    },
  },
});

export { pickAssignee, routeRequest, type AssignmentInput } from './routing.service.ts';
export type { RoutingDecision, RoutingFacts } from './domain/rules.ts';
export { STRATEGIES, type Strategy } from './domain/assignment.ts';
