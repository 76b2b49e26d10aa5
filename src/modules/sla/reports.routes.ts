/** /sla/reports/…, /sla/at-risk, /sla/open-states: SLA reports in the caller's data scope (reports.service.ts). */
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { pickLanguage } from '../../platform/http/language.ts';
import { tableFile, type TableColumn, type TableFile, type TableFormat } from '../../platform/table-file.ts';
import {
  EXPORT_LABELS,
  EXPORT_LANGUAGES,
  fill,
  labelOf,
  limitLabel,
  reasonLabel,
  type ExportLanguage,
} from './domain/labels.ts';
import type { GroupBy } from './domain/report.ts';
import type { SlaReportPort } from './report-port.ts';
import {
  allBreaches,
  atRisk,
  breaches,
  metReport,
  openStates,
  type BreachItem,
  type MetReport,
  type Ref,
} from './reports.service.ts';
import {
  atRiskQuery,
  atRiskResponse,
  breachExportQuery,
  breachQuery,
  breachResponse,
  metExportQuery,
  metQuery,
  metResponse,
  openStatesQuery,
  openStatesResponse,
} from './reports.schemas.ts';
import type { ModuleContext } from './sla.tables.ts';

const tags = ['sla'];
const read = { access: { permission: 'sla.report.read' } } as const;

/** The most breaches one export holds. */
export const BREACH_EXPORT_MAX = 10_000;

const send = (reply: FastifyReply, file: TableFile & { filename: string }) => {
  void reply.header('content-type', file.contentType);
  void reply.header('content-disposition', `attachment; filename="${file.filename}"`);
  return reply.send(file.body);
};

type MetLine = { group: MetReport['rows'][number]; cell: MetReport['rows'][number]['byTarget'][number] };
type Labels = (typeof EXPORT_LABELS)[ExportLanguage];

/** A row's group as people read it: a name in the file's language, a tier or kind, a period. */
function groupLabel(l: Labels, lang: ExportLanguage, groupBy: GroupBy, row: MetLine['group']): string {
  if (row.key === null) return labelOf(l.groupNone, groupBy);
  switch (groupBy) {
    case 'tier':
      return labelOf(l.tiers, row.key);
    case 'kind':
      return labelOf(l.kinds, row.key);
    case 'week':
      return fill(l.weekOf, { date: row.key });
    case 'day':
    case 'month':
      return row.key;
    default:
      return (lang === 'en' ? (row.nameEn ?? row.name) : row.name) ?? row.key;
  }
}

/** The % met file: one line per group and target, labelled in the file's language. */
function metColumns(lang: ExportLanguage, groupBy: GroupBy): ReadonlyArray<TableColumn<MetLine>> {
  const l = EXPORT_LABELS[lang];
  return [
    [l.met.group, (x) => groupLabel(l, lang, groupBy, x.group)],
    [l.met.groupCode, (x) => x.group.key ?? ''],
    [l.met.target, (x) => l.targets[x.cell.target]],
    [l.met.met, (x) => x.cell.met],
    [l.met.missed, (x) => x.cell.missed],
    [l.met.openBreached, (x) => x.cell.openBreached],
    [l.met.openOnTrack, (x) => x.cell.openOnTrack],
    [l.met.decided, (x) => x.cell.decided],
    [l.met.metPercent, (x) => x.cell.metPercent],
  ];
}

/** The breaches file: codes as labels in the file's language (the policy row stays its code). */
function breachColumns(lang: ExportLanguage): ReadonlyArray<TableColumn<BreachItem>> {
  const l = EXPORT_LABELS[lang];
  const h = l.breaches;
  const name = (r: Ref | null) => (r ? ((lang === 'en' ? (r.nameEn ?? r.name) : r.name) ?? '') : '');
  return [
    [h.number, (b) => b.number],
    [h.kind, (b) => labelOf(l.kinds, b.kind)],
    [h.target, (b) => l.targets[b.target]],
    [h.policy, (b) => b.policy.code],
    [h.limit, (b) => limitLabel(l, b.policy.duration, b.policy.calendar)],
    [h.start, (b) => b.start],
    [h.deadline, (b) => b.deadline],
    [h.metAt, (b) => b.metAt],
    [h.lateMinutes, (b) => b.lateMinutes],
    [h.open, (b) => (b.open ? l.yes : l.no)],
    [h.handlingUnit, (b) => name(b.handlingUnit)],
    [h.group, (b) => name(b.group)],
    [h.assignee, (b) => name(b.assignee)],
    [h.owner, (b) => name(b.owner)],
    [h.pausedMinutes, (b) => b.cause.pausedMinutes],
    [
      h.statusAtDeadline,
      (b) => (b.cause.statusAtDeadline ? labelOf(l.states, b.cause.statusAtDeadline) : ''),
    ],
    [h.breachActedAt, (b) => b.cause.breachStep?.actedAt ?? null],
    [
      h.breachActions,
      (b) => b.cause.breachStep?.actions.map((a) => labelOf(l.actions, a)).join(l.items) ?? '',
    ],
    [
      h.escalation,
      (b) => {
        const e = b.cause.escalation;
        return [
          e?.priority
            ? fill(l.priority, {
                from: labelOf(l.priorities, e.priority.from),
                to: labelOf(l.priorities, e.priority.to),
              })
            : '',
          e?.supportLine ? fill(l.supportLine, e.supportLine) : '',
        ]
          .filter(Boolean)
          .join(l.list);
      },
    ],
    [h.recomputed, (b) => b.cause.recomputed.map((r) => reasonLabel(l, r.reasonCoded)).join(l.list)],
  ];
}

