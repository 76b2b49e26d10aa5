import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Dropdown, Flex, Select, Space, Spin, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type {
  SlaBreach,
  SlaGroupBy,
  SlaMetCell,
  SlaMetReport,
  SlaMetRow,
  SlaReportTarget,
} from '../../api/models.ts';
import { queryKeys, useKeysetQuery } from '../../api/query.tsx';
import { EChart } from '../../charts/EChart.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { LoadMoreFooter, pagedTableProps } from '../../components/LoadMore.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { OrgUnitSelect, useOrgUnits } from '../../components/OrgUnitSelect.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { KINDS, RequestLink, useRefName, useRequestLabel } from '../requests/common.tsx';
import {
  barsHeight,
  exportHref,
  GROUP_BYS,
  metBarOption,
  REPORT_TARGETS,
  shiftDate,
  todayIn,
  useMetReport,
  useMinutes,
  useRateText,
  useSlaLabels,
  type MetFilters,
} from '../sla/report-parts.tsx';
import { ReasonText } from '../sla/ReasonText.tsx';
import { SupervisorTabs } from './tabs.tsx';

const COUNTS = ['met', 'missed', 'openBreached', 'openOnTrack', 'decided'] as const;

/** A row's cell for the chosen target, or all targets together. */
const cellOf = (row: Pick<SlaMetRow, 'byTarget' | 'all'>, target: SlaReportTarget | undefined): SlaMetCell =>
  target ? (row.byTarget.find((c) => c.target === target) ?? row.all) : row.all;

/**
 * 服务时限报表: the share of each time limit met with its base, grouped by the chosen dimension
 * (table and chart, exported as CSV or Excel), and the breaches with their cause below.
 */
