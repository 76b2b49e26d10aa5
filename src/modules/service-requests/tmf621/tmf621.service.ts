/**
 * TMF621 use cases over the request use cases: create is `createRequest` (validation, customer
 * link, routing, audit, outbox, Idempotency-Key), status changes are workflow `transition`s, notes
 * are `addNote`; only the attributes TMF621 keeps beside ours are written here.
 */
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../platform/errors.ts';
import { checkVersion } from '../../../platform/versions.ts';
import { invalidTmfAttribute, invalidTmfInput, type TmfResource } from '../../../platform/tmf/index.ts';
import { appendAudit } from '../../audit/index.ts';
import { recordEvent } from '../../events/index.ts';
import { createRequest } from '../create-request.ts';
import type { Caller, RequestDeps } from '../deps.ts';
import type { State } from '../domain/catalogue.ts';
import { ACTIONS, NEEDS_REASON, NEEDS_RESULT, nextState, type Action } from '../domain/workflow.ts';
import { getRequest } from '../queue.ts';
import { requestEvents } from '../requests.events.ts';
import { workflowOf } from '../requests.repository.ts';
import { createInput, type RequestView } from '../service-requests.schemas.ts';
import { addNote, transition } from '../transitions.ts';
import {
  channelOf,
  checkAttributeNames,
  isObject,
  keptAfter,
  notesOf,
  priorityOf,
  READ_ONLY,
  statusOf,
  text,
  ticketKindOf,
} from './tmf621.body.ts';
import {
  isTicketKind,
  NO_EXTRAS,
  TMF_STATUSES,
  tmfStatus,
  toTicket,
  type Json,
  type TicketExtras,
  type TicketKind,
  type TimelineItem,
  type TmfStatus,
} from './tmf621.mapper.ts';
import { extrasFor, shownExtrasOf, writeExtras } from './tmf621.store.ts';

const bad = invalidTmfAttribute;
const notFound = () => new AppError('NOT_FOUND', 'trouble ticket not found');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Full = Awaited<ReturnType<typeof getRequest>>;