/** One sheet of `rows` by columns. */
async function sheetFile<T>(
  rows: readonly T[],
  columns: ReadonlyArray<TableColumn<T>>,
  format: TableFormat,
  sheet: string,
): Promise<TableFile> {
  return tableFile(
    [{ name: sheet, header: columns.map(([h]) => h), rows: rows.map((r) => columns.map(([, f]) => f(r))) }],
    format,
  );
}

/** The file's language: `lang`, else the Accept-Language header, else zh-CN. */
const fileLanguage = (lang: ExportLanguage | undefined, acceptLanguage: string | undefined): ExportLanguage =>
  pickLanguage(EXPORT_LANGUAGES, 'zh-CN', lang, acceptLanguage);

export function reportRoutes(ctx: ModuleContext, port: SlaReportPort) {
  const deps = { db: ctx.db, port };
  const zoneOf = (q: { zone?: string | undefined }) => q.zone ?? ctx.config.timeZone;
  return async (app: App) => {
    app.get(
      '/sla/reports/met',
      {
        schema: {
          tags,
          summary:
            '% of SLA targets met, with its base (met, missed, open past and within the deadline), per target, ' +
            'grouped by org unit, agent, product, tier, kind or period; requests accepted in the range, in your scope',
          querystring: metQuery,
          response: { 200: metResponse },
        },
        config: read,
      },
      async (request) =>
        metReport(deps, callerOf(request, ctx.clock), { ...request.query, zone: zoneOf(request.query) }),
    );
    app.get(
      '/sla/reports/met/export',
      {
        schema: {
          tags,
          summary: 'The % met report as CSV or XLSX: one line per group and target',
          querystring: metExportQuery,
        },
        config: read,
      },
      async (request, reply) => {
        const { format, lang, ...q } = request.query;
        const caller = callerOf(request, ctx.clock);
        const report = await metReport(deps, caller, { ...q, zone: zoneOf(q) });
        const lines = report.rows.flatMap((group) => group.byTarget.map((cell) => ({ group, cell })));
        const language = fileLanguage(lang, request.headers['accept-language']);
        const columns = metColumns(language, report.groupBy);
        const file = await sheetFile(lines, columns, format, EXPORT_LABELS[language].met.sheet);
        return send(reply, {
          ...file,
          filename: `sla-met-${report.groupBy}-${report.from}-${report.to}.${format}`,
        });
      },
    );
    app.get(
      '/sla/reports/breaches',
      {
        schema: {
          tags,
          summary:
            'Breached SLA clocks, newest deadline first, with the cause: customer pauses not counted, where the ' +
            'request stood at the deadline, the breach step and the escalation taken, recomputed deadlines',
          querystring: breachQuery,
          response: { 200: breachResponse },
        },
        config: read,
      },
      async (request) =>
        breaches(deps, callerOf(request, ctx.clock), { ...request.query, zone: zoneOf(request.query) }),
    );
    app.get(
      '/sla/reports/breaches/export',
      {
        schema: {
          tags,
          summary: `The breaches as CSV or XLSX (at most ${BREACH_EXPORT_MAX} rows)`,
          querystring: breachExportQuery,
        },
        config: read,
      },
      async (request, reply) => {
        const { format, lang, ...q } = request.query;
        const caller = callerOf(request, ctx.clock);
        const items = await allBreaches(deps, caller, { ...q, zone: zoneOf(q) }, BREACH_EXPORT_MAX);
        const language = fileLanguage(lang, request.headers['accept-language']);
        const sheet = EXPORT_LABELS[language].breaches.sheet;
        const file = await sheetFile(items, breachColumns(language), format, sheet);
        return send(reply, { ...file, filename: `sla-breaches.${file.extension}` });
      },
    );
    app.get(
      '/sla/at-risk',
      {
        schema: {
          tags,
          summary:
            'Open SLA clocks about to breach (within horizonMinutes) or breached and still waiting, least time left first',
          querystring: atRiskQuery,
          response: { 200: atRiskResponse },
        },
        config: read,
      },
      async (request) =>
        atRisk(deps, callerOf(request, ctx.clock), { ...request.query, zone: zoneOf(request.query) }),
    );
    app.get(
      '/sla/open-states',
      {
        schema: {
          tags,
          summary:
            'Open requests in your scope by SLA state: on track, warned, breached, paused by the customer',
          querystring: openStatesQuery,
          response: { 200: openStatesResponse },
        },
        config: read,
      },
      async (request) =>
        openStates(deps, callerOf(request, ctx.clock), { ...request.query, zone: zoneOf(request.query) }),
    );
  };
}
