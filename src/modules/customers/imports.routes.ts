/** Import customers from CSV or XLSX files, and the empty template. */
import { PassThrough } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { toAppError, type App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { RateWindow } from '../../platform/rate-window.ts';
import {
  importCustomers,
  importTemplate,
  type ImportProgress,
  type ImportReport,
} from './customers.import.ts';
import { importReportView, importStreamLine } from './customers.schemas.ts';
import { tags, type CustomerRouteEnv } from './routes.common.ts';

/** Media types an import file may be sent as (every other route takes JSON only). */
const IMPORT_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
] as const;

/** Largest import file accepted (the rest of the API keeps the small default limit). */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

/** The declared type decides (a CSV that is not text must not pass as one); octet-stream: sniffed. */
function formatOf(contentType: string | undefined): { format?: 'csv' | 'xlsx' } {
  if (String(contentType).startsWith('text/csv')) return { format: 'csv' };
  if (String(contentType).startsWith(IMPORT_TYPES[1])) return { format: 'xlsx' };
  return {};
}

/** Accept: application/x-ndjson — progress lines while the import runs, then its result or error. */
function streamProgress(
  reply: FastifyReply,
  log: FastifyBaseLogger,
  run: (onProgress: (p: ImportProgress) => void) => Promise<ImportReport>,
) {
  const stream = new PassThrough();
  const line = (o: object) => stream.write(`${JSON.stringify(o)}\n`);
  void reply.header('content-type', 'application/x-ndjson; charset=utf-8');
  void reply.header('cache-control', 'no-store');
  run((p) => line({ type: 'progress', ...p }))
    .then((report) => line({ type: 'result', ...report }))
    .catch((err: unknown) => {
      const { error, unexpected } = toAppError(err);
      if (unexpected) log.error({ err }, 'customer import failed');
      line({ type: 'error', code: error.code, message: error.message });
    })
    .finally(() => stream.end());
  // A stream is sent as it is (the route's schema documents its lines; nothing serialises it).
  return reply.send(stream as never);
}

export function importRoutes(app: App, { ctx, deps }: CustomerRouteEnv): void {
  // Import files arrive as the raw request body.
  app.addContentTypeParser(
    [...IMPORT_TYPES],
    { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  // Imports per user per hour (dry runs too): a file checks up to thousands of ID numbers, credit
  // codes and account numbers against stored customers at once.
  const perUser = new RateWindow(ctx.config.importsPerHour, 3_600_000);
  app.post(
    '/customers/imports',
    {
      // After authentication (the app's onRequest hooks run first), before the file is read.
      onRequest: async (request, reply) => {
        const who = request.principal?.userId;
        if (!who) return;
        const r = perUser.take(who, deps.clock.now().getTime());
        if (r.ok) return;
        const seconds = Math.ceil(r.retryAfterMs / 1000);
        void reply.header('retry-after', String(seconds));
        throw new AppError(
          'RATE_LIMITED',
          `Too many imports: at most ${perUser.max} an hour per user, dry runs included; retry in ${Math.ceil(seconds / 60)} minute(s)`,
          { retryAfterSeconds: seconds },
        );
      },
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
      const caller = callerOf(request, deps.clock);
      const run = (onProgress?: (p: ImportProgress) => void) =>
        importCustomers(request.body as Buffer, {
          db: ctx.db,
          vault: deps.vault,
          actor: caller.actor,
          scopePath: caller.principal.scopePath,
          dryRun: request.query.dryRun,
          ...formatOf(request.headers['content-type']),
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
      return streamProgress(reply, request.log, run);
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
}
