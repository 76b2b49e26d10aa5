/**
 * Service requests' side of the SLA (the registry wires it into the sla module, which never
 * imports this one): what a warning or breach step does to a request — an internal `sla` timeline
 * entry naming whom it tells (the owner and assignee; the supervisors of the nearest unit at or
 * above the handling unit, else of the owner's unit;
 * the customer's account manager), the priority raised one level and the request escalated one
 * support line (申告升级) on a breach — in the scheduler's transaction, so it happens exactly once
 * with the step, with the events an API change of those attributes records. And a customer's tier
 * change recomputing the clocks of its open requests.
 */
import { sql, type Insertable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import {
  chinaDay,
  contractOn,
  contractsOf,
  customerFacts,
  type ServiceFactsChange,
  type TierChange,
} from '../customers/index.ts';
import { activeUsersWithRole } from '../identity/index.ts';
import {
  raisedPriority,
  reasonText,
  recomputeRequestClocks,
  type DueStep,
  type SlaRequestPort,
  type StepOutcome,
} from '../sla/index.ts';
import { recordEvent, withEvents, type NewEvent } from '../events/index.ts';
import { activeCategories } from './category-lookup.ts';
import { KINDS, PRIORITIES } from './domain/catalogue.ts';
import type { WorkflowDefinition } from './domain/workflow.ts';
import { requestEvents } from './requests.events.ts';
import { workflowOf } from './requests.repository.ts';
import { requestView, summariesFor } from './requests.views.ts';
import type { Executor, ServiceRequestTimelineTable, Tx } from './service-requests.tables.ts';

const PERCENT_WORDS = (s: DueStep) =>
  s.kind === 'breach'
    ? `SLA 超时: ${s.targetName} 已超过时限`
    : `SLA 预警: ${s.targetName} 已用时 ${s.percent}%`;

export const requestSlaPort: SlaRequestPort = {
  kinds: KINDS,
  priorities: PRIORITIES,
  activeCategories,
  async applySteps(callerDb: AnyExecutor, steps: readonly DueStep[], now: Date) {
    const db = callerDb as Executor;
    const out = new Map<string, StepOutcome>();
    if (!steps.length) return out;
    const ids = [...new Set(steps.map((s) => s.requestId))];
    const rows = await db
      .selectFrom('service_requests')
      .select([
        'id',
        'number',
        'status',
        'owner_user_id',
        'assignee_id',
        'handling_unit_path',
        'owner_unit_path',
        'customer_id',
        'priority',
        'support_line',
        'escalation_level',
      ])
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const wants = (a: DueStep['actions'][number]) => steps.some((s) => s.actions.includes(a));
    const supervisors = wants('notify_supervisor') ? await activeUsersWithRole(db, 'supervisor') : [];
    const customers = wants('notify_account_manager')
      ? await customerFacts(
          db,
          rows.flatMap((r) => (r.customer_id ? [r.customer_id] : [])),
        )
      : new Map();
    /** The supervisors of the nearest unit at or above the handling unit that has any. */
    const supervisorsOf = (path: string) => {
      const over = supervisors.filter((u) => path.startsWith(u.unitPath));
      const nearest = Math.max(-1, ...over.map((u) => u.unitPath.length));
      return over.filter((u) => u.unitPath.length === nearest).map((u) => u.id);
    };
    const changes = new Map<string, { priority: string; supportLine: number; escalation: number }>();
    const entries: Insertable<ServiceRequestTimelineTable>[] = [];
    for (const s of steps) {
      const r = byId.get(s.requestId);
      if (!r) continue;
      const notified: StepOutcome['notified'] = [];
      const add = (role: StepOutcome['notified'][number]['role'], userId: string | null | undefined) => {
        if (userId && !notified.some((n) => n.userId === userId)) notified.push({ role, userId });
      };
      if (s.actions.includes('notify_owner')) {
        add('owner', r.owner_user_id);
        add('assignee', r.assignee_id);
      }
      if (s.actions.includes('notify_supervisor')) {
        // The handling unit's (nearest at or above it), else the first-contact owner's unit's.
        const sup = supervisorsOf(r.handling_unit_path);
        for (const u of sup.length ? sup : supervisorsOf(r.owner_unit_path)) add('supervisor', u);
      }
      if (s.actions.includes('notify_account_manager') && r.customer_id)
        add('account_manager', customers.get(r.customer_id)?.accountManagerId);
      const outcome: StepOutcome = { number: r.number, notified };
      const open = !['closed', 'resolved', 'callback', 'cancelled'].includes(r.status);
      const current = changes.get(r.id) ?? {
        priority: r.priority,
        supportLine: r.support_line,
        escalation: r.escalation_level,
      };
      if (open && s.actions.includes('raise_priority')) {
        const to = raisedPriority(current.priority);
        if (to !== current.priority) {
          outcome.priority = { from: current.priority, to };
          current.priority = to;
        }
      }
      if (open && s.actions.includes('escalate') && current.supportLine < 3) {
        outcome.supportLine = { from: current.supportLine, to: current.supportLine + 1 };
        current.supportLine += 1;
        current.escalation += 1;
      }
      if (outcome.priority || outcome.supportLine) changes.set(r.id, current);
      if (s.actions.includes('timeline'))
        entries.push({
          id: uuidv7(),
          request_id: r.id,
          kind: 'sla',
          visibility: 'internal',
          actor_id: null,
          actor_login: 'sla',
          from_status: null,
          to_status: null,
          body: PERCENT_WORDS(s),
          details: JSON.stringify({
            target: s.target,
            percent: s.percent,
            kind: s.kind,
            period: s.period,
            policy: s.policyCode,
            dueAt: s.dueAt.toISOString(),
            deadline: s.deadline ? s.deadline.toISOString() : null,
            notified,
            ...(outcome.priority ? { priority: outcome.priority } : {}),
            ...(outcome.supportLine ? { supportLine: outcome.supportLine } : {}),
          }),
          created_at: now,
        });
      out.set(`${s.requestId}:${s.target}`, outcome);
    }
    const events: NewEvent[] = [];
    if (changes.size) {
      const values = [...changes].map(
        ([id, c]) => sql`(${id}::uuid, ${c.priority}::text, ${c.supportLine}::int, ${c.escalation}::int)`,
      );
      await sql`
        update service_requests r set priority = v.priority, support_line = v.support_line,
          escalation_level = v.escalation_level, version = r.version + 1, updated_at = ${now}
        from (values ${sql.join(values)}) as v(id, priority, support_line, escalation_level)
        where r.id = v.id`.execute(db);
      events.push(...(await changeEvents(db, changes, byId, now)));
    }
    if (entries.length)
      await withEvents(db, events).insertInto('service_request_timeline').values(entries).execute();
    else for (const e of events) await recordEvent(db as Tx, e);
    return out;
  },
};

/**
 * The events of the SLA's changes to requests, as an API change of the same attributes records
 * them (ServiceRequestAttributeValueChangeEvent, and TroubleTicketAttributeValueChangeEvent for
 * tickets): TMF621 listeners and webhooks hear of a priority raised or a line escalated by a step.
 */
async function changeEvents(
  db: Executor,
  changes: ReadonlyMap<string, { priority: string; supportLine: number }>,
  before: ReadonlyMap<string, { priority: string; support_line: number }>,
  now: Date,
): Promise<NewEvent[]> {
  const rows = await db
    .selectFrom('service_requests')
    .selectAll()
    .where('id', 'in', [...changes.keys()])
    .execute();
  const customers = await summariesFor(db, rows);
  const workflows = new Map<string, WorkflowDefinition>();
  for (const kind of new Set(rows.map((r) => r.kind))) workflows.set(kind, await workflowOf(db, kind));
  return rows.flatMap((r) => {
    const b = before.get(r.id)!;
    const change = {
      by: 'sla',
      ...(b.priority !== r.priority ? { priority: { from: b.priority, to: r.priority } } : {}),
      ...(b.support_line !== r.support_line
        ? { supportLine: { from: b.support_line, to: r.support_line } }
        : {}),
    };
    const view = requestView(r, customers, workflows.get(r.kind)!);
    return requestEvents('ServiceRequestAttributeValueChangeEvent', view, now, { change });
  });
}

/** A customer's tier changed: the SLA of its open requests is computed again, with the reason. */
export async function requestsTierChanged(callerDb: AnyExecutor, change: TierChange): Promise<void> {
  const db = callerDb as Executor;
  const open = await db
    .selectFrom('service_requests')
    .select('id')
    .where('customer_id', '=', change.customerId)
    .where('status', 'not in', ['resolved', 'callback', 'closed', 'cancelled'])
    .execute();
  if (!open.length) return;
  await recomputeRequestClocks(
    db,
    open.map((r) => r.id),
    { tier: change.to },
    reasonText({ code: 'tier_changed', params: { from: change.from ?? null, to: change.to ?? null } }),
    change.at,
  );
}

/**
 * What a request's SLA depends on changed at the customer's: a service's location class (城市 / 县城
 * / 农村) or the customer's signed contracts. The requests concerned that are not closed get the new
 * fact; their open clocks are computed again with the reason (a resolved one keeps it for a reopen).
 * A request's contract is the one valid on the day it was accepted.
 */
export async function requestsServiceFactsChanged(
  callerDb: AnyExecutor,
  change: ServiceFactsChange,
): Promise<void> {
  const db = callerDb as Executor;
  let q = db
    .selectFrom('service_requests')
    .select(['id', 'created_at'])
    .where('status', 'not in', ['closed', 'cancelled']);
  q =
    change.kind === 'location_class'
      ? q.where('product_instance_id', '=', change.instanceId)
      : q.where('customer_id', '=', change.customerId);
  const requests = await q.execute();
  if (!requests.length) return;
  if (change.kind === 'location_class') {
    await recomputeRequestClocks(
      db,
      requests.map((r) => r.id),
      { locationClass: change.to },
      reasonText({
        code: 'location_class_changed',
        params: { from: change.from ?? null, to: change.to ?? null },
      }),
      change.at,
    );
    return;
  }
  const contracts = await contractsOf(db, change.customerId);
  const byContract = new Map<string | null, string[]>();
  for (const r of requests) {
    const no = contractOn(contracts, chinaDay(new Date(r.created_at)))?.contractNo ?? null;
    byContract.set(no, [...(byContract.get(no) ?? []), r.id]);
  }
  for (const [contractId, ids] of byContract)
    await recomputeRequestClocks(
      db,
      ids,
      { contractId },
      reasonText({ code: 'contract_changed', params: { contractNo: change.contractNo, contractId } }),
      change.at,
    );
}
