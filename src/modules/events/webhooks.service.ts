/**
 * Outbound webhooks (for systems that are not TMF clients): an administrator registers a URL and
 * the event types it wants. A webhook is a listener of kind `webhook` in `event_hubs`, so it gets
 * the hub's fan-out from the outbox (only committed changes), its deliveries, retries with
 * back-off and history (hub-delivery.ts); it differs in its signature (a signed timestamp,
 * `X-Onepoint-Signature`); its secret is kept encrypted like a TMF listener's (hub-secrets.ts).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from './events.tables.ts';
import { AppError } from '../../platform/errors.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { sealSecret } from './hub-secrets.ts';
import { checkCallback } from './hub.service.ts';

export const WEBHOOK_API = 'webhook';

/** The event types modules record (src/modules.ts fills it from every module's `eventTypes`). */
const knownEventTypes = new Set<string>();
export function setWebhookEventTypes(types: readonly string[]): void {
  for (const t of types) knownEventTypes.add(t);
}
export const webhookEventTypes = () => [...knownEventTypes].sort();

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `Invalid input — ${field}: ${message}`, { fields: [{ field, message }] });

export interface WebhookInput {
  url: string;
  eventTypes: string[];
  description?: string | undefined;
}

export async function registerWebhook(
  db: Db,
  vault: PiiVault,
  input: WebhookInput,
  opts: { actor: AuditActor; now: Date; allowPrivate: boolean },
) {
  const unknown = input.eventTypes.filter((t) => !knownEventTypes.has(t));
  if (unknown.length)
    throw invalid(
      'eventTypes',
      `unknown event type ${unknown.join(', ')}; known: ${webhookEventTypes().join(', ')}`,
    );
  if (input.url.length > 2000) throw invalid('url', 'at most 2000 characters');
  await checkCallback(input.url, opts.allowPrivate).catch((err: unknown) => {
    // checkCallback names the field `callback`; here it is the URL.
    if (err instanceof AppError)
      throw new AppError(err.code, err.message.replace(/callback/g, 'url'), err.details);
    throw err;
  });
  const id = uuidv7();
  const secret = randomBytes(32).toString('base64url');
  const eventTypes = [...new Set(input.eventTypes)];
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('event_hubs')
      .values({
        id,
        api: WEBHOOK_API,
        kind: 'webhook',
        callback: input.url,
        query: null,
        event_types: eventTypes,
        secret: sealSecret(vault, 'webhook', id, secret),
        description: input.description ?? null,
        created_at: opts.now,
        created_by: opts.actor.actorLogin,
      })
      .execute();
    await appendAudit(
      trx,
      opts.actor,
      {
        action: 'webhook.register',
        entityType: 'webhook',
        entityId: id,
        // The host only: a URL's path or query string may carry the receiver's token.
        details: { host: new URL(input.url).host, eventTypes },
      },
      opts.now,
    );
  });
  return { ...(await findWebhook(db, id))!, secret };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  createdAt: string;
  createdBy: string | null;
  /** `ok` (the last attempt succeeded), `failing` (it failed), `idle` (nothing attempted yet). */
  health: 'ok' | 'failing' | 'idle';
  deliveries: { pending: number; retrying: number; delivered: number; failed: number };
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export async function listWebhooks(db: Db, id?: string): Promise<WebhookView[]> {
  let q = db
    .selectFrom('event_hubs as h')
    .select([
      'h.id',
      'h.callback',
      'h.event_types',
      'h.description',
      'h.created_at',
      'h.created_by',
      sql<string>`(select count(*) from hub_deliveries d where d.hub_id = h.id and d.status = 'pending')`.as(
        'pending',
      ),
      sql<string>`(select count(*) from hub_deliveries d where d.hub_id = h.id and d.status = 'pending' and d.attempts > d.attempts_before_replay)`.as(
        'retrying',
      ),
      sql<string>`(select count(*) from hub_deliveries d where d.hub_id = h.id and d.status = 'delivered')`.as(
        'delivered',
      ),
      sql<string>`(select count(*) from hub_deliveries d where d.hub_id = h.id and d.status = 'failed')`.as(
        'failed',
      ),
    ])
    .where('h.kind', '=', 'webhook')
    .where('h.deleted_at', 'is', null)
    .orderBy('h.id', 'desc');
  if (id) q = q.where('h.id', '=', id);
  const rows = await q.execute();
  const last = rows.length
    ? await db
        .selectFrom('hub_deliveries')
        .select(['hub_id', 'last_attempt_at', 'last_status_code', 'last_error', 'status', 'delivered_at'])
        .distinctOn('hub_id')
        .where(
          'hub_id',
          'in',
          rows.map((r) => r.id),
        )
        .where('last_attempt_at', 'is not', null)
        .orderBy('hub_id')
        .orderBy('last_attempt_at', 'desc')
        .execute()
    : [];
  return rows.map((r) => {
    const l = last.find((x) => x.hub_id === r.id);
    const ok = l && l.delivered_at !== null && l.last_error === null;
    return {
      id: r.id,
      url: r.callback,
      eventTypes: r.event_types,
      description: r.description,
      createdAt: iso(r.created_at)!,
      createdBy: r.created_by,
      health: !l ? 'idle' : ok ? 'ok' : 'failing',
      deliveries: {
        pending: Number(r.pending),
        retrying: Number(r.retrying),
        delivered: Number(r.delivered),
        failed: Number(r.failed),
      },
      lastAttemptAt: l ? iso(l.last_attempt_at) : null,
      lastStatusCode: l?.last_status_code ?? null,
      lastError: l?.last_error ?? null,
    };
  });
}

