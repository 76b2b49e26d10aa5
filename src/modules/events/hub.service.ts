/**
 * TMF event hub listeners (POST /hub, GET and DELETE /hub/{id}): registration, look-up, removal.
 * Delivery is the worker's (hub-delivery.ts); nothing here runs on a business write's path.
 */
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from './events.tables.ts';
import { AppError } from '../../platform/errors.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { hostOf, isPublicAddress, parseCallback } from './domain/callback-address.ts';
import { parseHubQuery } from './domain/hub-query.ts';
import { sealSecret } from './hub-secrets.ts';

export interface HubApi {
  /** The TMF API the listeners belong to, e.g. `TMF629`; a hub sees only its own API's listeners. */
  api: string;
  /** The event types this API sends; a listener receives these (narrowed by its query). */
  eventTypes: readonly string[];
}

export interface HubRecord {
  id: string;
  callback: string;
  query: string | null;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `Invalid input — ${field}: ${message}`, {
    fields: [{ field, message }],
  });

/**
 * Refuses a callback that is not an http(s) URL or, unless private callbacks are allowed, whose
 * host is or resolves to a non-public address (every address it resolves to, IPv4 and IPv6).
 * Delivery checks the addresses again when it connects (DNS may change in between).
 */
export async function checkCallback(text: string, allowPrivate: boolean): Promise<void> {
  const url = parseCallback(text);
  if ('problem' in url) throw invalid('callback', url.problem);
  if (allowPrivate) return;
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw invalid('callback', `the host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress))
    throw new AppError(
      'UNPROCESSABLE',
      `callback: the host ${host} is a loopback, private, link-local or otherwise non-public address; ` +
        'listeners must be reachable on a public address (ONEPOINT_ALLOW_PRIVATE_CALLBACKS=true allows ' +
        'private ones, for trials)',
      { fields: [{ field: 'callback', message: 'is not a public address' }] },
    );
}

export async function registerHub(
  db: Db,
  api: HubApi,
  input: { callback: string; query?: string | undefined },
  opts: { actor: AuditActor; now: Date; allowPrivate: boolean; vault: PiiVault },
): Promise<HubRecord & { secret: string }> {
  const parsed = parseHubQuery(input.query, api.eventTypes);
  if ('problem' in parsed) throw invalid('query', parsed.problem);
  await checkCallback(input.callback, opts.allowPrivate);
  const eventTypes = parsed.filter.eventTypes;
  // UUIDv7 like the outbox's event ids: the fan-out gives a listener the events recorded after it.
  const id = uuidv7();
  const secret = randomBytes(32).toString('base64url');
  const query = input.query?.trim() ? input.query.trim() : null;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('event_hubs')
      .values({
        id,
        api: api.api,
        callback: input.callback,
        query,
        event_types: eventTypes,
        // Shown to the registrant once; stored encrypted (hub-secrets.ts).
        secret: sealSecret(opts.vault, 'hub', id, secret),
        created_at: opts.now,
        created_by: opts.actor.actorLogin,
      })
      .execute();
    await appendAudit(
      trx,
      opts.actor,
      {
        action: 'event_hub.register',
        entityType: 'event_hub',
        entityId: id,
        // The host only: a callback's path or query string may carry a receiver's token.
        details: { api: api.api, callbackHost: new URL(input.callback).host, query, eventTypes },
      },
      opts.now,
    );
  });
  return { id, callback: input.callback, query, secret };
}

export async function findHub(db: Db, api: string, id: string): Promise<HubRecord | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return db
    .selectFrom('event_hubs')
    .select(['id', 'callback', 'query'])
    .where('id', '=', id)
    .where('api', '=', api)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Removes a listener: it receives nothing more, its waiting deliveries are cancelled. */
export async function deleteHub(
  db: Db,
  api: string,
  id: string,
  opts: { actor: AuditActor; now: Date },
): Promise<boolean> {
  const hub = await findHub(db, api, id);
  if (!hub) return false;
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('event_hubs')
      .set({ deleted_at: opts.now })
      .where('id', '=', id)
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
      {
        action: 'event_hub.delete',
        entityType: 'event_hub',
        entityId: id,
        details: { api, callbackHost: new URL(hub.callback).host },
      },
      opts.now,
    );
    return true;
  });
}

export interface HubStatus {
  listeners: number;
  /** Deliveries waiting for their first or next attempt. */
  pending: number;
  /** Of those, the ones whose last attempt failed. */
  retrying: number;
  /** Deliveries given up after the configured attempts (kept until their event is pruned). */
  givenUp: number;
}

/** The hub at a glance, for `onepoint events status`. */
export async function hubStatus(db: Db): Promise<HubStatus> {
  const [listeners, deliveries] = await Promise.all([
    db
      .selectFrom('event_hubs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('hub_deliveries')
      .select([
        sql<string>`count(*) filter (where status = 'pending')`.as('pending'),
        sql<string>`count(*) filter (where status = 'pending' and attempts > 0)`.as('retrying'),
        sql<string>`count(*) filter (where status = 'failed')`.as('given_up'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    listeners: Number(listeners.n),
    pending: Number(deliveries.pending),
    retrying: Number(deliveries.retrying),
    givenUp: Number(deliveries.given_up),
  };
}
