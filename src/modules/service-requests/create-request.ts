/**
 * Intake (受理): check the input against stored data, route, then write the request, its first
 * timeline entries, the audit entry and the outbox event in one transaction. An Idempotency-Key
 * makes a retried create return the first answer.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { AppError, invalidField, notFound, unprocessableField } from '../../platform/errors.ts';
import { maskPhone } from '../../platform/pii/masking.ts';
import { withAuditEntry } from '../audit/index.ts';
import {
  customerFacts,
  customerForIntake,
  instanceFacts,
  logIntakeAccess,
  type CustomerFacts,
  type InstanceFacts,
} from '../customers/index.ts';
import { withEvents } from '../events/index.ts';
import { isActiveUser } from '../identity/index.ts';
import { planClocks, withSlaClocks, type ClockPlan } from '../sla/index.ts';
import { requestSearchVector } from './request-search.ts';
import type { Caller, RequestDeps } from './deps.ts';
import { chinaDate, provinceCode } from './domain/number.ts';
import { DEFAULT_WORKFLOWS, type WorkflowDefinition } from './domain/workflow.ts';
import { requestEvents } from './requests.events.ts';
import { findRepeats, repeatEntry } from './repeats.ts';
import { unitInfo, type RequestRow } from './requests.repository.ts';
import { requestView } from './requests.views.ts';
import type { RoutingDecision } from './routing-port.ts';
import type { CreateInput, RequestView } from './service-requests.schemas.ts';
import type { Insertable, QueryCreator } from 'kysely';
import type {
  Db,
  ServiceRequestsTable,
  ServiceRequestsTables,
  ServiceRequestTimelineTable,
  Tx,
} from './service-requests.tables.ts';

/** How long an idempotency key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface CreateResult {
  view: RequestView;
  /** The first answer to the same Idempotency-Key and body, returned again. */
  replayed: boolean;
}

/** A stable hash of the validated body (keys sorted), to tell a replay from a different request. */
export function bodyHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('base64url');
}

const keyReused = () =>
  new AppError(
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was used for a different request body; use a new key for a new request',
  );

async function storedAnswer(deps: RequestDeps, caller: Caller, key: string, hash: string) {
  const row = await deps.db
    .selectFrom('service_request_idempotency')
    .select(['body_hash', 'response'])
    .where('principal_id', '=', caller.principal.userId)
    .where('key', '=', key)
    .where('created_at', '>', new Date(caller.now.getTime() - IDEMPOTENCY_TTL_MS))
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.body_hash !== hash) throw keyReused();
  return row.response as unknown as RequestView;
}

interface PreRead {
  /** The request number's sequence part, drawn before the checks (a refused create leaves a gap). */
  seq: string;
  workflow: WorkflowDefinition;
  /** The first answer to this Idempotency-Key and body, if one is remembered. */
  stored: RequestView | undefined;
}

/**
 * One statement before anything else: the next number, the kind's workflow and the entry of the
 * Idempotency-Key, if any (an expired entry is removed, so that the key can be used again).
 */
async function preRead(
  deps: RequestDeps,
  caller: Caller,
  kind: CreateInput['kind'],
  key: string | undefined,
  hash: string,
): Promise<PreRead> {
  const { rows } = await sql<{
    seq: string;
    definition: WorkflowDefinition | null;
    body_hash: string | null;
    response: RequestView | null;
    created_at: Date | string | null;
  }>`
    select nextval('service_request_number_seq')::text as seq,
      (select definition from service_request_workflows where kind = ${kind}) as definition,
      i.body_hash, i.response, i.created_at
    from (select 1) as one
    left join service_request_idempotency i
      on i.principal_id = ${caller.principal.userId} and i.key = ${key ?? null}`.execute(deps.db);
  const row = rows[0]!;
  const workflow = row.definition ?? DEFAULT_WORKFLOWS[kind];
  if (!key || row.created_at === null) return { seq: row.seq, workflow, stored: undefined };
  const cutoff = new Date(caller.now.getTime() - IDEMPOTENCY_TTL_MS);
  if (new Date(row.created_at).getTime() <= cutoff.getTime()) {
    await deps.db
      .deleteFrom('service_request_idempotency')
      .where('principal_id', '=', caller.principal.userId)
      .where('key', '=', key)
      .where('created_at', '<=', cutoff)
      .execute();
    return { seq: row.seq, workflow, stored: undefined };
  }
  if (row.body_hash !== hash) throw keyReused();
  return { seq: row.seq, workflow, stored: row.response as RequestView };
}

