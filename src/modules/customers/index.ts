// The customers module's public face: other modules import only from here.
export { customersInit as customersMigration } from './customers.migrations.ts';
export type { CustomersTables } from './customers.tables.ts';
export { customerRoutes, type CustomerRouteOptions } from './customers.routes.ts';
export { TMF629_BASE, tmf629Routes } from './customers.tmf.ts';
export {
  affectedInstances,
  noOpenRequests,
  rotatePiiKeys,
  vaultFor,
  type OpenRequestsProvider,
} from './customers.service.ts';
export { instancesOnResource, type ResourceQuery } from './customers.repository.ts';
export { PiiVault } from './domain/vault.ts';
export { seedDemoCustomers } from './customers.demo.ts';
