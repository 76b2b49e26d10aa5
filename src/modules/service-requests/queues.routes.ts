/** The console's queue counters: open requests per queue in the caller's scope, capped. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { KINDS, PRIORITIES } from './domain/catalogue.ts';
import { COUNT_CAP, DESKS, OPEN_STATE_CODES, overviewCounts, QUEUES, queueCounts } from './find-requests.ts';
import type { RouteEnv } from './routes.common.ts';
import { access, tags } from './routes.common.ts';

const countsQuery = z.strictObject({
  kind: z.enum(KINDS).optional(),
  priority: z.enum(PRIORITIES).optional(),
  /** A desk's own requests: `monitoring` = the faults the monitoring centre handles. */
  desk: z.enum(DESKS).optional(),
});

const overviewQuery = z.strictObject({
  kind: z.enum(KINDS).optional(),
  desk: z.enum(DESKS).optional(),
});

const count = z.object({
  count: z.number().int(),
  /** True when there are more than `count` (counting stops at the cap). */
  capped: z.boolean(),
});

const countsResponse = z.object({
  cap: z.number().int(),
  queues: z.object(
    Object.fromEntries(QUEUES.map((q) => [q, count])) as Record<(typeof QUEUES)[number], typeof count>,
  ),
});

const keyed = <T extends string>(keys: readonly T[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, count])) as Record<T, typeof count>);

const overviewResponse = z.object({
  cap: z.number().int(),
  /** Open requests per state. */
  byStatus: keyed(OPEN_STATE_CODES),
  /** Open requests per priority. */
  byPriority: keyed(PRIORITIES),
  /** Requests answered and closed at intake (一次解决) since midnight, China time. */
  firstContactResolvedToday: count,
});

export function queueRoutes(app: App, { deps }: RouteEnv): void {
  app.get(
    '/service-requests/queues',
    {
      schema: {
        tags,
        summary:
          `Open requests per queue (mine, owned, group, unassigned, urged, escalated, suspended, open) in the ` +
          `caller's scope, each counted up to ${COUNT_CAP} (capped: more). List a queue with ` +
          '`GET /service-requests?queue=…`',
        querystring: countsQuery,
        response: { 200: countsResponse },
      },
      config: access.read,
    },
    async (request) => ({
      cap: COUNT_CAP,
      queues: await queueCounts(deps.db, callerOf(request, deps.clock), request.query),
    }),
  );

  app.get(
    '/service-requests/overview',
    {
      schema: {
        tags,
        summary:
          "A board's counters in the caller's scope: open requests per state and per priority, and those " +
          `closed at intake (一次解决) today; each counted up to ${COUNT_CAP} (capped: more). ` +
          '`desk=monitoring`: the faults the monitoring centre handles',
        querystring: overviewQuery,
        response: { 200: overviewResponse },
      },
      config: access.read,
    },
    async (request) => ({
      cap: COUNT_CAP,
      ...(await overviewCounts(deps.db, callerOf(request, deps.clock), request.query)),
    }),
  );
}
