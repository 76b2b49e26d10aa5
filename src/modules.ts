// The registry: every module, listed once. The server, the migrations, the command line, the demo
// data and the database type read this list. Adding a module is one line here (its definition is
// in its own index.ts). Order matters for start-up hooks, demo data (the org tree before the
// customers it serves) and the order of the OpenAPI document (web/src/api is generated from it);
// migrations are applied in name order whatever the order here.
import { attachments } from './modules/attachments/index.ts';
import { audit } from './modules/audit/index.ts';
import { channelsModule } from './modules/channels/index.ts';
import { customersWith, onCustomerTierChange, onServiceFactsChange } from './modules/customers/index.ts';
import { events, setWebhookEventTypes } from './modules/events/index.ts';
import { identity } from './modules/identity/index.ts';
import { phrases } from './modules/phrases/index.ts';
import { products } from './modules/products/index.ts';
import { pickAssignee, routeRequest, routing } from './modules/routing/index.ts';
import { security } from './modules/security/index.ts';
import {
  openRequestsOf,
  requestChannelPort,
  requestSlaCustomerPort,
  requestReportPort,
  requestSlaPort,
  requestsServiceFactsChanged,
  requestsTierChanged,
  serviceRequestsModule,
} from './modules/service-requests/index.ts';
import { slaModule } from './modules/sla/index.ts';
import { checkModules } from './platform/module.ts';

// Customers' 360 view lists open service requests (customers cannot import the module that reads
// it); service requests route through the routing module's rules and assignment (a port, so
// neither module imports the other).
const customers = customersWith({ openRequests: openRequestsOf });
const serviceRequests = serviceRequestsModule({ routeRequest, pickAssignee });
// Mail and SMS become requests routed like any other (the same routing port).
const channels = channelsModule(requestChannelPort({ routeRequest, pickAssignee }));
// SLA steps act on requests (timeline, priority, support line) through service requests' port; a
// customer's tier change, a service's location class or the customer's contract recompute the
// clocks of its open requests; a customer's SLA report asks service requests which requests are the
// customer's. SLA reports join the clocks on the requests a caller may see (service requests' data
// scope).
const sla = slaModule({ ...requestSlaPort, ...requestSlaCustomerPort }, requestReportPort);
onCustomerTierChange(requestsTierChanged);
onServiceFactsChange(requestsServiceFactsChanged);

export const modules = [
  identity,
  audit,
  customers,
  products,
  routing,
  serviceRequests,
  sla,
  attachments,
  phrases,
  events,
  security,
  channels,
] as const;

checkModules(modules);
// Outbound webhooks may subscribe to any event a module records.
setWebhookEventTypes(modules.flatMap((m) => m.eventTypes ?? []));
