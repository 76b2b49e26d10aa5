import { sql } from 'kysely';
import type { AnyExecutor, AnyTransaction } from '../../platform/db/executor.ts';
import type { Db, Executor, Tx } from './audit.tables.ts';
import {
  checkAnchor,
  checkLink,
  checkTail,
  GENESIS_HASH,
  type ChainAnchor,
  hashAuditRecord,
  type AuditRecord,
  type ChainBreak,
} from './domain/chain.ts';

/** Who did it and from where: taken from the request (or 'system' for jobs and the CLI). */
export interface AuditActor {
  actorId: string | null;
  actorLogin: string | null;
  actorKind: 'user' | 'api_token' | 'system';
  ip: string | null;
  requestId: string | null;
}

export const systemActor = (login = 'system'): AuditActor => ({
  actorId: null,
  actorLogin: login,
  actorKind: 'system',
  ip: null,
  requestId: null,
});

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  orgUnitId?: string | null;
  details?: Record<string, unknown>;
}

// One chain for the whole database: appends are serialised by a transaction-scoped advisory lock.
const AUDIT_LOCK_KEY = 0x0a0d17;

/**
 * Appends one entry inside the caller's transaction, so the entry exists exactly when the change does.
 */
export async function appendAudit(
  callerTx: AnyTransaction,
  actor: AuditActor,
  entry: AuditEntry,
  now = new Date(),
) {
  const trx: Tx = callerTx;
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const record: AuditRecord = {
    seq: (BigInt(last?.seq ?? '0') + 1n).toString(),
    occurredAt: now,
    ...actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    orgUnitId: entry.orgUnitId ?? null,
    details: entry.details ?? {},
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = hashAuditRecord(record, prevHash);
  await trx
    .insertInto('audit_log')
    .values({
      seq: record.seq,
      occurred_at: record.occurredAt,
      actor_id: record.actorId,
      actor_login: record.actorLogin,
      actor_kind: record.actorKind,
      action: record.action,
      entity_type: record.entityType,
      entity_id: record.entityId,
      org_unit_id: record.orgUnitId,
      ip: record.ip,
      request_id: record.requestId,
      details: JSON.stringify(record.details),
      prev_hash: prevHash,
      hash,
    })
    .execute();
  return { seq: record.seq, hash };
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBreak?: ChainBreak;
}

/** Walks the whole chain in seq order, in batches, reporting progress. */
export async function verifyAuditChain(
  db: Db,
  onProgress?: (checked: number, total: number) => void,
  batchSize = 2000,
  anchors: readonly ChainAnchor[] = [],
): Promise<VerifyResult> {
  const anchorHashes = new Map(anchors.map((a) => [a.seq, a.hash]));
  const { total } = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  const totalN = Number(total);
  let prevHash = GENESIS_HASH;
  let expected = 1n;
  let checked = 0;
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const brk = checkLink(
        {
          seq: r.seq,
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
        },
        prevHash,
        expected,
      );
      const off = brk ?? checkAnchor(r, anchorHashes);
      if (off) return { ok: false, checked, firstBreak: off };
      prevHash = r.hash;
      expected += 1n;
      checked += 1;
    }
    after = rows[rows.length - 1]!.seq;
    onProgress?.(checked, totalN);
  }
  const cut = checkTail(expected - 1n, anchors);
  return cut ? { ok: false, checked, firstBreak: cut } : { ok: true, checked };
}

/** The newest entry as an anchor ("seq:hash") to keep outside the database; undefined when empty. */
export async function auditHead(db: Executor): Promise<ChainAnchor | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: String(row.seq), hash: row.hash } : undefined;
}

export interface AuditQuery {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  /** Only entries about these org units (the caller's data scope); undefined = all. */
  orgUnitIds?: string[] | undefined;
  beforeSeq?: string | undefined;
  limit: number;
}

/** Entries newest first; `caller` may be another module's handle (the customer access log). */
export async function listAudit(caller: AnyExecutor, q: AuditQuery) {
  const db: Executor = caller;
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(q.limit);
  if (q.entityType) query = query.where('entity_type', '=', q.entityType);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.actorId) query = query.where('actor_id', '=', q.actorId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.beforeSeq) query = query.where('seq', '<', q.beforeSeq);
  if (q.orgUnitIds) {
    const ids = q.orgUnitIds;
    if (ids.length === 0) return [];
    query = query.where('org_unit_id', 'in', ids);
  }
  return query.execute();
}
