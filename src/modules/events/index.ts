// The events module's public face: the transactional outbox, its relay to NATS JetStream and the
// TMF event hub (listeners registered with POST /hub, delivered to from the outbox).
export { eventsInit as eventsMigration, eventsHub as eventsHubMigration } from './events.migrations.ts';
export type { EventsTables } from './events.tables.ts';
export { recordEvent, outboxStatus, markForReplay, prunePublished, type NewEvent } from './outbox.ts';
export { OutboxRelay, type RelayOptions, type RelayRound } from './relay.ts';
export { startEvents, PRUNE_QUEUE, type EventsRuntime } from './events.service.ts';
export { eventRoutes } from './events.routes.ts';
export { hubRoutes, type HubRouteOptions } from './hub.routes.ts';
export { HubDelivery, type HubDeliveryOptions, type HubRound } from './hub-delivery.ts';
export type { HubApi } from './hub.service.ts';
export { SIGNATURE_HEADER, signBody, verifySignature } from './domain/signature.ts';
