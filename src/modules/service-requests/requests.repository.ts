/** Queries on the module's own tables: scope filter, loads, timeline, workflows, open load per person. */
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import { notFound } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { orgUnits } from '../identity/index.ts';
import type { Kind } from './domain/catalogue.ts';
import { DEFAULT_WORKFLOWS, type WorkflowDefinition } from './domain/workflow.ts';
import type { Executor, ServiceRequestsTable, ServiceRequestsTables } from './service-requests.tables.ts';

export type RequestRow = Selectable<ServiceRequestsTable>;

/**
 * The data scope: a request is visible where its handling unit or its owner unit (首问) is in the
 * caller's scope, and to the person it is assigned to or owned by wherever they sit.
 */
export function requestInScope(caller: Pick<Caller, 'scope' | 'principal'>) {
  return (eb: ExpressionBuilder<ServiceRequestsTables, 'service_requests'>) => {
    if (caller.scope.all) return eb.val(true);
    const prefix = `${caller.scope.path}%`;
    return eb.or([
      eb('service_requests.handling_unit_path', 'like', prefix),
      eb('service_requests.owner_unit_path', 'like', prefix),
      eb('service_requests.assignee_id', '=', caller.principal.userId),
      eb('service_requests.owner_user_id', '=', caller.principal.userId),
    ]);
  };
}

/** One request in the caller's scope; outside it a request does not exist (404). */
export async function loadInScope(db: Executor, caller: Caller, id: string): Promise<RequestRow> {
  const row = await db
    .selectFrom('service_requests')
    .selectAll()
    .where('id', '=', id)
    .where(requestInScope(caller))
    .executeTakeFirst();
  if (!row) throw notFound('Service request');
  return row;
}

export async function timelineOf(db: Executor, requestId: string) {
  return db
    .selectFrom('service_request_timeline')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** A kind's workflow as stored (the seeded default if the row is missing). */
export async function workflowOf(db: Executor, kind: Kind): Promise<WorkflowDefinition> {
  const row = await db
    .selectFrom('service_request_workflows')
    .select('definition')
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row?.definition ?? DEFAULT_WORKFLOWS[kind];
}

/** Open requests per assignee (the assignment's load): users with none are 0. */
export async function openLoadOf(db: Executor, userIds: readonly string[]): Promise<Map<string, number>> {
  const load = new Map(userIds.map((u) => [u, 0]));
  if (userIds.length === 0) return load;
  const rows = await db
    .selectFrom('service_requests')
    .select(['assignee_id', sql<string>`count(*)`.as('n')])
    .where('assignee_id', 'in', [...userIds])
    .where('status', 'not in', ['closed', 'cancelled'])
    .groupBy('assignee_id')
    .execute();
  for (const r of rows) if (r.assignee_id) load.set(r.assignee_id, Number(r.n));
  return load;
}

export interface UnitInfo {
  id: string;
  code: string;
  path: string;
}

// Org units change rarely; their code and path are read at most once a minute per process.
let unitCache: { at: number; byId: Map<string, UnitInfo> } | undefined;

/** A unit's code and path (undefined if there is no such unit). */
export async function unitInfo(db: Executor, id: string, nowMs = Date.now()): Promise<UnitInfo | undefined> {
  if (!unitCache || nowMs - unitCache.at > 60_000 || !unitCache.byId.has(id)) {
    const all = await orgUnits(db);
    unitCache = { at: nowMs, byId: new Map(all.map((u) => [u.id, u])) };
  }
  return unitCache.byId.get(id);
}
