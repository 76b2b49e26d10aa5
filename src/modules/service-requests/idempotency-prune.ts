/** Expired Idempotency-Keys (older than 24 h) are deleted hourly, once across nodes. */
import type { Clock } from '../../platform/clock.ts';
import { IDEMPOTENCY_TTL_MS } from './create-request.ts';
import type { Db, ModuleContext } from './service-requests.tables.ts';

export const IDEMPOTENCY_PRUNE_QUEUE = 'service-requests.idempotency-prune';

export async function pruneIdempotencyKeys(db: Db, clock: Clock): Promise<number> {
  const res = await db
    .deleteFrom('service_request_idempotency')
    .where('created_at', '<', new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function startIdempotencyPrune(ctx: ModuleContext & { supervise: boolean }): Promise<void> {
  if (!ctx.supervise) return;
  await ctx.jobs.define(IDEMPOTENCY_PRUNE_QUEUE);
  await ctx.jobs.work(IDEMPOTENCY_PRUNE_QUEUE, async () => {
    const n = await pruneIdempotencyKeys(ctx.db, ctx.clock);
    if (n) ctx.logger.info({ deleted: n }, 'pruned expired idempotency keys');
  });
  await ctx.jobs.schedule(IDEMPOTENCY_PRUNE_QUEUE, '23 * * * *');
}
