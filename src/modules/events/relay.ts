import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { sql } from 'kysely';
import type { Db } from './events.tables.ts';
import { startPollLoop, type PollLoop } from '../../platform/jobs/poll-loop.ts';
import type { Logger } from '../../platform/logger.ts';

export interface RelayOptions {
  db: Db;
  logger: Logger;
  /** NATS server URL(s), comma-separated. */
  servers: string;
  /** JetStream stream that keeps the events; created or updated on start. */
  stream?: string;
  /** Published subject = `<prefix>.<outbox subject>`; the stream takes `<prefix>.>`. */
  subjectPrefix?: string;
  batchSize?: number;
  pollMs?: number;
  /** How long a claimed batch stays with this relay before another one may take it (crash). */
  leaseMs?: number;
  publishTimeoutMs?: number;
  /** Delay before retry number `attempts` (default 2^attempts s, at most 5 min). */
  backoffMs?: (attempts: number) => number;
  /** Test hook: throw to make one publish fail. */
  beforePublish?: (event: { id: string; subject: string }) => void | Promise<void>;
}

export interface RelayRound {
  claimed: number;
  published: number;
  /** Of those, JetStream said it already had (same message id within its duplicate window). */
  duplicates: number;
  failed: number;
}

/** JetStream drops a repeated Nats-Msg-Id seen within this window. */
const DUPLICATE_WINDOW_NS = 2 * 60 * 1e9;

const defaultBackoff = (attempts: number) => Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9));

/**
 * Publishes the outbox to NATS JetStream. Each round claims a batch of due rows with
 * FOR UPDATE SKIP LOCKED and leases them (next_attempt_at moves ahead) in one short transaction,
 * so several relays on several nodes never take the same row and no lock is held while
 * publishing. Each event goes out with its id as Nats-Msg-Id: a row published twice (a relay that
 * died before marking it, a replay) is dropped by JetStream's de-duplication.
 */
export class OutboxRelay {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private loop: PollLoop | undefined;
  private stopping = false;
  private readonly stream: string;
  private readonly prefix: string;
  private readonly log: Logger;

  constructor(private readonly opts: RelayOptions) {
    this.stream = opts.stream ?? 'ONEPOINT';
    this.prefix = opts.subjectPrefix ?? 'onepoint';
    this.log = opts.logger.child({ component: 'outbox-relay' });
  }

  /** Connects (if not yet) and makes sure the stream exists with our subjects. */
  async connect(): Promise<void> {
    if (this.js) return;
    const nc = await connect({
      servers: this.opts.servers.split(',').map((s) => s.trim()),
      name: 'onepoint-outbox-relay',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 5000,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const subjects = [`${this.prefix}.>`];
      const existing = await jsm.streams.info(this.stream).catch(() => undefined);
      if (!existing) {
        await jsm.streams.add({ name: this.stream, subjects, duplicate_window: DUPLICATE_WINDOW_NS });
        this.log.info({ stream: this.stream, subjects }, 'created the JetStream stream');
      } else if (!subjects.every((s) => existing.config.subjects?.includes(s))) {
        await jsm.streams.update(this.stream, {
          subjects: [...new Set([...(existing.config.subjects ?? []), ...subjects])],
        });
        this.log.info({ stream: this.stream, subjects }, 'added our subjects to the JetStream stream');
      }
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
    this.nc = nc;
    this.js = jetstream(nc);
  }

  /** One round: claim due events, publish them in order, record the outcome. */
  async publishDue(): Promise<RelayRound> {
    await this.connect();
    const js = this.js!;
    const batch = this.opts.batchSize ?? 100;
    const leaseMs = this.opts.leaseMs ?? 30_000;
    const claimed = await sql<{ id: string; subject: string; payload: unknown; attempts: number }>`
      update outbox_events o
      set next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
      where o.id in (
        select id from outbox_events
        where published_at is null and next_attempt_at <= now()
        order by id
        limit ${batch}
        for update skip locked)
      returning o.id, o.subject, o.payload, o.attempts`.execute(this.opts.db);
    const rows = claimed.rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    const round: RelayRound = { claimed: rows.length, published: 0, duplicates: 0, failed: 0 };
    const done: string[] = [];
    const untried: string[] = [];
    let failedOnce = false;
    for (const row of rows) {
      // After a failure the rest of the batch waits for the next round (NATS down: one timeout
      // per round, not one per event); stopping: it goes back to the outbox at once.
      if (this.stopping || failedOnce) {
        untried.push(row.id);
        continue;
      }
      try {
        await this.opts.beforePublish?.({ id: row.id, subject: row.subject });
        const payload = typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload);
        const ack = await js.publish(`${this.prefix}.${row.subject}`, payload, {
          msgID: row.id,
          timeout: this.opts.publishTimeoutMs ?? 5000,
        });
        done.push(row.id);
        if (ack.duplicate) round.duplicates += 1;
      } catch (err) {
        failedOnce = true;
        round.failed += 1;
        const attempts = row.attempts + 1;
        const delay = (this.opts.backoffMs ?? defaultBackoff)(attempts);
        const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
        this.log.warn({ eventId: row.id, attempts, retryInMs: delay, error: message }, 'publish failed');
        await this.opts.db
          .updateTable('outbox_events')
          .set({
            attempts,
            last_error: message,
            next_attempt_at: sql`now() + make_interval(secs => ${delay / 1000})`,
          })
          .where('id', '=', row.id)
          .execute();
      }
    }
    if (done.length) {
      await this.opts.db
        .updateTable('outbox_events')
        .set({ published_at: sql`now()`, last_error: null })
        .where('id', 'in', done)
        .execute();
      round.published = done.length;
    }
    // Hand back what this relay claimed but did not try, rather than wait for the lease.
    if (untried.length)
      await this.opts.db
        .updateTable('outbox_events')
        .set({ next_attempt_at: sql`now()` })
        .where('id', 'in', untried)
        .execute();
    return round;
  }

  /** Publishes until nothing is due (the command line's replay; tests). */
  async drain(): Promise<RelayRound> {
    const total: RelayRound = { claimed: 0, published: 0, duplicates: 0, failed: 0 };
    for (;;) {
      const r = await this.publishDue();
      for (const k of Object.keys(total) as Array<keyof RelayRound>) total[k] += r[k];
      if (r.claimed === 0 || r.failed > 0 || this.stopping) return total;
    }
  }

  /** Runs rounds in the background until stop(): at once after a full batch, else every pollMs. */
  start(): void {
    if (this.loop) return;
    this.loop = startPollLoop({
      intervalMs: this.opts.pollMs ?? 500,
      round: async () => {
        const r = await this.publishDue();
        return {
          more: r.failed === 0 && r.claimed >= (this.opts.batchSize ?? 100),
          // NATS refused everything: back off as for an error.
          failed: r.failed > 0 && r.published === 0,
        };
      },
      onError: (err, failures) => this.log.error({ err, failures }, 'outbox relay round failed'),
    });
  }

  /** Finishes the round in progress (its untried events go back to the outbox), then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop?.stop();
    const nc = this.nc;
    this.nc = undefined;
    this.js = undefined;
    if (nc) await nc.drain().catch(() => nc.close());
  }
}
