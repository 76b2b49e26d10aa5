/** /sla/policies and /sla/policy-check: the policy matrix, its changes and the policy check. */
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { expectedVersion, withEtag } from '../../platform/http/if-match.ts';
import {
  createPolicy,
  getPolicy,
  listPolicies,
  policyCheck,
  type RequestCatalogue,
  updatePolicy,
} from './policy.service.ts';
// The queue a committed policy change is announced on; its worker recomputes the open clocks.
import { policyChangeReason } from './domain/reasons.ts';
import { RECOMPUTE_QUEUE, type RecomputeJob } from './recompute-job.ts';
import {
  policyCheckInput,
  policyCheckView,
  policyInput,
  policyList,
  policyParams,
  policyPatch,
  policyQuery,
  policyView,
} from './sla.schemas.ts';
import type { ModuleContext } from './sla.tables.ts';

const tags = ['sla'];
const read = {
  access: { anyPermission: ['sla.calendar.read', 'sla.calendar.manage', 'sla.policy.manage'] },
} as const;
const manage = { access: { permission: 'sla.policy.manage' } } as const;

/** `requests`: service requests' kinds, priorities and categories a row may name (the registry's port). */
export function policyRoutes(ctx: ModuleContext, requests: RequestCatalogue) {
  /**
   * After a committed change: asks the clocks' worker to recompute the open clocks the rows may
   * govern. The change stands if the queue refuses (logged as an error, with the codes).
   */
  const recompute = async (job: RecomputeJob) => {
    try {
      await ctx.jobs.send(RECOMPUTE_QUEUE, job);
    } catch (err) {
      ctx.logger.error(
        { err, policyCodes: job.policyCodes },
        'sla.recompute not enqueued after a policy change',
      );
    }
  };

  return async (app: App) => {
    app.get(
      '/sla/policies',
      {
        schema: {
          tags,
          summary:
            'The policy matrix: its rows in order (active ones; includeInactive=true for all), each with its match, level and targets (duration and calendar per target)',
          querystring: policyQuery,
          response: { 200: policyList },
        },
        config: read,
      },
      async (request) => ({ items: await listPolicies(ctx.db, request.query.includeInactive === 'true') }),
    );
    app.get(
      '/sla/policies/:code',
      {
        schema: {
          tags,
          summary: 'One policy row, active or not (ETag: its version)',
          params: policyParams,
          response: { 200: policyView },
        },
        config: read,
      },
      async (request, reply) => withEtag(reply, await getPolicy(ctx.db, request.params.code)),
    );
    app.post(
      '/sla/policies',
      {
        schema: {
          tags,
          summary:
            'Add a row to the matrix (match: real kinds, categories, products; targets: durations on existing calendars); audited; announces sla.recompute',
          body: policyInput,
          response: { 201: policyView },
        },
        config: manage,
      },
      async (request, reply) => {
        const view = await createPolicy(ctx.db, callerOf(request, ctx.clock), request.body, requests);
        await recompute({
          reason: policyChangeReason(view.code, 'created', view.version),
          policyCodes: [view.code],
        });
        return reply.status(201).send(withEtag(reply, view));
      },
    );
    app.patch(
      '/sla/policies/:code',
      {
        schema: {
          tags,
          summary:
            'Change a row: name, source, order, the whole match, every target, or active (false: deactivate; true: reactivate). If-Match or version: a stale one gets 409. Audited with the row before and after; announces sla.recompute when deadlines may change',
          params: policyParams,
          body: policyPatch,
          response: { 200: policyView },
        },
        config: manage,
      },
      async (request, reply) => {
        const expected = expectedVersion(request, request.body.version);
        const { view, change, affectsDeadlines } = await updatePolicy(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.code,
          request.body,
          expected,
          requests,
        );
        if (affectsDeadlines)
          await recompute({
            reason: policyChangeReason(view.code, `${change}d`, view.version),
            policyCodes: [view.code],
          });
        return withEtag(reply, view);
      },
    );
    app.post(
      '/sla/policy-check',
      {
        schema: {
          tags,
          summary:
            'Which policy rows apply to a request’s facts (most specific per target: contract > product > family > tier > kind), why, and the deadlines from a start with customer-caused pauses; nothing written',
          body: policyCheckInput,
          response: { 200: policyCheckView },
        },
        config: read,
      },
      async (request) => {
        const { from, pauses, ...facts } = request.body;
        return policyCheck(ctx.db, {
          ...facts,
          from: new Date(from),
          pauses: pauses?.map((p) => ({
            from: new Date(p.from),
            ...(p.to ? { to: new Date(p.to) } : {}),
            cause: p.cause,
          })),
        });
      },
    );
  };
}
