// The service-requests module's public face (服务请求/工单): other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { hubRoutes } from '../events/index.ts';
import { SLA_EVENT_TYPES } from '../sla/index.ts';
import { REQUEST_EVENT_TYPES } from './requests.events.ts';
import { fallbackRouting, type RoutingPort } from './routing-port.ts';
import { serviceRequestsMigrations } from './service-requests.migrations.ts';
import { serviceRequestRoutes } from './service-requests.routes.ts';
import { seedDemoRequests } from './service-requests.demo.ts';
import { startIdempotencyPrune } from './idempotency-prune.ts';
import type { ServiceRequestsTables } from './service-requests.tables.ts';
import { addAttachmentRule, registerRequestAttachments } from './request-attachments.ts';
import { portalAttachmentRule } from './portal.ts';
import { TMF621_BASE, TROUBLE_TICKET_EVENT_TYPES } from './tmf621/tmf621.mapper.ts';
import { tmf621Routes } from './tmf621/tmf621.routes.ts';

// Who sees a request's attachments (the attachments module asks this module).
registerRequestAttachments();
addAttachmentRule(portalAttachmentRule);

/** Staff roles that read requests in their scope. */
const READERS = [
  'agent',
  'monitor',
  'dispatcher',
  'technician',
  'account_manager',
  'supervisor',
  'billing_specialist',
  'quality_inspector',
];

/**
 * The module, with the routing it calls at create, dispatch and transfer. The registry wires the
 * routing module's `routeRequest`/`pickAssignee`; without them the plain fallback routes by site,
 * home or intake unit and assigns nobody.
 */
export function serviceRequestsModule(routing: RoutingPort = fallbackRouting) {
  return defineModule<ServiceRequestsTables>({
    name: 'service-requests',
    migrations: serviceRequestsMigrations,
    routes: [
      { plugin: (ctx) => serviceRequestRoutes(ctx, routing) },
      // TMF621 Trouble Ticket v5 over faults and complaints (tmf621/), and its event hub.
      { prefix: TMF621_BASE, plugin: (ctx) => tmf621Routes(ctx, routing) },
      {
        prefix: TMF621_BASE,
        plugin: (ctx) =>
          hubRoutes(ctx, {
            api: 'TMF621',
            basePath: TMF621_BASE,
            // The SLA's warnings and breaches of the tickets' clocks go to TMF621 listeners too.
            eventTypes: [...TROUBLE_TICKET_EVENT_TYPES, ...SLA_EVENT_TYPES],
          }),
      },
    ],
    start: async (ctx) => {
      await startIdempotencyPrune(ctx);
    },
    demo: (ctx, onProgress) => seedDemoRequests(ctx, routing, onProgress),
    eventTypes: [...REQUEST_EVENT_TYPES, ...TROUBLE_TICKET_EVENT_TYPES],
    permissions: {
      'request.read': {
        description: 'See service requests in scope (masked) with their timeline',
        roles: READERS,
      },
      'request.create': {
        description: 'Accept (create) service requests for customers, on any channel',
        roles: ['agent', 'monitor', 'account_manager', 'supervisor', 'billing_specialist', 'dispatcher'],
      },
      'request.work': {
        description: 'Work on requests: take, handle, suspend, escalate, return, resolve, notes, urges',
        roles: [
          'agent',
          'monitor',
          'dispatcher',
          'technician',
          'account_manager',
          'supervisor',
          'billing_specialist',
        ],
      },
      'request.dispatch': {
        description: 'Dispatch and transfer requests between units and support lines; hand over ownership',
        roles: ['agent', 'monitor', 'dispatcher', 'supervisor'],
      },
      'request.portal': {
        description:
          "The customer's portal: report a fault on my services, follow my requests, add a note, confirm or reject a resolution",
        roles: ['customer'],
      },
      'request.admin': {
        description: 'Edit request categories and the workflow of each kind',
        roles: ['system_admin'],
      },
    },
  });
}

export const serviceRequests = serviceRequestsModule();

export type { ServiceRequestsTables } from './service-requests.tables.ts';
export { openRequestsOf } from './open-requests.ts';
// For the SLA module's policy matrix: the kinds, priorities and categories a row may name.
export { activeCategories } from './category-lookup.ts';
export { KINDS, PRIORITIES, type Kind, type Priority } from './domain/catalogue.ts';
export { TMF621_BASE, TROUBLE_TICKET_EVENT_TYPES } from './tmf621/tmf621.mapper.ts';
export {
  fallbackRouting,
  type AssignmentInput,
  type PickAssignee,
  type RouteRequest,
  type RoutingDecision,
  type RoutingFacts,
  type RoutingPort,
} from './routing-port.ts';
// For the sla module (a step's actions on the request) and the customers module (a tier change, a
// service's location class or the customer's contract changed).
export { requestSlaPort, requestsServiceFactsChanged, requestsTierChanged } from './sla-port.ts';
export { requestSlaCustomerPort } from './sla-customer-port.ts';
// For the sla module's reports: the requests a caller may see, and a breach's circumstances.
export { requestReportPort } from './sla-report-port.ts';
// For the channels module (mail and SMS in, notices out); the registry builds it with the routing.
export {
  requestChannelPort,
  type Caller,
  type ChannelIntake,
  type RequestChannelPort,
  type RequestRef,
} from './channel-intake.ts';
