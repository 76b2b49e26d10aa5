/**
 * The customer's portal (自助服务): a portal login speaks for one customer (customers'
 * `portalCustomerOf`); it reports a fault on one of its own services, reads its own requests with
 * the customer-visible timeline only, adds a note, confirms or rejects (reopens) a resolution.
 * Another customer's request — or none — is 404 alike. The use cases are the staff ones, run once
 * the request is known to be the customer's own.
 */
import { invalidField, notFound, unprocessableField } from '../../platform/errors.ts';
import { instanceFacts, portalCustomerOf, portalServicesOf } from '../customers/index.ts';
import { changeRequest } from './change-request.ts';
import { createRequest } from './create-request.ts';
import type { Caller, RequestDeps } from './deps.ts';
import { timelineOf, workflowOf } from './requests.repository.ts';
import { isTerminal, type Kind, type State } from './domain/catalogue.ts';
import { nextState, type Action } from './domain/workflow.ts';
import type { RequestRow } from './requests.repository.ts';
import { transition, urge } from './transitions.ts';
import { listCategories } from './admin.service.ts';
import type { ExtraAttachmentRule } from './request-attachments.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { timelineView } from './requests.views.ts';
import { requestCommitments } from '../sla/index.ts';

export async function portalCustomer(deps: RequestDeps, caller: Caller): Promise<string> {
  const id = await portalCustomerOf(deps.db, caller.principal.userId);
  if (!id) throw notFound('Customer');
  return id;
}

/** The caller as the staff use cases see it, once the request is known to be the customer's own. */
const onOwnRequest = (caller: Caller): Caller => ({ ...caller, scope: { path: '', all: true } });

async function ownRow(deps: RequestDeps, caller: Caller, id: string): Promise<RequestRow> {
  const customerId = await portalCustomer(deps, caller);
  const row = await deps.db
    .selectFrom('service_requests')
    .selectAll()
    .where('id', '=', id)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!row) throw notFound('Service request');
  return row;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** What the customer sees of a request: no units, people, routing or internal notes. */
export function portalView(r: RequestRow) {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    categoryCode: r.category_code,
    productInstanceId: r.product_instance_id,
    title: maskFreeText(r.title),
    description: maskFreeText(r.description),
    status: r.status,
    resolution: r.resolution === null ? null : maskFreeText(r.resolution),
    mergedIntoId: r.merged_into_id,
    urgeCount: r.urge_count,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
    version: r.version,
  };
}

export async function portalRequest(deps: RequestDeps, caller: Caller, id: string) {
  const row = await ownRow(deps, caller, id);
  const timeline = (await timelineOf(deps.db, id))
    .filter((t) => t.visibility === 'customer')
    .map((t) => {
      const v = timelineView(t);
      // Staff identities stay internal; the customer sees whether an entry is theirs.
      return {
        id: v.id,
        kind: v.kind,
        fromStatus: v.fromStatus,
        toStatus: v.toStatus,
        body: v.body,
        byCustomer: t.actor_id === caller.principal.userId,
        createdAt: v.createdAt,
      };
    });
  // The promised times (承诺反馈/修复时间 …) in the customer's words: no policy row, no staff.
  const commitments = (await requestCommitments(deps.db, [id], caller.now)).get(id) ?? [];
  return { ...portalView(row), commitments, timeline };
}

export async function portalList(
  deps: RequestDeps,
  caller: Caller,
  q: { open?: 'true' | 'false' | undefined; limit?: number | undefined },
) {
  const customerId = await portalCustomer(deps, caller);
  let query = deps.db
    .selectFrom('service_requests')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit ?? 50);
  if (q.open === 'true') query = query.where('status', 'not in', ['closed', 'cancelled']);
  if (q.open === 'false') query = query.where('status', 'in', ['closed', 'cancelled']);
  const items = (await query.execute()).map(portalView);
  const commitments = await requestCommitments(
    deps.db,
    items.map((i) => i.id),
    caller.now,
  );
  return { items: items.map((i) => ({ ...i, commitments: commitments.get(i.id) ?? [] })) };
}

/** What a customer may submit on the portal: a fault on one of their services, or these. */
export const PORTAL_KINDS = ['fault', 'consultation', 'complaint', 'suggestion'] as const;
export type PortalKind = (typeof PORTAL_KINDS)[number];

/**
 * 报障 (a fault on one of the customer's own services) or a consultation, complaint or suggestion
 * (a service optional), through the web channel. Owned by the unit routing picks; the first agent
 * who takes it becomes its first-contact owner (transitions.ts).
 */
