// The events module's public face: the transactional outbox and its relay to NATS JetStream.
export { eventsInit as eventsMigration } from './events.migrations.ts';
export type { EventsTables } from './events.tables.ts';
export { recordEvent, outboxStatus, markForReplay, prunePublished, type NewEvent } from './outbox.ts';
export { OutboxRelay, type RelayOptions, type RelayRound } from './relay.ts';
export { startEvents, PRUNE_QUEUE, type EventsRuntime } from './events.service.ts';
export { eventRoutes } from './events.routes.ts';
