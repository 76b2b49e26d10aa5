/** Reveal one masked field, with a reason (pii.reveal, audited). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { revealFields } from './customers.schemas.ts';
import { revealReasonProblem } from './domain/reveal.ts';
import { revealField } from './reveal.service.ts';
import { idParams, tags, type CustomerRouteEnv } from './routes.common.ts';

const revealBody = z
  .strictObject({
    field: z.enum(revealFields),
    contactId: z.uuid().optional(),
    instanceId: z.uuid().optional(),
    reason: z
      .string()
      .trim()
      .min(4, 'state why you need the unmasked value (at least 4 characters)')
      .max(500)
      // Said in a few real words: not `xxxx`, `123` or one character repeated.
      .superRefine((reason, ctx) => {
        const problem = revealReasonProblem(reason);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  })
  // One field of one record: with both, the instance was silently ignored.
  .refine((v) => !(v.contactId && v.instanceId), {
    path: ['instanceId'],
    message: 'give contactId or instanceId, not both',
  });

export function revealRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.post(
    '/customers/:id/reveal',
    {
      schema: {
        tags,
        summary: 'Reveal one masked field of one customer, with a reason (audited)',
        params: idParams,
        body: revealBody,
        response: { 200: z.object({ field: z.enum(revealFields), value: z.string().nullable() }) },
      },
      config: { access: { permission: 'pii.reveal' } },
    },
    async (request, reply) => {
      // The value must not sit in any cache between here and the person who asked for it.
      void reply.header('cache-control', 'no-store');
      return revealField(deps, callerOf(request, deps.clock), request.params.id, request.body);
    },
  );
}
