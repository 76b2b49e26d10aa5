import type { QueryCreator } from 'kysely';
import type { AnyExecutor, AnyTransaction } from '../../platform/db/executor.ts';
import type { AuditTables, Executor, Tx } from './audit.tables.ts';
import type { ChainAnchor } from './domain/chain.ts';

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

/** The audit_log row of an entry (seq and, without `now`, occurred_at from the database). */
function auditRow(actor: AuditActor, entry: AuditEntry, now: Date | undefined) {
  return {
    occurred_at: now,
    actor_id: actor.actorId,
    actor_login: actor.actorLogin,
    actor_kind: actor.actorKind,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId ?? null,
    org_unit_id: entry.orgUnitId ?? null,
    ip: actor.ip,
    request_id: actor.requestId,
    details: JSON.stringify(entry.details ?? {}),
  };
}

/**
 * Appends one entry inside the caller's transaction, so the entry exists exactly when the change
 * does. No lock and no read: the row and its place in the sealer's queue go in one statement, and
 * the sealer chains it after commit (audit.sealer.ts). Pass `now` from the platform clock; without
 * it the database's time is recorded.
 */
export async function appendAudit(
  callerTx: AnyTransaction,
  actor: AuditActor,
  entry: AuditEntry,
  now?: Date,
): Promise<{ seq: string }> {
  const trx: Tx = callerTx;
  return trx
    .with('appended', (db) =>
      db
        .insertInto('audit_log')
        .values(auditRow(actor, entry, now))
        .returning('seq'),
    )
    .insertInto('audit_pending')
    .columns(['seq'])
    .expression((eb) => eb.selectFrom('appended').select('seq'))
    .returning('seq')
    .executeTakeFirstOrThrow();
}

/**
 * The entry as part of the caller's next statement instead of a statement of its own: the query
 * creator returned writes the entry (and queues it for the sealer) in the WITH clause of whatever
 * statement is built from it — typically the use case's own UPDATE or INSERT, which saves a round
 * trip. One statement is atomic: the entry exists exactly when that statement's change commits
 * (also when the statement changes nothing, e.g. a version conflict: throw to roll back).
 */
export function withAuditEntry<DB>(
  qc: QueryCreator<DB>,
  actor: AuditActor,
  entry: AuditEntry,
  now?: Date,
): QueryCreator<DB> {
  const own = qc as unknown as QueryCreator<AuditTables>;
  return own
    .with('audit_appended', (db) =>
      db
        .insertInto('audit_log')
        .values(auditRow(actor, entry, now))
        .returning('seq'),
    )
    .with('audit_queued', (db) =>
      db
        .insertInto('audit_pending')
        .columns(['seq'])
        .expression((eb) => eb.selectFrom('audit_appended').select('seq')),
    ) as unknown as QueryCreator<DB>;
}

/** The sealed chain's head as an anchor ("position:mac") to keep outside the database. */
export async function auditHead(caller: AnyExecutor): Promise<ChainAnchor | undefined> {
  const db: Executor = caller;
  return auditHeadOwn(db);
}

async function auditHeadOwn(db: Executor): Promise<ChainAnchor | undefined> {
  const row = await db
    .selectFrom('audit_seal')
    .select(['chain_seq', 'mac'])
    .orderBy('chain_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { chainSeq: String(row.chain_seq), mac: row.mac } : undefined;
}

export interface AuditQuery {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  /** Leave these actions out (e.g. reveal reasons for a reader without audit.read). */
  excludeActions?: readonly string[] | undefined;
  /** Only entries about these org units (the caller's data scope); undefined = all. */
  orgUnitIds?: string[] | undefined;
  beforeSeq?: string | undefined;
  limit: number;
}

export async function listAudit(caller: AnyExecutor, q: AuditQuery) {
  const db: Executor = caller;
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(q.limit);
  if (q.entityType) query = query.where('entity_type', '=', q.entityType);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.actorId) query = query.where('actor_id', '=', q.actorId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.excludeActions?.length) query = query.where('action', 'not in', q.excludeActions);
  if (q.beforeSeq) query = query.where('seq', '<', q.beforeSeq);
  if (q.orgUnitIds) {
    const ids = q.orgUnitIds;
    if (ids.length === 0) return [];
    query = query.where('org_unit_id', 'in', ids);
  }
  return query.execute();
}

/** How many entries one actor wrote with one action since a time (e.g. today's reveals of a user). */
export async function countAudit(
  caller: AnyExecutor,
  q: { actorId: string; action: string; since: Date },
): Promise<number> {
  const db: Executor = caller;
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('actor_id', '=', q.actorId)
    .where('action', '=', q.action)
    .where('occurred_at', '>=', q.since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
