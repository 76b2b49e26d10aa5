import type { Config } from '../../config.ts';
import type { Db } from './events.tables.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/logger.ts';
import { prunePublished } from './outbox.ts';
import { OutboxRelay } from './relay.ts';

export const PRUNE_QUEUE = 'events.prune';

export interface EventsRuntime {
  relay: OutboxRelay | undefined;
  stop(): Promise<void>;
}

/**
 * In a process that runs workers: the daily pruning of published events (through the job queue,
 * once across nodes) and the outbox relay when NATS_URL is set. Elsewhere: nothing runs here, and
 * events wait in the outbox for a process that does.
 */
export async function startEvents(opts: {
  db: Db;
  config: Config;
  logger: Logger;
  jobs: JobQueue;
  supervise: boolean;
}): Promise<EventsRuntime> {
  const log = opts.logger.child({ component: 'events' });
  if (!opts.supervise) return { relay: undefined, stop: async () => {} };
  await opts.jobs.define(PRUNE_QUEUE);
  await opts.jobs.work(PRUNE_QUEUE, async () => {
    const n = await prunePublished(opts.db, opts.config.outboxRetentionDays);
    if (n)
      log.info({ deleted: n, retentionDays: opts.config.outboxRetentionDays }, 'pruned published events');
  });
  await opts.jobs.schedule(PRUNE_QUEUE, '17 3 * * *');
  if (!opts.config.natsUrl) {
    log.warn('NATS_URL is not set: events are recorded in the outbox but not published');
    return { relay: undefined, stop: async () => {} };
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
  return { relay, stop: () => relay.stop() };
}
