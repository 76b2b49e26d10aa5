/** Rows → masked API shapes. Free text goes out through maskFreeText; the phone only masked. */
import type { Selectable } from 'kysely';
import { maskFreeText, maskFreeTextDeep } from '../../platform/pii/free-text.ts';
import { maskMiddle } from '../../platform/pii/masking.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { customerFacts, type CustomerFacts } from '../customers/index.ts';
import { namesByIds, type NamedRef, type PersonRef } from '../identity/index.ts';
import type { State } from './domain/catalogue.ts';
import { allowedActions, type WorkflowDefinition } from './domain/workflow.ts';
import type { RequestRow } from './requests.repository.ts';
import type { RequestView } from './service-requests.schemas.ts';
import type { ServiceRequestTimelineTable } from './service-requests.tables.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const masked = (v: string | null) => (v === null ? null : maskFreeText(v));

export type CustomerSummary = { id: string; customerNo: string; name: string; kind: string } | null;

/** A customer as a request list shows it: a person's name masked (王**), an enterprise's as it is. */
export function customerSummary(f: CustomerFacts | undefined): CustomerSummary {
  if (!f) return null;
  const name =
    f.kind === 'individual' ? maskMiddle(f.name, 1, 0, Math.max(1, [...f.name].length - 1)) : f.name;
  return { id: f.id, customerNo: f.customerNo, name, kind: f.kind };
}

/** Summaries of the customers of some rows (one query). */
export async function summariesFor(db: AnyExecutor, rows: ReadonlyArray<Pick<RequestRow, 'customer_id'>>) {
  const ids = rows.map((r) => r.customer_id).filter((id): id is string => id !== null);
  return customerFacts(db, ids);
}

/** Names of the people, units and skill groups some rows and timeline entries name (identity's). */
export type Names = Awaited<ReturnType<typeof namesByIds>>;
const NO_NAMES: Names = { users: new Map(), units: new Map(), skillGroups: new Map() };

/** One lookup for every person, unit and skill group the rows (and timeline entries) name. */
export async function namesFor(
  db: AnyExecutor,
  rows: ReadonlyArray<RequestRow>,
  actorIds: ReadonlyArray<string | null> = [],
): Promise<Names> {
  const users = rows.flatMap((r) => [r.assignee_id, r.owner_user_id, r.deputy_user_id]).concat(actorIds);
  return namesByIds(db, {
    users: users.filter((id): id is string => id !== null),
    units: rows.flatMap((r) => [r.handling_unit_id, r.owner_unit_id]),
    skillGroups: rows.map((r) => r.skill_group_id).filter((id): id is string => id !== null),
  });
}

const named = (map: Map<string, NamedRef>, id: string | null) => (id ? (map.get(id) ?? null) : null);

/** A person by name and unit; a portal customer's name masked like a customer summary, no unit. */
export function personView(names: Names, id: string | null): { name: string; unit: NamedRef | null } | null {
  const p: PersonRef | undefined = id ? names.users.get(id) : undefined;
  if (!p) return null;
  if (p.customer) return { name: maskMiddle(p.name, 1, 0, Math.max(1, [...p.name].length - 1)), unit: null };
  return { name: p.name, unit: p.unit };
}

export function listItemView(r: RequestRow, customers: Map<string, CustomerFacts>, names: Names = NO_NAMES) {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    categoryCode: r.category_code,
    channel: r.channel,
    title: maskFreeText(r.title),
    status: r.status,
    priority: r.priority,
    supportLine: r.support_line,
    urgeCount: r.urge_count,
    handlingUnitId: r.handling_unit_id,
    handlingUnit: named(names.units, r.handling_unit_id),
    skillGroupId: r.skill_group_id,
    skillGroup: named(names.skillGroups, r.skill_group_id),
    assigneeId: r.assignee_id,
    assignee: personView(names, r.assignee_id),
    customer: customerSummary(r.customer_id ? customers.get(r.customer_id) : undefined),
    callerPhone: r.caller_phone_masked,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    version: r.version,
    repeat: r.repeat_of.length > 0, // repeats.ts
    tags: r.tags,
  };
}

export function requestView(
  r: RequestRow,
  customers: Map<string, CustomerFacts>,
  workflow: WorkflowDefinition,
  names: Names = NO_NAMES,
): RequestView {
  return {
    ...listItemView(r, customers, names),
    description: maskFreeText(r.description),
    resolution: masked(r.resolution),
    channelRef: r.channel_ref,
    accessNumber: r.access_number,
    productInstanceId: r.product_instance_id,
    siteUnitId: r.site_unit_id,
    intakeUnitId: r.intake_unit_id,
    ownerUserId: r.owner_user_id,
    ownerUnitId: r.owner_unit_id,
    owner: personView(names, r.owner_user_id),
    ownerUnit: named(names.units, r.owner_unit_id),
    deputyUserId: r.deputy_user_id,
    deputy: personView(names, r.deputy_user_id),
    escalationLevel: r.escalation_level,
    reopenCount: r.reopen_count,
    firstContactResolution: r.first_contact_resolution,
    suspendedReason: masked(r.suspended_reason),
    routing: { ruleId: r.routing_rule_id, explanation: r.routing_explanation },
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
    allowedActions: allowedActions(workflow, r.status as State),
    repeatOf: r.repeat_of, // repeats.ts, merge-requests.ts
    relatedIds: r.related_ids,
    mergedIntoId: r.merged_into_id,
  };
}

export function timelineView(t: Selectable<ServiceRequestTimelineTable>, names: Names = NO_NAMES) {
  return {
    id: t.id,
    kind: t.kind,
    visibility: t.visibility,
    actorId: t.actor_id,
    actorLogin: t.actor_login,
    actor: personView(names, t.actor_id),
    fromStatus: t.from_status,
    toStatus: t.to_status,
    body: masked(t.body),
    details: maskFreeTextDeep(t.details ?? {}),
    createdAt: iso(t.created_at)!,
  };
}
