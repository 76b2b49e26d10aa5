/** POST /customers/identify: a caller of any region, by a whole identifier (跨地域无差异服务). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { noOpenRequests } from './customer-360.service.ts';
import { IDENTIFY_KINDS } from './domain/identify.ts';
import { identifyCaller } from './identify.service.ts';
import { tags, type CustomerRouteEnv } from './routes.common.ts';

const unitRef = z.object({ id: z.string(), name: z.string().nullable() });

const callerSummary = z.object({
  customerId: z.string().describe('Put it on a new request; it tells nothing by itself'),
  name: z.string().describe('masked: 张*, 南京*****有限公司'),
  kind: z.enum(['individual', 'enterprise']),
  tier: z.string().nullable(),
  status: z.string(),
  homeUnit: unitRef,
  inScope: z.boolean().describe('whether the customer is in your own data scope'),
  services: z.array(
    z.object({
      instanceId: z.string(),
      productCode: z.string(),
      productName: z.string().nullable(),
      number: z.string().nullable().describe('the account number or circuit id, masked'),
      status: z.string(),
      siteUnit: unitRef,
    }),
  ),
  openRequests: z.array(z.unknown()),
});

export function identifyRoutes(app: App, { deps, opts }: CustomerRouteEnv): void {
  app.post(
    '/customers/identify',
    {
      schema: {
        tags,
        summary:
          'Identify a caller of any region by a whole phone number, ID number, account number or circuit id ' +
          '(never a part of one) with a purpose: a masked summary enough to accept a request (no contacts, ' +
          'addresses or ID numbers). Every lookup, hit or miss, is access-logged with its purpose; misses ' +
          'count in the search guard',
        body: z.strictObject({
          kind: z.enum(IDENTIFY_KINDS),
          value: z.string().trim().min(1).max(100),
          purpose: z.string().trim().min(1).max(200).describe('why, in a few real words: 来电报修宽带故障'),
        }),
        response: { 200: z.object({ items: z.array(callerSummary) }) },
      },
      config: { access: { permission: 'customer.identify' } },
    },
    async (request) =>
      identifyCaller(deps, callerOf(request, deps.clock), request.body, opts.openRequests ?? noOpenRequests),
  );
}
