// INTERIM, until customers is split (branch `customers`): its definition belongs in its index.ts.
import { defineModule, type ModuleDefinition } from './platform/module.ts';
import type { AuditTables } from './modules/audit/audit.tables.ts';
import {
  customerRoutes,
  customersMigration,
  seedDemoCustomers,
  TMF629_BASE,
  tmf629Routes,
} from './modules/customers/index.ts';
import { registerCustomerCommands } from './modules/customers/customers.cli.ts';
import type { CustomersTables } from './modules/customers/customers.tables.ts';
import type { EventsTables } from './modules/events/events.tables.ts';
import type { IdentityTables } from './modules/identity/identity.tables.ts';

type Interim = CustomersTables & IdentityTables & AuditTables & EventsTables;
export const customersModule: ModuleDefinition<Interim> = defineModule<Interim>({
  name: 'customers',
  migrations: [['0003_customers_init', customersMigration]],
  routes: [{ plugin: customerRoutes }, { prefix: TMF629_BASE, plugin: tmf629Routes }],
  cli: registerCustomerCommands,
  demo: async (ctx, onProgress) => (await seedDemoCustomers(ctx, onProgress)).created > 0,
  permissions: [
    'customer.read',
    'customer.manage',
    'customer.import',
    'customer.erase',
    'product.manage',
    'pii.reveal',
  ],
  eventTypes: [
    'CustomerCreateEvent',
    'CustomerAttributeValueChangeEvent',
    'CustomerStateChangeEvent',
    'CustomerDeleteEvent',
    'CustomerBatchImportEvent',
  ],
});
