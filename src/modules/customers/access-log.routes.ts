/** Who accessed a customer's information (MIIT Order 24). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { accessLogOf } from './access-log.service.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { idParams, tags, type CustomerRouteEnv } from './routes.common.ts';

export function accessLogRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.get(
    '/customers/:id/access-log',
    {
      schema: {
        tags,
        summary: "Who accessed this customer's information, newest first (MIIT Order 24)",
        params: idParams,
        querystring: z.strictObject({
          before: z
            .string()
            .regex(/^\d{1,18}$/, 'must be an access-log id (digits)')
            .optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              occurredAt: z.string(),
              actorId: z.string().nullable(),
              actorLogin: z.string().nullable(),
              actorName: z.string().nullable().describe("the person's display name (null: a system actor)"),
              action: z.string(),
              purpose: z.string().nullable(),
              ip: z.string().nullable(),
              requestId: z.string().nullable(),
            }),
          ),
        },
      },
      config: { access: { permission: 'audit.read' } },
    },
    async (request) =>
      accessLogOf(
        deps,
        callerOf(request, deps.clock),
        request.params.id,
        request.query.before,
        request.query.limit,
      ),
  );
}
