/**
 * Delivers outbox events to TMF hub listeners, apart from any request and from NATS:
 *
 * 1. fan-out: claims outbox events not yet fanned out (FOR UPDATE SKIP LOCKED) and writes one
 *    `hub_deliveries` row per matching listener — a listener gets the events recorded after it
 *    registered, of its API's types, narrowed by its query;
 * 2. delivery: claims due pending deliveries (FOR UPDATE SKIP LOCKED, leased by moving
 *    next_attempt_at ahead) in one short transaction, POSTs each envelope to its callback with an
 *    HMAC signature, and records the attempt: delivered, retry later (back-off), or given up.
 *
 * Several workers (processes, nodes) never take the same delivery for the same attempt. A worker
 * that dies after the POST but before recording it leaves the delivery to come due again when
 * its lease ends: delivery is at least once, and receivers de-duplicate by `eventId`.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { sql } from 'kysely';
import type { Db } from './events.tables.ts';
import type { Clock } from '../../platform/clock.ts';
import { startPollLoop, type PollLoop } from '../../platform/jobs/poll-loop.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { deliveryBackoffMs } from './domain/backoff.ts';
import { hostOf, isPublicAddress } from './domain/callback-address.ts';
import { hubMatches, storedHubFilter, type HubFilter } from './domain/hub-query.ts';
import { secretReader } from './hub-secrets.ts';
import { SIGNATURE_HEADER, signBody, signWebhook, WEBHOOK_SIGNATURE_HEADER } from './domain/signature.ts';

export interface HubDeliveryOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Callbacks on loopback/private addresses are allowed (ONEPOINT_ALLOW_PRIVATE_CALLBACKS). */
  allowPrivate: boolean;
  /** Failed attempts after which a delivery is given up. */
  maxAttempts: number;
  batchSize?: number;
  pollMs?: number;
  /** Per request; a slower listener's attempt fails. */
  timeoutMs?: number;
  /** How long a claimed delivery stays with this worker (longer than a request can take). */
  leaseMs?: number;
  /** POSTs in flight at once per worker. */
  concurrency?: number;
  backoffMs?: (attempts: number) => number;
  /** Decrypts the listeners' signing secrets (hub-secrets.ts). */
  vault: PiiVault;
}

export interface HubRound {
  fannedOut: number;
  claimed: number;
  delivered: number;
  failed: number;
  gaveUp: number;
}

interface Claimed {
  event_id: string;
  hub_id: string;
  attempts: number;
  attempts_before_replay: number;
  callback: string;
  secret: string;
  kind: 'hub' | 'webhook';
  event_type: string;
  payload: unknown;
}

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

class NonPublicAddressError extends Error {}

/** dns.lookup that refuses non-public answers, so the check holds for the address connected to. */
function publicOnlyLookup(
  hostname: string,
  options: object,
  callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
): void {
  dnsLookup(hostname, { ...options, verbatim: true } as never, (err, address, family) => {
    if (err) return callback(err, address);
    const list: LookupAddress[] = Array.isArray(address)
      ? (address as LookupAddress[])
      : [{ address: address as unknown as string, family: family ?? 4 }];
    if (list.length === 0 || !list.every((a) => isPublicAddress(a.address)))
      return callback(new NonPublicAddressError(`${hostname} resolves to a non-public address`), address);
    callback(null, address, family);
  });
}

const MAX_ERROR = 2000;

export class HubDelivery {
  private loop: PollLoop | undefined;
  private stopping = false;
  private readonly log: Logger;
  private readonly secretOf: ReturnType<typeof secretReader>;

  constructor(private readonly opts: HubDeliveryOptions) {
    this.log = opts.logger.child({ component: 'hub-delivery' });
    this.secretOf = secretReader(opts.vault);
  }

