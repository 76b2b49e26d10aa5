import { sql, type QueryCreator } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AnyTransaction } from '../../platform/db/executor.ts';
import type { EventsTables, Executor, Tx } from './events.tables.ts';

/** The TMF event envelope (TMF629 `Event`): what is stored and what is published, as is. */
export interface EventEnvelope {
  eventId: string;
  eventTime: string;
  eventType: string;
  '@type': string;
  domain: string;
  event: Record<string, unknown>;
}

export interface NewEvent {
  /** Below the relay's subject prefix, e.g. `customer.CustomerCreateEvent`. */
  subject: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  /** The envelope's `event` member (TMF629: `{ customer }`). Never raw personal information. */
  event: Record<string, unknown>;
  at?: Date;
}

/** The outbox row of an event, with its new id (also the envelope's eventId). */
function outboxRow(e: NewEvent) {
  const id = uuidv7();
  const envelope: EventEnvelope = {
    eventId: id,
    eventTime: (e.at ?? new Date()).toISOString(),
    eventType: e.eventType,
    '@type': e.eventType,
    domain: e.aggregateType,
    event: e.event,
  };
  return {
    id,
    subject: e.subject,
    event_type: e.eventType,
    aggregate_type: e.aggregateType,
    aggregate_id: e.aggregateId,
    payload: JSON.stringify(envelope),
  };
}

/**
 * Writes an event into the outbox inside the caller's transaction: it exists iff that transaction
 * commits. Returns the event id (also the JetStream message id, for de-duplication).
 */
export async function recordEvent(callerTx: AnyTransaction, e: NewEvent): Promise<string> {
  const trx: Tx = callerTx;
  const row = outboxRow(e);
  await trx.insertInto('outbox_events').values(row).execute();
  return row.id;
}

/**
 * The events as part of the caller's next statement instead of a statement of their own: the
 * query creator returned writes them in the WITH clause of whatever statement is built from it
 * (a write the use case makes anyway, in its transaction), which saves a round trip. They exist
 * exactly when that statement's transaction commits. No events: `qc` as it is.
 */
export function withEvents<DB>(qc: QueryCreator<DB>, events: readonly NewEvent[]): QueryCreator<DB> {
  if (events.length === 0) return qc;
  const own = qc as unknown as QueryCreator<EventsTables>;
  return own.with('outbox_recorded', (db) =>
    db.insertInto('outbox_events').values(events.map(outboxRow)),
  ) as unknown as QueryCreator<DB>;
}

export interface OutboxStatus {
  unpublished: number;
  /** Seconds since the oldest unpublished event was recorded (0 when none waits). */
  oldestUnpublishedAgeSeconds: number;
  /** Unpublished events whose last publish attempt failed. */
  failing: number;
  /** Failed attempts summed over unpublished events. */
  failedAttempts: number;
  lastError: string | null;
  published: number;
  lastPublishedAt: string | null;
}

export async function outboxStatus(db: Executor): Promise<OutboxStatus> {
  const r = await sql<{
    unpublished: string;
    oldest: Date | string | null;
    failing: string;
    failed_attempts: string;
    published: string;
    last_published: Date | string | null;
    now: Date | string;
  }>`
    select
      count(*) filter (where published_at is null) as unpublished,
      min(created_at) filter (where published_at is null) as oldest,
      count(*) filter (where published_at is null and attempts > 0) as failing,
      coalesce(sum(attempts) filter (where published_at is null), 0) as failed_attempts,
      count(*) filter (where published_at is not null) as published,
      max(published_at) as last_published,
      now() as now
    from outbox_events`.execute(db);
  const row = r.rows[0]!;
  const lastError = await db
    .selectFrom('outbox_events')
    .select('last_error')
    .where('published_at', 'is', null)
    .where('last_error', 'is not', null)
    .orderBy('next_attempt_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const ms = (d: Date | string) => new Date(d).getTime();
  return {
    unpublished: Number(row.unpublished),
    oldestUnpublishedAgeSeconds: row.oldest
      ? Math.max(0, Math.round((ms(row.now) - ms(row.oldest)) / 1000))
      : 0,
    failing: Number(row.failing),
    failedAttempts: Number(row.failed_attempts),
    lastError: lastError?.last_error ?? null,
    published: Number(row.published),
    lastPublishedAt: row.last_published ? new Date(row.last_published).toISOString() : null,
  };
}

/**
 * Marks events recorded since `since` for publishing again (the relay sends them with their
 * original ids, so JetStream drops those it still remembers within its duplicate window).
 */
export async function markForReplay(
  db: Executor,
  since: Date,
  opts: { aggregateType?: string } = {},
): Promise<number> {
  let q = db
    .updateTable('outbox_events')
    .set({ published_at: null, attempts: 0, next_attempt_at: sql`now()`, last_error: null })
    .where('created_at', '>=', since);
  if (opts.aggregateType) q = q.where('aggregate_type', '=', opts.aggregateType);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Deletes published events older than `days` days. Never pruned: unpublished events, events the
 * hub fan-out has yet to see (newer than an active listener), events still queued for an in-process
 * consumer, and events with a hub delivery still
 * pending (their deliveries and attempt history go with the event).
 */
export async function prunePublished(db: Executor, days: number): Promise<number> {
  const r = await db
    .deleteFrom('outbox_events')
    .where('published_at', 'is not', null)
    .where('published_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    // Not yet fanned out although an active listener is older: the hub still needs it.
    .where(
      sql<boolean>`not coalesce(hub_fanout_at is null
        and id > (select h.id from event_hubs h where h.deleted_at is null order by h.id limit 1), false)`,
    )
    // Still queued for an in-process consumer (the notices): it has yet to read it.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox_consumer_queue as q')
            .select(sql`1`.as('one'))
            .whereRef('q.event_id', '=', 'outbox_events.id'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('hub_deliveries as d')
            .select(sql`1`.as('one'))
            .whereRef('d.event_id', '=', 'outbox_events.id')
            .where('d.status', '=', 'pending'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
