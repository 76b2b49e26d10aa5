// The customers module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { hubRoutes } from '../events/index.ts';
import { registerCustomerCommands } from './customers.cli.ts';
import { seedDemoCustomers } from './customers.demo.ts';
import { customersMigrations } from './customers.migrations.ts';
import { customerRoutes, type CustomerRouteOptions } from './customers.routes.ts';
import type { CustomersTables } from './customers.tables.ts';
import { rotateCustomerKeys } from './pii-keys.service.ts';
import { TMF629_BASE, tmf629Routes } from './tmf/tmf629.routes.ts';

/** The TMF629 events a hub listener can receive (the batch-import summary is ours, NATS only). */
const TMF629_EVENT_TYPES = [
  'CustomerCreateEvent',
  'CustomerAttributeValueChangeEvent',
  'CustomerStateChangeEvent',
  'CustomerDeleteEvent',
] as const;

/** Customers (individual and enterprise), their contacts and service instances; TMF629. */
export const customers = defineModule<CustomersTables>({
  name: 'customers',
  migrations: customersMigrations,
  routes: [
    { plugin: (ctx) => customerRoutes(ctx) }, // first: customersWith replaces it
    { prefix: TMF629_BASE, plugin: tmf629Routes },
    // TMF629's event hub (POST /hub): listeners receive the customer events by callback.
    {
      prefix: TMF629_BASE,
      plugin: (ctx) =>
        hubRoutes(ctx, { api: 'TMF629', basePath: TMF629_BASE, eventTypes: [...TMF629_EVENT_TYPES] }),
    },
  ],
  cli: registerCustomerCommands,
  // ID numbers and TMF629 contact media (`onepoint rotate-keys`).
  rotateKeys: (ctx, rotation) => rotateCustomerKeys(ctx.db, rotation),
  demo: async (ctx, onProgress) => (await seedDemoCustomers(ctx, onProgress)).created > 0,
  eventTypes: [...TMF629_EVENT_TYPES, 'CustomerBatchImportEvent'],
  permissions: {
    'pii.reveal': {
      description: 'Reveal masked personal information, one field at a time, with a reason',
      // Supervisors may reveal masked fields (with a stated, audited reason); agents may not.
      roles: ['supervisor'],
    },
    'customer.read': {
      description: 'See customers in scope (masked), their contacts, instances and 360 view',
      // Front-line roles keep customer records up to date; back-office roles only read them.
      roles: ['agent', 'monitor', 'dispatcher', 'account_manager', 'supervisor', 'billing_specialist'],
    },
    'customer.manage': {
      description: 'Create and change customers, contacts and service instances in scope',
      roles: ['agent', 'account_manager'],
    },
    'customer.identify': {
      description:
        'Identify a caller of any region by a whole phone, ID, account number or circuit id: a masked summary to accept a request (access-logged with its purpose)',
      // 一点受理: whoever answers the customer, wherever the customer is from.
      roles: ['agent', 'monitor', 'account_manager', 'dispatcher'],
    },
    'customer.portal_link': {
      description:
        'Link a portal login (role customer) to the customer it speaks for, or unlink it (audited)',
      roles: ['system_admin'],
    },
    'customer.import': { description: 'Bulk-import customers and instances from CSV/XLSX' },
    'customer.erase': {
      description: 'Erase (anonymise) a customer on request, keeping the records law requires',
    },
  },
});

/**
 * The module with what modules that read customers hand back (the 360 view's open service
 * requests): customers cannot import them, so the registry wires it.
 */
export const customersWith = (opts: CustomerRouteOptions): typeof customers =>
  defineModule({
    ...customers,
    routes: customers.routes!.map((r, i) => (i === 0 ? { plugin: (ctx) => customerRoutes(ctx, opts) } : r)),
  });

export { customerRoutes, type CustomerRouteOptions } from './customers.routes.ts';
export { onCustomerTierChange, type TierChange, type TierChangeListener } from './tier-change.ts';
// For the SLA (issue 12): where a service's site is, an enterprise's signed contracts, and their changes.
export { onServiceFactsChange, type ServiceFactsChange, type ServiceFactsListener } from './service-facts.ts';
export { chinaDay, contractExists, contractOn, contractsOf } from './contracts.service.ts';
export { DEMO_SLA_CONTRACT } from './customers.demo.ts';
export { LOCATION_CLASSES, type LocationClass } from './domain/catalogue.ts';
export { TMF629_BASE, tmf629Routes } from './tmf/tmf629.routes.ts';
export { affectedInstances, instancesOnResource } from './instances.service.ts';
export { noOpenRequests, type OpenRequestsProvider } from './customer-360.service.ts';
export { rotateCustomerKeys, rotatePiiKeys, vaultFor } from './pii-keys.service.ts';
export { listCustomers, searchCustomers, type ListFilters } from './search.service.ts';
export { revealField } from './reveal.service.ts';
// For the service-requests module: a customer identified across regions may be taken a request for.
export { customerForIntake, IDENTIFIED_FOR_MS, type IntakeCustomer } from './identify.service.ts';
export { logIntakeAccess, portalCustomerOf } from './intake-access.ts';
export { portalServicesOf } from './portal-accounts.ts';
// For the security module's incident register (PIPL Art. 57).
export {
  customerIdsByNo,
  customerIdsInScope,
  noticeRecipients,
  type NoticeRecipient,
} from './notice-recipients.ts';
export type { Caller, CustomerDeps } from './caller.ts';
export type { ResourceQuery } from './customers.repository.ts';
export { PiiVault } from '../../platform/pii/vault.ts';
export { countCustomers, seedDemoCustomers } from './customers.demo.ts';
// For the service-requests module: routing facts, list summaries, demo data.
export {
  customerFacts,
  instanceFacts,
  sampleInstances,
  type CustomerFacts,
  type InstanceFacts,
} from './request-facts.ts';
// For the service-requests module's search: exact identifiers → customers and instances.
export { customerIdsByPhone, instanceIdsByCode, type PhoneQuery } from './request-lookups.ts';
// For the channels module: a mail's sender, and where a customer's notices go.
export { customerIdByEmail, noticeContactOf, type NoticeContact } from './notice-contacts.ts';
// For the SLA module's customer report: an enterprise's branches, to tell its requests apart.
export { customerBranches, type CustomerBranch } from './customer-branches.ts';
