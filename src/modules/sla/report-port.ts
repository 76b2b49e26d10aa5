/**
 * What the SLA reports need of service requests (the registry wires service requests' side; this
 * module never imports it): the requests a caller may see, as a subquery to join clocks on — the
 * data-scope rule stays service requests' own — and, for a page of breaches, where each request
 * stood when its time ran out and what the breach did to it.
 */
import type { RawBuilder } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Caller } from '../../platform/http/caller.ts';

export interface ReportRequestFilter {
  /** Whose data scope: their units' requests, and those assigned to or owned by them anywhere. */
  caller: Pick<Caller, 'scope' | 'principal'>;
  /** Only requests whose handling unit is this unit or under it (its org path). */
  unitPath?: string | undefined;
  /** A desk's own requests: `monitoring` = the faults the monitoring centre handles. */
  desk?: 'monitoring' | undefined;
}

/**
 * One row per request in the filter, with these columns (the contract this module joins on):
 * `request_id` uuid, `number` text, `status` text, `priority` text, `handling_unit_id` uuid,
 * `assignee_id` uuid|null, `owner_user_id` uuid|null, `skill_group_id` uuid|null.
 */
export interface ReportRequestRow {
  request_id: string;
  number: string;
  status: string;
  priority: string;
  handling_unit_id: string;
  assignee_id: string | null;
  owner_user_id: string | null;
  skill_group_id: string | null;
}

/** A breached clock whose circumstances are asked for. */
export interface BreachRef {
  requestId: string;
  target: string;
  period: number;
  deadline: Date;
}

/** Where a request stood when a clock's time ran out, and what its breach step did to it. */
export interface BreachContext {
  /** The request's workflow state at the deadline (e.g. still `accepted`: nobody had taken it). */
  statusAtDeadline: string | null;
  priority?: { from: string; to: string };
  supportLine?: { from: number; to: number };
}

export interface SlaReportPort {
  requestsInScope(filter: ReportRequestFilter): RawBuilder<ReportRequestRow>;
  /** Keyed `${requestId}:${target}:${period}`. */
  breachContext(db: AnyExecutor, refs: readonly BreachRef[]): Promise<Map<string, BreachContext>>;
}

export const breachKey = (r: { requestId: string; target: string; period: number }): string =>
  `${r.requestId}:${r.target}:${r.period}`;
