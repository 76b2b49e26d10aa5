/**
 * In-process consumers of the outbox (the channels module's notices). A consumer registers the
 * event types it takes (`registerConsumer`); from then on the outbox's trigger queues each such
 * event for it in the transaction that records the event (migration 0040), so an event is queued
 * exactly when its transaction commits, however late — nothing is missed and nothing is read
 * twice, on PostgreSQL and PGlite alike, with or without NATS. `consumeQueued` claims the queue
 * with `FOR UPDATE SKIP LOCKED` and a lease, so several processes share the work.
 */
import { sql } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { EventEnvelope } from './outbox.ts';
import type { Executor } from './events.tables.ts';

export interface ConsumedEvent {
  id: string;
  eventType: string;
  aggregateId: string;
  createdAt: Date;
  envelope: EventEnvelope;
}

const toConsumed = (r: {
  id: string;
  event_type: string;
  aggregate_id: string;
  created_at: Date;
  payload: unknown;
}): ConsumedEvent => ({
  id: r.id,
  eventType: r.event_type,
  aggregateId: r.aggregate_id,
  createdAt: new Date(r.created_at),
  envelope: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as EventEnvelope,
});

/**
 * Registers an in-process consumer: from now on every committed event of `eventTypes` is queued
 * for it (by the outbox's trigger, in the event's own transaction). Idempotent; a changed list of
 * types applies to events recorded afterwards. On the first registration, `backfillSince` queues
 * the events of those types already recorded since then (a consumer moving from a cursor).
 */
export async function registerConsumer(
  callerDb: AnyExecutor,
  consumer: { name: string; eventTypes: readonly string[]; now: Date; backfillSince?: Date },
): Promise<{ created: boolean }> {
  const db: Executor = callerDb;
  const existing = await db
    .selectFrom('outbox_consumers')
    .select('event_types')
    .where('name', '=', consumer.name)
    .executeTakeFirst();
  const types = [...consumer.eventTypes].sort();
  if (existing) {
    if ([...existing.event_types].sort().join() !== types.join())
      await db
        .updateTable('outbox_consumers')
        .set({ event_types: types })
        .where('name', '=', consumer.name)
        .execute();
    return { created: false };
  }
  const inserted = await db
    .insertInto('outbox_consumers')
    .values({ name: consumer.name, event_types: types, created_at: consumer.now })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  if (inserted && consumer.backfillSince)
    await db
      .insertInto('outbox_consumer_queue')
      .columns(['consumer', 'event_id'])
      .expression((eb) =>
        eb
          .selectFrom('outbox_events')
          .select([eb.val(consumer.name).as('consumer'), 'id'])
          .where('event_type', 'in', types)
          .where('created_at', '>=', consumer.backfillSince!),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  return { created: inserted !== undefined };
}

export interface ConsumeRound {
  handled: number;
  failed: number;
  /** A full batch was claimed: more may wait. */
  more: boolean;
}

/**
 * One round of a queued consumer: claims up to `limit` of its waiting events (`FOR UPDATE SKIP
 * LOCKED` and a lease of `leaseMs`, in one short transaction: several processes never take the
 * same event, and no lock is held while handling), hands each to `handle` in recording order, and
 * removes it when handled. An event whose handler throws stays queued and comes again after a
 * back-off (30 s doubling up to 1 h). A worker that dies mid-round leaves its events to come due
 * when the lease ends: delivery is at least once, so handlers are idempotent.
 */
export async function consumeQueued(
  callerDb: AnyExecutor,
  opts: { consumer: string; limit: number; now: Date; leaseMs?: number },
  handle: (e: ConsumedEvent) => Promise<void>,
): Promise<ConsumeRound> {
  const db: Executor = callerDb;
  const { consumer, now } = opts;
  const ids = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox_consumer_queue')
      .select('event_id')
      .where('consumer', '=', consumer)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .orderBy('event_id')
      .limit(opts.limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return [];
    const claimed = rows.map((r) => r.event_id);
    await trx
      .updateTable('outbox_consumer_queue')
      .set({ locked_until: new Date(now.getTime() + (opts.leaseMs ?? 60_000)) })
      .where('consumer', '=', consumer)
      .where('event_id', 'in', claimed)
      .execute();
    return claimed;
  });
  if (ids.length === 0) return { handled: 0, failed: 0, more: false };
  const rows = await db
    .selectFrom('outbox_events')
    .select(['id', 'event_type', 'aggregate_id', 'created_at', 'payload'])
    .where('id', 'in', ids)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  let handled = 0;
  let failed = 0;
  for (const r of rows) {
    try {
      await handle(toConsumed(r));
      await db
        .deleteFrom('outbox_consumer_queue')
        .where('consumer', '=', consumer)
        .where('event_id', '=', r.id)
        .execute();
      handled += 1;
    } catch (err) {
      failed += 1;
      await db
        .updateTable('outbox_consumer_queue')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: String((err as Error)?.message ?? err).slice(0, 2000),
          // 30 s doubling with each failure, at most an hour.
          locked_until: sql<Date>`${now}::timestamptz + make_interval(secs => least(3600, 30 * power(2, ${eb.ref('attempts')})))`,
        }))
        .where('consumer', '=', consumer)
        .where('event_id', '=', r.id)
        .execute();
    }
  }
  return { handled, failed, more: ids.length === opts.limit };
}