export default function SlaReportsPage() {
  const { t } = useTranslation();
  const { timeZone, language } = usePrefs();
  const today = todayIn(timeZone);
  const [filters, setFilters] = useState<MetFilters>({
    groupBy: 'orgUnit',
    from: shiftDate(today, -29),
    to: today,
  });
  const set = (patch: Partial<MetFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const report = useMetReport(filters);
  const units = useOrgUnits();
  const label = useRequestLabel();
  const labels = useSlaLabels();
  // The file speaks the console's language (its headers and labels).
  const exportQuery = { ...filters, zone: timeZone, lang: language };

  return (
    <PageFrame
      testId="sla-reports"
      title={t('sla.reports.report.title')}
      subtitle={t('sla.reports.report.subtitle')}
      extra={
        <>
          <Dropdown
            menu={{
              items: (['csv', 'xlsx'] as const).map((format) => ({
                key: format,
                label: (
                  <a
                    href={exportHref('met', exportQuery, format)}
                    download
                    data-testid={`sla-export-${format}`}
                  >
                    {t(format === 'csv' ? 'sla.reports.report.exportCsv' : 'sla.reports.report.exportXlsx')}
                  </a>
                ),
              })),
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="sla-export">
              {t('sla.reports.report.export')}
            </Button>
          </Dropdown>
          <Button icon={<ReloadOutlined />} onClick={report.reload} data-testid="list-reload">
            {t('common.reload')}
          </Button>
        </>
      }
    >
      <SupervisorTabs />
      <Flex wrap gap={8} style={{ marginBottom: 16 }} align="center">
        <Select<SlaGroupBy>
          value={filters.groupBy}
          onChange={(groupBy) => set({ groupBy })}
          style={{ width: 140 }}
          aria-label={t('sla.reports.report.groupBy')}
          data-testid="sla-group-by"
          options={GROUP_BYS.map((g) => ({ value: g, label: t(`sla.reports.report.groups.${g}`) }))}
        />
        <DatePicker.RangePicker
          value={[dayjs(filters.from), dayjs(filters.to)]}
          allowClear={false}
          aria-label={t('sla.reports.report.range')}
          onChange={(v) => {
            if (v?.[0] && v[1]) set({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') });
          }}
          data-testid="sla-range"
        />
        <Select<string>
          allowClear
          value={filters.kind}
          onChange={(kind) => set({ kind })}
          placeholder={t('sla.reports.report.allKinds')}
          style={{ width: 140 }}
          data-testid="sla-kind"
          options={KINDS.map((k) => ({ value: k, label: label('kinds', k) }))}
        />
        <Select<SlaReportTarget>
          allowClear
          value={filters.target}
          onChange={(target) => set({ target })}
          placeholder={t('sla.reports.report.allTargets')}
          style={{ width: 140 }}
          data-testid="sla-target"
          options={REPORT_TARGETS.map((x) => ({ value: x, label: labels.target(x) }))}
        />
        <div style={{ width: 220 }}>
          <OrgUnitSelect
            units={units.data}
            value={filters.orgUnitId ?? null}
            onChange={(orgUnitId) => set({ orgUnitId })}
            allowClear
            placeholder={t('sla.reports.report.allUnits')}
          />
        </div>
      </Flex>
      <Typography.Paragraph type="secondary">{t('sla.reports.report.rule')}</Typography.Paragraph>
      {report.error && !report.data ? (
        <ErrorResult error={report.error} onRetry={report.reload} />
      ) : !report.data ? (
        <Spin style={{ display: 'block', padding: 48 }} />
      ) : (
        <MetView report={report.data} target={filters.target} />
      )}
      <Breaches filters={filters} />
    </PageFrame>
  );
}

function MetView({ report, target }: { report: SlaMetReport; target: SlaReportTarget | undefined }) {
  const { t } = useTranslation();
  const labels = useSlaLabels();
  const rate = useRateText();
  const name = (r: SlaMetRow) => labels.group(report.groupBy, r);
  const rows = report.rows;
  const periods = ['day', 'week', 'month'].includes(report.groupBy);
  const option = useMemo(
    () =>
      metBarOption(
        rows.map((r) => labels.group(report.groupBy, r)),
        rows.map((r) => cellOf(r, target)),
        periods,
      ),
    // labels follow the language, which re-renders the page
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, target, periods, report.groupBy],
  );
  const hasBase = rows.some((r) => cellOf(r, target).decided > 0);
  const countColumns = COUNTS.map((k) => ({
    title: t(`sla.reports.report.columns.${k}`),
    key: k,
    align: 'right' as const,
    render: (_: unknown, r: Pick<SlaMetRow, 'byTarget' | 'all'>) => cellOf(r, target)[k],
  }));
  return (
    <>
      <Card size="small" title={t('sla.reports.report.chartTitle')} style={{ marginBottom: 16 }}>
        {hasBase ? (
          <EChart
            option={option}
            height={periods ? 320 : barsHeight(rows.length)}
            label={t('sla.reports.report.chartTitle')}
            testId="sla-met-chart"
          />
        ) : (
          <NotBuilt>{t('sla.reports.report.noChart')}</NotBuilt>
        )}
      </Card>
      <Table<SlaMetRow>
        data-testid="sla-met-table"
        rowKey={(r) => r.key ?? ''}
        dataSource={rows}
        pagination={false}
        size="small"
        scroll={{ x: 900 }}
        locale={{ emptyText: t('sla.reports.report.empty') }}
        expandable={
          target
            ? undefined
            : {
                expandedRowRender: (r) => (
                  <Table
                    size="small"
                    pagination={false}
                    rowKey="target"
                    dataSource={r.byTarget}
                    columns={[
                      {
                        title: t('sla.reports.atRisk.columns.target'),
                        key: 'target',
                        render: (_, c) => labels.target(c.target),
                      },
                      ...COUNTS.map((k) => ({
                        title: t(`sla.reports.report.columns.${k}`),
                        key: k,
                        align: 'right' as const,
                        render: (_: unknown, c: SlaMetCell) => c[k],
                      })),
                      {
                        title: t('sla.reports.report.columns.rate'),
                        key: 'rate',
                        align: 'right' as const,
                        render: (_, c) => rate(c),
                      },
                    ]}
                  />
                ),
              }
        }
        columns={[
          {
            title: t('sla.reports.report.columns.group'),
            key: 'group',
            render: (_, r) => (r.key === null ? name(r) : <Data>{name(r)}</Data>),
          },
          ...countColumns,
          {
            title: t('sla.reports.report.columns.rate'),
            key: 'rate',
            align: 'right',
            render: (_, r) => <span data-testid="sla-met-rate">{rate(cellOf(r, target))}</span>,
          },
        ]}
        summary={() =>
          rows.length ? (
            <Table.Summary.Row>
              {target ? null : <Table.Summary.Cell index={0} />}
              <Table.Summary.Cell index={1}>
                <Typography.Text strong>{t('sla.reports.report.total')}</Typography.Text>
              </Table.Summary.Cell>
              {COUNTS.map((k, i) => (
                <Table.Summary.Cell key={k} index={i + 2} align="right">
                  {cellOf(report.total, target)[k]}
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={COUNTS.length + 2} align="right">
                <Typography.Text strong data-testid="sla-met-total">
                  {rate(cellOf(report.total, target))}
                </Typography.Text>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
      />
    </>
  );
}

/** 超时明细: the breaches of the same filters, newest deadline first, with their cause. */
function Breaches({ filters }: { filters: MetFilters }) {
  const { t } = useTranslation();
  const { timeZone, fmt, language } = usePrefs();
  const labels = useSlaLabels();
  const label = useRequestLabel();
  const minutes = useMinutes();
  const refName = useRefName();
  const query = Object.fromEntries(
    Object.entries({
      from: filters.from,
      to: filters.to,
      kind: filters.kind,
      target: filters.target,
      orgUnitId: filters.orgUnitId,
      zone: timeZone,
    }).filter(([, v]) => v !== undefined),
  ) as { from: string; to: string; zone: string };
  const list = useKeysetQuery<SlaBreach>(queryKeys.slaBreaches(query), (cursor, signal) =>
    ok(
      api.GET('/api/v1/sla/reports/breaches', {
        params: { query: { ...query, limit: 50, ...(cursor ? { cursor } : {}) } },
        signal,
      }),
    ),
  );
  /** Why it breached, one short line each; codes and the server's reasons are data. */
  const cause = (b: SlaBreach) => {
    const c = b.cause;
    const lines: Array<[key: string, node: ReactNode]> = [
      [
        'policy',
        <>
          {t('sla.reports.report.breaches.policy')}
          <Data>
            {b.policy.code} {b.policy.duration} {b.policy.calendar}
          </Data>
        </>,
      ],
    ];
    if (c.pausedMinutes > 0)
      lines.push(['paused', t('sla.reports.report.breaches.paused', { time: minutes(c.pausedMinutes) })]);
    if (c.statusAtDeadline)
      lines.push([
        'status',
        t('sla.reports.report.breaches.statusAtDeadline', { status: label('states', c.statusAtDeadline) }),
      ]);
    lines.push([
      'step',
      c.breachStep
        ? t('sla.reports.report.breaches.acted', { time: fmt.dateTime(c.breachStep.actedAt) })
        : t('sla.reports.report.breaches.notActed'),
    ]);
    if (c.escalation?.priority)
      lines.push([
        'priority',
        t('sla.reports.report.breaches.priority', {
          from: label('priorities', c.escalation.priority.from),
          to: label('priorities', c.escalation.priority.to),
        }),
      ]);
    if (c.escalation?.supportLine)
      lines.push(['line', t('sla.reports.report.breaches.supportLine', c.escalation.supportLine)]);
    c.recomputed.forEach((r, i) =>
      lines.push([
        `recomputed-${i}`,
        <>
          {t('sla.reports.report.breaches.recomputed')}
          <ReasonText reason={r.reasonCoded} fallback={r.reason} />
        </>,
      ]),
    );
    return (
      <Flex vertical data-testid="sla-breach-cause">
        {lines.map(([key, node]) => (
          <Typography.Text key={key} style={{ fontSize: 12 }}>
            {node}
          </Typography.Text>
        ))}
      </Flex>
    );
  };
  return (
    <Card
      title={t('sla.reports.report.breaches.title')}
      style={{ marginTop: 24 }}
      extra={
        <Space>
          {(['csv', 'xlsx'] as const).map((format) => (
            <a
              key={format}
              href={exportHref('breaches', { ...query, lang: language }, format)}
              download
              data-testid={`sla-breaches-export-${format}`}
            >
              {t(format === 'csv' ? 'sla.reports.report.exportCsv' : 'sla.reports.report.exportXlsx')}
            </a>
          ))}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('sla.reports.report.breaches.subtitle')}
      </Typography.Paragraph>
      {list.error && !list.loaded ? (
        <ErrorResult error={list.error} onRetry={list.reload} compact />
      ) : (
        <>
          <Table<SlaBreach>
            data-testid="sla-breaches-table"
            rowKey={(b) => `${b.requestId}:${b.target}`}
            pagination={false}
            size="small"
            scroll={{ x: 1000 }}
            {...pagedTableProps(list, t('sla.reports.report.breaches.empty'))}
            columns={[
              {
                title: t('sla.reports.report.breaches.columns.number'),
                key: 'number',
                render: (_, b) => <RequestLink id={b.requestId} number={b.number} />,
              },
              {
                title: t('sla.reports.report.breaches.columns.target'),
                key: 'target',
                render: (_, b) => labels.target(b.target),
              },
              {
                title: t('sla.reports.report.breaches.columns.deadline'),
                key: 'deadline',
                render: (_, b) => fmt.dateTime(b.deadline),
              },
              {
                title: t('sla.reports.report.breaches.columns.late'),
                key: 'late',
                render: (_, b) =>
                  b.lateMinutes === null
                    ? null
                    : t(
                        b.open
                          ? 'sla.reports.report.breaches.stillOpen'
                          : 'sla.reports.report.breaches.lateBy',
                        {
                          time: minutes(b.lateMinutes),
                        },
                      ),
              },
              {
                title: t('sla.reports.report.breaches.columns.assignee'),
                key: 'assignee',
                render: (_, b) =>
                  b.assignee ? (
                    <Data>{b.assignee.name ?? b.assignee.id}</Data>
                  ) : (
                    <Typography.Text type="secondary">{t('sla.reports.atRisk.nobody')}</Typography.Text>
                  ),
              },
              {
                title: t('sla.reports.report.breaches.columns.unit'),
                key: 'unit',
                render: (_, b) =>
                  b.handlingUnit ? (
                    <Data>
                      {refName({ name: b.handlingUnit.name ?? '', nameEn: b.handlingUnit.nameEn ?? null })}
                    </Data>
                  ) : null,
              },
              {
                title: t('sla.reports.report.breaches.columns.cause'),
                key: 'cause',
                render: (_, b) => cause(b),
              },
            ]}
          />
          <LoadMoreFooter list={list} testId="sla-breaches-more" />
        </>
      )}
    </Card>
  );
}
