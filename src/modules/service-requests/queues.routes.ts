/** The console's queue counters: open requests per queue in the caller's scope, capped. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { KINDS, PRIORITIES } from './domain/catalogue.ts';
import { COUNT_CAP, QUEUES, queueCounts } from './find-requests.ts';
import type { RouteEnv } from './routes.common.ts';
import { access, tags } from './routes.common.ts';

const countsQuery = z.strictObject({
  kind: z.enum(KINDS).optional(),
  priority: z.enum(PRIORITIES).optional(),
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
}