/** A request of a ticket kind in the caller's scope, with its timeline; else 404. */
async function loadTicket(deps: RequestDeps, caller: Caller, id: string): Promise<Full> {
  if (!UUID.test(id)) throw notFound();
  let full: Full;
  try {
    full = await getRequest(deps, caller, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw notFound();
    throw err;
  }
  if (!isTicketKind(full.kind)) throw notFound();
  return full;
}

const timelineItems = (full: Full): TimelineItem[] =>
  full.timeline.map((t) => ({
    id: t.id,
    kind: t.kind,
    actorLogin: typeof t.details.author === 'string' ? t.details.author : t.actorLogin,
    toStatus: t.toStatus,
    body: t.body,
    createdAt: t.createdAt,
  }));

export async function getTicket(deps: RequestDeps, caller: Caller, id: string, base: string) {
  const full = await loadTicket(deps, caller, id);
  const shown = (await shownExtrasOf(deps.db, [id])).get(id) ?? NO_EXTRAS;
  return toTicket(full, shown, base, timelineItems(full));
}

const ALWAYS_SERVER = ['statusChangeDate', 'resolutionDate'] as const;

export async function createTicket(
  deps: RequestDeps,
  caller: Caller,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<string> {
  if (!isObject(body)) throw bad('body', 'send a TroubleTicket object');
  checkAttributeNames(body);
  if (body['@type'] === undefined) throw bad('@type', 'is required ("TroubleTicket")');
  for (const k of [...READ_ONLY, ...ALWAYS_SERVER])
    if (body[k] !== undefined) throw bad(k, 'is set by the server; leave it out');
  for (const k of ['description', 'severity', 'ticketType'])
    if (body[k] === undefined || body[k] === null) throw bad(k, 'is required');
  const kind = ticketKindOf(body.ticketType);
  const description = text(body.description, 'description', 10000);
  if (body.status !== undefined && statusOf(body.status) !== 'acknowledged')
    throw bad('status', 'a new ticket is acknowledged; change its status with PATCH');
  if (body.statusChangeReason !== undefined)
    throw bad('statusChangeReason', 'goes with a status change (PATCH)');
  const notes = body.note === undefined ? [] : notesOf(body.note, new Map());
  const { extras, category, parties, entities } = keptAfter(NO_EXTRAS, body);
  const customerIds = new Set(
    [parties?.customerId, entities?.customerId].filter((v): v is string => v !== undefined),
  );
  if (customerIds.size > 1)
    throw new AppError('UNPROCESSABLE', 'relatedParty and relatedEntity name different customers', {
      fields: [{ field: 'relatedEntity', message: 'names another customer than relatedParty' }],
    });
  const name = body.name === undefined ? undefined : text(body.name, 'name', 200, 1);
  const native = {
    kind,
    title: name ?? (description.slice(0, 100) || kind),
    description,
    channel: body.channel === undefined ? 'api' : channelOf(body.channel),
    ...(customerIds.size ? { customerId: [...customerIds][0] } : {}),
    ...(entities?.productInstanceId ? { productInstanceId: entities.productInstanceId } : {}),
    ...(category ? { category } : {}),
    ...(body.priority !== undefined ? { priority: priorityOf(body.priority) } : {}),
  };
  const input = createInput.safeParse(native);
  if (!input.success)
    throw invalidTmfInput(input.error, (f) =>
      f === 'category' ? 'troubleTicketCharacteristic[category]' : f === 'title' ? 'name' : f,
    );
  const { view } = await createRequest(
    deps,
    caller,
    input.data,
    idempotencyKey,
    undefined,
    async (trx, id) => {
      await writeExtras(trx, id, extras, caller.now);
      if (notes.length)
        await trx
          .insertInto('service_request_timeline')
          .values(
            notes.map((n) => ({
              id: uuidv7(),
              request_id: id,
              kind: 'note' as const,
              visibility: 'internal' as const,
              actor_id: caller.actor.actorId,
              actor_login: caller.actor.actorLogin,
              from_status: null,
              to_status: null,
              body: n.text,
              details: JSON.stringify(n.author ? { author: n.author } : {}),
              created_at: caller.now,
            })),
          )
          .execute();
    },
  );
  return view.id;
}

type Workflow = Awaited<ReturnType<typeof workflowOf>>;

/**
 * The workflow actions that bring a request from its state to a TMF status: the shortest path
 * (actions in the workflow's order) whose steps before the last keep the status the ticket shows
 * now (e.g. taken → start → resolve for inProgress → resolved). 回访 (callback) is never chosen.
 */
function actionsFor(workflow: Workflow, from: State, wanted: TmfStatus): Action[] | undefined {
  const shown = tmfStatus(from);
  let frontier: Array<{ state: State; path: Action[] }> = [{ state: from, path: [] }];
  const seen = new Set<State>([from]);
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: typeof frontier = [];
    for (const { state, path } of frontier)
      for (const a of ACTIONS) {
        if (a === 'callback') continue;
        const step = nextState(workflow, state, a);
        if (!step.ok) continue;
        if (tmfStatus(step.to) === wanted) return [...path, a];
        if (tmfStatus(step.to) === shown && !seen.has(step.to)) {
          seen.add(step.to);
          next.push({ state: step.to, path: [...path, a] });
        }
      }
    frontier = next;
  }
  return undefined;
}

function reachable(workflow: Workflow, from: State): TmfStatus[] {
  return TMF_STATUSES.filter((s) => s !== tmfStatus(from) && actionsFor(workflow, from, s) !== undefined);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** TMF attributes of the ticket that are ours and cannot change through TMF621. */
function checkUnchangeable(body: Json, current: TmfResource) {
  for (const k of [
    'name',
    'description',
    'priority',
    'channel',
    'ticketType',
    ...READ_ONLY,
    ...ALWAYS_SERVER,
  ]) {
    if (!Object.hasOwn(body, k)) continue;
    let sent = body[k];
    if (k === 'priority' && sent !== null) sent = priorityOf(sent);
    if (k === 'ticketType' && sent !== null) sent = ticketKindOf(sent);
    if (k === 'channel' && sent !== null)
      sent = { '@type': 'ChannelRef', id: channelOf(sent), name: channelOf(sent) };
    if (k === 'statusChangeDate' || k === 'resolutionDate' || k === 'creationDate' || k === 'lastUpdate')
      sent =
        typeof sent === 'string' && !Number.isNaN(new Date(sent).getTime())
          ? new Date(sent).toISOString()
          : sent;
    if (k === 'href' && sent === current.href) continue;
    if (!same(sent, current[k]))
      throw new AppError('UNPROCESSABLE', `${k}: cannot be changed through TMF621`, {
        fields: [{ field: k, message: 'cannot be changed' }],
      });
  }
}

export async function patchTicket(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  body: unknown,
  base: string,
  version: number | undefined,
): Promise<void> {
  if (!isObject(body) || Object.keys(body).length === 0)
    throw bad('body', 'send a JSON object with at least one attribute to change (JSON Merge Patch)');
  checkAttributeNames(body);
  const full = await loadTicket(deps, caller, id);
  const before = await extrasFor(deps.db, id);
  const current = toTicket(full, before, base, timelineItems(full));
  checkUnchangeable(body, current);
  for (const k of ['status', 'relatedParty', 'relatedEntity'])
    if (Object.hasOwn(body, k) && body[k] === null) throw bad(k, 'cannot be removed');
  // The status: a workflow action (checked now, made last).
  let actions: Action[] = [];
  const reason =
    body.statusChangeReason === undefined
      ? undefined
      : text(body.statusChangeReason, 'statusChangeReason', 2000, 1);
  if (body.status !== undefined) {
    const wanted = statusOf(body.status);
    if (wanted !== current.status) {
      const workflow = await workflowOf(deps.db, full.kind as TicketKind);
      const path = actionsFor(workflow, full.status as State, wanted);
      if (!path) {
        const can = reachable(workflow, full.status as State);
        throw new AppError(
          'TRANSITION_NOT_ALLOWED',
          `status: a ${full.kind} ticket that is ${String(current.status)} cannot become ${wanted}; ` +
            `it can become ${can.join(', ') || 'nothing more'}`,
          { status: current.status, allowed: can },
        );
      }
      actions = path;
      if (path.some((a) => NEEDS_REASON.has(a) || NEEDS_RESULT.has(a)) && !reason)
        throw bad('statusChangeReason', `is required to make the ticket ${wanted}`);
    }
  }
  if (reason !== undefined && actions.length === 0)
    throw bad('statusChangeReason', 'goes with a change of status (the ticket already has this one)');
  const existingNotes = new Map(
    full.timeline
      .filter((t) => ['note', 'reply', 'contact_attempt'].includes(t.kind))
      .map((t) => [t.id, t.body ?? '']),
  );
  const notes = body.note === undefined ? [] : notesOf(body.note, existingNotes);
  // Notes are never removed or changed: those without an id are added, the others left as they are.
  const { extras, category, parties, entities } = keptAfter(before, body);
  if (category !== undefined && category !== full.categoryCode)
    throw new AppError(
      'UNPROCESSABLE',
      'troubleTicketCharacteristic[category]: cannot be changed through TMF621',
      {
        fields: [{ field: 'troubleTicketCharacteristic[category]', message: 'cannot be changed' }],
      },
    );
  const customerId = full.customer?.id;
  for (const [field, sent] of [
    ['relatedParty', parties?.customerId],
    ['relatedEntity', entities?.customerId],
  ] as const)
    if ((field === 'relatedParty' ? parties : entities) && sent !== undefined && sent !== customerId)
      throw new AppError('UNPROCESSABLE', `${field}: the customer cannot be changed through TMF621`, {
        fields: [{ field, message: 'the customer cannot be changed' }],
      });
  if (parties && customerId && parties.customerId === undefined)
    throw new AppError('UNPROCESSABLE', 'relatedParty: the customer (role customer) cannot be removed', {
      fields: [{ field: 'relatedParty', message: 'the customer cannot be removed' }],
    });
  if (entities && (entities.productInstanceId ?? null) !== full.productInstanceId)
    throw new AppError(
      'UNPROCESSABLE',
      'relatedEntity: the product (@referredType Product) cannot be changed',
      {
        fields: [{ field: 'relatedEntity', message: 'the product cannot be changed' }],
      },
    );
  // Everything checked: write — kept attributes, then notes, then the status — in ONE transaction
  // (the use cases join it): a change that fails undoes the ones before it, events included.
  checkVersion('service request', full.version, version);
  await deps.db.transaction().execute(async (trx) => {
    const inTrx: RequestDeps = { ...deps, db: trx };
    let expected = version;
    if (!same(extras, before)) await writeKept(trx, inTrx, caller, full, before, extras);
    for (const n of notes) {
      const v = await addNote(inTrx, caller, id, { body: n.text, visibility: 'internal', version: expected });
      expected = expected === undefined ? undefined : v.version;
    }
    for (const action of actions) {
      const v = await transition(inTrx, caller, id, {
        action,
        ...(NEEDS_RESULT.has(action) ? { result: reason } : NEEDS_REASON.has(action) ? { reason } : {}),
        version: expected,
      });
      expected = expected === undefined ? undefined : v.version;
    }
  });
}

/** What DELETE /troubleTicket/{id} writes on the timeline as the reason of the 撤单. */
export const DELETE_REASON = 'Cancelled through TMF621 (DELETE /troubleTicket/{id})';

/**
 * DELETE /troubleTicket/{id} is 撤单: the workflow's `cancel` action (from a state nobody has
 * worked in yet), with its audit, timeline entry and events (TroubleTicketDeleteEvent among them).
 * A ticket TMF already shows as cancelled: nothing to do. Any other: 409, nothing changes.
 */
export async function cancelTicket(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  version: number | undefined,
): Promise<void> {
  const full = await loadTicket(deps, caller, id);
  const shown = tmfStatus(full.status, full.mergedIntoId !== null);
  if (shown === 'cancelled') return;
  const workflow = await workflowOf(deps.db, full.kind as TicketKind);
  if (!nextState(workflow, full.status as State, 'cancel').ok)
    throw new AppError(
      'TRANSITION_NOT_ALLOWED',
      `a ${full.kind} ticket that is ${shown} (${full.status}) cannot be deleted: only a ticket nobody ` +
        `has started working on (acknowledged, not yet taken) is cancelled; ` +
        `move this one on with PATCH status (it can become ${reachable(workflow, full.status as State).join(', ') || 'nothing more'})`,
      { status: shown, allowed: reachable(workflow, full.status as State) },
    );
  await transition(deps, caller, id, { action: 'cancel', reason: DELETE_REASON, version });
}

async function writeKept(
  trx: Parameters<typeof recordEvent>[0],
  deps: RequestDeps,
  caller: Caller,
  full: RequestView,
  before: TicketExtras,
  after: TicketExtras,
) {
  const changed = (['severity', 'requestedResolutionDate', 'expectedResolutionDate'] as const)
    .filter((k) => before[k] !== after[k])
    .map(String);
  for (const k of new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]))
    if (!same(before.attributes[k], after.attributes[k])) changed.push(k);
  // In the PATCH's transaction (trx).
  await writeExtras(trx, full.id, after, caller.now);
  await appendAudit(
    trx,
    caller.actor,
    {
      action: 'service_request.tmf_update',
      entityType: 'service_request',
      entityId: full.id,
      orgUnitId: full.handlingUnitId,
      details: { number: full.number, changed },
    },
    caller.now,
  );
  if (deps.recordEvents !== false)
    for (const e of requestEvents('ServiceRequestAttributeValueChangeEvent', full, caller.now, {
      change: { tmf621: changed },
    }))
      await recordEvent(trx, e);
}
