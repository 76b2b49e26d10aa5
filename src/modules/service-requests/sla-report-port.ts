/**
 * Service requests' side of the SLA reports (the registry wires it into the sla module, which
 * never imports this one): the requests a caller may see as a subquery — the same data-scope rule
 * as the request lists — and, for a page of breaches, the request's state when the deadline
 * passed (its timeline) and what the breach step did to it (its `sla` timeline entry).
 */
import { sql } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { BreachContext, ReportRequestRow, SlaReportPort } from '../sla/index.ts';
import { breachKey } from '../sla/index.ts';
import { deskCondition, scopeCondition } from './find-requests.ts';
import type { Executor } from './service-requests.tables.ts';

export const requestReportPort: SlaReportPort = {
  requestsInScope({ caller, unitPath, desk }) {
    const where = [scopeCondition(caller)];
    if (unitPath) where.push(sql<boolean>`t.handling_unit_path like ${`${unitPath}%`}`);
    if (desk) where.push(deskCondition(desk));
    return sql<ReportRequestRow>`(select t.id as request_id, t.number, t.status, t.priority,
      t.handling_unit_id, t.assignee_id, t.owner_user_id, t.skill_group_id
      from service_requests t where ${sql.join(where, sql` and `)})`;
  },

  async breachContext(callerDb: AnyExecutor, refs) {
    const db = callerDb as Executor;
    const out = new Map<string, BreachContext>();
    if (!refs.length) return out;
    const values = refs.map(
      (r) => sql`(${r.requestId}::uuid, ${r.target}::text, ${r.period}::int, ${r.deadline}::timestamptz)`,
    );
    // The last status change at or before the deadline (the intake's entry names the first state);
    // the breach step's timeline entry (kind sla, percent 100) for the same target and period.
    const rows = await sql<{
      request_id: string;
      target: string;
      period: number;
      status: string | null;
      details: Record<string, unknown> | string | null;
    }>`
      select v.request_id, v.target, v.period,
        (select s.to_status from service_request_timeline s
          where s.request_id = v.request_id and s.to_status is not null and s.created_at <= v.deadline
          order by s.created_at desc, s.id desc limit 1) as status,
        (select b.details from service_request_timeline b
          where b.request_id = v.request_id and b.kind = 'sla'
            and b.details->>'target' = v.target and (b.details->>'percent')::int = 100
            and coalesce((b.details->>'period')::int, 1) = v.period
          order by b.created_at limit 1) as details
      from (values ${sql.join(values)}) as v(request_id, target, period, deadline)`.execute(db);
    for (const r of rows.rows) {
      const d = (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as {
        priority?: { from: string; to: string };
        supportLine?: { from: number; to: number };
      } | null;
      out.set(breachKey({ requestId: r.request_id, target: r.target, period: r.period }), {
        statusAtDeadline: r.status,
        ...(d?.priority ? { priority: d.priority } : {}),
        ...(d?.supportLine ? { supportLine: d.supportLine } : {}),
      });
    }
    return out;
  },
};
