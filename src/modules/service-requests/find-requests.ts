/**
 * Finding requests: the queues (filters on open requests, each matching a partial index and its
 * newest-first order) and the search box (a request number, a phone or its last four digits, an
 * account number or circuit id, else exact Chinese/ASCII text). Always in the caller's scope,
 * newest first, keyset-paged; never a count of everything.
 */
import { sql, type RawBuilder } from 'kysely';
import { invalidField } from '../../platform/errors.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { phrasePage, phraseTerm } from '../../platform/text/cjk-plan.ts';
import { customerIdsByPhone, instanceIdsByCode } from '../customers/index.ts';
import { skillGroupIdsOfUser, unitsOfFunction } from '../identity/index.ts';
import type { Caller } from './deps.ts';
import {
  isTerminal,
  PRIORITIES,
  STATES,
  type Kind,
  type Priority,
  type State,
  type TerminalState,
} from './domain/catalogue.ts';
import { QUEUES, type Queue } from './domain/queues.ts';
import { DESKS, type Desk } from './domain/desks.ts';
import { readSearchTerm } from './domain/search-term.ts';
import type { RequestRow } from './requests.repository.ts';
import { REQUEST_SEARCH_TABLE } from './request-search.ts';
import type { Executor } from './service-requests.tables.ts';

export { QUEUES, type Queue };

export { DESKS, type Desk };

/**
 * The faults the monitoring centre handles (监控中心统一受理): those routed to a monitoring centre
 * (an enterprise's centrally managed product) and those it entered itself (channel monitoring).
 */
export function deskCondition(desk: Desk): RawBuilder<boolean> {
  switch (desk) {
    case 'monitoring':
      return sql<boolean>`t.kind = 'fault' and (t.channel = 'monitoring'
        or t.handling_unit_id in ${unitsOfFunction('monitoring_centre')})`;
  }
}

export interface FindQuery {
  q?: string | undefined;
  queue?: Queue | undefined;
  kind?: Kind | undefined;
  priority?: Priority | undefined;
  status?: State | undefined;
  /** Any of these states (a board's column: 待派单 = accepted, triage, returned). */
  statuses?: readonly State[] | undefined;
  /** A desk's own requests: `monitoring` = the faults the monitoring centre handles. */
  desk?: Desk | undefined;
  /** true: open only; false: closed only. */
  open?: boolean | undefined;
  unassigned?: boolean | undefined;
  assigneeId?: string | undefined;
  handlingUnitId?: string | undefined;
  customerId?: string | undefined;
  /** Repeats (重复) only, or none; requests with this tag (migration 0022's indexes). */
  repeat?: boolean | undefined;
  tag?: string | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

export interface FindDeps {
  db: Executor;
  vault: PiiVault;
}

/** How many customers or instances an identifier may name before the requests are read. */
const IDENTIFIER_CAP = 500;

// Literal predicates (never parameters): the planner must see them to use the partial indexes.
const OPEN = sql<boolean>`(t.status <> 'closed' and t.status <> 'cancelled')`;

/** The data scope on alias `t` (as the core's `requestInScope`). */
export function scopeCondition(caller: Pick<Caller, 'scope' | 'principal'>): RawBuilder<boolean> {
  if (caller.scope.all) return sql<boolean>`true`;
  const prefix = `${caller.scope.path}%`;
  const me = caller.principal.userId;
  return sql<boolean>`(t.handling_unit_path like ${prefix} or t.owner_unit_path like ${prefix}
    or t.assignee_id = ${me} or t.owner_user_id = ${me})`;
}

/** A queue's condition on alias `t`; `group` is handled apart (one branch per group). */
export function queueCondition(queue: Exclude<Queue, 'group'>, userId: string): RawBuilder<boolean> {
  switch (queue) {
    case 'mine':
      return sql<boolean>`${OPEN} and t.assignee_id = ${userId}`;
    case 'owned':
      return sql<boolean>`${OPEN} and t.owner_user_id = ${userId}`;
    case 'unassigned':
      return sql<boolean>`${OPEN} and t.assignee_id is null`;
    case 'urged':
      return sql<boolean>`${OPEN} and t.urge_count > 0`;
    case 'escalated':
      return sql<boolean>`t.status = 'escalated'`;
    case 'suspended':
      return sql<boolean>`t.status = 'suspended'`;
    case 'open':
      return OPEN;
  }
}

function filterConditions(caller: Caller, f: FindQuery): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [scopeCondition(caller)];
  if (f.queue && f.queue !== 'group') c.push(queueCondition(f.queue, caller.principal.userId));
  if (f.kind) c.push(sql<boolean>`t.kind = ${f.kind}`);
  if (f.priority) c.push(sql<boolean>`t.priority = ${f.priority}`);
  if (f.status) c.push(sql<boolean>`t.status = ${f.status}`);
  if (f.statuses) c.push(sql<boolean>`t.status in (${sql.join([...f.statuses])})`);
  if (f.desk) c.push(deskCondition(f.desk));
  if (f.open === true) c.push(OPEN);
  if (f.open === false) c.push(sql<boolean>`t.status in ('closed', 'cancelled')`);
  if (f.unassigned === true) c.push(sql<boolean>`${OPEN} and t.assignee_id is null`);
  if (f.unassigned === false) c.push(sql<boolean>`t.assignee_id is not null`);
  if (f.assigneeId) c.push(sql<boolean>`t.assignee_id = ${f.assigneeId}`);
  if (f.handlingUnitId) c.push(sql<boolean>`t.handling_unit_id = ${f.handlingUnitId}`);
  if (f.customerId) c.push(sql<boolean>`t.customer_id = ${f.customerId}`);
  if (f.repeat === true) c.push(sql<boolean>`cardinality(t.repeat_of) > 0`);
  if (f.repeat === false) c.push(sql<boolean>`cardinality(t.repeat_of) = 0`);
  if (f.tag) c.push(sql<boolean>`t.tags @> array[${f.tag}]::text[]`);
  return c;
}

