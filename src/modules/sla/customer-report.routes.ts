/** /sla/customer-reports/…: an enterprise customer's SLA report for its account manager (客户经理). */
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { pickLanguage } from '../../platform/http/language.ts';
import { customerSlaReport, customerSlaReportFile, type SlaCustomerPort } from './customer-report.service.ts';
import {
  customerSlaReportView,
  reportExportQuery,
  reportParams,
  reportQuery,
} from './customer-report.schemas.ts';
import { EXPORT_LANGUAGES } from './domain/labels.ts';
import type { ModuleContext } from './sla.tables.ts';

const tags = ['sla'];
const access = { access: { permission: 'sla.customer_report.read' } } as const;

export function customerReportRoutes(ctx: ModuleContext, port: SlaCustomerPort) {
  return async (app: App) => {
    app.get(
      '/sla/customer-reports/:customerId',
      {
        schema: {
          tags,
          summary:
            "An enterprise customer's SLA report for a period (requests received from `from` to `to`, China dates, inclusive): met/missed per target and per branch, the rows (a contract's among them) that applied, the missed commitments with how late. Customers in your data scope only (others: 404)",
          params: reportParams,
          querystring: reportQuery,
          response: { 200: customerSlaReportView },
        },
        config: access,
      },
      async (request) => {
        const { allMissed: _all, ...report } = await customerSlaReport(
          ctx.db,
          port,
          callerOf(request, ctx.clock),
          request.params.customerId,
          request.query,
        );
        return report;
      },
    );

    app.get(
      '/sla/customer-reports/:customerId/export',
      {
        schema: {
          tags,
          summary:
            'The same report as a file (XLSX by default, or CSV): the customer and period, the tallies per target and branch, every missed commitment (at most 10 000). Audited',
          params: reportParams,
          querystring: reportExportQuery,
        },
        config: access,
      },
      async (request, reply) => {
        const { format, lang, ...period } = request.query;
        const file = await customerSlaReportFile(
          ctx.db,
          port,
          callerOf(request, ctx.clock),
          request.params.customerId,
          period,
          format,
          pickLanguage(EXPORT_LANGUAGES, 'zh-CN', lang, request.headers['accept-language']),
        );
        void reply.header('content-type', file.contentType);
        void reply.header('content-disposition', `attachment; filename="${file.filename}"`);
        return reply.send(file.body);
      },
    );
  };
}
