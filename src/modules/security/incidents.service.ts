/**
 * The register of information-security incidents (信息安全事件处理, PIPL Art. 57): record, assess,
 * link the customers affected, produce the notices, close. Every change is audited (what changed,
 * never the free text itself); the customers are read through the customers module only.
 */
import { sql, type Selectable, type Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { AppError, conflict, invalidField, notFound, unprocessableField } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { maskPiiInText } from '../../platform/logger.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { appendAudit } from '../audit/index.ts';
import { customerIdsInScope, noticeRecipients } from '../customers/index.ts';
import { displayNames } from '../identity/index.ts';
import {
  composeNotices,
  isEditable,
  transitionProblems,
  type DataKind,
  type IncidentCategory,
  type IncidentFacts,
  type IncidentState,
  type NoticeSettings,
  type Severity,
} from './domain/incidents.ts';
import type {
  IncidentInput,
  IncidentPatch,
  IncidentView,
  NoticeView,
  RecipientView,
} from './security.schemas.ts';
import type { Db, Executor, SecurityIncidentsTable, Tx } from './security.tables.ts';

type IncidentRow = Selectable<SecurityIncidentsTable>;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const incidentNo = (no: string | number) => `SI-${String(no).padStart(6, '0')}`;
const masked = (v: string | null) => (v === null ? null : maskPiiInText(v));

/** The purpose written to the customers' access log when the register shows who is affected. */
const ACCESS_PURPOSE = 'security incident';

/** The row as the rules see it; free text masked (staff should link customers, not type their details). */
function factsOf(r: IncidentRow): IncidentFacts {
  return {
    state: r.state,
    incidentNo: incidentNo(r.no),
    title: maskPiiInText(r.title),
    description: maskPiiInText(r.description),
    category: r.category as IncidentCategory,
    cause: masked(r.cause),
    occurredAt: r.occurred_at,
    discoveredAt: r.discovered_at,
    dataKinds: (r.data_kinds ?? []) as DataKind[],
    estimatedAffected: r.estimated_affected,
    severity: r.severity as Severity | null,
    harm: masked(r.harm),
    measures: masked(r.measures),
    advice: masked(r.advice),
    decidedBy: masked(r.decided_by),
    notifyIndividuals: r.notify_individuals,
    noNoticeReason: masked(r.no_notice_reason),
    notificationNote: masked(r.notification_note),
    closeNote: masked(r.close_note),
  };
}

async function affectedCount(db: Executor, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('security_incident_customers')
    .select(['incident_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('incident_id', 'in', ids)
    .groupBy('incident_id')
    .execute();
  return new Map(rows.map((r) => [r.incident_id, Number(r.n)]));
}

async function incidentViews(db: Executor, rows: IncidentRow[]): Promise<IncidentView[]> {
  const userIds = new Set<string>();
  for (const r of rows)
    for (const u of [r.created_by, r.assessed_by, r.notified_by, r.closed_by]) if (u) userIds.add(u);
  const [{ user }, counts] = await Promise.all([
    displayNames(db, [], [...userIds]),
    affectedCount(
      db,
      rows.map((r) => r.id),
    ),
  ]);
  const who = (id: string | null) => (id ? { id, name: user.get(id) ?? '' } : null);
  return rows.map((r) => {
    const f = factsOf(r);
    return {
      id: r.id,
      incidentNo: f.incidentNo,
      title: f.title,
      description: f.description,
      category: f.category,
      cause: f.cause,
      occurredAt: iso(r.occurred_at),
      discoveredAt: iso(r.discovered_at)!,
      dataKinds: [...f.dataKinds],
      estimatedAffected: f.estimatedAffected,
      severity: f.severity,
      harm: f.harm,
      measures: f.measures,
      advice: f.advice,
      decidedBy: f.decidedBy,
      notifyIndividuals: f.notifyIndividuals,
      noNoticeReason: f.noNoticeReason,
      notificationNote: f.notificationNote,
      closeNote: f.closeNote,
      state: r.state,
      affectedCustomers: counts.get(r.id) ?? 0,
      createdAt: iso(r.created_at)!,
      createdBy: who(r.created_by),
      assessedAt: iso(r.assessed_at),
      assessedBy: who(r.assessed_by),
      notifiedAt: iso(r.notified_at),
      notifiedBy: who(r.notified_by),
      closedAt: iso(r.closed_at),
      closedBy: who(r.closed_by),
      updatedAt: iso(r.updated_at)!,
      version: r.version,
    };
  });
}

export async function getIncident(db: Executor, id: string): Promise<IncidentView> {
  const row = await db.selectFrom('security_incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('security incident');
  return (await incidentViews(db, [row]))[0]!;
}

export interface IncidentQuery {
  state?: IncidentState | undefined;
  category?: IncidentCategory | undefined;
  severity?: Severity | undefined;
  limit: number;
  before?: string | undefined;
}

/** The register, newest first. */
export async function listIncidents(
  db: Executor,
  q: IncidentQuery,
): Promise<{ items: IncidentView[]; nextBefore: string | null }> {
  let sel = db.selectFrom('security_incidents').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.state) sel = sel.where('state', '=', q.state);
  if (q.category) sel = sel.where('category', '=', q.category);
  if (q.severity) sel = sel.where('severity', '=', q.severity);
  if (q.before) sel = sel.where('id', '<', q.before);
  const rows = await sel.execute();
  return {
    items: await incidentViews(db, rows),
    nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
  };
}

/** Found before it happened, or in the future: refused naming the field. */
function checkTimes(occurredAt: Date | null, discoveredAt: Date, now: Date) {
  // A minute's grace for clocks that differ between the client and the server.
  if (discoveredAt.getTime() > now.getTime() + 60_000) throw invalidField('discoveredAt', 'is in the future');
  if (occurredAt && occurredAt.getTime() > discoveredAt.getTime())
    throw invalidField('occurredAt', 'is after discoveredAt (when it was found)');
}

/** Refuses (422, naming the positions) customer ids not found in the caller's data scope. */
async function assertCustomersInScope(trx: Tx, caller: Caller, ids: readonly string[]) {
  const found = await customerIdsInScope(trx, caller, ids);
  const missing = ids.flatMap((id, i) => (found.has(id) ? [] : [i]));
  if (missing.length)
    throw unprocessableField(
      'customerIds',
      `${missing.length} of the customers were not found in your data scope (positions ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''})`,
      { positions: missing },
    );
}

async function link(trx: Tx, caller: Caller, incidentId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const added = await trx
    .insertInto('security_incident_customers')
    .values(
      ids.map((customerId) => ({
        incident_id: incidentId,
        customer_id: customerId,
        added_at: caller.now,
        added_by: caller.principal.userId,
      })),
    )
    .onConflict((oc) => oc.columns(['incident_id', 'customer_id']).doNothing())
    .returning('customer_id')
    .execute();
  return added.length;
}

/** The fields a body sets (for the audit entry: which fields, never their text). */
const fieldsSet = (body: Record<string, unknown>) =>
  Object.keys(body).filter((k) => body[k] !== undefined && k !== 'version' && k !== 'customerIds');

export async function createIncident(db: Db, caller: Caller, input: IncidentInput): Promise<IncidentView> {
  const discoveredAt = new Date(input.discoveredAt);
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : null;
  checkTimes(occurredAt, discoveredAt, caller.now);
  const id = uuidv7();
  await db.transaction().execute(async (trx) => {
    const customerIds = input.customerIds ?? [];
    await assertCustomersInScope(trx, caller, customerIds);
    const row = await trx
      .insertInto('security_incidents')
      .values({
        id,
        title: input.title,
        description: input.description,
        category: input.category,
        cause: input.cause ?? null,
        occurred_at: occurredAt,
        discovered_at: discoveredAt,
        data_kinds: JSON.stringify(input.dataKinds ?? []),
        estimated_affected: input.estimatedAffected ?? null,
        severity: input.severity ?? null,
        harm: input.harm ?? null,
        measures: input.measures ?? null,
        advice: input.advice ?? null,
        decided_by: input.decidedBy ?? null,
        notify_individuals: input.notifyIndividuals ?? true,
        no_notice_reason: input.noNoticeReason ?? null,
        notification_note: null,
        close_note: null,
        state: 'open',
        created_at: caller.now,
        created_by: caller.principal.userId,
        updated_at: caller.now,
      })
      .returning('no')
      .executeTakeFirstOrThrow();
    const linked = await link(trx, caller, id, customerIds);
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'security.incident.create',
        entityType: 'security_incident',
        entityId: id,
        details: {
          incidentNo: incidentNo(row.no),
          category: input.category,
          severity: input.severity ?? null,
          fields: fieldsSet(input),
          customersLinked: linked,
        },
      },
      caller.now,
    );
  });
  return getIncident(db, id);
}

function columnsFor(p: IncidentPatch): Updateable<SecurityIncidentsTable> {
  const set: Updateable<SecurityIncidentsTable> = {};
  const nul = <T>(v: T | null | undefined) => (v === undefined ? undefined : (v ?? null));
  if (p.title !== undefined) set.title = p.title;
  if (p.description !== undefined) set.description = p.description;
  if (p.category !== undefined) set.category = p.category;
  if (p.cause !== undefined) set.cause = nul(p.cause);
  if (p.occurredAt !== undefined) set.occurred_at = p.occurredAt ? new Date(p.occurredAt) : null;
  if (p.discoveredAt !== undefined) set.discovered_at = new Date(p.discoveredAt);
  if (p.dataKinds !== undefined) set.data_kinds = JSON.stringify(p.dataKinds);
  if (p.estimatedAffected !== undefined) set.estimated_affected = nul(p.estimatedAffected);
  if (p.severity !== undefined) set.severity = nul(p.severity);
  if (p.harm !== undefined) set.harm = nul(p.harm);
  if (p.measures !== undefined) set.measures = nul(p.measures);
  if (p.advice !== undefined) set.advice = nul(p.advice);
  if (p.decidedBy !== undefined) set.decided_by = nul(p.decidedBy);
  if (p.notifyIndividuals !== undefined) set.notify_individuals = p.notifyIndividuals;
  if (p.noNoticeReason !== undefined) set.no_notice_reason = nul(p.noNoticeReason);
  if (p.notificationNote !== undefined) set.notification_note = nul(p.notificationNote);
  if (p.closeNote !== undefined) set.close_note = nul(p.closeNote);
  return set;
}

/** The row with the patch applied, as the rules see it (unmasked: the rules check presence only). */
function merged(row: IncidentRow, p: IncidentPatch): IncidentFacts {
  const pick = <T>(v: T | null | undefined, old: T | null): T | null => (v === undefined ? old : (v ?? null));
  return {
    state: p.state ?? row.state,
    incidentNo: incidentNo(row.no),
    title: p.title ?? row.title,
    description: p.description ?? row.description,
    category: (p.category ?? row.category) as IncidentCategory,
    cause: pick(p.cause, row.cause),
    occurredAt: p.occurredAt === undefined ? row.occurred_at : p.occurredAt ? new Date(p.occurredAt) : null,
    discoveredAt: p.discoveredAt ? new Date(p.discoveredAt) : row.discovered_at,
    dataKinds: (p.dataKinds ?? row.data_kinds ?? []) as DataKind[],
    estimatedAffected: pick(p.estimatedAffected, row.estimated_affected),
    severity: pick(p.severity, row.severity as Severity | null),
    harm: pick(p.harm, row.harm),
    measures: pick(p.measures, row.measures),
    advice: pick(p.advice, row.advice),
    decidedBy: pick(p.decidedBy, row.decided_by),
    notifyIndividuals: p.notifyIndividuals ?? row.notify_individuals,
    noNoticeReason: pick(p.noNoticeReason, row.no_notice_reason),
    notificationNote: pick(p.notificationNote, row.notification_note),
    closeNote: pick(p.closeNote, row.close_note),
  };
}

async function lockIncident(trx: Tx, id: string, version?: number): Promise<IncidentRow> {
  const row = await trx
    .selectFrom('security_incidents')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('security incident');
  checkVersion('security incident', row.version, version);
  if (!isEditable(row.state))
    throw conflict('The incident is closed; it can no longer change', { state: row.state });
  return row;
}

/**
 * Changes an incident and moves it along its states (send `version`). A move the state does not
 * allow: 409; a move that lacks what it needs: 422 naming every missing field.
 */
export async function updateIncident(
  db: Db,
  caller: Caller,
  id: string,
  patch: IncidentPatch,
): Promise<IncidentView> {
  await db.transaction().execute(async (trx) => {
    const row = await lockIncident(trx, id, patch.version);
    const facts = merged(row, patch);
    checkTimes(facts.occurredAt, facts.discoveredAt, caller.now);
    const problems = transitionProblems(row.state, facts);
    const stateProblem = problems.find((p) => p.field === 'state');
    if (stateProblem) throw conflict(`state: ${stateProblem.message}`, { state: row.state });
    if (problems.length)
      throw new AppError('UNPROCESSABLE', problems.map((p) => `${p.field} ${p.message}`).join('; '), {
        fields: problems,
      });
    const set = columnsFor(patch);
    const to = facts.state;
    if (to !== row.state) {
      set.state = to;
      const by = caller.principal.userId;
      if (to === 'assessed') Object.assign(set, { assessed_at: caller.now, assessed_by: by });
      if (to === 'notified') Object.assign(set, { notified_at: caller.now, notified_by: by });
      if (to === 'closed') Object.assign(set, { closed_at: caller.now, closed_by: by });
    }
    const r = await trx
      .updateTable('security_incidents')
      .set({ ...set, updated_at: caller.now, version: sql`version + 1` })
      .where('id', '=', id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    assertOneUpdated('security incident', r.numUpdatedRows);
    await appendAudit(
      trx,
      caller.actor,
      {
        action: to !== row.state ? `security.incident.${to}` : 'security.incident.update',
        entityType: 'security_incident',
        entityId: id,
        details: {
          incidentNo: incidentNo(row.no),
          fields: fieldsSet(patch).filter((f) => f !== 'state'),
          ...(to !== row.state ? { from: row.state, to } : {}),
          ...(patch.severity !== undefined ? { severity: patch.severity } : {}),
        },
      },
      caller.now,
    );
  });
  return getIncident(db, id);
}

/** Links customers (ids in the caller's scope) to an incident; already linked ones are counted. */
export async function linkCustomers(db: Db, caller: Caller, id: string, customerIds: readonly string[]) {
  return db.transaction().execute(async (trx) => {
    const row = await lockIncident(trx, id);
    await assertCustomersInScope(trx, caller, customerIds);
    const added = await link(trx, caller, id, customerIds);
    if (added > 0) {
      await trx
        .updateTable('security_incidents')
        .set({ updated_at: caller.now, version: sql`version + 1` })
        .where('id', '=', id)
        .execute();
      await appendAudit(
        trx,
        caller.actor,
        {
          action: 'security.incident.customers.add',
          entityType: 'security_incident',
          entityId: id,
          details: { incidentNo: incidentNo(row.no), added, customerIds: customerIds.slice(0, 1000) },
        },
        caller.now,
      );
    }
    const total = (await affectedCount(trx, [id])).get(id) ?? 0;
    return { added, alreadyLinked: customerIds.length - added, affectedCustomers: total };
  });
}

/** Unlinks one customer (in the caller's scope; otherwise, or not linked: 404). */
export async function unlinkCustomer(db: Db, caller: Caller, id: string, customerId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockIncident(trx, id);
    if (!(await customerIdsInScope(trx, caller, [customerId])).has(customerId))
      throw notFound('customer on this incident');
    const r = await trx
      .deleteFrom('security_incident_customers')
      .where('incident_id', '=', id)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw notFound('customer on this incident');
    await trx
      .updateTable('security_incidents')
      .set({ updated_at: caller.now, version: sql`version + 1` })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'security.incident.customers.remove',
        entityType: 'security_incident',
        entityId: id,
        details: { incidentNo: incidentNo(row.no), customerId },
      },
      caller.now,
    );
  });
}

