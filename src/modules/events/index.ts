// The events module's public face: the transactional outbox, its relay to NATS JetStream and the
// TMF event hub (listeners registered with POST /hub, delivered to from the outbox).
import { defineModule } from '../../platform/module.ts';
import { registerEventCommands } from './events.cli.ts';
import { eventsMigrations } from './events.migrations.ts';
import { eventRoutes } from './events.routes.ts';
import { webhookRoutes } from './webhooks.routes.ts';
import { startEvents } from './events.service.ts';
import { rotateEventSecrets } from './hub-secrets.ts';
import type { EventsTables } from './events.tables.ts';

export const events = defineModule<EventsTables>({
  name: 'events',
  migrations: eventsMigrations,
  routes: [{ plugin: eventRoutes }, { plugin: webhookRoutes }],
  start: startEvents,
  cli: registerEventCommands,
  // Webhooks' and TMF listeners' signing secrets (`onepoint rotate-keys`).
  rotateKeys: (ctx, rotation) => rotateEventSecrets(ctx.db, rotation),
  permissions: {
    'events.read': {
      description: 'See the event outbox (events waiting for NATS, failures)',
      roles: ['system_admin'],
    },
    'webhook.manage': {
      description: 'Register, watch, replay and remove outbound webhooks (signed event deliveries)',
      roles: ['system_admin'],
    },
    'events.subscribe': {
      description: 'Register and remove TMF event listeners (POST /hub) that receive events by callback',
      roles: ['system_admin'],
    },
  },
});

export {
  recordEvent,
  withEvents,
  outboxStatus,
  markForReplay,
  prunePublished,
  type NewEvent,
} from './outbox.ts';
export { OutboxRelay, type RelayOptions, type RelayRound } from './relay.ts';
export { startEvents, PRUNE_QUEUE, type EventsRuntime } from './events.service.ts';
export { eventRoutes } from './events.routes.ts';
export { hubRoutes, type HubRouteOptions } from './hub.routes.ts';
export { HubDelivery, type HubDeliveryOptions, type HubRound } from './hub-delivery.ts';
export type { HubApi } from './hub.service.ts';
export { rotateEventSecrets, secretReader } from './hub-secrets.ts';
export { SIGNATURE_HEADER, signBody, verifySignature } from './domain/signature.ts';
export {
  setWebhookEventTypes,
  webhookEventTypes,
  registerWebhook,
  listWebhooks,
  webhookDeliveries,
  replayDelivery,
  deleteWebhook,
} from './webhooks.service.ts';
export { WEBHOOK_SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './domain/signature.ts';
// In-process consumers (the channels module's notices) read the outbox through this.
export { registerConsumer, consumeQueued, type ConsumedEvent, type ConsumeRound } from './consumers.ts';
export type { EventEnvelope } from './outbox.ts';
