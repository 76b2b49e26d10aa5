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
  /**
   * Declares a queue (before sending to it). `dedupe` makes a repeated singletonKey a no-op while
   * a job with that key waits; every job sent to such a queue must carry a singletonKey.
   */
  define(name: string, opts?: { dedupe?: boolean }): Promise<void>;
  /** Adds a job; returns its id, or null when a waiting job with the same singletonKey exists. */
  send<T extends object>(name: string, data: T, opts?: JobOptions): Promise<string | null>;
  /**
   * Runs `handler` for each job of the queue, `concurrency` at a time. Each job succeeds or fails
   * (and is retried) on its own. A no-op when this process does not run workers (ONEPOINT_JOBS=off).
   */
  work<T extends object>(
    name: string,
    handler: JobHandler<T>,
    opts?: { concurrency?: number; pollingIntervalSeconds?: number },
  ): Promise<void>;
  /**
   * Runs a job on the queue on a cron schedule (UTC), once across all processes. Schedules are
   * kept in the database; declaring one again replaces it.
   */
  schedule(name: string, cron: string, data?: object): Promise<void>;
  /** Stops fetching, waits for running handlers (up to the grace period), then stops. */
  stop(graceMs: number): Promise<void>;
}

export interface QueueOptions {
  db: Kysely<unknown>;
  logger: Logger;
  /** Run maintenance, schedules and workers in this process. */
  supervise: boolean;
}

// Deduplicated queues use pg-boss's 'short' policy: at most one *waiting* job per singletonKey.
// ('singleton' would limit *active* jobs instead, and let duplicates pile up while they wait.)
const DEDUPE_POLICY = 'short';
/** PostgreSQL's SQLSTATE for a transaction cancelled to break a deadlock. */
const DEADLOCK = '40P01';

export async function startJobQueue(opts: QueueOptions): Promise<JobQueue> {
  const log = opts.logger.child({ component: 'jobs' });
  // Every statement pg-boss sends, so that stop() can let the last ones (a job's completion,
  // which pg-boss does not await) finish before the database is closed.
  const inFlight = new Set<Promise<unknown>>();
  let running = 0;
  let stopping: Promise<void> | undefined;
  const dedupeQueues = new Set<string>();

  // pg-boss's SQL goes through our own connections: the pool on PostgreSQL, the single
  // serialised connection on the embedded engine.
  const boss = new PgBoss({
    schema: 'pgboss',
    supervise: opts.supervise,
    schedule: opts.supervise,
    migrate: true,
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    db: {
      executeSql: (text: string, values: unknown[]) => {
        const p = opts.db
          .executeQuery(CompiledQuery.raw(text, values ?? []))
          .then((r) => ({ rows: r.rows as unknown[] }));
        inFlight.add(p);
        const forget = () => inFlight.delete(p);
        p.then(forget, forget);
        return p;
      },
    },
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();

  const settleInFlight = async (deadline: number) => {
    while (inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
      ]);
    }
  };

  return {
    async define(name, defineOpts) {
      const policy = defineOpts?.dedupe ? DEDUPE_POLICY : 'standard';
      if (defineOpts?.dedupe) dedupeQueues.add(name);
      // Two worker processes starting at once both create the queue; pg-boss's create_queue can
      // then deadlock (its insert into pgboss.queue against the other's partition attach), and
      // PostgreSQL cancels one of them. The loser rolled back whole: look again and retry.
      for (let attempt = 1; ; attempt++) {
        try {
          const existing = await boss.getQueue(name);
          if (!existing) {
            await boss.createQueue(name, { name, policy });
          } else if ((existing.policy ?? 'standard') !== policy) {
            // pg-boss cannot change a queue's policy in place; say so rather than silently differ.
            log.warn({ queue: name, existing: existing.policy, wanted: policy }, 'queue policy differs');
          }
          return;
        } catch (err) {
          if ((err as { code?: unknown }).code !== DEADLOCK || attempt >= 5) throw err;
          log.info({ queue: name, attempt }, 'another process was creating this queue; trying again');
          await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
        }
      }
    },

    async send(name, data, jobOpts) {
      if (dedupeQueues.has(name) && !jobOpts?.singletonKey) {
        // Without a key every job would share one slot and silently replace each other.
        throw new Error(`queue ${name} deduplicates: send needs a singletonKey`);
      }
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

    async schedule(name, cron, data) {
      await boss.schedule(name, cron, data ?? {}, { tz: 'UTC' });
    },

    async work(name, handler, workOpts) {
      if (!opts.supervise) {
        log.debug({ queue: name }, 'workers are off in this process; not working this queue');
        return;
      }
      // One pg-boss worker per unit of concurrency, one job per fetch: a failure fails only its
      // own job (a batch would fail, and retry, the jobs that had already succeeded).
      const concurrency = Math.max(1, workOpts?.concurrency ?? 1);
      for (let i = 0; i < concurrency; i++) {
        await boss.work<object>(
          name,
          { batchSize: 1, pollingIntervalSeconds: workOpts?.pollingIntervalSeconds ?? 1 },
          async ([job]) => {
            if (!job) return;
            if (stopping) throw new Error('job queue is stopping; the job will be retried');
            running += 1;
            const started = Date.now();
            try {
              await handler(job.data as never, { id: job.id, name: job.name });
              log.debug({ job: job.id, queue: name, ms: Date.now() - started }, 'job done');
            } catch (err) {
              log.warn({ err, job: job.id, queue: name }, 'job failed');
              throw err;
            } finally {
              running -= 1;
            }
          },
        );
      }
    },

    stop(graceMs) {
      stopping ??= (async () => {
        const deadline = Date.now() + Math.max(graceMs, 1000);
        // pg-boss stops fetching, waits for handlers in progress (failing, for a later retry,
        // any still running at the deadline) ...
        await boss.stop({ graceful: true, wait: true, close: false, timeout: Math.max(graceMs, 1000) });
        // ... but not for a handler whose fetch was answered just as it stopped, nor for the
        // completion it sends last: wait for those too before the caller closes the database.
        while (running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await settleInFlight(deadline);
      })();
      return stopping;
    },
  };
}