interface Facts {
  customer: CustomerFacts | undefined;
  instance: InstanceFacts | undefined;
  /** The enterprise customer's signed contract valid today (its SLA rows win), if any. */
  contractNo: string | null;
  workflow: WorkflowDefinition;
  /** 一点受理: the customer is outside the caller's scope (identified first); the intake is access-logged. */
  crossScope: boolean;
}

/**
 * Checks against stored data: category, customer, instance, deputy, close at intake. The pre-read
 * runs beside the first reads; a remembered answer (a replay) is returned before any check.
 */
async function checkFacts(
  deps: RequestDeps,
  caller: Caller,
  input: CreateInput,
  pending: Promise<PreRead>,
  portalCustomerId?: string,
): Promise<{ facts: Facts; pre: PreRead }> {
  const [pre, category, instance] = await Promise.all([
    pending,
    input.category
      ? deps.db
          .selectFrom('service_request_categories')
          .select('id')
          .where('kind', '=', input.kind)
          .where('code', '=', input.category)
          .where('active', '=', true)
          .executeTakeFirst()
      : Promise.resolve(undefined),
    input.productInstanceId ? instanceFacts(deps.db, input.productInstanceId) : Promise.resolve(undefined),
  ]);
  const workflow = pre.workflow;
  if (pre.stored)
    return {
      facts: { customer: undefined, instance: undefined, contractNo: null, workflow, crossScope: false },
      pre,
    };
  if (input.category && !category)
    throw unprocessableField('category', `is not an active category of kind ${input.kind}`);
  if (input.productInstanceId && !instance) throw unprocessableField('productInstanceId', 'no such service');
  if (instance && input.customerId && instance.customerId !== input.customerId)
    throw unprocessableField('productInstanceId', 'belongs to another customer');
  const customerId = input.customerId ?? instance?.customerId;
  // In scope, or identified by this caller lately (customers decide); else unknown (404, no oracle).
  // A portal customer speaks for themselves (portal.ts checked it).
  const checked = customerId !== undefined && customerId !== portalCustomerId;
  const intake = checked ? await customerForIntake(deps.db, caller, customerId) : undefined;
  if (checked && !intake) throw notFound('Customer');
  // With the contract valid today, in the same statement.
  const customer = customerId
    ? (await customerFacts(deps.db, [customerId], { contractOn: caller.now })).get(customerId)
    : undefined;
  if (customerId && !customer) throw notFound('Customer');
  const contractNo = customer?.contractNo ?? null;
  if (input.deputyUserId && !(await isActiveUser(deps.db, input.deputyUserId)))
    throw unprocessableField('deputyUserId', 'is not an active user');
  if (input.resolveAtIntake && !workflow.closeAtIntake)
    throw unprocessableField('resolveAtIntake', `a ${input.kind} request cannot be closed at intake`);
  return {
    facts: { customer, instance, contractNo, workflow, crossScope: intake ? !intake.inScope : false },
    pre,
  };
}