  /** Makes the deliveries of events not yet fanned out; returns how many events it took. */
  async fanOut(): Promise<number> {
    const batch = this.opts.batchSize ?? 100;
    return this.opts.db.transaction().execute(async (trx) => {
      // Only events newer than the oldest active listener can go anywhere: with no listener this
      // finds nothing and writes nothing (the outbox's write path costs the same as without a hub).
      const events = await sql<{ id: string; event_type: string; payload: unknown }>`
        select id, event_type, payload from outbox_events
        where hub_fanout_at is null
          and id > (select id from event_hubs where deleted_at is null order by id limit 1)
        order by id
        limit ${batch}
        for update skip locked`.execute(trx);
      if (events.rows.length === 0) return 0;
      const hubs = await trx
        .selectFrom('event_hubs')
        .select(['id', 'query', 'event_types'])
        .where('deleted_at', 'is', null)
        .execute();
      const filters = new Map<string, HubFilter>();
      for (const h of hubs) {
        const f = storedHubFilter(h.query, h.event_types);
        if ('filter' in f) filters.set(h.id, f.filter);
        else
          this.log.error({ hubId: h.id, problem: f.problem }, 'a listener query no longer parses; skipped');
      }
      const now = this.opts.clock.now();
      const rows: Array<{ event_id: string; hub_id: string; next_attempt_at: Date }> = [];
      for (const e of events.rows) {
        const envelope = (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as Record<
          string,
          unknown
        >;
        for (const h of hubs) {
          const filter = filters.get(h.id);
          // UUIDv7 ids: a listener gets the events recorded after it registered.
          if (filter && e.id > h.id && hubMatches(filter, { ...envelope, eventType: e.event_type }))
            rows.push({ event_id: e.id, hub_id: h.id, next_attempt_at: now });
        }
      }
      if (rows.length)
        await trx
          .insertInto('hub_deliveries')
          .values(rows)
          .onConflict((oc) => oc.doNothing())
          .execute();
      await trx
        .updateTable('outbox_events')
        .set({ hub_fanout_at: now })
        .where(
          'id',
          'in',
          events.rows.map((e) => e.id),
        )
        .execute();
      return events.rows.length;
    });
  }

  /** Claims due deliveries and leases them to this worker, in one short transaction. */
  private async claim(): Promise<Claimed[]> {
    const now = this.opts.clock.now();
    const lease = new Date(now.getTime() + (this.opts.leaseMs ?? 60_000));
    const r = await sql<Claimed>`
      with due as (
        select d.event_id, d.hub_id from hub_deliveries d
        where d.status = 'pending' and d.next_attempt_at <= ${now}
        order by d.next_attempt_at, d.event_id
        limit ${this.opts.batchSize ?? 100}
        for update skip locked),
      leased as (
        update hub_deliveries d set next_attempt_at = ${lease}
        from due where d.event_id = due.event_id and d.hub_id = due.hub_id
        returning d.event_id, d.hub_id, d.attempts, d.attempts_before_replay)
      select l.event_id, l.hub_id, l.attempts, l.attempts_before_replay, h.callback, h.secret, h.kind,
        o.event_type, o.payload
      from leased l
      join event_hubs h on h.id = l.hub_id
      join outbox_events o on o.id = l.event_id
      order by l.event_id`.execute(this.opts.db);
    return r.rows;
  }

  /** One POST of one envelope to one callback. Never throws: the outcome says what happened. */
  private post(d: Claimed): Promise<Outcome> {
    const started = Date.now();
    const body = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload);
    const done = (ok: boolean, statusCode: number | null, error: string | null): Outcome => ({
      ok,
      statusCode,
      error: error?.slice(0, MAX_ERROR) ?? null,
      durationMs: Date.now() - started,
    });
    let url: URL;
    try {
      url = new URL(d.callback);
    } catch {
      return Promise.resolve(done(false, null, 'the callback is not a valid URL'));
    }
    const host = hostOf(url);
    if (!this.opts.allowPrivate && isIP(host) && !isPublicAddress(host))
      return Promise.resolve(done(false, null, `${host} is a non-public address`));
    const client = url.protocol === 'https:' ? https : http;
    let secret: string;
    try {
      secret = this.secretOf(d.secret, d.hub_id, d.kind);
    } catch {
      // Its key left ONEPOINT_PII_KEYS before `rotate-keys` re-encrypted it: an attempt that fails.
      return Promise.resolve(
        done(false, null, 'the signing secret cannot be decrypted: its key is not in ONEPOINT_PII_KEYS'),
      );
    }
    // Webhooks sign a timestamp with the body (replays of a captured delivery are told apart).
    const signature =
      d.kind === 'webhook'
        ? {
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook(
              secret,
              Math.floor(this.opts.clock.now().getTime() / 1000),
              body,
            ),
            'x-onepoint-event-id': d.event_id,
            'x-onepoint-event-type': d.event_type,
          }
        : { [SIGNATURE_HEADER]: signBody(secret, body) };
    return new Promise<Outcome>((resolve) => {
      const req = client.request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': d.kind === 'webhook' ? 'onepoint-webhook' : 'onepoint-event-hub',
            ...signature,
          },
          timeout: this.opts.timeoutMs ?? 10_000,
          ...(this.opts.allowPrivate ? {} : { lookup: publicOnlyLookup as never }),
        },
        (res) => {
          res.resume(); // the answer's body is not used; read it so the socket is freed
          const code = res.statusCode ?? 0;
          res.on('end', () =>
            resolve(
              code >= 200 && code < 300
                ? done(true, code, null)
                : done(
                    false,
                    code,
                    `the listener answered ${code}${code >= 300 && code < 400 ? ' (redirects are not followed)' : ''}`,
                  ),
            ),
          );
          res.on('error', (err) => resolve(done(false, code, err.message)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs ?? 10_000} ms`)));
      req.on('error', (err) => resolve(done(false, null, err.message)));
      req.end(body);
    });
  }

  /** Records one attempt's outcome on the delivery and in its history. */
  private async record(d: Claimed, o: Outcome): Promise<'delivered' | 'retry' | 'gave_up'> {
    const now = this.opts.clock.now();
    const attempt = d.attempts + 1;
    const outcome = o.ok
      ? 'delivered'
      : attempt - d.attempts_before_replay >= this.opts.maxAttempts
        ? 'gave_up'
        : 'retry';
    const next =
      outcome === 'retry'
        ? new Date(now.getTime() + (this.opts.backoffMs ?? deliveryBackoffMs)(attempt))
        : null;
    await this.opts.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('hub_deliveries')
        .set({
          status: outcome === 'delivered' ? 'delivered' : outcome === 'retry' ? 'pending' : 'failed',
          attempts: attempt,
          last_attempt_at: now,
          last_status_code: o.statusCode,
          last_error: o.error,
          ...(next ? { next_attempt_at: next } : {}),
          ...(o.ok ? { delivered_at: now } : {}),
        })
        .where('event_id', '=', d.event_id)
        .where('hub_id', '=', d.hub_id)
        .where('status', '=', 'pending') // a listener removed meanwhile stays cancelled
        .execute();
      await trx
        .insertInto('hub_delivery_attempts')
        .values({
          event_id: d.event_id,
          hub_id: d.hub_id,
          attempt,
          attempted_at: now,
          outcome,
          status_code: o.statusCode,
          error: o.error,
          next_attempt_at: next,
          duration_ms: o.durationMs,
        })
        .execute();
    });
    if (outcome !== 'delivered')
      this.log.warn(
        { eventId: d.event_id, hubId: d.hub_id, attempt, statusCode: o.statusCode, error: o.error, outcome },
        outcome === 'gave_up' ? 'hub delivery given up' : 'hub delivery failed; will retry',
      );
    return outcome;
  }

  /** One round: fan out new events, then deliver what is due. */
  async deliverDue(): Promise<HubRound> {
    const round: HubRound = { fannedOut: 0, claimed: 0, delivered: 0, failed: 0, gaveUp: 0 };
    round.fannedOut = await this.fanOut();
    const claimed = await this.claim();
    round.claimed = claimed.length;
    const concurrency = this.opts.concurrency ?? 8;
    const untried: Claimed[] = [];
    for (let i = 0; i < claimed.length; i += concurrency) {
      const chunk = claimed.slice(i, i + concurrency);
      if (this.stopping) {
        untried.push(...chunk);
        continue;
      }
      const outcomes = await Promise.all(chunk.map((d) => this.post(d).then((o) => this.record(d, o))));
      for (const o of outcomes)
        if (o === 'delivered') round.delivered += 1;
        else if (o === 'retry') round.failed += 1;
        else round.gaveUp += 1;
    }
    // Stopping: what this worker claimed but did not try goes back at once, not after the lease.
    for (const d of untried)
      await this.opts.db
        .updateTable('hub_deliveries')
        .set({ next_attempt_at: this.opts.clock.now() })
        .where('event_id', '=', d.event_id)
        .where('hub_id', '=', d.hub_id)
        .where('status', '=', 'pending')
        .execute();
    return round;
  }

  /** Rounds until nothing is left to fan out or due (tests; a command-line drain). */
  async drain(): Promise<HubRound> {
    const total: HubRound = { fannedOut: 0, claimed: 0, delivered: 0, failed: 0, gaveUp: 0 };
    for (;;) {
      const r = await this.deliverDue();
      for (const k of Object.keys(total) as Array<keyof HubRound>) total[k] += r[k];
      if ((r.claimed === 0 && r.fannedOut === 0) || this.stopping) return total;
    }
  }

  /** Runs rounds in the background until stop(): at once after a busy round, else every pollMs. */
  start(): void {
    if (this.loop) return;
    this.loop = startPollLoop({
      intervalMs: this.opts.pollMs ?? 500,
      round: async () => {
        const r = await this.deliverDue();
        return { more: r.fannedOut > 0 || r.claimed >= (this.opts.batchSize ?? 100) };
      },
      // The database unreachable: logged now and then, rounds back off (up to 30 s).
      onError: (err, failures) => this.log.error({ err, failures }, 'hub delivery round failed'),
    });
  }

  /** Finishes the POSTs in flight (what is claimed but untried goes back), then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop?.stop();
  }
}