/** One page of the customers affected, masked (read through the customers module, access-logged). */
async function recipientPage(
  db: Executor,
  caller: Caller,
  id: string,
  page: { limit: number; after?: string | undefined },
) {
  let q = db
    .selectFrom('security_incident_customers')
    .select('customer_id')
    .where('incident_id', '=', id)
    .orderBy('customer_id')
    .limit(page.limit);
  if (page.after) q = q.where('customer_id', '>', page.after);
  const ids = (await q.execute()).map((r) => r.customer_id);
  const total = (await affectedCount(db, [id])).get(id) ?? 0;
  const found = new Map(
    (await noticeRecipients(db, caller, ids, ACCESS_PURPOSE)).map((r) => [r.customerId, r]),
  );
  const items: RecipientView[] = ids.map((customerId) => {
    const r = found.get(customerId);
    return r
      ? { ...r, inScope: true }
      : {
          customerId,
          inScope: false,
          customerNo: null,
          kind: null,
          name: null,
          status: null,
          contactName: null,
          phone: null,
          email: null,
          preferredChannel: null,
          reachable: false,
        };
  });
  return { items, total, nextAfter: ids.length === page.limit ? ids[ids.length - 1]! : null };
}

export async function incidentCustomers(
  db: Db,
  caller: Caller,
  id: string,
  page: { limit: number; after?: string | undefined },
) {
  const row = await db.selectFrom('security_incidents').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('security incident');
  return recipientPage(db, caller, id, page);
}

