// SLA checks the reliability tests share: each warning and breach step acted on exactly once, as
// the steps table, the request's timeline, the outbox and the request's priority tell it.
import { expect } from 'vitest';
import type { DB } from '../../src/db.ts';
import { raisedPriority } from '../../src/modules/sla/index.ts';
import type { Database } from '../../src/platform/db/database.ts';

/**
 * The SLA steps acted on for `ids`, each as `id:target:percent`, as the steps table, the
 * timeline and the outbox tell them (sorted: a step acted on twice shows twice).
 */
export async function slaActions(db: Database<DB>['db'], ids: string[]) {
  const json = <T>(v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const [steps, timeline, events] = await Promise.all([
    db
      .selectFrom('sla_clock_steps')
      .select(['request_id', 'target', 'percent'])
      .where('request_id', 'in', ids)
      .execute(),
    db
      .selectFrom('service_request_timeline')
      .select(['request_id', 'details'])
      .where('request_id', 'in', ids)
      .where('kind', '=', 'sla')
      .execute(),
    db
      .selectFrom('outbox_events')
      .select(['aggregate_id', 'event_type', 'payload'])
      .where('aggregate_id', 'in', ids)
      .where('event_type', 'in', ['SlaWarningEvent', 'SlaBreachEvent'])
      .execute(),
  ]);
  return {
    steps: steps.map((r) => `${r.request_id}:${r.target}:${r.percent}`).sort(),
    timeline: timeline
      .map((r) => {
        const d = json<{ target: string; percent: number }>(r.details);
        return `${r.request_id}:${d.target}:${d.percent}`;
      })
      .sort(),
    events: events
      .map((e) => {
        const sla = json<{ event: { sla: { target: string; percent: number } } }>(e.payload).event.sla;
        const kind = sla.percent >= 100 ? 'SlaBreachEvent' : 'SlaWarningEvent';
        return `${e.aggregate_id}:${sla.target}:${sla.percent}${e.event_type === kind ? '' : ` as ${e.event_type}`}`;
      })
      .sort(),
  };
}

/** Each step acted on exactly once, and the breach raised the priority and support line once. */
export async function checkSlaOnce(
  db: Database<DB>['db'],
  expected: string[],
  before: Map<string, { priority: string; supportLine: number }>,
) {
  const ids = [...before.keys()];
  const acted = await slaActions(db, ids);
  expected.sort();
  expect(acted.steps, 'sla_clock_steps').toEqual(expected);
  expect(acted.timeline, 'timeline entries').toEqual(expected);
  expect(acted.events, 'outbox events').toEqual(expected);
  const rows = await db
    .selectFrom('service_requests')
    .select(['id', 'priority', 'support_line'])
    .where('id', 'in', ids)
    .execute();
  expect(rows).toHaveLength(ids.length);
  for (const r of rows) {
    const b = before.get(r.id)!;
    expect({ id: r.id, priority: r.priority, supportLine: r.support_line }).toEqual({
      id: r.id,
      priority: raisedPriority(b.priority),
      supportLine: b.supportLine + 1,
    });
  }
}
