/**
 * 重复 (repeat) detection at intake: a new request about the same product instance — or, without
 * one, the same customer — and the same kind and category as earlier requests within the window
 * (`ONEPOINT_REPEAT_WINDOW_DAYS`, default 30) is flagged and linked to them (newest first, at most
 * 10). One indexed lookup (service_requests_repeat_instance / _customer). No category: no check.
 */
import type { Insertable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Caller } from './deps.ts';
import type { Kind } from './domain/catalogue.ts';
import type { Executor, ServiceRequestTimelineTable } from './service-requests.tables.ts';

export const DEFAULT_REPEAT_WINDOW_DAYS = 30;
const MAX_LINKED = 10;

export interface RepeatFacts {
  kind: Kind;
  category: string | null;
  customerId: string | null;
  instanceId: string | null;
}

/** The earlier requests this one repeats (ids, newest first); empty when none or no category. */
export async function findRepeats(
  db: Executor,
  f: RepeatFacts,
  now: Date,
  windowDays = DEFAULT_REPEAT_WINDOW_DAYS,
): Promise<string[]> {
  if (!f.category || (!f.instanceId && !f.customerId)) return [];
  const since = new Date(now.getTime() - windowDays * 86_400_000);
  let q = db
    .selectFrom('service_requests')
    .select('id')
    .where('category_code', '=', f.category)
    .where('kind', '=', f.kind)
    .where('created_at', '>', since)
    .where('merged_into_id', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(MAX_LINKED);
  q = f.instanceId
    ? q.where('product_instance_id', '=', f.instanceId)
    : q.where('customer_id', '=', f.customerId!);
  return (await q.execute()).map((r) => r.id);
}

/** The new request's internal timeline entry naming what it repeats. */
export function repeatEntry(
  caller: Caller,
  requestId: string,
  repeatOf: string[],
  at: Date,
): Insertable<ServiceRequestTimelineTable> {
  return {
    id: uuidv7(),
    request_id: requestId,
    kind: 'repeat',
    visibility: 'internal',
    actor_id: caller.actor.actorId,
    actor_login: caller.actor.actorLogin,
    from_status: null,
    to_status: null,
    body: null,
    details: JSON.stringify({ repeatOf }),
    created_at: at,
  };
}
