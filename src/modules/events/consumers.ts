/**
 * In-process consumers of the outbox (the channels module's notices): events of some types
 * recorded after a point, oldest first. A consumer keeps its own cursor and reads again from a
 * little before it (`lookbackMs`): a transaction that started earlier may commit after later ones,
 * so its event appears behind the cursor. The consumer skips the events it has handled by id.
 */
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

/**
 * Events of `eventTypes` after the cursor `after` (created_at, id), oldest first; with `until`,
 * only those recorded up to then (a consumer's look back over a window it has passed).
 */
export async function eventsSince(
  callerDb: AnyExecutor,
  opts: {
    after: { at: Date; id: string } | null;
    until?: Date;
    eventTypes: readonly string[];
    limit: number;
  },
): Promise<ConsumedEvent[]> {
  const db: Executor = callerDb;
  let q = db
    .selectFrom('outbox_events')
    .select(['id', 'event_type', 'aggregate_id', 'created_at', 'payload'])
    .where('event_type', 'in', [...opts.eventTypes])
    .orderBy('created_at')
    .orderBy('id')
    .limit(opts.limit);
  const after = opts.after;
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '>', after.at),
        eb.and([eb('created_at', '=', after.at), eb('id', '>', after.id)]),
      ]),
    );
  if (opts.until) q = q.where('created_at', '<=', opts.until);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    eventType: r.event_type,
    aggregateId: r.aggregate_id,
    createdAt: new Date(r.created_at),
    envelope: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as EventEnvelope,
  }));
}
