import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ModuleContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { toAppError, type App } from '../../platform/http/app.ts';
import { requirePrincipal } from '../../platform/http/auth.ts';
import { actorOf } from '../identity/index.ts';
import { exportCustomers } from './customers.export.ts';
import { importCustomers, importTemplate, type ImportProgress } from './customers.import.ts';
import {
  contactInput,
  contactPatch,
  contactView,
  customerInput,
  customerListItem,
  customerPatch,
  customerView,
  historyEntry,
  importReportView,
  importStreamLine,
  instanceInput,
  instancePatch,
  instanceView,
  productInput,
  productPatch,
  productView,
  revealFields,
} from './customers.schemas.ts';
import {
  accessLogOf,
  addContact,
  addInstance,
  affectedInstances,
  createCustomer,
  createProduct,
  customer360,
  deleteContact,
  eraseCustomer,
  getCustomer,
  listContacts,
  listCustomers,
  listInstances,
  listProducts,
  noOpenRequests,
  revealField,
  searchCustomers,
  updateContact,
  updateCustomer,
  updateInstance,
  updateProduct,
  vaultFor,
  type Caller,
  type CustomerDeps,
  type OpenRequestsProvider,
} from './customers.service.ts';
import { CUSTOMER_STATUSES, TIERS, VALUE_LEVELS } from './domain/catalogue.ts';

/** Media types an import file may be sent as (every other route takes JSON only). */
const IMPORT_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
] as const;

/** Largest import file accepted (the rest of the API keeps the small default limit). */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

export interface CustomerRouteOptions {
  /** Open requests for the 360 view; the requests module supplies it once it exists. */
  openRequests?: OpenRequestsProvider;
}

export const customerDeps = (ctx: ModuleContext): CustomerDeps => ({
  db: ctx.db,
  vault: vaultFor(ctx.config),
  clock: ctx.clock,
});

export const callerOf = (request: FastifyRequest): Caller => {
  const principal = requirePrincipal(request);
  return { principal, actor: actorOf(principal, request) };
};

const idParams = z.object({ id: z.uuid() });
const contactParams = z.object({ id: z.uuid(), contactId: z.uuid() });
const instanceParams = z.object({ id: z.uuid(), instanceId: z.uuid() });

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

const revealBody = z
  .strictObject({
    field: z.enum(revealFields),
    contactId: z.uuid().optional(),
    instanceId: z.uuid().optional(),
    reason: z
      .string()
      .trim()
      .min(4, 'state why you need the unmasked value (at least 4 characters)')
      .max(500),
  })
  // One field of one record: with both, the instance was silently ignored.
  .refine((v) => !(v.contactId && v.instanceId), {
    path: ['instanceId'],
    message: 'give contactId or instanceId, not both',
  });

