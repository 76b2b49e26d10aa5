import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Logger } from '../logger.ts';

export interface JobOptions {
  /** Deduplicate: a second job with the same key on the same queue is not added while one waits. */
  singletonKey?: string;
  startAfter?: Date | number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  priority?: number;
}

export type JobHandler<T> = (data: T, job: { id: string; name: string }) => Promise<void>;

/**
 * The work queue (pg-boss). It carries work only: deadlines that belong to the domain (SLA,
 * appointments) live in the domain's own tables, and a job just wakes the code that checks them.
 */
export interface JobQueue {
  /** Declares a queue; `dedupe` makes a repeated singletonKey a no-op while a job waits. */
  define(name: string, opts?: { dedupe?: boolean }): Promise<void>;
  send<T extends object>(name: string, data: T, opts?: JobOptions): Promise<string | null>;
  work<T extends object>(
    name: string,
    handler: JobHandler<T>,
    opts?: { concurrency?: number },
  ): Promise<void>;
  /** Waits for running handlers to finish (up to the grace period), then stops. */
  stop(graceMs: number): Promise<void>;
}

export interface QueueOptions {
  db: Kysely<unknown>;
  logger: Logger;
  /** Run maintenance and workers in this process. */
  supervise: boolean;
}

export async function startJobQueue(opts: QueueOptions): Promise<JobQueue> {
  const common = {
    schema: 'pgboss',
    supervise: opts.supervise,
    schedule: opts.supervise,
    migrate: true,
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
  };
  // pg-boss's SQL goes through our own connections: the pool on PostgreSQL, the single
  // serialised connection on the embedded engine.
  const boss = new PgBoss({
    ...common,
    db: {
      executeSql: async (text: string, values: unknown[]) => {
        const r = await opts.db.executeQuery(CompiledQuery.raw(text, values ?? []));
        return { rows: r.rows as unknown[] };
      },
    },
  });
  boss.on('error', (err) => opts.logger.error({ err }, 'job queue error'));
  await boss.start();
  const log = opts.logger.child({ component: 'jobs' });

  return {
    async define(name, defineOpts) {
      const existing = await boss.getQueue(name);
      if (!existing)
        await boss.createQueue(name, { name, policy: defineOpts?.dedupe ? 'singleton' : 'standard' });
    },
    async send(name, data, jobOpts) {
      return boss.send(name, data, {
        ...(jobOpts?.singletonKey ? { singletonKey: jobOpts.singletonKey } : {}),
        ...(jobOpts?.startAfter !== undefined
          ? {
              startAfter:
                jobOpts.startAfter instanceof Date
                  ? jobOpts.startAfter
                  : Math.ceil(jobOpts.startAfter / 1000),
            }
          : {}),
        ...(jobOpts?.retryLimit !== undefined ? { retryLimit: jobOpts.retryLimit } : {}),
        ...(jobOpts?.retryDelaySeconds !== undefined ? { retryDelay: jobOpts.retryDelaySeconds } : {}),
        ...(jobOpts?.priority !== undefined ? { priority: jobOpts.priority } : {}),
      });
    },
    async work(name, handler, workOpts) {
      await boss.work<object>(
        name,
        { batchSize: workOpts?.concurrency ?? 1, pollingIntervalSeconds: 1 },
        async (jobs) => {
          for (const job of jobs) {
            const started = Date.now();
            try {
              await handler(job.data as never, { id: job.id, name: job.name });
              log.debug({ job: job.id, queue: name, ms: Date.now() - started }, 'job done');
            } catch (err) {
              log.warn({ err, job: job.id, queue: name }, 'job failed');
              throw err;
            }
          }
        },
      );
    },
    async stop(graceMs) {
      await boss.stop({ graceful: true, wait: true, timeout: Math.max(graceMs, 1000) });
    },
  };
}
