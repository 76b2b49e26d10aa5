import type { Config } from '../../config.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import type { Db } from './events.tables.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/logger.ts';
import { HubDelivery } from './hub-delivery.ts';
import { prunePublished } from './outbox.ts';
import { PiiVault } from '../../platform/pii/vault.ts';
import { OutboxRelay } from './relay.ts';

export const PRUNE_QUEUE = 'events.prune';

export interface EventsRuntime {
  relay: OutboxRelay | undefined;
  hub: HubDelivery | undefined;
  stop(): Promise<void>;
}

/**
 * In a process that runs workers: the daily pruning of published events (through the job queue,
 * once across nodes), the TMF hub delivery (always: it does not need NATS) and the outbox relay
 * when NATS_URL is set. Elsewhere: nothing runs here, and events wait in the outbox for a process
 * that does.
 */
export async function startEvents(opts: {
  db: Db;
  config: Config;
  logger: Logger;
  jobs: JobQueue;
  supervise: boolean;
  clock?: Clock;
}): Promise<EventsRuntime> {
  const log = opts.logger.child({ component: 'events' });
  if (!opts.supervise) return { relay: undefined, hub: undefined, stop: async () => {} };
  await opts.jobs.define(PRUNE_QUEUE);
  await opts.jobs.work(PRUNE_QUEUE, async () => {
    const n = await prunePublished(opts.db, opts.config.outboxRetentionDays);
    if (n)
      log.info({ deleted: n, retentionDays: opts.config.outboxRetentionDays }, 'pruned published events');
  });
  await opts.jobs.schedule(PRUNE_QUEUE, '17 3 * * *');
  const hub = new HubDelivery({
    db: opts.db,
    clock: opts.clock ?? systemClock,
    logger: opts.logger,
    allowPrivate: opts.config.allowPrivateCallbacks,
    maxAttempts: opts.config.hubMaxAttempts,
    vault: new PiiVault(opts.config.piiKeys),
  });
  hub.start();
  if (!opts.config.natsUrl) {
    log.warn('NATS_URL is not set: events are recorded in the outbox but not published to NATS');
    return { relay: undefined, hub, stop: () => hub.stop() };
  }
  const relay = new OutboxRelay({
    db: opts.db,
    logger: opts.logger,
    servers: opts.config.natsUrl,
    stream: opts.config.eventsStream,
    subjectPrefix: opts.config.eventsSubjectPrefix,
  });
  relay.start();
  log.info({ nats: opts.config.natsUrl }, 'outbox relay started');
  return {
    relay,
    hub,
    stop: async () => {
      await Promise.all([relay.stop(), hub.stop()]);
    },
  };
}
