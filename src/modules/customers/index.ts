// The customers module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { registerCustomerCommands } from './customers.cli.ts';
import { seedDemoCustomers } from './customers.demo.ts';
import { customersMigrations } from './customers.migrations.ts';
import { customerRoutes } from './customers.routes.ts';
import type { CustomersTables } from './customers.tables.ts';
import { TMF629_BASE, tmf629Routes } from './tmf/tmf629.routes.ts';

/** Customers (individual and enterprise), their contacts and service instances; TMF629. */
export const customers = defineModule<CustomersTables>({
  name: 'customers',
  migrations: customersMigrations,
  routes: [{ plugin: (ctx) => customerRoutes(ctx) }, { prefix: TMF629_BASE, plugin: tmf629Routes }],
  cli: registerCustomerCommands,
  demo: async (ctx, onProgress) => (await seedDemoCustomers(ctx, onProgress)).created > 0,
  eventTypes: [
    'CustomerCreateEvent',
    'CustomerAttributeValueChangeEvent',
    'CustomerStateChangeEvent',
    'CustomerDeleteEvent',
    'CustomerBatchImportEvent',
  ],
  permissions: ['customer.read', 'customer.manage', 'customer.import', 'customer.erase', 'pii.reveal'],
});

export { customerRoutes, type CustomerRouteOptions } from './customers.routes.ts';
export { TMF629_BASE, tmf629Routes } from './tmf/tmf629.routes.ts';
export { affectedInstances } from './instances.service.ts';
export { noOpenRequests, type OpenRequestsProvider } from './customer-360.service.ts';
export { rotatePiiKeys, vaultFor } from './pii-keys.service.ts';
export { listCustomers, searchCustomers, type ListFilters } from './search.service.ts';
export { revealField } from './reveal.service.ts';
export type { Caller, CustomerDeps } from './caller.ts';
export { instancesOnResource, type ResourceQuery } from './customers.repository.ts';
export { PiiVault } from './domain/vault.ts';
export { seedDemoCustomers } from './customers.demo.ts';