export async function route(
  deps: RequestDeps,
  input: Pick<CreateInput, 'kind' | 'category' | 'channel'>,
  facts: Omit<Facts, 'workflow' | 'crossScope'>,
  intakeUnitId: string,
): Promise<RoutingDecision> {
  return deps.routing.routeRequest(deps.db, {
    kind: input.kind,
    category: input.category ?? null,
    productCode: facts.instance?.productCode ?? null,
    customerKind: facts.customer?.kind ?? null,
    customerTier: facts.customer?.tier ?? null,
    valueLevel: facts.customer?.valueLevel ?? null,
    channel: input.channel,
    siteUnitId: facts.instance?.siteUnitId ?? null,
    homeUnitId: facts.customer?.homeUnitId ?? null,
    intakeUnitId,
  });
}

export async function createRequest(
  deps: RequestDeps,
  caller: Caller,
  input: CreateInput,
  idempotencyKey?: string,
  portalCustomerId?: string,
  /** More to write in the intake's transaction (TMF621's kept attributes). */
  alsoWrite?: (trx: Tx, id: string) => Promise<void>,
): Promise<CreateResult> {
  // Bad input never reaches the database.
  if (input.accessNumber && input.channel !== 'hotline')
    throw invalidField('body.accessNumber', 'applies to hotline requests only (10000 or 10000-9)');
  const hash = bodyHash(input);
  const pending = preRead(deps, caller, input.kind, idempotencyKey, hash);
  // No unhandled rejection if a check fails first (checkFacts awaits it).
  pending.catch(() => {});
  const { facts, pre } = await checkFacts(deps, caller, input, pending, portalCustomerId);
  if (pre.stored) return { view: pre.stored, replayed: true };
  const intake = await unitInfo(deps.db, caller.principal.orgUnitId);
  if (!intake) throw unprocessableField('intakeUnit', "the caller's org unit does not exist");
  const decision = await route(deps, input, facts, intake.id);
  const handling = await unitInfo(deps.db, decision.handlingUnitId);
  if (!handling) throw new AppError('INTERNAL', 'Routing chose an org unit that does not exist');
  const id = uuidv7();
  const now = caller.now;
  const repeatOf = await findRepeats(deps.db, repeatFacts(input, facts), now, deps.repeatWindowDays);
  // The number: province code of the intake unit, China date, the sequence value (never cut short).
  const number = `${provinceCode(intake.code)}${chinaDate(now)}${pre.seq.padStart(6, '0')}`;
  const values = {
    ...requestRowFor(deps, caller, input, facts, {
      id,
      now,
      intake,
      handling,
      decision,
      byCustomer: portalCustomerId !== undefined,
    }),
    ...{ repeat_of: repeatOf, related_ids: [], tags: [], merged_into_id: null }, // repeats.ts
    number,
  };
  const customers = new Map(facts.customer ? [[facts.customer.id, facts.customer]] : []);
  const view = requestView(asRow(values), customers, facts.workflow);
  // The SLA clocks (cached policies and calendars): they ride in the intake's one statement.
  const clocks = await planClocks(deps.db, slaFacts(values, facts));
  const write = async (db: Db | Tx) => {
    await intakeStatement(db, deps, caller, {
      values,
      view,
      decision,
      repeatOf,
      key: idempotencyKey,
      hash,
      clocks,
    });
    if (facts.crossScope && facts.customer)
      await logIntakeAccess(db, caller.actor, facts.customer.id, `service_request.create:${number}`);
  };
  try {
    // One statement is atomic on its own; the cross-scope access-log row and TMF621's kept
    // attributes need a transaction around it.
    if ((facts.crossScope && facts.customer) || alsoWrite)
      await deps.db.transaction().execute(async (trx) => {
        await write(trx);
        if (alsoWrite) await alsoWrite(trx, id);
      });
    else await write(deps.db);
    return { view, replayed: false };
  } catch (err) {
    if (!idempotencyKey || !isKeyConflict(err)) throw err;
    // The same key committed first (a parallel retry): nothing of this create was written.
    const stored = await storedAnswer(deps, caller, idempotencyKey, hash);
    if (!stored) throw err;
    return { view: stored, replayed: true };
  }
}