export function customerRoutes(ctx: ModuleContext, opts: CustomerRouteOptions = {}) {
  const deps = customerDeps(ctx);
  if (ctx.config.piiKeysDevelopment)
    ctx.logger.warn(
      'ONEPOINT_PII_KEYS is not set: ID numbers are encrypted with the built-in development key',
    );
  const read = { access: { permission: 'customer.read' } } as const;
  const manage = { access: { permission: 'customer.manage' } } as const;
  const tags = ['customers'];

  return async (app: App) => {
    // Import files arrive as the raw request body.
    app.addContentTypeParser(
      [...IMPORT_TYPES],
      { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/customers/imports',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags,
          summary:
            'Import customers and instances from a CSV or XLSX file (the request body). All or nothing: a file with ' +
            'any problem is rejected with a report (row, column, code, params, message). Send Accept: application/x-ndjson to ' +
            'receive progress lines while it runs.',
          querystring: z.strictObject({
            dryRun: z.stringbool().default(false),
            fileName: z.string().max(200).optional(),
          }),
          response: {
            200: {
              description:
                'The report (ok: true); with Accept: application/x-ndjson, one JSON object a line: progress lines, ' +
                'then the result (ok true or false) or an error',
              content: {
                'application/json': { schema: importReportView },
                'application/x-ndjson': { schema: importStreamLine },
              },
            },
            422: z
              .object({
                code: z.string(),
                message: z.string(),
                // Or, should the write itself break a database rule, that error's details.
                details: z.union([importReportView, z.record(z.string(), z.unknown())]).optional(),
              })
              .describe('The file has problems: the report (ok: false) is in details; nothing was imported'),
          },
        },
        config: { access: { permission: 'customer.import' }, bodyTypes: IMPORT_TYPES },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body) || request.body.length === 0)
          throw new AppError(
            'VALIDATION_FAILED',
            'Send the file as the request body (text/csv or an XLSX workbook)',
          );
        const caller = callerOf(request);
        const run = (onProgress?: (p: ImportProgress) => void) =>
          importCustomers(request.body as Buffer, {
            db: ctx.db,
            vault: deps.vault,
            actor: caller.actor,
            scopePath: caller.principal.scopePath,
            dryRun: request.query.dryRun,
            // The declared type decides (a CSV that is not text must not pass as one); octet-stream: sniffed.
            ...(String(request.headers['content-type']).startsWith('text/csv')
              ? { format: 'csv' as const }
              : String(request.headers['content-type']).startsWith(IMPORT_TYPES[1])
                ? { format: 'xlsx' as const }
                : {}),
            ...(request.query.fileName ? { fileName: request.query.fileName } : {}),
            ...(onProgress ? { onProgress } : {}),
          });
        if (!String(request.headers.accept ?? '').includes('application/x-ndjson')) {
          const report = await run();
          if (!report.ok)
            throw new AppError(
              'UNPROCESSABLE',
              `The file has ${report.truncated ? 'more than ' : ''}${report.errors.length} problem(s); nothing was imported`,
              report,
            );
          return report;
        }
        const stream = new PassThrough();
        const line = (o: object) => stream.write(`${JSON.stringify(o)}\n`);
        void reply.header('content-type', 'application/x-ndjson; charset=utf-8');
        void reply.header('cache-control', 'no-store');
        run((p) => line({ type: 'progress', ...p }))
          .then((report) => line({ type: 'result', ...report }))
          .catch((err: unknown) => {
            const { error, unexpected } = toAppError(err);
            if (unexpected) request.log.error({ err }, 'customer import failed');
            line({ type: 'error', code: error.code, message: error.message });
          })
          .finally(() => stream.end());
        // A stream is sent as it is (the schema above documents its lines; nothing serialises it).
        return reply.send(stream as never);
      },
    );

    app.get(
      '/customers/imports/template',
      {
        schema: {
          tags,
          summary:
            'An empty import file (CSV, the header row only) with English or Chinese column names; the import reads both',
          querystring: z.strictObject({ lang: z.enum(['en', 'zh-CN']).default('en') }),
        },
        config: { access: { permission: 'customer.import' } },
      },
      async (request, reply) => {
        const { lang } = request.query;
        void reply.header('content-type', 'text/csv; charset=utf-8');
        void reply.header(
          'content-disposition',
          `attachment; filename="customers-import-template-${lang}.csv"`,
        );
        return reply.send(importTemplate(lang));
      },
    );

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
      async (request) => listCustomers(deps, callerOf(request), request.query),
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
                    z.enum([
                      'phone',
                      'idNumber',
                      'accountNo',
                      'circuitId',
                      'customerNo',
                      'creditCode',
                      'name',
                    ]),
                  ),
                }),
              ),
            }),
          },
        },
        config: read,
      },
      async (request) => ({
        items: await searchCustomers(deps, callerOf(request), request.query.q, request.query.limit),
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
        const file = await exportCustomers(deps, callerOf(request), filters, format);
        void reply.header('content-type', file.contentType);
        void reply.header('content-disposition', `attachment; filename="${file.filename}"`);
        return reply.send(file.body);
      },
    );

    app.post(
      '/customers',
      {
        schema: {
          tags,
          summary: 'Create a customer (with contacts, branches and service instances)',
          body: customerInput,
          response: { 201: customerView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply.status(201).send(await createCustomer(deps, callerOf(request), request.body)),
    );

    app.get(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'One customer (masked); the access is logged',
          params: idParams,
          response: { 200: customerView },
        },
        config: read,
      },
      async (request) => getCustomer(deps, callerOf(request), request.params.id),
    );

    app.patch(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Change a customer; send `version` to guard against concurrent edits',
          params: idParams,
          body: customerPatch,
          response: { 200: customerView },
        },
        config: manage,
      },
      async (request) => updateCustomer(deps, callerOf(request), request.params.id, request.body),
    );

    app.get(
      '/customers/:id/360',
      {
        schema: {
          tags,
          summary: 'Customer 360: the customer, contacts, instances, open requests and recent history',
          params: idParams,
          response: {
            200: z.object({
              customer: customerView,
              contacts: z.array(contactView),
              instances: z.array(instanceView),
              openRequests: z.array(z.unknown()),
              recentHistory: z.array(historyEntry),
            }),
          },
        },
        config: read,
      },
      async (request) =>
        customer360(deps, callerOf(request), request.params.id, opts.openRequests ?? noOpenRequests),
    );

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
        accessLogOf(deps, callerOf(request), request.params.id, request.query.before, request.query.limit),
    );

    app.get(
      '/customers/:id/contacts',
      {
        schema: {
          tags,
          summary: "A customer's contacts (masked)",
          params: idParams,
          response: { 200: z.array(contactView) },
        },
        config: read,
      },
      async (request) => listContacts(deps, callerOf(request), request.params.id),
    );
    app.post(
      '/customers/:id/contacts',
      {
        schema: {
          tags,
          summary: 'Add a contact',
          params: idParams,
          body: contactInput,
          response: { 201: contactView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply.status(201).send(await addContact(deps, callerOf(request), request.params.id, request.body)),
    );
    app.patch(
      '/customers/:id/contacts/:contactId',
      {
        schema: {
          tags,
          summary: 'Change a contact',
          params: contactParams,
          body: contactPatch,
          response: { 200: contactView },
        },
        config: manage,
      },
      async (request) =>
        updateContact(deps, callerOf(request), request.params.id, request.params.contactId, request.body),
    );
    app.delete(
      '/customers/:id/contacts/:contactId',
      {
        schema: { tags, summary: 'Remove a contact', params: contactParams, response: { 204: z.null() } },
        config: manage,
      },
      async (request, reply) => {
        await deleteContact(deps, callerOf(request), request.params.id, request.params.contactId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/customers/:id/instances',
      {
        schema: {
          tags,
          summary: "A customer's service instances (masked)",
          params: idParams,
          response: { 200: z.array(instanceView) },
        },
        config: read,
      },
      async (request) => listInstances(deps, callerOf(request), request.params.id),
    );
    app.post(
      '/customers/:id/instances',
      {
        schema: {
          tags,
          summary: 'Add a service instance',
          params: idParams,
          body: instanceInput,
          response: { 201: instanceView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply.status(201).send(await addInstance(deps, callerOf(request), request.params.id, request.body)),
    );
    app.patch(
      '/customers/:id/instances/:instanceId',
      {
        schema: {
          tags,
          summary: 'Change a service instance (status, resources, address)',
          params: instanceParams,
          body: instancePatch,
          response: { 200: instanceView },
        },
        config: manage,
      },
      async (request) =>
        updateInstance(deps, callerOf(request), request.params.id, request.params.instanceId, request.body),
    );

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
        return revealField(deps, callerOf(request), request.params.id, request.body);
      },
    );

    app.post(
      '/customers/:id/erase',
      {
        schema: {
          tags,
          summary: 'Erase (anonymise) a customer on request; keeps what law requires (see module README)',
          params: idParams,
          body: z.strictObject({ reason: z.string().trim().min(4).max(500) }),
          response: { 200: customerView },
        },
        config: { access: { permission: 'customer.erase' } },
      },
      async (request) => eraseCustomer(deps, callerOf(request), request.params.id, request.body.reason),
    );

    app.get(
      '/product-instances',
      {
        schema: {
          tags,
          summary:
            'Service instances on a network resource (device and port, exchange, circuit, set-top box)',
          querystring: z.strictObject({
            deviceId: z.string().trim().min(1).max(100).optional(),
            devicePort: z.string().trim().min(1).max(50).optional(),
            exchange: z.string().trim().min(1).max(100).optional(),
            circuitId: z.string().trim().min(1).max(100).optional(),
            stbId: z.string().trim().min(1).max(64).optional(),
            includeTerminated: z.stringbool().optional(),
            limit: z.coerce.number().int().min(1).max(5000).default(500),
          }),
          response: {
            200: z.object({
              items: z.array(
                instanceView.extend({
                  customer: z.object({
                    id: z.string(),
                    customerNo: z.string(),
                    name: z.string(),
                    kind: z.string(),
                    tier: z.string().nullable(),
                  }),
                }),
              ),
            }),
          },
        },
        config: read,
      },
      async (request) => {
        const { limit, ...q } = request.query;
        return { items: await affectedInstances(deps, callerOf(request), q, limit) };
      },
    );

    app.get(
      '/products',
      {
        schema: {
          tags,
          summary: 'The service product catalogue',
          querystring: z.strictObject({ includeInactive: z.stringbool().default(false) }),
          response: { 200: z.array(productView) },
        },
        config: { access: { authenticated: true } },
      },
      async (request) => listProducts(ctx.db, request.query.includeInactive),
    );
    app.post(
      '/products',
      {
        schema: {
          tags,
          summary: 'Add a product to the catalogue',
          body: productInput,
          response: { 201: productView },
        },
        config: { access: { permission: 'product.manage' } },
      },
      async (request, reply) =>
        reply.status(201).send(await createProduct(ctx.db, callerOf(request).actor, request.body)),
    );
    app.patch(
      '/products/:code',
      {
        schema: {
          tags,
          summary: 'Change a product (name, category, active …)',
          params: z.object({ code: z.string().max(64) }),
          body: productPatch,
          response: { 200: productView },
        },
        config: { access: { permission: 'product.manage' } },
      },
      async (request) => updateProduct(ctx.db, callerOf(request).actor, request.params.code, request.body),
    );
  };
}