export const findWebhook = async (db: Db, id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? (await listWebhooks(db, id))[0]
    : undefined;

export async function webhookDeliveries(db: Db, id: string, limit = 50) {
  const rows = await db
    .selectFrom('hub_deliveries as d')
    .innerJoin('outbox_events as o', 'o.id', 'd.event_id')
    .select([
      'd.event_id',
      'o.event_type',
      'd.status',
      'd.attempts',
      'd.attempts_before_replay',
      'd.next_attempt_at',
      'd.last_attempt_at',
      'd.last_status_code',
      'd.last_error',
      'd.delivered_at',
    ])
    .where('d.hub_id', '=', id)
    .orderBy('d.event_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    lastAttemptAt: iso(r.last_attempt_at),
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: iso(r.delivered_at),
  }));
}

/**
 * Sends a delivery again, with the same event (same `eventId`, same body): it becomes pending at
 * once and gets the full number of attempts anew. A delivery still pending is refused (409).
 */
export async function replayDelivery(
  db: Db,
  id: string,
  eventId: string,
  opts: { actor: AuditActor; now: Date },
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(eventId)) throw new AppError('NOT_FOUND', 'delivery not found');
  await db.transaction().execute(async (trx) => {
    const d = await trx
      .selectFrom('hub_deliveries')
      .select(['status', 'attempts'])
      .where('hub_id', '=', id)
      .where('event_id', '=', eventId)
      .forUpdate()
      .executeTakeFirst();
    if (!d) throw new AppError('NOT_FOUND', 'delivery not found');
    if (d.status === 'pending' || d.status === 'cancelled')
      throw new AppError(
        'CONFLICT',
        `the delivery is ${d.status}; only a delivered or failed one is replayed`,
      );
    await trx
      .updateTable('hub_deliveries')
      .set({ status: 'pending', next_attempt_at: opts.now, attempts_before_replay: d.attempts })
      .where('hub_id', '=', id)
      .where('event_id', '=', eventId)
      .execute();
    await appendAudit(
      trx,
      opts.actor,
      { action: 'webhook.replay', entityType: 'webhook', entityId: id, details: { eventId, was: d.status } },
      opts.now,
    );
  });
}

export async function deleteWebhook(
  db: Db,
  id: string,
  opts: { actor: AuditActor; now: Date },
): Promise<boolean> {
  if (!(await findWebhook(db, id))) return false;
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('event_hubs')
      .set({ deleted_at: opts.now })
      .where('id', '=', id)
      .where('kind', '=', 'webhook')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('hub_deliveries')
      .set({ status: 'cancelled' })
      .where('hub_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await appendAudit(
      trx,
      opts.actor,
      { action: 'webhook.delete', entityType: 'webhook', entityId: id, details: {} },
      opts.now,
    );
    return true;
  });
}
