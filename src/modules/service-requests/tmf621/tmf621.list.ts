/** TMF621 lists: offset/limit and TMF630 attribute filters turned into SQL on our tables. */
import { sql, type Expression, type SqlBool } from 'kysely';
import {
  parseFilters,
  selectFields,
  sqlCondition,
  type FilterCatalogue,
  type FilterCondition,
} from '../../../platform/tmf/index.ts';
import type { Caller, RequestDeps } from '../deps.ts';
import { scopeCondition } from '../find-requests.ts';
import { workflowOf } from '../requests.repository.ts';
import { requestView, summariesFor, timelineView } from '../requests.views.ts';
import {
  PRIORITY_ALIASES,
  statesOf,
  TICKET_KINDS,
  TICKET_TYPES,
  TMF_STATUSES,
  toTicket,
  NO_EXTRAS,
  type TmfStatus,
} from './tmf621.mapper.ts';
import { shownExtrasOf } from './tmf621.store.ts';

const FILTERS = {
  id: { type: 'string' },
  '@type': { type: 'enum', values: ['TroubleTicket'] },
  status: { type: 'enum', values: TMF_STATUSES },
  severity: { type: 'string' },
  priority: { type: 'enum', values: Object.keys(PRIORITY_ALIASES) },
  ticketType: { type: 'enum', values: Object.keys(TICKET_TYPES) },
  'relatedParty.id': { type: 'string', operators: ['eq'] },
  'relatedParty.partyOrPartyRole.id': { type: 'string', operators: ['eq'] },
  creationDate: { type: 'dateTime' },
  lastUpdate: { type: 'dateTime' },
} satisfies FilterCatalogue;
type Field = keyof typeof FILTERS;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTHING = sql<SqlBool>`false`;
const all = (parts: Expression<SqlBool>[]) =>
  parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`true`;

/** One TMF status as a condition on our state (closed vs. cancelled: merged duplicates). */
function statusSql(s: TmfStatus) {
  if (s === 'cancelled')
    return sql<SqlBool>`(t.status = 'cancelled' or (t.status = 'closed' and t.merged_into_id is not null))`;
  if (s === 'closed') return sql<SqlBool>`(t.status = 'closed' and t.merged_into_id is null)`;
  const states = statesOf(s);
  return states.length ? sql<SqlBool>`t.status in (${sql.join(states)})` : NOTHING;
}

function conditionSql(
  eb: Parameters<typeof sqlCondition>[0],
  c: FilterCondition<Field>,
): Expression<SqlBool> {
  const on = (column: Parameters<typeof sqlCondition>[1], values = c.values) =>
    sqlCondition(eb, column, { op: c.op, values });
  const anyOf = (parts: Expression<SqlBool>[]) =>
    c.op === 'ne'
      ? sql<SqlBool>`not (${sql.join(parts, sql` or `)})`
      : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
  switch (c.field) {
    case 'id': {
      const ids = c.values.map(String).filter((v) => UUID.test(v));
      if (ids.length === 0) return c.op === 'eq' ? NOTHING : sql<SqlBool>`true`;
      return on('t.id', ids);
    }
    case '@type':
      return c.op === 'eq' ? sql<SqlBool>`true` : NOTHING;
    case 'status':
      return anyOf(c.values.map((v) => statusSql(v as TmfStatus)));
    case 'severity':
      return on('x.severity');
    case 'priority':
      return on(
        't.priority',
        c.values.map((v) => PRIORITY_ALIASES[String(v)]!),
      );
    case 'ticketType':
      return on(
        't.kind',
        c.values.map((v) => TICKET_TYPES[String(v)]!),
      );
    case 'relatedParty.id':
    case 'relatedParty.partyOrPartyRole.id': {
      const values = c.values.map(String);
      return sql<SqlBool>`(t.customer_id::text in (${sql.join(values)}) or exists (
        select 1 from jsonb_array_elements(coalesce(x.attributes -> 'relatedParty', '[]'::jsonb)) rp
        where rp -> 'partyOrPartyRole' ->> 'id' in (${sql.join(values)})))`;
    }
    case 'creationDate':
      return on('t.created_at');
    case 'lastUpdate':
      return on('t.updated_at');
  }
}

export async function listTickets(
  deps: RequestDeps,
  caller: Caller,
  q: { fields?: string | undefined; offset: number; limit: number } & Record<string, unknown>,
  base: string,
) {
  const conditions = parseFilters(q, FILTERS);
  const query = deps.db
    .selectFrom('service_requests as t')
    .leftJoin('service_request_tmf_tickets as x', 'x.request_id', 't.id')
    .where('t.kind', 'in', [...TICKET_KINDS])
    .where(scopeCondition(caller))
    .where((eb) => all(conditions.map((c) => conditionSql(eb, c))));
  const [{ total }, rows] = await Promise.all([
    query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    query
      .selectAll('t')
      .orderBy('t.created_at', 'desc')
      .orderBy('t.id', 'desc')
      .offset(q.offset)
      .limit(q.limit)
      .execute(),
  ]);
  const ids = rows.map((r) => r.id);
  const [customers, extras, timeline, fault, complaint] = await Promise.all([
    summariesFor(deps.db, rows),
    shownExtrasOf(deps.db, ids),
    ids.length
      ? deps.db
          .selectFrom('service_request_timeline')
          .selectAll()
          .where('request_id', 'in', ids)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      : Promise.resolve([]),
    workflowOf(deps.db, 'fault'),
    workflowOf(deps.db, 'complaint'),
  ]);
  const items = rows.map((r) => {
    const view = requestView(r, customers, r.kind === 'fault' ? fault : complaint);
    const entries = timeline
      .filter((t) => t.request_id === r.id)
      .map((t) => {
        const v = timelineView(t);
        return {
          id: v.id,
          kind: v.kind,
          actorLogin: typeof v.details.author === 'string' ? v.details.author : v.actorLogin,
          toStatus: v.toStatus,
          body: v.body,
          createdAt: v.createdAt,
        };
      });
    return selectFields(toTicket(view, extras.get(r.id) ?? NO_EXTRAS, base, entries), q.fields);
  });
  return { items, total: Number(total) };
}
