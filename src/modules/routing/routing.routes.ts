/** /routing-rules and /routing-strategies: the administrators' side of routing and assignment. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { expectedVersion, ifMatch, withEtag } from '../../platform/http/if-match.ts';
import {
  factsInput,
  previewView,
  ruleInput,
  ruleList,
  rulePatch,
  ruleView,
  strategyInput,
  strategyList,
  strategyView,
} from './routing.schemas.ts';
import type { ModuleContext } from './routing.tables.ts';
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  listStrategies,
  previewRoute,
  setStrategy,
  updateRule,
} from './rules.service.ts';

const tags = ['routing'];
const idParams = z.object({ id: z.uuid() });
const read = { access: { anyPermission: ['routing.read', 'routing.manage'] } } as const;
const manage = { access: { permission: 'routing.manage' } } as const;

export function routingRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    app.get(
      '/routing-rules',
      {
        schema: {
          tags,
          summary: 'Routing rules in order (the first matching rule wins)',
          response: { 200: ruleList },
        },
        config: read,
      },
      async () => ({ items: await listRules(ctx.db) }),
    );
    app.get(
      '/routing-rules/:id',
      {
        schema: {
          tags,
          summary: 'One routing rule (ETag: its version)',
          params: idParams,
          response: { 200: ruleView },
        },
        config: read,
      },
      async (request, reply) => withEtag(reply, await getRule(ctx.db, request.params.id)),
    );
    app.post(
      '/routing-rules',
      {
        schema: {
          tags,
          summary: 'Add a routing rule; audited',
          body: ruleInput,
          response: { 201: ruleView },
        },
        config: manage,
      },
      async (request, reply) => {
        const view = await createRule(ctx.db, callerOf(request, ctx.clock), request.body);
        return reply.status(201).send(withEtag(reply, view));
      },
    );
    app.patch(
      '/routing-rules/:id',
      {
        schema: {
          tags,
          summary: 'Change a routing rule (If-Match or version: a stale one gets 409); audited',
          params: idParams,
          body: rulePatch,
          response: { 200: ruleView },
        },
        config: manage,
      },
      async (request, reply) => {
        const expected = expectedVersion(request, request.body.version);
        const view = await updateRule(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.id,
          request.body,
          expected,
        );
        return withEtag(reply, view);
      },
    );
    app.delete(
      '/routing-rules/:id',
      {
        schema: {
          tags,
          summary: 'Remove a routing rule (If-Match optional); audited',
          params: idParams,
          response: { 204: z.null() },
        },
        config: manage,
      },
      async (request, reply) => {
        await deleteRule(ctx.db, callerOf(request, ctx.clock), request.params.id, ifMatch(request));
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/routing-rules/preview',
      {
        schema: {
          tags,
          summary: 'Where a request with these facts would go, and why (nothing is written)',
          body: factsInput,
          response: { 200: previewView },
        },
        config: read,
      },
      async (request) => {
        const b = request.body;
        return previewRoute(ctx.db, {
          kind: b.kind,
          category: b.category ?? null,
          productCode: b.productCode ?? null,
          customerKind: b.customerKind ?? null,
          customerTier: b.customerTier ?? null,
          valueLevel: b.valueLevel ?? null,
          channel: b.channel,
          siteUnitId: b.siteUnitId ?? null,
          homeUnitId: b.homeUnitId ?? null,
          intakeUnitId: b.intakeUnitId,
        });
      },
    );
    app.get(
      '/routing-strategies',
      {
        schema: {
          tags,
          summary: "Skill groups' assignment strategies (a group not listed: round-robin, no capacity)",
          response: { 200: strategyList },
        },
        config: read,
      },
      async () => ({ items: await listStrategies(ctx.db) }),
    );
    app.put(
      '/routing-strategies/:skillGroupId',
      {
        schema: {
          tags,
          summary: "Set a skill group's assignment strategy and capacity; audited",
          params: z.object({ skillGroupId: z.uuid() }),
          body: strategyInput,
          response: { 200: strategyView },
        },
        config: manage,
      },
      async (request, reply) => {
        const expected = expectedVersion(request, request.body.version);
        const view = await setStrategy(ctx.db, callerOf(request, ctx.clock), request.params.skillGroupId, {
          ...request.body,
          ...(expected !== undefined ? { version: expected } : {}),
        });
        return withEtag(reply, view);
      },
    );
  };
}
