/**
 * Merging a duplicate into another request (合并), linking related ones, tags. The duplicate is
 * closed as merged (status `closed` whatever its workflow state, `merged_into_id` set: a merge is
 * not a workflow action) and keeps its timeline and customer link; the target shows the
 * duplicate's timeline, takes its customer if it had none, and gets the one customer-visible
 * entry telling the customer. Both rows change under their versions in one transaction.
 */
import { sql, type Insertable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { AppError, notFound, unprocessableField } from '../../platform/errors.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { withAuditEntry } from '../audit/index.ts';
import { withEvents } from '../events/index.ts';
import { slaOnRequestChange } from '../sla/index.ts';
import { changeRequest } from './change-request.ts';
import type { Caller, RequestDeps } from './deps.ts';
import { isTerminal } from './domain/catalogue.ts';
import { requestEvents } from './requests.events.ts';
import {
  loadInScope,
  requestInScope,
  timelineOf,
  workflowOf,
  type RequestRow,
} from './requests.repository.ts';
import { requestView, summariesFor, timelineView } from './requests.views.ts';
import type { RequestView } from './service-requests.schemas.ts';
import type {
  Executor,
  ServiceRequestsTables,
  ServiceRequestTimelineTable,
} from './service-requests.tables.ts';

const closedRefusal = (what: string) =>
  new AppError('TRANSITION_NOT_ALLOWED', `A closed request cannot be ${what}`, {
    status: 'closed',
    allowed: [],
  });

export async function mergeInto(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { targetId: string; reason: string; version?: number | undefined },
): Promise<RequestView> {
  if (input.targetId === id) throw unprocessableField('targetId', 'is this request itself');
  const dup = await loadInScope(deps.db, caller, id);
  checkVersion('service request', dup.version, input.version);
  const target = await deps.db
    .selectFrom('service_requests')
    .selectAll()
    .where('id', '=', input.targetId)
    .where(requestInScope(caller))
    .executeTakeFirst();
  if (!target) throw unprocessableField('targetId', 'no such request');
  if (isTerminal(dup.status)) throw closedRefusal('merged');
  if (isTerminal(target.status)) throw unprocessableField('targetId', `is ${target.status}`);
  if (dup.customer_id && target.customer_id && dup.customer_id !== target.customer_id)
    throw unprocessableField('targetId', 'is about another customer');
  const now = caller.now;
  const [workflowDup, workflowTarget, customers] = await Promise.all([
    workflowOf(deps.db, dup.kind),
    workflowOf(deps.db, target.kind),
    summariesFor(deps.db, [dup, target]),
  ]);
  const details = { targetId: target.id, targetNumber: target.number, from: dup.status };
  return deps.db.transaction().execute(async (trx) => {
    const closed = await withAuditEntry<ServiceRequestsTables>(
      trx,
      caller.actor,
      {
        action: 'service_request.merge',
        entityType: 'service_request',
        entityId: id,
        orgUnitId: dup.handling_unit_id,
        details: { number: dup.number, ...details },
      },
      now,
    )
      .updateTable('service_requests')
      .set({
        status: 'closed',
        closed_at: now,
        merged_into_id: target.id,
        version: dup.version + 1,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('version', '=', dup.version)
      .returningAll()
      .executeTakeFirst();
    assertOneUpdated('service request', closed ? 1 : 0);
    const kept = await trx
      .updateTable('service_requests')
      .set({
        customer_id: target.customer_id ?? dup.customer_id,
        version: target.version + 1,
        updated_at: now,
      })
      .where('id', '=', target.id)
      .where('version', '=', target.version)
      .returningAll()
      .executeTakeFirst();
    assertOneUpdated('service request', kept ? 1 : 0);
    // The duplicate's SLA clocks stop (closed without its own resolution).
    await slaOnRequestChange(trx, id, { type: 'milestone', milestone: 'closed' }, now);
    const entry = (
      e: Omit<Insertable<ServiceRequestTimelineTable>, 'id' | 'actor_id' | 'actor_login' | 'created_at'>,
    ) => ({
      ...e,
      id: uuidv7(),
      actor_id: caller.actor.actorId,
      actor_login: caller.actor.actorLogin,
      created_at: now,
    });
    const dupView = requestView(closed!, customers, workflowDup);
    const targetView = requestView(kept!, customers, workflowTarget);
    const events =
      deps.recordEvents === false
        ? []
        : [
            ...requestEvents('ServiceRequestStateChangeEvent', dupView, now, {
              change: { action: 'merge', ...details },
            }),
            ...requestEvents('ServiceRequestAttributeValueChangeEvent', targetView, now, {
              change: { mergedFrom: { id, number: dup.number } },
            }),
          ];
    await withEvents(trx, events)
      .insertInto('service_request_timeline')
      .values([
        entry({
          request_id: id,
          kind: 'merge',
          visibility: 'internal',
          from_status: dup.status,
          to_status: 'closed',
          body: input.reason,
          details: JSON.stringify(details),
        }),
        // The customer is told once, on the request that carries on.
        entry({
          request_id: target.id,
          kind: 'merge',
          visibility: 'customer',
          from_status: null,
          to_status: null,
          body: null,
          details: JSON.stringify({ mergedFromId: id, mergedFromNumber: dup.number }),
        }),
      ])
      .execute();
    return dupView;
  });
}

/** A related request linked from this one (both must be visible to the caller). */
export async function linkRequest(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { relatedId: string; version?: number | undefined },
) {
  if (input.relatedId === id) throw unprocessableField('relatedId', 'is this request itself');
  const related = await deps.db
    .selectFrom('service_requests')
    .select(['id', 'number'])
    .where('id', '=', input.relatedId)
    .where(requestInScope(caller))
    .executeTakeFirst();
  if (!related) throw unprocessableField('relatedId', 'no such request');
  return changeRequest(deps, caller, id, input.version, (row) => {
    if (row.related_ids.includes(related.id)) throw unprocessableField('relatedId', 'is linked already');
    const details = { relatedId: related.id, relatedNumber: related.number, linked: true };
    return {
      set: { related_ids: [...row.related_ids, related.id] },
      entries: [{ kind: 'link', visibility: 'internal', details }],
      audit: { action: 'service_request.link', details },
      event: 'ServiceRequestAttributeValueChangeEvent',
    };
  });
}

/** Removes a link this request holds (one made from the other request is removed there). */
export async function unlinkRequest(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  relatedId: string,
  version: number | undefined,
) {
  return changeRequest(deps, caller, id, version, (row) => {
    if (!row.related_ids.includes(relatedId)) throw notFound('Link');
    const details = { relatedId, linked: false };
    return {
      set: { related_ids: row.related_ids.filter((r) => r !== relatedId) },
      entries: [{ kind: 'link', visibility: 'internal', details }],
      audit: { action: 'service_request.unlink', details },
      event: 'ServiceRequestAttributeValueChangeEvent',
    };
  });
}

/** Replaces the request's tags (trimmed, duplicates dropped, order kept). */
export async function setTags(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { tags: string[]; version?: number | undefined },
) {
  const tags = [...new Set(input.tags.map((t) => t.trim()))];
  return changeRequest(deps, caller, id, input.version, (row) => {
    const details = { from: row.tags, to: tags };
    return {
      set: { tags },
      entries: [{ kind: 'tags', visibility: 'internal', details }],
      audit: { action: 'service_request.tags', details },
      event: 'ServiceRequestAttributeValueChangeEvent',
    };
  });
}

export type LinkRelation = 'repeat_of' | 'related' | 'linked_from' | 'merged_from' | 'merged_into';

/**
 * What the request view adds: its links (those the caller may see, with number and status) and
 * the timelines of duplicates merged into it (each entry naming the duplicate).
 */
export async function linksAndMerged(db: Executor, caller: Caller, row: RequestRow) {
  const others = await db
    .selectFrom('service_requests')
    .select(['id', 'number', 'status', 'merged_into_id', 'related_ids'])
    .where(requestInScope(caller))
    // The candidates first, each through its own index (an OR across them made PostgreSQL scan
    // the table: 18 s at 10 M requests); the related index is partial (non-empty arrays).
    .where(
      sql<boolean>`id = any(array(
        select m.id from service_requests m where m.merged_into_id = ${row.id}
        union select r.id from service_requests r
          where cardinality(r.related_ids) > 0 and r.related_ids @> array[${row.id}]::uuid[]
        union select unnest(${[...row.repeat_of, ...row.related_ids, ...(row.merged_into_id ? [row.merged_into_id] : [])]}::uuid[])))`,
    )
    .execute();
  const links: Array<{ id: string; number: string; status: string; relation: LinkRelation }> = [];
  for (const o of others) {
    // One entry per relation: a repeat may also be linked by hand.
    const relations: Array<[boolean, LinkRelation]> = [
      [o.id === row.merged_into_id, 'merged_into'],
      [o.merged_into_id === row.id, 'merged_from'],
      [row.repeat_of.includes(o.id), 'repeat_of'],
      [row.related_ids.includes(o.id), 'related'],
      [o.related_ids.includes(row.id), 'linked_from'],
    ];
    for (const [holds, relation] of relations)
      if (holds) links.push({ id: o.id, number: o.number, status: o.status, relation });
  }
  const merged = others.filter((o) => o.merged_into_id === row.id);
  const timelines = await Promise.all(
    merged.map(async (m) =>
      (await timelineOf(db, m.id)).map((t) => ({
        ...timelineView(t),
        mergedFrom: { id: m.id, number: m.number },
      })),
    ),
  );
  return { links, mergedTimeline: timelines.flat() };
}