/** A unique violation on the idempotency table's key (both engines report the constraint). */
function isKeyConflict(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  return (
    e?.code === '23505' &&
    (e.constraint === 'service_request_idempotency_pkey' ||
      String(e.message).includes('service_request_idempotency_pkey'))
  );
}

/**
 * Every row of an intake in ONE statement (no BEGIN/COMMIT round trips; one statement commits or
 * fails whole): the request, its audit entry (queued for the sealer), its outbox event and the
 * idempotency entry ride in the WITH clause of the timeline's INSERT. A live entry of the same key
 * (a parallel retry committed first) fails the statement on the key: nothing is written.
 */
async function intakeStatement(
  db: Db | Tx,
  deps: RequestDeps,
  caller: Caller,
  w: {
    values: Insertable<ServiceRequestsTable> & { id: string; number: string; status: string };
    view: RequestView;
    decision: RoutingDecision;
    repeatOf: string[];
    key: string | undefined;
    hash: string;
    clocks: ClockPlan;
  },
): Promise<void> {
  const { values, view, decision } = w;
  const now = caller.now;
  const audited = withAuditEntry<ServiceRequestsTables>(
    db,
    caller.actor,
    {
      action: 'service_request.create',
      entityType: 'service_request',
      entityId: values.id,
      orgUnitId: values.handling_unit_id,
      details: { number: values.number, kind: values.kind, channel: values.channel, status: values.status },
    },
    now,
  );
  const events = deps.recordEvents === false ? [] : requestEvents('ServiceRequestCreateEvent', view, now);
  let qc = withEvents(audited, events).with('request_inserted', (d) =>
    d.insertInto('service_requests').values(values),
  ) as unknown as QueryCreator<ServiceRequestsTables>;
  if (w.key) {
    const entry = {
      principal_id: caller.principal.userId,
      key: w.key,
      body_hash: w.hash,
      request_id: values.id,
      response: JSON.stringify(view),
      created_at: now,
    };
    qc = qc.with('key_remembered', (d) =>
      d.insertInto('service_request_idempotency').values(entry),
    ) as unknown as QueryCreator<ServiceRequestsTables>;
  }
  qc = withSlaClocks(qc, w.clocks);
  const entries = intakeTimeline(caller, values, decision);
  if (w.repeatOf.length > 0) entries.push(repeatEntry(caller, values.id, w.repeatOf, now));
  await qc.insertInto('service_request_timeline').values(entries).execute();
}

function requestRowFor(
  deps: RequestDeps,
  caller: Caller,
  input: CreateInput,
  facts: Facts,
  w: {
    id: string;
    now: Date;
    intake: { id: string; path: string };
    handling: { id: string; path: string };
    decision: RoutingDecision;
    /** Submitted by the customer (portal): owned by the handling unit, nobody yet (首问 at take). */
    byCustomer: boolean;
  },
): Omit<Insertable<ServiceRequestsTable>, 'number'> {
  const closed = input.resolveAtIntake !== undefined;
  const phone = input.callerPhone;
  const owner = w.byCustomer
    ? { userId: null, unit: w.handling }
    : { userId: caller.principal.userId, unit: w.intake };
  return {
    id: w.id,
    kind: input.kind,
    category_code: input.category ?? null,
    channel: input.channel,
    channel_ref: input.channelRef ?? null,
    access_number: input.accessNumber ?? null,
    customer_id: facts.customer?.id ?? null,
    product_instance_id: facts.instance?.id ?? null,
    caller_phone_enc: phone ? deps.vault.encrypt(phone, `service_request:${w.id}:caller_phone`) : null,
    caller_phone_hash: phone ? deps.vault.blindIndex(phone) : null,
    caller_phone_last4: phone ? phone.slice(-4) : null,
    caller_phone_masked: phone ? maskPhone(phone) : null,
    pii_key_id: phone ? deps.vault.currentKeyId : null,
    site_unit_id: facts.instance?.siteUnitId ?? null,
    intake_unit_id: w.intake.id,
    handling_unit_id: w.handling.id,
    handling_unit_path: w.handling.path,
    skill_group_id: w.decision.skillGroupId,
    assignee_id: null,
    owner_user_id: owner.userId,
    owner_unit_id: owner.unit.id,
    owner_unit_path: owner.unit.path,
    deputy_user_id: input.deputyUserId ?? null,
    support_line: w.decision.supportLine,
    status: closed ? 'closed' : 'accepted',
    suspended_reason: null,
    priority: input.priority ?? w.decision.priority ?? 'normal',
    title: input.title,
    description: input.description,
    search_vector: requestSearchVector(input.title, input.description),
    resolution: input.resolveAtIntake?.resolution ?? null,
    first_contact_resolution: closed,
    routing_rule_id: w.decision.ruleId,
    routing_explanation: w.decision.explanation,
    created_at: w.now,
    updated_at: w.now,
    resolved_at: closed ? w.now : null,
    closed_at: closed ? w.now : null,
  };
}