/** What the response says about sending, until the notice channels exist (issue 14). */
export const SENDING_NOT_BUILT =
  'Sending is not built yet: the notice channels come later. This gives the list of customers to notify and the texts; send them through your own channels, then record who was notified, how and when (notificationNote) and move the incident to notified.';

/**
 * The notice (PIPL Art. 57): the customers to notify (masked, one page) with the text for them,
 * and the report for the regulator's contact. Producing it is audited.
 */
export async function incidentNotice(
  db: Db,
  caller: Caller,
  id: string,
  page: { limit: number; after?: string | undefined },
  settings: NoticeSettings,
): Promise<NoticeView> {
  const row = await db.selectFrom('security_incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('security incident');
  const facts = factsOf(row);
  const recipients = await recipientPage(db, caller, id, page);
  const texts = composeNotices(facts, { linkedCustomers: recipients.total }, settings);
  await db.transaction().execute((trx) =>
    appendAudit(
      trx,
      caller.actor,
      {
        action: 'security.incident.notice',
        entityType: 'security_incident',
        entityId: id,
        details: {
          incidentNo: facts.incidentNo,
          recipients: recipients.items.length,
          missing: texts.missing,
        },
      },
      caller.now,
    ),
  );
  return {
    incidentId: id,
    incidentNo: facts.incidentNo,
    state: row.state,
    sending: { built: false, message: SENDING_NOT_BUILT },
    missing: texts.missing,
    individuals: {
      notify: facts.notifyIndividuals,
      noNoticeReason: facts.noNoticeReason,
      text: texts.individual,
      recipients,
    },
    regulator: { to: settings.regulatorContact, text: texts.regulator },
  };
}
