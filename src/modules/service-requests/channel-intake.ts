/**
 * For the channels module (email and SMS in, notices out): requests taken from a mailbox in the
 * name of its configured intake user, a customer's reply added to a request named by its number,
 * and each notice attempt's outcome on the request's timeline. The channels module holds no
 * service-request table; it calls these through the port the registry builds.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Actor, Caller } from '../../platform/http/caller.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { vaultFor } from '../customers/index.ts';
import { principalFor } from '../identity/index.ts';
import { changeRequest } from './change-request.ts';
import { createRequest } from './create-request.ts';
import type { RequestDeps } from './deps.ts';
import { isTerminal, type Kind } from './domain/catalogue.ts';
import { requestInScope } from './requests.repository.ts';
import type { RoutingPort } from './routing-port.ts';
import { createInput } from './service-requests.schemas.ts';
import type { Db, Executor, ModuleContext } from './service-requests.tables.ts';

export type { Caller };

export interface ChannelIntake {
  /** The user a mailbox takes requests in the name of (first-contact owner), its unit the intake unit. */
  ownerUserId: string;
  /** `mail:service@onepoint.local`, recorded as the actor. */
  actorLogin: string;
  kind: Kind;
  channel: 'email' | 'sms';
  /** The message id (mail) or the gateway's id (SMS). */
  channelRef: string;
  title: string;
  description: string;
  customerId?: string | undefined;
  now: Date;
}

export interface RequestRef {
  id: string;
  number: string;
  status: string;
  customerId: string | null;
}

export interface RequestChannelPort {
  /** The new request, and the caller it was taken as (to attach the mail's files as). */
  intake(db: Db | AnyExecutor, input: ChannelIntake): Promise<RequestRef & { caller: Caller }>;
  /** A customer's message on a request (a reply by mail or SMS); undefined: no such open request. */
  customerNote(
    db: Db | AnyExecutor,
    input: {
      number: string;
      body: string;
      channel: 'email' | 'sms';
      now: Date;
      details?: Record<string, unknown>;
    },
  ): Promise<RequestRef | undefined>;
  /** A notice attempt on the timeline (internal: the customer sees the notice itself, not this). */
  noticeAttempt(
    db: AnyExecutor,
    requestId: string,
    entry: { body: string; details: Record<string, unknown>; at: Date },
  ): Promise<void>;
  /** The request as a notice names it; undefined if it does not exist. */
  requestRef(db: AnyExecutor, id: string): Promise<RequestRef | undefined>;
  /** The request exists in the caller's scope (else it is 404 to them, as in this module). */
  visibleTo(db: AnyExecutor, caller: Caller, id: string): Promise<boolean>;
}

const systemActor = (login: string, userId: string | null): Actor => ({
  actorId: userId,
  actorLogin: login,
  actorKind: 'system',
  ip: null,
  requestId: null,
});

const refOf = (r: {
  id: string;
  number: string;
  status: string;
  customer_id: string | null;
}): RequestRef => ({
  id: r.id,
  number: r.number,
  status: r.status,
  customerId: r.customer_id,
});

/** The port, with the registry's routing and the platform context's vault and settings. */
export function requestChannelPort(routing: RoutingPort) {
  return (ctx: Pick<ModuleContext, 'config' | 'clock'>): RequestChannelPort => {
    const depsFor = (db: Db | AnyExecutor): RequestDeps => ({
      db: db as Db,
      vault: vaultFor(ctx.config),
      clock: ctx.clock,
      routing,
      repeatWindowDays: ctx.config.repeatWindowDays,
    });
    return {
      async intake(db, input) {
        const principal = await principalFor(db, { id: input.ownerUserId }, 'api_token', 'channel');
        // A mailbox speaks for whoever writes to it: the sender's customer is found by address,
        // whatever unit the intake user belongs to (the request is routed as usual).
        const caller: Caller = {
          principal,
          actor: systemActor(input.actorLogin, principal.userId),
          scope: { path: '', all: true },
          now: input.now,
        };
        // The same checks as the API's body: bad input never reaches the database.
        const body = createInput.parse({
          kind: input.kind,
          title: [...(input.title.trim() || '(no subject)')].slice(0, 200).join(''),
          description: [...input.description.trim()].slice(0, 10000).join(''),
          channel: input.channel,
          channelRef: input.channelRef.slice(0, 100),
          ...(input.customerId ? { customerId: input.customerId } : {}),
        });
        const { view } = await createRequest(depsFor(db), caller, body);
        return {
          id: view.id,
          number: view.number,
          status: view.status,
          customerId: input.customerId ?? null,
          caller,
        };
      },

      async customerNote(db, input) {
        const own: Executor = db as Executor;
        const row = await own
          .selectFrom('service_requests')
          .select(['id', 'number', 'status', 'customer_id', 'owner_user_id', 'assignee_id'])
          .select((eb) =>
            eb
              .selectFrom('service_request_timeline as e')
              .select('e.actor_id')
              .whereRef('e.request_id', '=', 'service_requests.id')
              .where('e.kind', '=', 'created')
              .limit(1)
              .as('creator_id'),
          )
          .where('number', '=', input.number)
          .executeTakeFirst();
        if (!row || isTerminal(row.status)) return undefined;
        // The note is written as the first-contact owner; a portal request nobody has taken yet
        // has none: then as whoever works on it, else as the login that submitted it.
        const as = row.owner_user_id ?? row.assignee_id ?? row.creator_id;
        if (!as) return undefined;
        const caller: Caller = {
          principal: await principalFor(db, { id: as }, 'api_token', 'channel'),
          actor: systemActor(`${input.channel}:customer`, null),
          scope: { path: '', all: true },
          now: input.now,
        };
        await changeRequest(depsFor(db), caller, row.id, undefined, () => ({
          set: {},
          entries: [
            {
              kind: 'note',
              visibility: 'customer',
              body: input.body,
              details: { from: 'customer', channel: input.channel, ...input.details },
            },
          ],
          audit: {
            action: 'service_request.customer_note',
            details: { from: 'customer', channel: input.channel },
          },
          event: 'ServiceRequestNoteEvent',
        }));
        return refOf(row);
      },

      async noticeAttempt(db, requestId, entry) {
        const own: Executor = db as Executor;
        await own
          .insertInto('service_request_timeline')
          .values({
            id: uuidv7(),
            request_id: requestId,
            kind: 'contact_attempt',
            visibility: 'internal',
            actor_id: null,
            actor_login: 'notices',
            from_status: null,
            to_status: null,
            body: entry.body,
            details: JSON.stringify(entry.details),
            created_at: entry.at,
          })
          .execute();
      },

      async requestRef(db, id) {
        const own: Executor = db as Executor;
        const row = await own
          .selectFrom('service_requests')
          .select(['id', 'number', 'status', 'customer_id'])
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? refOf(row) : undefined;
      },

      async visibleTo(db, caller, id) {
        const own: Executor = db as Executor;
        const row = await own
          .selectFrom('service_requests')
          .select('id')
          .where('id', '=', id)
          .where(requestInScope(caller))
          .executeTakeFirst();
        return row !== undefined;
      },
    };
  };
}