const and = (parts: RawBuilder<boolean>[]) => sql<boolean>`${sql.join(parts, sql` and `)}`;
const keyset = (after: FindQuery['after']) =>
  after ? sql<boolean>`(t.created_at, t.id) < (${after.createdAt}, ${after.id})` : sql<boolean>`true`;

type Hit = { id: string; created_at: Date };

/** The newest `limit` rows matching, one statement (the index of the filter, in its order). */
async function newest(db: Executor, where: RawBuilder<boolean>, f: FindQuery, limit: number): Promise<Hit[]> {
  const r = await sql<Hit>`
    select t.id, t.created_at from service_requests t
    where ${where} and ${keyset(f.after)}
    order by t.created_at desc, t.id desc limit ${limit}`.execute(db);
  return r.rows;
}

/** "My group's": one index branch per skill group of the caller, merged newest first. */
async function groupPage(
  db: Executor,
  caller: Caller,
  where: RawBuilder<boolean>,
  f: FindQuery,
  limit: number,
): Promise<Hit[]> {
  const groups = await skillGroupIdsOf(db, caller.principal.userId);
  if (groups.length === 0) return [];
  const branches = groups.map(
    (g) => sql`(select t.id, t.created_at from service_requests t
      where ${OPEN} and t.skill_group_id = ${g} and ${where} and ${keyset(f.after)}
      order by t.created_at desc, t.id desc limit ${limit})`,
  );
  const r = await sql<Hit>`select u.id, u.created_at from (${sql.join(branches, sql` union all `)}) u
    order by u.created_at desc, u.id desc limit ${limit}`.execute(db);
  return r.rows;
}

const skillGroupIdsOf = (db: Executor, userId: string) => skillGroupIdsOfUser(db, userId);

/** The condition of an identifier the term names (undefined: search it as words). */
async function identifierCondition(deps: FindDeps, term: string): Promise<RawBuilder<boolean> | undefined> {
  const t = readSearchTerm(term);
  if (t.kind === 'number') return sql<boolean>`t.number = ${t.value}`;
  if (t.kind === 'phone') {
    const customers = await customerIdsByPhone(deps.db, t.phone, IDENTIFIER_CAP);
    const own =
      t.phone.kind === 'full'
        ? sql<boolean>`t.caller_phone_hash in (${sql.join(deps.vault.blindIndexes(t.phone.value))})`
        : sql<boolean>`t.caller_phone_last4 = ${t.phone.value}`;
    if (customers.length === 0) return own;
    return sql<boolean>`(${own} or t.customer_id in (${sql.join(customers)}))`;
  }
  if (t.kind === 'code') {
    const instances = await instanceIdsByCode(deps.db, t.value, IDENTIFIER_CAP);
    if (instances.length > 0) return sql<boolean>`t.product_instance_id in (${sql.join(instances)})`;
  }
  return undefined;
}

/**
 * One page (plus one row, to tell whether there is more) of requests in the caller's scope,
 * newest first. A term that is an identifier finds by it alone; other text is searched exactly
 * (a lone Chinese character is refused: the pair index cannot find it inside words).
 */
export async function findRequests(
  deps: FindDeps,
  caller: Caller,
  f: FindQuery,
): Promise<{ rows: RequestRow[]; hasMore: boolean }> {
  const take = f.limit + 1;
  const where = and(filterConditions(caller, f));
  let hits: Hit[];
  const term = f.q?.trim();
  if (term) {
    const id = await identifierCondition(deps, term);
    if (id) hits = await newest(deps.db, sql<boolean>`${where} and ${id}`, f, take);
    else hits = await textPage(deps, caller, where, f, term, take);
  } else if (f.queue === 'group') hits = await groupPage(deps.db, caller, where, f, take);
  else hits = await newest(deps.db, where, f, take);
  return { rows: await loadInOrder(deps.db, hits.slice(0, f.limit)), hasMore: hits.length > f.limit };
}

