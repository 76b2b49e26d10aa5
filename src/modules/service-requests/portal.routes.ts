/** The customer's portal API (`/portal/service-requests`, permission request.portal). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { withEtag } from '../../platform/http/if-match.ts';
import {
  PORTAL_KINDS,
  portalCategories,
  portalDecide,
  portalList,
  portalNote,
  portalReport,
  portalRequest,
  portalServices,
  portalUrge,
} from './portal.ts';
import { idempotencyKeyOf } from './requests.routes.ts';
import { tags, type RouteEnv } from './routes.common.ts';
import { categoryCode, idParams } from './service-requests.schemas.ts';
import { requestCommitment } from '../sla/index.ts';
import { expectedVersion } from './work.routes.ts';

const portal = { access: { permission: 'request.portal' } } as const;
const text = (max: number) => z.string().trim().min(1).max(max);
const version = z.number().int().positive().optional();

const portalItem = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.string(),
  categoryCode: z.string().nullable(),
  productInstanceId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  status: z.string(),
  resolution: z.string().nullable(),
  mergedIntoId: z.string().nullable(),
  urgeCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  version: z.number(),
  /** The promised times (承诺反馈时间, 承诺修复时间 …) and whether each was kept. */
  commitments: z.array(requestCommitment),
});
const portalDetail = portalItem.extend({
  timeline: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      body: z.string().nullable(),
      byCustomer: z.boolean(),
      createdAt: z.string(),
    }),
  ),
});
const reportInput = z.strictObject({
  /** fault (default; needs productInstanceId), consultation, complaint or suggestion. */
  kind: z.enum(PORTAL_KINDS).optional(),
  productInstanceId: z.uuid().optional(),
  title: text(200),
  description: z.string().trim().max(10000),
  category: categoryCode.optional(),
});
const listQuery = z.strictObject({
  open: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
const noteInput = z.strictObject({ body: text(2000), version });
const urgeInput = z.strictObject({ reason: text(500).optional(), version });
const serviceItem = z.object({
  id: z.string(),
  productCode: z.string(),
  productName: z.string().nullable(),
  accountNo: z.string(),
  status: z.string(),
  serviceAddress: z.string().nullable(),
  bandwidthMbps: z.number().nullable(),
  startedOn: z.string().nullable(),
});
const decisionInput = z.strictObject({ accept: z.boolean(), reason: text(2000).optional(), version });

const BASE = '/portal/service-requests';

export function portalRoutes(app: App, { deps }: RouteEnv): void {
  const read = async (
    caller: ReturnType<typeof callerOf>,
    id: string,
    reply: { header(k: string, v: string): unknown },
  ) => withEtag(reply, await portalRequest(deps, caller, id));

  app.get(
    '/portal/services',
    {
      schema: {
        tags,
        summary: 'My services (我的服务) and their status',
        response: { 200: z.object({ items: z.array(serviceItem) }) },
      },
      config: portal,
    },
    async (request) => portalServices(deps, callerOf(request, deps.clock)),
  );

  app.get(
    '/portal/service-request-categories',
    {
      schema: {
        tags,
        summary: 'The categories a customer picks from, per kind the portal takes',
        querystring: z.strictObject({ kind: z.enum(PORTAL_KINDS) }),
        response: {
          200: z.object({
            items: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string() })),
          }),
        },
      },
      config: portal,
    },
    async (request) => portalCategories(deps, request.query.kind),
  );

  app.get(
    BASE,
    {
      schema: {
        tags,
        summary: 'My requests (portal), newest first',
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(portalItem) }) },
      },
      config: portal,
    },
    async (request) => portalList(deps, callerOf(request, deps.clock), request.query),
  );

  app.post(
    BASE,
    {
      schema: {
        tags,
        summary:
          'Report a fault on one of my services (报障), or submit a consultation, complaint or suggestion. Idempotency-Key makes a retry safe.',
        body: reportInput,
        response: { 201: portalDetail },
      },
      config: portal,
    },
    async (request, reply) => {
      const caller = callerOf(request, deps.clock);
      const { id, replayed } = await portalReport(deps, caller, request.body, idempotencyKeyOf(request));
      if (replayed) void reply.header('idempotent-replayed', 'true');
      const view = await read(caller, id, reply);
      return reply.status(201).send(view);
    },
  );

  app.get(
    `${BASE}/:id`,
    {
      schema: {
        tags,
        summary: 'One of my requests with what I may see of its progress (no internal notes)',
        params: idParams,
        response: { 200: portalDetail },
      },
      config: portal,
    },
    async (request, reply) => read(callerOf(request, deps.clock), request.params.id, reply),
  );

  app.post(
    `${BASE}/:id/notes`,
    {
      schema: {
        tags,
        summary: 'Add a note to my request',
        params: idParams,
        body: noteInput,
        response: { 200: portalDetail },
      },
      config: portal,
    },
    async (request, reply) => {
      const caller = callerOf(request, deps.clock);
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      await portalNote(deps, caller, request.params.id, body);
      return read(caller, request.params.id, reply);
    },
  );

  app.post(
    `${BASE}/:id/decision`,
    {
      schema: {
        tags,
        summary:
          'Confirm the resolution (accept: true → closed) or reject it (accept: false with a reason → reopened)',
        params: idParams,
        body: decisionInput,
        response: { 200: portalDetail },
      },
      config: portal,
    },
    async (request, reply) => {
      const caller = callerOf(request, deps.clock);
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      await portalDecide(deps, caller, request.params.id, body);
      return read(caller, request.params.id, reply);
    },
  );

  app.post(
    `${BASE}/:id/urge`,
    {
      schema: {
        tags,
        summary: 'Chase my open request (催单): counted and on the timeline',
        params: idParams,
        body: urgeInput,
        response: { 200: portalDetail },
      },
      config: portal,
    },
    async (request, reply) => {
      const caller = callerOf(request, deps.clock);
      const body = { ...request.body, version: expectedVersion(request, request.body.version) };
      await portalUrge(deps, caller, request.params.id, body);
      return read(caller, request.params.id, reply);
    },
  );
}