export async function portalReport(
  deps: RequestDeps,
  caller: Caller,
  input: {
    kind?: PortalKind | undefined;
    productInstanceId?: string | undefined;
    title: string;
    description: string;
    category?: string | undefined;
  },
  idempotencyKey?: string,
) {
  const customerId = await portalCustomer(deps, caller);
  const kind = input.kind ?? 'fault';
  if (kind === 'fault' && !input.productInstanceId)
    throw invalidField('body.productInstanceId', 'is required to report a fault: which of your services?');
  if (input.productInstanceId) {
    const instance = await instanceFacts(deps.db, input.productInstanceId);
    if (!instance || instance.customerId !== customerId)
      throw unprocessableField('productInstanceId', 'is not one of your services');
  }
  const { view, replayed } = await createRequest(
    deps,
    caller,
    {
      kind,
      channel: 'web',
      customerId,
      ...(input.productInstanceId ? { productInstanceId: input.productInstanceId } : {}),
      title: input.title,
      description: input.description,
      ...(input.category ? { category: input.category } : {}),
    },
    idempotencyKey,
    customerId,
  );
  return { id: view.id, replayed };
}

/** 我的服务: the customer's own services and their status. */
export async function portalServices(deps: RequestDeps, caller: Caller) {
  return { items: await portalServicesOf(deps.db, await portalCustomer(deps, caller)) };
}

/** The categories a customer picks from (active ones of the portal's kinds). */
export async function portalCategories(deps: RequestDeps, kind: PortalKind) {
  const { items } = await listCategories(deps, { kind });
  return { items: items.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn })) };
}

/** 催单: the customer chases an open request (counted, on the timeline). */
export async function portalUrge(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { reason?: string | undefined; version?: number | undefined },
) {
  const row = await ownRow(deps, caller, id);
  if (row.status === 'resolved' || row.status === 'callback')
    throw unprocessableField('id', 'the request is resolved: confirm or reject the resolution instead');
  await urge(deps, onOwnRequest(caller), id, input);
}

export async function portalNote(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { body: string; version?: number | undefined },
) {
  await ownRow(deps, caller, id);
  await changeRequest(deps, onOwnRequest(caller), id, input.version, (row) => {
    if (isTerminal(row.status)) throw unprocessableField('id', `the request is ${row.status}`);
    return {
      set: {},
      entries: [{ kind: 'note', visibility: 'customer', body: input.body, details: { from: 'customer' } }],
      audit: { action: 'service_request.customer_note', details: { from: 'customer' } },
      event: 'ServiceRequestNoteEvent',
    };
  });
}

/**
 * The customer agrees (→ closed) or disagrees (reopen, with the reason) with a resolution. The
 * customer's agreement is the confirmation (回访) itself: from 回单 it runs callback then confirm
 * (each a step on the timeline); a kind without callback closes.
 */
export async function portalDecide(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { accept: boolean; reason?: string | undefined; version?: number | undefined },
) {
  const row = await ownRow(deps, caller, id);
  if (!input.accept && !input.reason) throw invalidField('body.reason', 'is required to reject a resolution');
  const as = onOwnRequest(caller);
  if (!input.accept) {
    await transition(deps, as, id, { action: 'reopen', reason: input.reason!, version: input.version });
    return;
  }
  const workflow = await workflowOf(deps.db, row.kind as Kind);
  const from = row.status as State;
  const can = (action: Action) => nextState(workflow, from, action).ok;
  if (!can('confirm') && can('callback')) {
    await transition(deps, as, id, { action: 'callback', version: input.version });
    const next = input.version === undefined ? undefined : input.version + 1;
    await transition(deps, as, id, { action: 'confirm', version: next });
    return;
  }
  const action = !can('confirm') && can('close') ? 'close' : 'confirm';
  await transition(deps, as, id, { action, version: input.version });
}

/** Attachments: a portal customer reads those of their own requests and attaches to open ones. */
export const portalAttachmentRule: ExtraAttachmentRule = async (db, caller, id, attach) => {
  if (!caller.principal.permissions.has('request.portal')) return false;
  const customerId = await portalCustomerOf(db, caller.principal.userId);
  if (!customerId) return false;
  const row = await db
    .selectFrom('service_requests')
    .select('status')
    .where('id', '=', id)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row !== undefined && (!attach || !isTerminal(row.status));
};
