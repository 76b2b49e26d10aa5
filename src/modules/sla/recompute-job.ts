/**
 * The `sla.recompute` queue: after a policy write, the policy API sends `{ reason, policyCodes }`;
 * the worker recomputes the open clocks those rows can affect (`recomputeForPolicies`). The job's
 * id is the run's: a job retried after a crash resumes after the run's last committed chunk.
 * Jobs are not deduplicated: two policy writes are two runs (their chunks take turns).
 */
import type { JobQueue } from '../../platform/jobs/queue.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { recomputeForPolicies } from './policy-recompute.ts';
import type { Db } from './sla.tables.ts';

export const RECOMPUTE_QUEUE = 'sla.recompute';

export interface RecomputeJob {
  reason: string;
  policyCodes: string[];
}

/** Declares the queue (harmless when the policy API declared it too). */
export async function defineRecomputeQueue(jobs: JobQueue): Promise<void> {
  await jobs.define(RECOMPUTE_QUEUE);
}

export async function workRecompute(deps: { db: Db; jobs: JobQueue; clock: Clock; logger: Logger }) {
  await deps.jobs.work<RecomputeJob>(RECOMPUTE_QUEUE, async (data, job) => {
    const started = Date.now();
    const reason =
      typeof data.reason === 'string' && data.reason ? data.reason.slice(0, 300) : 'policy change';
    const codes = Array.isArray(data.policyCodes)
      ? data.policyCodes.filter((c) => typeof c === 'string')
      : [];
    const r = await recomputeForPolicies(
      deps.db,
      { reason, policyCodes: codes, runId: `job:${job.id}` },
      deps.clock.now(),
    );
    deps.logger.info({ ...r, policyCodes: codes, ms: Date.now() - started }, 'SLA clocks recomputed');
  });
}
