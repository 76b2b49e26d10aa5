// The sealer: chains committed audit rows, after their transactions, in its own transactions.
import { sql, type Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import type { AuditLogTable, Db, Executor } from './audit.tables.ts';
import type { Clock } from '../../platform/clock.ts';
import { startPollLoop } from '../../platform/jobs/poll-loop.ts';
import type { Logger } from '../../platform/logger.ts';
import { appendAnchor, lastAnchor } from './audit.anchors.ts';
import { auditHead } from './audit.service.ts';
import {
  GENESIS_MAC,
  formatAnchor,
  sealMac,
  type ChainAnchor,
  type SealKey,
  type StoredEntry,
} from './domain/chain.ts';

// Taken by sealers only (never by writers): one sealer extends the chain at a time, so positions
// are gap-free and each seal links to the one before. A writer never waits for it.
const SEALER_LOCK_KEY = 0x0a0d18;

export const DEFAULT_SEAL_BATCH = 5000;

/** A stored audit_log row as the chain rules see it. */
export function storedEntry(r: Selectable<AuditLogTable>): StoredEntry {
  return {
    seq: String(r.seq),
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorLogin: r.actor_login,
    actorKind: r.actor_kind,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    orgUnitId: r.org_unit_id,
    ip: r.ip,
    requestId: r.request_id,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface SealResult {
  sealed: number;
  /** The chain's head after this call (undefined while nothing was ever sealed). */
  head: ChainAnchor | undefined;
}

/** One batch in one transaction: the oldest committed rows waiting, chained onto the head. */
async function sealBatch(db: Db, key: SealKey, clock: Clock, batchSize: number): Promise<SealResult> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SEALER_LOCK_KEY})`.execute(trx);
    const head = await auditHead(trx);
    // A queued seq whose row is gone (deleted before it was sealed) is left in the queue, where
    // `audit verify` reports it; the inner join skips it here.
    const rows = await trx
      .selectFrom('audit_pending as p')
      .innerJoin('audit_log as a', 'a.seq', 'p.seq')
      .selectAll('a')
      .orderBy('p.seq')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return { sealed: 0, head };
    let position = BigInt(head?.chainSeq ?? '0');
    let prevMac = head?.mac ?? GENESIS_MAC;
    const sealedAt = clock.now();
    const seals = rows.map((r) => {
      position += 1n;
      const seal = { chainSeq: position.toString(), auditSeq: String(r.seq), sealedAt, keyId: key.id };
      prevMac = sealMac(key.secret, seal, storedEntry(r), prevMac);
      return {
        chain_seq: seal.chainSeq,
        audit_seq: seal.auditSeq,
        sealed_at: sealedAt,
        key_id: key.id,
        mac: prevMac,
      };
    });
    // 5 parameters a seal: chunks stay far below PostgreSQL's 65 535 per statement.
    for (let i = 0; i < seals.length; i += 2000)
      await trx
        .insertInto('audit_seal')
        .values(seals.slice(i, i + 2000))
        .execute();
    await sql`delete from audit_pending where seq = any(${seals.map((s) => s.audit_seq)}::bigint[])`.execute(
      trx,
    );
    return { sealed: seals.length, head: { chainSeq: position.toString(), mac: prevMac } };
  });
}

/**
 * Seals every committed row waiting now, in batches (each its own short transaction), and returns
 * how many and the new head. The background sealer calls it every interval; tests and the command
 * line call it to seal at once.
 */
export async function sealPending(
  db: Db,
  key: SealKey,
  clock: Clock,
  opts: { batchSize?: number } = {},
): Promise<SealResult> {
  const batchSize = opts.batchSize ?? DEFAULT_SEAL_BATCH;
  let sealed = 0;
  for (;;) {
    const r = await sealBatch(db, key, clock, batchSize);
    sealed += r.sealed;
    if (r.sealed < batchSize) return { sealed, head: r.head };
  }
}

/** Rows waiting to be sealed (for status output). */
export async function pendingCount(db: Executor): Promise<number> {
  const { n } = await db
    .selectFrom('audit_pending')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export interface AuditSealer {
  /** Stops the loop after its current pass, then seals and anchors once more. */
  stop(): Promise<void>;
}

/**
 * In a process that runs jobs: seals every `auditSealIntervalMs`, and every
 * `auditAnchorIntervalMs` writes the head (when it moved) to the anchor file and the log. Several
 * processes may run it; the sealer lock makes them take turns. Elsewhere: one seal pass on stop.
 */
export function startAuditSealer(opts: {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  supervise: boolean;
}): AuditSealer {
  const { db, config, clock } = opts;
  const log = opts.logger.child({ component: 'audit-sealer' });
  // No loop here, but what this process wrote (a command line run, an API-only node) is sealed
  // when it stops rather than waiting for a sealer elsewhere.
  if (!opts.supervise)
    return {
      stop: () =>
        sealPending(db, config.auditKeys[0]!, clock).then(
          () => {},
          (err: unknown) =>
            log.warn({ err }, 'could not seal audit entries on stop; a process with jobs on will'),
        ),
    };
  if (config.auditKeysDevelopment)
    log.warn(
      'ONEPOINT_AUDIT_KEYS is not set: the audit chain is sealed with the built-in development key, ' +
        'which does not protect it against a deliberate rewrite',
    );
  const key = config.auditKeys[0]!;
  let anchored: ChainAnchor | undefined;
  let anchoredAt = -Infinity;

  async function anchor(force: boolean) {
    if (!force && clock.now().getTime() - anchoredAt < config.auditAnchorIntervalMs) return;
    const head = await auditHead(db);
    if (!head || (anchored && formatAnchor(anchored) === formatAnchor(head))) return;
    // The head never moves back, and a position never changes its MAC: if it did, rows or seals
    // were removed or rewritten in the database. Say so loudly; the anchors keep the proof.
    if (anchored && BigInt(head.chainSeq) <= BigInt(anchored.chainSeq))
      log.error(
        { previous: formatAnchor(anchored), now: formatAnchor(head) },
        'audit chain head moved back or changed: entries or seals were removed or rewritten',
      );
    const at = clock.now();
    await appendAnchor(config.auditAnchorFile, head, at);
    log.info(
      { auditAnchor: formatAnchor(head), chainSeq: head.chainSeq, at: at.toISOString() },
      'audit chain anchor',
    );
    anchored = head;
    anchoredAt = at.getTime();
  }

  async function pass(forceAnchor: boolean) {
    await sealPending(db, key, clock);
    // Sealing goes on when the anchor file cannot be written; retried at the anchor interval.
    await anchor(forceAnchor).catch((err: unknown) => {
      anchoredAt = clock.now().getTime();
      log.error({ err, file: config.auditAnchorFile }, 'could not write the audit anchor');
    });
  }

  const started = lastAnchor(config.auditAnchorFile)
    .catch((err: unknown) => {
      log.warn({ err, file: config.auditAnchorFile }, 'could not read the audit anchor file');
      return undefined;
    })
    .then((last) => {
      anchored = last;
      return startPollLoop({
        intervalMs: config.auditSealIntervalMs,
        round: () => pass(false),
        onError: (err, failures) => log.error({ err, failures }, 'audit sealing failed'),
      });
    });

  return {
    stop: async () => {
      await (await started).stop();
      // What the last requests and jobs wrote is sealed and anchored before the database closes.
      await pass(true).catch((err: unknown) => log.error({ err }, 'final audit sealing failed'));
    },
  };
}
