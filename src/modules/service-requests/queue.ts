/** Reading requests: one with its timeline, and the newest-first list with queue filters. */
import { invalidField } from '../../platform/errors.ts';
import { nearestClocks, queueClockOut } from '../sla/index.ts';
import type { Caller, RequestDeps } from './deps.ts';
import { findRequests } from './find-requests.ts';
import { loadInScope, timelineOf, workflowOf } from './requests.repository.ts';
import { linksAndMerged } from './merge-requests.ts';
import { othersViewing } from './viewing.ts';
import {
  listItemView,
  namesFor,
  personView,
  requestView,
  summariesFor,
  timelineView,
} from './requests.views.ts';
import type { ListQuery } from './service-requests.schemas.ts';

export async function getRequest(deps: RequestDeps, caller: Caller, id: string) {
  const row = await loadInScope(deps.db, caller, id);
  const [timeline, workflow, customers] = await Promise.all([
    timelineOf(deps.db, id),
    workflowOf(deps.db, row.kind),
    summariesFor(deps.db, [row]),
  ]);
  // Links and the timelines of merged duplicates (merge-requests.ts).
  const { links, mergedTimeline } = await linksAndMerged(deps.db, caller, row);
  const viewers = await othersViewing(deps.db, id, caller); // viewing.ts
  const entries = [...timeline.map((t) => timelineView(t)), ...mergedTimeline].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
  );
  // Names instead of ids: owner, deputy, assignee, units, group and who did each step (identity's).
  const names = await namesFor(
    deps.db,
    [row],
    entries.map((e) => e.actorId),
  );
  return {
    ...requestView(row, customers, workflow, names),
    timeline: entries.map((e) => ({ ...e, actor: personView(names, e.actorId) })),
    links,
    viewers,
  };
}

const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id))
    throw invalidField('querystring.cursor', 'is not a cursor this list returned');
  return { createdAt, id };
}

export async function listRequests(deps: RequestDeps, caller: Caller, q: ListQuery) {
  const limit = q.limit ?? 50;
  const bool = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
  // Queues and search: find-requests.ts (the indexes of migration 0021 match its conditions).
  const { rows: page, hasMore } = await findRequests(deps, caller, {
    q: q.q,
    queue: q.queue,
    kind: q.kind,
    priority: q.priority,
    status: q.status,
    statuses: q.statuses,
    desk: q.desk,
    open: bool(q.open),
    unassigned: bool(q.unassigned),
    assigneeId: q.assignee === 'me' ? caller.principal.userId : undefined,
    handlingUnitId: q.handlingUnit,
    customerId: q.customerId,
    // repeats.ts, merge-requests.ts (indexes of migration 0022).
    repeat: bool(q.repeat),
    tag: q.tag,
    after: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit,
  });
  // The nearest SLA deadline of each row (the sla module's: one statement for the page).
  const [customers, names, clocks] = await Promise.all([
    summariesFor(deps.db, page),
    namesFor(deps.db, page),
    nearestClocks(
      deps.db,
      page.map((r) => r.id),
    ),
  ]);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...listItemView(r, customers, names), sla: queueClockOut(clocks.get(r.id)) })),
    nextCursor: hasMore && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}