/** The inserted values as the row the views read (defaults filled in). */
function asRow(v: Insertable<ServiceRequestsTable>): RequestRow {
  return {
    ...(v as unknown as RequestRow),
    urge_count: 0,
    escalation_level: 0,
    reopen_count: 0,
    first_contact_resolution: v.first_contact_resolution ?? false,
    created_at: v.created_at as Date,
    updated_at: v.updated_at as Date,
    resolved_at: (v.resolved_at as Date | null) ?? null,
    closed_at: (v.closed_at as Date | null) ?? null,
    version: 1,
  };
}

function intakeTimeline(
  caller: Caller,
  v: Insertable<ServiceRequestsTable>,
  decision: RoutingDecision,
): Array<Insertable<ServiceRequestTimelineTable>> {
  const base = { request_id: v.id, actor_id: caller.actor.actorId, actor_login: caller.actor.actorLogin };
  const entries: Array<Insertable<ServiceRequestTimelineTable>> = [
    {
      ...base,
      id: uuidv7(),
      kind: 'created',
      visibility: 'customer',
      from_status: null,
      to_status: 'accepted',
      body: null,
      details: JSON.stringify({
        number: v.number,
        channel: v.channel,
        routing: {
          handlingUnitId: v.handling_unit_id,
          ruleId: decision.ruleId,
          explanation: decision.explanation,
        },
      }),
      created_at: v.created_at,
    },
  ];
  if (v.status === 'closed')
    entries.push({
      ...base,
      id: uuidv7(),
      kind: 'status',
      visibility: 'customer',
      from_status: 'accepted',
      to_status: 'closed',
      body: v.resolution ?? null,
      details: JSON.stringify({ action: 'close_at_intake', firstContactResolution: true }),
      created_at: v.created_at,
    });
  return entries;
}

export type { RequestRow };

/**
 * What the SLA is resolved from: kind, the customer's tier (`public` for a consumer), product, the
 * site's location class, the customer's contract, category, priority, handling unit.
 */
export function slaFacts(
  values: Insertable<ServiceRequestsTable> & { id: string },
  facts: Pick<Facts, 'customer' | 'instance' | 'contractNo'>,
) {
  const c = facts.customer;
  return {
    requestId: values.id,
    kind: values.kind,
    tier: c ? (c.kind === 'individual' ? 'public' : c.tier) : null,
    productCode: facts.instance?.productCode ?? null,
    locationClass: facts.instance?.locationClass ?? null,
    contractId: facts.contractNo,
    category: values.category_code ?? null,
    priority: (values.priority as string | undefined) ?? null,
    orgUnitId: values.handling_unit_id,
    createdAt: values.created_at as Date,
    closedAtIntake: values.status === 'closed',
  };
}

const repeatFacts = (input: CreateInput, facts: Facts) => ({
  kind: input.kind,
  category: input.category ?? null,
  customerId: facts.customer?.id ?? null,
  instanceId: facts.instance?.id ?? null,
});