async function textPage(
  deps: FindDeps,
  caller: Caller,
  where: RawBuilder<boolean>,
  f: FindQuery,
  term: string,
  take: number,
): Promise<Hit[]> {
  const t = phraseTerm(term);
  if ('problem' in t)
    throw invalidField(
      'querystring.q',
      t.problem === 'lone_cjk'
        ? 'a Chinese word needs at least two characters (a single character cannot be searched exactly)'
        : 'has nothing to search for',
    );
  let scoped = where;
  if (f.queue === 'group') {
    const groups = await skillGroupIdsOf(deps.db, caller.principal.userId);
    if (groups.length === 0) return [];
    scoped = sql<boolean>`${where} and ${OPEN} and t.skill_group_id in (${sql.join(groups)})`;
  }
  const page = await phrasePage(
    deps.db,
    REQUEST_SEARCH_TABLE,
    { tsquery: t.tsquery, limit: take, where: scoped, after: f.after },
    t.lexemes,
  );
  return page.hits.map((h) => ({ id: h.id, created_at: h.createdAt }));
}

async function loadInOrder(db: Executor, hits: Hit[]): Promise<RequestRow[]> {
  if (hits.length === 0) return [];
  const rows = await db
    .selectFrom('service_requests')
    .selectAll()
    .where(
      'id',
      'in',
      hits.map((h) => h.id),
    )
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hits.map((h) => byId.get(h.id)).filter((r): r is RequestRow => r !== undefined);
}

/** Counts are capped: exact up to COUNT_CAP, "more than" beyond (no count of everything; at
 * 10 M requests a cap of 10 000 made the eight queue counters cost ~190 ms, 1 000 keeps them cheap). */
export const COUNT_CAP = 1_000;

/** Open requests per queue in the caller's scope, each counted up to COUNT_CAP + 1. */
export async function queueCounts(
  db: Executor,
  caller: Caller,
  f: Pick<FindQuery, 'kind' | 'priority' | 'desk'> = {},
): Promise<Record<Queue, { count: number; capped: boolean }>> {
  const out = {} as Record<Queue, { count: number; capped: boolean }>;
  const groups = await skillGroupIdsOf(db, caller.principal.userId);
  for (const queue of QUEUES) {
    const base = filterConditions(caller, { ...f, limit: 0 });
    const cond =
      queue === 'group'
        ? groups.length === 0
          ? sql<boolean>`false`
          : sql<boolean>`${OPEN} and t.skill_group_id in (${sql.join(groups)})`
        : queueCondition(queue, caller.principal.userId);
    const r = await sql<{ n: string | number }>`
      select count(*) as n from (
        select 1 from service_requests t where ${and([...base, cond])} limit ${COUNT_CAP + 1}) x`.execute(db);
    const n = Number(r.rows[0]!.n);
    out[queue] = { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
  }
  return out;
}

type Capped = { count: number; capped: boolean };

export type OpenState = Exclude<State, TerminalState>;
/** The states a board counts (every open one). */
export const OPEN_STATE_CODES = STATES.filter((s): s is OpenState => !isTerminal(s));

async function cappedCount(db: Executor, where: RawBuilder<boolean>): Promise<Capped> {
  const r = await sql<{ n: string | number }>`
    select count(*) as n from (
      select 1 from service_requests t where ${where} limit ${COUNT_CAP + 1}) x`.execute(db);
  const n = Number(r.rows[0]!.n);
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Midnight of the China calendar day of `now` (UTC+8, no daylight saving). */
export function chinaDayStart(now: Date): Date {
  const shifted = now.getTime() + 8 * 3600_000;
  return new Date(shifted - (shifted % 86_400_000) - 8 * 3600_000);
}

/**
 * A board's counters in the caller's scope: open requests per state and per priority, and the
 * requests closed at intake (一次解决) today, each counted up to COUNT_CAP (one capped count each,
 * on the state index: never a count of everything).
 */
export async function overviewCounts(
  db: Executor,
  caller: Caller,
  f: Pick<FindQuery, 'kind' | 'desk'> = {},
): Promise<{
  byStatus: Record<OpenState, Capped>;
  byPriority: Record<Priority, Capped>;
  firstContactResolvedToday: Capped;
}> {
  const base = filterConditions(caller, { ...f, limit: 0 });
  const byStatus = {} as Record<OpenState, Capped>;
  for (const s of OPEN_STATE_CODES)
    byStatus[s] = await cappedCount(db, and([...base, sql<boolean>`t.status = ${s}`]));
  const byPriority = {} as Record<Priority, Capped>;
  for (const p of PRIORITIES)
    byPriority[p] = await cappedCount(db, and([...base, OPEN, sql<boolean>`t.priority = ${p}`]));
  const firstContactResolvedToday = await cappedCount(
    db,
    and([...base, sql<boolean>`t.created_at >= ${chinaDayStart(caller.now)} and t.first_contact_resolution`]),
  );
  return { byStatus, byPriority, firstContactResolvedToday };
}
