/** Finding customers: the filtered list, the one-box search and the export. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { exportCustomers } from './customers.export.ts';
import { customerListItem } from './customers.schemas.ts';
import { CUSTOMER_STATUSES, TIERS, VALUE_LEVELS } from './domain/catalogue.ts';
import { read, tags, type CustomerRouteEnv } from './routes.common.ts';
import { listCustomers, searchCustomers } from './search.service.ts';

export const listQuery = z.strictObject({
  kind: z.enum(['individual', 'enterprise']).optional(),
  tier: z.enum(TIERS).optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  orgUnitId: z.uuid().optional(),
  accountManagerId: z.uuid().optional(),
  valueLevel: z.enum(VALUE_LEVELS).optional(),
  tag: z.string().max(32).optional(),
  name: z.string().trim().min(1).max(100).optional(),
  phone: z.string().trim().min(3).max(32).optional(),
  idNumber: z.string().trim().min(6).max(32).optional(),
  accountNo: z.string().trim().min(1).max(64).optional(),
  circuitId: z.string().trim().min(1).max(100).optional(),
  customerNo: z.string().trim().min(1).max(32).optional(),
  after: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function searchRoutes(app: App, { deps }: CustomerRouteEnv): void {
  app.get(
    '/customers',
    {
      schema: {
        tags,
        summary: 'List customers in your scope (masked), with filters and keyset paging (after=<last id>)',
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(customerListItem), nextCursor: z.string().nullable() }),
        },
      },
      config: read,
    },
    async (request) => listCustomers(deps, callerOf(request, deps.clock), request.query),
  );

  app.get(
    '/customers/search',
    {
      schema: {
        tags,
        summary: 'Find a customer by phone, ID number, account number, circuit id, customer number or name',
        querystring: z.strictObject({
          q: z.string().trim().min(1).max(100),
          limit: z.coerce.number().int().min(1).max(50).default(20),
        }),
        response: {
          200: z.object({
            items: z.array(
              customerListItem.extend({
                matchedBy: z.array(
                  z.enum(['phone', 'idNumber', 'accountNo', 'circuitId', 'customerNo', 'creditCode', 'name']),
                ),
              }),
            ),
          }),
        },
      },
      config: read,
    },
    async (request) => ({
      items: await searchCustomers(deps, callerOf(request, deps.clock), request.query.q, request.query.limit),
    }),
  );

  app.get(
    '/customers/export',
    {
      schema: {
        tags,
        summary: 'Export customers in your scope (masked) as CSV or XLSX; at most 10 000 rows, logged',
        querystring: listQuery
          .omit({ after: true, limit: true })
          .extend({ format: z.enum(['csv', 'xlsx']).default('csv') }),
      },
      config: read,
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const file = await exportCustomers(deps, callerOf(request, deps.clock), filters, format);
      void reply.header('content-type', file.contentType);
      void reply.header('content-disposition', `attachment; filename="${file.filename}"`);
      return reply.send(file.body);
    },
  );
}
