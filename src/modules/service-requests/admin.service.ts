/** Administrators' data: the category taxonomy per kind and each kind's workflow. */
import type { Selectable, Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit, withAuditEntry } from '../audit/index.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import type { Caller, RequestDeps } from './deps.ts';
import type { Kind } from './domain/catalogue.ts';
import { DEFAULT_WORKFLOWS, workflowProblems, type WorkflowDefinition } from './domain/workflow.ts';
import type { ServiceRequestCategoriesTable, ServiceRequestsTables } from './service-requests.tables.ts';

const categoryView = (r: Selectable<ServiceRequestCategoriesTable>) => ({
  id: r.id,
  kind: r.kind,
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  sortOrder: r.sort_order,
  active: r.active,
  version: r.version,
});

export async function listCategories(
  deps: RequestDeps,
  q: { kind?: Kind | undefined; includeInactive?: string | undefined },
) {
  let query = deps.db
    .selectFrom('service_request_categories')
    .selectAll()
    .orderBy('kind')
    .orderBy('sort_order')
    .orderBy('code');
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.includeInactive !== 'true') query = query.where('active', '=', true);
  return { items: (await query.execute()).map(categoryView) };
}

export async function createCategory(
  deps: RequestDeps,
  caller: Caller,
  input: { kind: Kind; code: string; name: string; nameEn: string; sortOrder?: number | undefined },
) {
  const id = uuidv7();
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('service_request_categories')
      .values({
        id,
        kind: input.kind,
        code: input.code,
        name: input.name,
        name_en: input.nameEn,
        sort_order: input.sortOrder ?? 0,
        created_at: caller.now,
        updated_at: caller.now,
      })
      .onConflict((oc) => oc.columns(['kind', 'code']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw conflict(`Kind ${input.kind} already has a category ${input.code}`, { field: 'code' });
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'service_request_category.create',
        entityType: 'service_request_category',
        entityId: id,
        details: { kind: input.kind, code: input.code },
      },
      caller.now,
    );
    return categoryView(row);
  });
}

export async function updateCategory(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  patch: {
    name?: string | undefined;
    nameEn?: string | undefined;
    sortOrder?: number | undefined;
    active?: boolean | undefined;
    version?: number | undefined;
  },
) {
  const row = await deps.db
    .selectFrom('service_request_categories')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Category');
  checkVersion('category', row.version, patch.version);
  const set: Updateable<ServiceRequestCategoriesTable> = { version: row.version + 1, updated_at: caller.now };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.nameEn !== undefined) set.name_en = patch.nameEn;
  if (patch.sortOrder !== undefined) set.sort_order = patch.sortOrder;
  if (patch.active !== undefined) set.active = patch.active;
  const changed = Object.keys(patch).filter((k) => k !== 'version');
  return deps.db.transaction().execute(async (trx) => {
    const updated = await withAuditEntry<ServiceRequestsTables>(
      trx,
      caller.actor,
      {
        action: 'service_request_category.update',
        entityType: 'service_request_category',
        entityId: id,
        details: { kind: row.kind, code: row.code, changed },
      },
      caller.now,
    )
      .updateTable('service_request_categories')
      .set(set)
      .where('id', '=', id)
      .where('version', '=', row.version)
      .returningAll()
      .executeTakeFirst();
    assertOneUpdated('category', updated ? 1 : 0);
    return categoryView(updated!);
  });
}

const workflowView = (r: {
  kind: Kind;
  definition: WorkflowDefinition;
  version: number;
  updated_at: Date;
}) => ({
  kind: r.kind,
  definition: r.definition,
  version: r.version,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listWorkflows(deps: RequestDeps) {
  const rows = await deps.db.selectFrom('service_request_workflows').selectAll().orderBy('kind').execute();
  return { items: rows.map(workflowView) };
}

export async function getWorkflow(deps: RequestDeps, kind: Kind) {
  const row = await deps.db
    .selectFrom('service_request_workflows')
    .selectAll()
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row
    ? workflowView(row)
    : workflowView({ kind, definition: DEFAULT_WORKFLOWS[kind], version: 0, updated_at: new Date(0) });
}

/** Replaces a kind's workflow after validation; requests keep their state (a state left out must be empty). */
export async function putWorkflow(
  deps: RequestDeps,
  caller: Caller,
  kind: Kind,
  input: { definition: WorkflowDefinition; version?: number | undefined },
) {
  const problems = workflowProblems(input.definition);
  if (problems.length)
    throw new AppError(
      'UNPROCESSABLE',
      `The workflow cannot be used: ${problems.map((p) => p.message).join('; ')}`,
      {
        problems,
      },
    );
  const current = await getWorkflow(deps, kind);
  checkVersion('workflow', current.version, input.version);
  const dropped = current.definition.states.filter((s) => !input.definition.states.includes(s));
  if (dropped.length) {
    const inUse = await deps.db
      .selectFrom('service_requests')
      .select('status')
      .where('kind', '=', kind)
      .where('status', 'in', dropped)
      .limit(1)
      .executeTakeFirst();
    if (inUse)
      throw new AppError(
        'UNPROCESSABLE',
        `Requests of kind ${kind} are in state "${inUse.status}", which the new workflow leaves out`,
        {
          state: inUse.status,
        },
      );
  }
  const definition = JSON.stringify(input.definition);
  return deps.db.transaction().execute(async (trx) => {
    const row = await withAuditEntry<ServiceRequestsTables>(
      trx,
      caller.actor,
      {
        action: 'service_request_workflow.update',
        entityType: 'service_request_workflow',
        entityId: null,
        details: { kind, states: input.definition.states, transitions: input.definition.transitions.length },
      },
      caller.now,
    )
      .insertInto('service_request_workflows')
      .values({ kind, definition, version: 1, updated_at: caller.now, updated_by: caller.principal.userId })
      .onConflict((oc) =>
        oc
          .column('kind')
          .doUpdateSet({
            definition,
            version: current.version + 1,
            updated_at: caller.now,
            updated_by: caller.principal.userId,
          })
          .where('service_request_workflows.version', '=', current.version),
      )
      .returningAll()
      .executeTakeFirst();
    assertOneUpdated('workflow', row ? 1 : 0);
    return workflowView(row!);
  });
}
