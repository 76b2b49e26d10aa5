/**
 * Workflow actions (受理 → 派单 → 接单 → 处理中 → 回单 → 回访 → 归档, with 挂起, 升级, 退单, 重开) and
 * the changes beside the workflow: 催单 (urge), notes, transfers, the owner's handover, follow-ups.
 */
import type { Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { AppError, conflict, forbidden, invalidField, unprocessableField } from '../../platform/errors.ts';
import { activeUsersWithRole, userUnits } from '../identity/index.ts';
import { slaOnRequestChange, type ReopenedClock, type RequestSlaChange } from '../sla/index.ts';
import type { Caller, RequestDeps } from './deps.ts';
import { isTerminal, type State, type Visibility } from './domain/catalogue.ts';
import { NEEDS_REASON, NEEDS_RESULT, nextState, type Action } from './domain/workflow.ts';
import { changeRequest, type Change, type TimelineDraft } from './change-request.ts';
import { openLoadOf, unitInfo, type RequestRow } from './requests.repository.ts';
import type { TransitionInput } from './service-requests.schemas.ts';
import type { Db, ServiceRequestsTable } from './service-requests.tables.ts';

/** Status changes the customer sees on the portal (progress); the others stay internal. */
const INTERNAL_ACTIONS: ReadonlySet<Action> = new Set(['triage', 'return', 'escalate']);

const notClosed = (row: RequestRow, what: string) => {
  if (isTerminal(row.status))
    throw new AppError('TRANSITION_NOT_ALLOWED', `A ${row.status} request cannot be ${what}`, {
      status: row.status,
      allowed: [],
    });
};

async function assertActiveUser(deps: RequestDeps, id: string, field: string) {
  const u = (await userUnits(deps.db, [id])).get(id);
  if (!u?.active) throw unprocessableField(field, 'is not an active user');
  return u;
}

/** Who the routing's assignment picks in a skill group (nobody without a group). */
async function pick(deps: RequestDeps, row: RequestRow, skillGroupId: string | null) {
  if (!skillGroupId) return { userId: null, explanation: 'no skill group: left in the unit queue' };
  return deps.routing.pickAssignee(deps.db, {
    skillGroupId,
    requiredSkills: [row.kind, ...(row.category_code ? [row.category_code.split('.')[0]!] : [])],
    enterpriseOrHighValue: row.priority === 'urgent' || row.priority === 'high',
    loadOf: (ids) => openLoadOf(deps.db, ids),
  });
}

export async function transition(deps: RequestDeps, caller: Caller, id: string, input: TransitionInput) {
  const { action } = input;
  if (NEEDS_REASON.has(action) && !input.reason)
    throw invalidField('body.reason', `is required to ${action}`);
  if (NEEDS_RESULT.has(action) && !input.result)
    throw invalidField('body.result', `is required to ${action}`);
  if (input.cause !== undefined && action !== 'suspend')
    throw invalidField('body.cause', 'applies to suspend only');
  if (action === 'dispatch' && !caller.principal.permissions.has('request.dispatch'))
    throw forbidden('Dispatching needs the request.dispatch permission');
  return changeRequest(deps, caller, id, input.version, async (row, workflow) => {
    const from = row.status as State;
    const step = nextState(workflow, from, action);
    if (!step.ok)
      throw new AppError(
        'TRANSITION_NOT_ALLOWED',
        `"${action}" is not allowed for a ${row.kind} request in state "${from}"; allowed: ${step.allowed.join(', ') || 'none'}`,
        { status: from, action, allowed: step.allowed },
      );
    const set: Updateable<ServiceRequestsTable> = { status: step.to };
    const entries: TimelineDraft[] = [];
    const details: Record<string, unknown> = { action, from, to: step.to };
    await effects(deps, caller, row, input, set, entries, details);
    entries.unshift({
      kind: 'status',
      visibility: INTERNAL_ACTIONS.has(action) ? 'internal' : 'customer',
      fromStatus: from,
      toStatus: step.to,
      body: input.reason ?? input.result ?? null,
      details: action === 'suspend' ? { action, cause: details.cause } : { action },
    });
    const sla = slaChangeOf(action, input);
    const also =
      sla &&
      (async (trx: Db) => {
        const out = await slaOnRequestChange(trx, id, sla, caller.now);
        // 重开: the clocks that count on are told on the timeline (internal, like the SLA's warnings).
        if (out.reopened.length) await reopenedEntry(trx, id, out.reopened, caller.now);
      });
    return {
      set,
      entries,
      audit: { action: 'service_request.transition', details },
      event: 'ServiceRequestStateChangeEvent',
      // 撤单 has an event of its own too (webhooks subscribe to cancellations alone).
      ...(action === 'cancel' ? { alsoEvents: ['ServiceRequestCancelEvent' as const] } : {}),
      ...(sla ? { also } : {}),
    };
  });
}

/** The SLA's entry on a reopen: which targets count on, their deadlines, and any already passed. */
async function reopenedEntry(trx: Db, id: string, clocks: readonly ReopenedClock[], now: Date) {
  const words = clocks.map((c) => `${c.name}${c.overdue ? '（已超时）' : ''}`).join('、');
  await trx
    .insertInto('service_request_timeline')
    .values({
      id: uuidv7(),
      request_id: id,
      kind: 'sla',
      visibility: 'internal',
      actor_id: null,
      actor_login: 'sla',
      from_status: null,
      to_status: null,
      body: `SLA 重开: ${words} 从原申告时间继续计时`,
      details: JSON.stringify({
        reason: 'reopened',
        clocks: clocks.map((c) => ({
          target: c.target,
          policy: c.policyCode,
          deadline: c.deadline,
          overdue: c.overdue,
        })),
      }),
      created_at: now,
    })
    .execute();
}

/**
 * What an action means for the SLA clocks: taking the request is the response (响应), arriving on
 * site the arrival (到场), resolving it meets the restoration and resolution targets (回单), closing
 * stops what is left; a suspension pauses them only when the customer caused it (客户原因挂起); a
 * reopen (重开) sets restoration and resolution counting again from the original start.
 */
function slaChangeOf(action: Action, input: TransitionInput): RequestSlaChange | undefined {
  switch (action) {
    case 'take':
    case 'start':
      return { type: 'milestone', milestone: 'taken' };
    case 'suspend':
      return { type: 'suspend', cause: input.cause ?? 'operator' };
    case 'resume':
      return { type: 'resume' };
    case 'arrive':
      return { type: 'milestone', milestone: 'arrived' };
    case 'resolve':
      return { type: 'milestone', milestone: 'resolved' };
    case 'reopen':
      return { type: 'reopen' };
    case 'close':
    case 'confirm':
    case 'cancel': // 撤单 ends the request: its open clocks stop
      return { type: 'milestone', milestone: 'closed' };
    default:
      return undefined;
  }
}

/** What an action does beyond the state. */
async function effects(
  deps: RequestDeps,
  caller: Caller,
  row: RequestRow,
  input: TransitionInput,
  set: Updateable<ServiceRequestsTable>,
  entries: TimelineDraft[],
  details: Record<string, unknown>,
) {
  const now = caller.now;
  const me = caller.principal.userId;
  switch (input.action) {
    case 'dispatch': {
      let assignee: string | null;
      let explanation: string;
      if (input.assigneeId) {
        await assertActiveUser(deps, input.assigneeId, 'assigneeId');
        [assignee, explanation] = [input.assigneeId, 'chosen by the dispatcher'];
      } else ({ userId: assignee, explanation } = await pick(deps, row, row.skill_group_id));
      set.assignee_id = assignee;
      details.assigneeId = assignee;
      if (assignee)
        entries.push({
          kind: 'assignment',
          visibility: 'internal',
          details: { assigneeId: assignee, explanation },
        });
      return;
    }
    case 'take':
      if (row.assignee_id && row.assignee_id !== me)
        throw conflict('The request is assigned to someone else: they take it, or it is dispatched again');
      set.assignee_id = me;
      await firstContactOwner(deps, caller, row, set, entries, details);
      return;
    case 'start':
      if (!row.assignee_id) {
        set.assignee_id = me;
        await firstContactOwner(deps, caller, row, set, entries, details);
      }
      return;
    case 'suspend':
      set.suspended_reason = input.reason!;
      details.cause = input.cause ?? 'operator';
      return;
    case 'resume':
      set.suspended_reason = null;
      return;
    case 'escalate':
      set.support_line = Math.min(3, row.support_line + 1) as 1 | 2 | 3;
      set.escalation_level = row.escalation_level + 1;
      set.assignee_id = null;
      details.supportLine = set.support_line;
      return;
    case 'return':
      set.assignee_id = null;
      return;
    case 'resolve':
      set.resolution = input.result!;
      set.resolved_at = now;
      return;
    case 'confirm':
    case 'close':
      set.closed_at = now;
      return;
    case 'reopen':
      set.reopen_count = row.reopen_count + 1;
      set.resolved_at = null;
      return;
    default:
      return;
  }
}

/**
 * 首问负责制 for a request the customer submitted (portal): it is owned by its unit with nobody
 * named until the first agent takes it, who becomes its first-contact owner (on the timeline).
 */
async function firstContactOwner(
  deps: RequestDeps,
  caller: Caller,
  row: RequestRow,
  set: Updateable<ServiceRequestsTable>,
  entries: TimelineDraft[],
  details: Record<string, unknown>,
) {
  if (row.owner_user_id !== null) return;
  const unit = await unitInfo(deps.db, caller.principal.orgUnitId);
  if (!unit) return;
  Object.assign(set, {
    owner_user_id: caller.principal.userId,
    owner_unit_id: unit.id,
    owner_unit_path: unit.path,
  });
  const owner = {
    firstContact: true,
    fromUserId: null,
    fromUnitId: row.owner_unit_id,
    toUserId: caller.principal.userId,
    toUnitId: unit.id,
  };
  details.owner = owner;
  entries.push({ kind: 'owner_handover', visibility: 'internal', body: null, details: owner });
}

/** 催单: counted and visible; not a change of state. */
export async function urge(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { reason?: string | undefined; version?: number | undefined },
) {
  return changeRequest(deps, caller, id, input.version, (row) => {
    notClosed(row, 'urged');
    const count = row.urge_count + 1;
    return {
      set: { urge_count: count },
      entries: [
        { kind: 'urge', visibility: 'customer', body: input.reason ?? null, details: { urgeCount: count } },
      ],
      audit: { action: 'service_request.urge', details: { urgeCount: count } },
      event: 'ServiceRequestAttributeValueChangeEvent',
    };
  });
}

/** A note (internal or a reply the customer sees) or a contact attempt: the timeline only. */
export async function addNote(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: {
    body: string;
    visibility: Visibility;
    kind?: 'note' | 'contact_attempt' | undefined;
    version?: number | undefined;
  },
) {
  const kind =
    input.kind === 'contact_attempt' ? 'contact_attempt' : input.visibility === 'customer' ? 'reply' : 'note';
  return changeRequest(deps, caller, id, input.version, () => ({
    set: {},
    entries: [{ kind, visibility: input.visibility, body: input.body }],
    audit: { action: `service_request.${kind}`, details: { visibility: input.visibility } },
    event: 'ServiceRequestNoteEvent',
    // A reply the customer sees is the feedback (反馈) and a progress update (进展通报).
    ...(kind === 'reply'
      ? {
          also: (trx: Db) =>
            slaOnRequestChange(trx, id, { type: 'milestone', milestone: 'reply' }, caller.now),
        }
      : {}),
  }));
}

/** 转派: to another unit (any level, any province) and/or support line, with a reason. */
export async function transfer(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: {
    toUnitId?: string | undefined;
    supportLine?: 1 | 2 | 3 | undefined;
    skillGroupId?: string | null | undefined;
    reason: string;
    version?: number | undefined;
  },
) {
  const unit = input.toUnitId ? await unitInfo(deps.db, input.toUnitId) : undefined;
  if (input.toUnitId && !unit) throw unprocessableField('toUnitId', 'no such org unit');
  return changeRequest(deps, caller, id, input.version, async (row): Promise<Change> => {
    notClosed(row, 'transferred');
    const set: Updateable<ServiceRequestsTable> = { assignee_id: null };
    if (unit) Object.assign(set, { handling_unit_id: unit.id, handling_unit_path: unit.path });
    if (input.supportLine) set.support_line = input.supportLine;
    const group = input.skillGroupId === undefined ? (unit ? null : row.skill_group_id) : input.skillGroupId;
    set.skill_group_id = group;
    const picked = await pick(deps, row, group);
    set.assignee_id = picked.userId;
    const details = {
      fromUnitId: row.handling_unit_id,
      toUnitId: unit?.id ?? row.handling_unit_id,
      fromLine: row.support_line,
      toLine: input.supportLine ?? row.support_line,
      skillGroupId: group,
      assigneeId: picked.userId,
    };
    return {
      set,
      entries: [
        {
          kind: 'transfer',
          visibility: 'internal',
          body: input.reason,
          details: { ...details, assignment: picked.explanation },
        },
      ],
      audit: { action: 'service_request.transfer', details },
      event: 'ServiceRequestAttributeValueChangeEvent',
    };
  });
}

/** 首问负责制: the owner changes only by an explicit, audited handover with a reason. */
export async function handOverOwnership(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: {
    toUserId: string;
    reason: string;
    deputyUserId?: string | null | undefined;
    version?: number | undefined;
  },
) {
  const to = await assertActiveUser(deps, input.toUserId, 'toUserId');
  if (input.deputyUserId) await assertActiveUser(deps, input.deputyUserId, 'deputyUserId');
  return changeRequest(deps, caller, id, input.version, (row) => {
    notClosed(row, 'handed over');
    const ownerSide =
      row.owner_user_id === caller.principal.userId ||
      caller.scope.all ||
      row.owner_unit_path.startsWith(caller.scope.path);
    if (!ownerSide)
      throw forbidden("Only the owner or staff over the owner's unit hand over a request's ownership");
    const details = {
      fromUserId: row.owner_user_id,
      fromUnitId: row.owner_unit_id,
      toUserId: input.toUserId,
      toUnitId: to.orgUnitId,
      deputyUserId: input.deputyUserId === undefined ? row.deputy_user_id : input.deputyUserId,
    };
    return {
      set: {
        owner_user_id: input.toUserId,
        owner_unit_id: to.orgUnitId,
        owner_unit_path: to.unitPath,
        ...(input.deputyUserId !== undefined ? { deputy_user_id: input.deputyUserId } : {}),
      },
      entries: [{ kind: 'owner_handover', visibility: 'internal', body: input.reason, details }],
      audit: { action: 'service_request.owner_handover', details },
      event: 'ServiceRequestAttributeValueChangeEvent',
    };
  });
}

/**
 * The customer follows up (再次来电). It reaches the owner; when the owner is away (inactive, or
 * the agent says so) the named deputy, else a supervisor of the owner's unit (the group lead) —
 * named on the timeline. The owner stays the owner.
 */
export async function followUp(
  deps: RequestDeps,
  caller: Caller,
  id: string,
  input: { body: string; ownerAway?: boolean | undefined; version?: number | undefined },
) {
  return changeRequest(deps, caller, id, input.version, async (row): Promise<Change> => {
    notClosed(row, 'followed up');
    const owner = row.owner_user_id;
    const ids = [...(owner ? [owner] : []), ...(row.deputy_user_id ? [row.deputy_user_id] : [])];
    const users = await userUnits(deps.db, ids);
    // Nobody owns it yet (a portal request no agent has taken): the deputy or the group lead.
    const ownerAway = input.ownerAway === true || !owner || !users.get(owner)?.active;
    let reached: { userId: string | null; as: 'owner' | 'deputy' | 'group_lead' | 'nobody' } = {
      userId: row.owner_user_id,
      as: 'owner',
    };
    if (ownerAway) {
      if (row.deputy_user_id && users.get(row.deputy_user_id)?.active)
        reached = { userId: row.deputy_user_id, as: 'deputy' };
      else {
        const leads = (await activeUsersWithRole(deps.db, 'supervisor'))
          .filter((u) => u.unitPath === row.owner_unit_path && u.id !== row.owner_user_id)
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        reached = leads[0] ? { userId: leads[0].id, as: 'group_lead' } : { userId: null, as: 'nobody' };
      }
    }
    const details = {
      ownerUserId: row.owner_user_id,
      ownerAway,
      reachedUserId: reached.userId,
      reachedAs: reached.as,
    };
    return {
      set: {},
      entries: [{ kind: 'follow_up', visibility: 'customer', body: input.body, details }],
      audit: { action: 'service_request.follow_up', details },
      event: 'ServiceRequestNoteEvent',
    };
  });
}
