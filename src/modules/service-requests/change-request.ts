/**
 * The one shape of every change to a request: load in scope → check the version the client read →
 * a pure-ish plan → UPDATE … WHERE version = read version (with its audit entry) and the timeline
 * entries (with the outbox event) in one transaction. A stale version is refused before anything
 * is written; a race lost after the checks touches no row and is refused too (409, nothing lost).
 */
import type { Insertable, Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { checkVersion, assertOneUpdated } from '../../platform/versions.ts';
import { withAuditEntry } from '../audit/index.ts';
import { withEvents } from '../events/index.ts';
import type { Caller, RequestDeps } from './deps.ts';
import type { State, TimelineKind, Visibility } from './domain/catalogue.ts';
import type { WorkflowDefinition } from './domain/workflow.ts';
import { keepRequestSearch } from './request-search.ts';
import { requestEvents, type RequestEventType } from './requests.events.ts';
import { loadInScope, workflowOf, type RequestRow } from './requests.repository.ts';
import { requestView, summariesFor } from './requests.views.ts';
import type { RequestView } from './service-requests.schemas.ts';
import type {
  Db,
  ServiceRequestsTable,
  ServiceRequestsTables,
  ServiceRequestTimelineTable,
} from './service-requests.tables.ts';

export interface TimelineDraft {
  kind: TimelineKind;
  visibility: Visibility;
  fromStatus?: State | null;
  toStatus?: State | null;
  body?: string | null;
  details?: Record<string, unknown>;
}

export interface Change {
  /** Columns to set; empty for an append to the timeline only (no new version). */
  set: Updateable<ServiceRequestsTable>;
  entries: TimelineDraft[];
  audit: { action: string; details: Record<string, unknown> };
  event: RequestEventType;
  /** More events of the same change (e.g. 撤单's ServiceRequestCancelEvent beside the state change). */
  alsoEvents?: RequestEventType[];
  /** More to write in the change's transaction once the request is updated (the SLA clocks). */
  also?: (trx: Db, row: RequestRow) => Promise<unknown>;
}

export type Plan = (row: RequestRow, workflow: WorkflowDefinition) => Promise<Change> | Change;

export async function changeRequest(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  expectedVersion: number | undefined,
  plan: Plan,
): Promise<RequestView> {
  const row = await loadInScope(deps.db, caller, id);
  checkVersion('service request', row.version, expectedVersion);
  const workflow = await workflowOf(deps.db, row.kind);
  const change = await plan(row, workflow);
  const customers = await summariesFor(deps.db, [row]);
  const now = caller.now;
  const audit = {
    action: change.audit.action,
    entityType: 'service_request',
    entityId: id,
    orgUnitId: (change.set.handling_unit_id as string | undefined) ?? row.handling_unit_id,
    details: { number: row.number, ...change.audit.details },
  };
  // Inside a caller's transaction (a TMF621 PATCH of several changes) it joins that one.
  const inTransaction = <T>(fn: (trx: typeof deps.db) => Promise<T>) =>
    deps.db.isTransaction ? fn(deps.db) : deps.db.transaction().execute(fn);
  return inTransaction(async (trx) => {
    let current = row;
    // The audit entry rides in the first statement: the UPDATE, or the timeline insert alone.
    const updates = Object.keys(change.set).length > 0;
    if (updates) {
      const updated = await withAuditEntry<ServiceRequestsTables>(trx, caller.actor, audit, now)
        .updateTable('service_requests')
        .set({ ...change.set, version: row.version + 1, updated_at: now })
        .where('id', '=', id)
        .where('version', '=', row.version)
        .returningAll()
        .executeTakeFirst();
      assertOneUpdated('service request', updated ? 1 : 0);
      current = updated!;
    }
    const view = requestView(current, customers, workflow);
    const entries: Array<Insertable<ServiceRequestTimelineTable>> = change.entries.map((e) => ({
      id: uuidv7(),
      request_id: id,
      kind: e.kind,
      visibility: e.visibility,
      actor_id: caller.actor.actorId,
      actor_login: caller.actor.actorLogin,
      from_status: e.fromStatus ?? null,
      to_status: e.toStatus ?? null,
      body: e.body ?? null,
      details: JSON.stringify(e.details ?? {}),
      created_at: now,
    }));
    const events =
      deps.recordEvents === false
        ? []
        : [change.event, ...(change.alsoEvents ?? [])].flatMap((type) =>
            requestEvents(type, view, now, { change: change.audit.details }),
          );
    await withEvents(
      updates ? trx : withAuditEntry<ServiceRequestsTables>(trx, caller.actor, audit, now),
      events,
    )
      .insertInto('service_request_timeline')
      .values(entries)
      .execute();
    await keepRequestSearch(trx, id, change);
    if (change.also) await change.also(trx, current);
    return view;
  });
}
