/** Reading requests: one with its timeline, and the newest-first list with queue filters. */
import { sql } from 'kysely';
import { invalidField } from '../../platform/errors.ts';
import type { Caller, RequestDeps } from './deps.ts';
import { OPEN_STATES } from './domain/catalogue.ts';
import { loadInScope, requestInScope, timelineOf, workflowOf } from './requests.repository.ts';
import { listItemView, requestView, summariesFor, timelineView } from './requests.views.ts';
import type { ListQuery } from './service-requests.schemas.ts';

export async function getRequest(deps: RequestDeps, caller: Caller, id: string) {
  const row = await loadInScope(deps.db, caller, id);
  const [timeline, workflow, customers] = await Promise.all([
    timelineOf(deps.db, id),
    workflowOf(deps.db, row.kind),
    summariesFor(deps.db, [row]),
  ]);
  return { ...requestView(row, customers, workflow), timeline: timeline.map(timelineView) };
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

/** A request number as agents read it out (province code + date + sequence). */
const NUMBER = /^[A-Z]{2,4}\d{14,}$/;

export async function listRequests(deps: RequestDeps, caller: Caller, q: ListQuery) {
  const limit = q.limit ?? 50;
  let query = deps.db
    .selectFrom('service_requests')
    .selectAll()
    .where(requestInScope(caller))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.open === 'true') query = query.where('status', 'in', OPEN_STATES);
  if (q.open === 'false') query = query.where('status', '=', 'closed');
  if (q.priority) query = query.where('priority', '=', q.priority);
  if (q.assignee === 'me') query = query.where('assignee_id', '=', caller.principal.userId);
  if (q.unassigned === 'true') query = query.where('assignee_id', 'is', null).where('status', '<>', 'closed');
  if (q.unassigned === 'false') query = query.where('assignee_id', 'is not', null);
  if (q.handlingUnit) query = query.where('handling_unit_id', '=', q.handlingUnit);
  if (q.customerId) query = query.where('customer_id', '=', q.customerId);
  if (q.q) {
    const term = q.q.toUpperCase();
    if (NUMBER.test(term)) query = query.where('number', '=', term);
    else {
      // Simple until the search module's exact CJK search replaces it: the title contains the term.
      const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(sql<boolean>`title ilike ${like}`);
    }
  }
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', c.createdAt),
        eb.and([eb('created_at', '=', c.createdAt), eb('id', '<', c.id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const customers = await summariesFor(deps.db, page);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => listItemView(r, customers)),
    nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}
