// The customers module's public face: other modules import only from here.
export {
  customersInit as customersMigration,
  customersTmf629 as customersTmf629Migration,
} from './customers.migrations.ts';
export type { CustomersTables } from './customers.tables.ts';
export { customerRoutes, type CustomerRouteOptions } from './customers.routes.ts';
export { TMF629_BASE, tmf629Routes } from './tmf/tmf629.routes.ts';
export { affectedInstances, instancesOnResource } from './instances.service.ts';
export { noOpenRequests, type OpenRequestsProvider } from './customer-360.service.ts';
export { rotatePiiKeys, vaultFor } from './pii-keys.service.ts';
export { listCustomers, searchCustomers, type ListFilters } from './search.service.ts';
export { revealField } from './reveal.service.ts';
export type { Caller, CustomerDeps } from './caller.ts';
export type { ResourceQuery } from './customers.repository.ts';
export { PiiVault } from '../../platform/pii/vault.ts';
export { seedDemoCustomers } from './customers.demo.ts';
