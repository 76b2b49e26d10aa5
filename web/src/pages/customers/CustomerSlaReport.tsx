// 服务水平报告 on an enterprise customer's 360 page, for its account manager (客户经理) and
// supervisors: met and missed per target for the requests received in a period (branches too), the
// rows that applied — a signed contract's among them — the missed ones with how late, and the
// download the account manager takes to the customer.
import { DownloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  DatePicker,
  Dropdown,
  Empty,
  Flex,
  List,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { CustomerSlaReport } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { hasPermission } from '../../nav/workspaces.ts';

/** The report's dates are China dates (the API counts requests by their receipt in China time). */
const REPORT_ZONE = 'Asia/Shanghai';
const DAY = 'YYYY-MM-DD';

type TargetRow = CustomerSlaReport['targets'][number];
type BranchRow = CustomerSlaReport['branches'][number];
type MissedRow = CustomerSlaReport['missed'][number];
type Limit = MissedRow['limit'];

/** This month so far, in China time. */
function thisMonth(): [string, string] {
  const today = dayjs().tz(REPORT_ZONE);
  return [today.startOf('month').format(DAY), today.format(DAY)];
}

const limitText = (t: TFunction, l: Limit) =>
  l ? t(`customers.slaReport.limits.${l.unit}`, { count: l.amount }) : '';
const percentText = (t: TFunction, p: number | null) =>
  p === null ? t('customers.slaReport.noneDecided') : t('customers.slaReport.percent', { value: p });

/** Whether the 360 page shows the report: an enterprise, and a user who may read it. */
export function useShowsSlaReport(kind: string): boolean {
  const user = useUser();
  return kind === 'enterprise' && hasPermission(user, 'sla.customer_report.read');
}

export function CustomerSlaReportCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const { language } = usePrefs();
  const [[from, to], setPeriod] = useState<[string, string]>(thisMonth);
  const report = useApiQuery(queryKeys.customerSlaReport(customerId, from, to), (signal) =>
    ok(
      api.GET('/api/v1/sla/customer-reports/{customerId}', {
        params: { path: { customerId }, query: { from, to } },
        signal,
      }),
    ),
  );
  const href = (format: 'csv' | 'xlsx') =>
    `/api/v1/sla/customer-reports/${customerId}/export?${new URLSearchParams({ from, to, format, lang: language }).toString()}`;
  const r = report.data;
  return (
    <Card
      title={t('customers.slaReport.title')}
      data-testid="customer-sla-report"
      extra={
        <Space wrap>
          <Typography.Text type="secondary">{t('customers.slaReport.period')}</Typography.Text>
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(from, DAY), dayjs(to, DAY)]}
            onChange={(v) => {
              const [a, b] = (v ?? []) as [Dayjs | null, Dayjs | null];
              if (a && b) setPeriod([a.format(DAY), b.format(DAY)]);
            }}
            data-testid="sla-report-period"
          />
          {/* The server audits every download; the cookie session authenticates it. */}
          <Dropdown
            menu={{
              items: (['xlsx', 'csv'] as const).map((format) => ({
                key: format,
                label: (
                  <a href={href(format)} download data-testid={`sla-report-download-${format}`}>
                    {t(
                      format === 'csv'
                        ? 'customers.slaReport.downloadCsv'
                        : 'customers.slaReport.downloadXlsx',
                    )}
                  </a>
                ),
              })),
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="sla-report-download">
              {t('customers.slaReport.download')}
            </Button>
          </Dropdown>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('customers.slaReport.subtitle')}</Typography.Paragraph>
      {report.error && !r ? (
        <ErrorResult error={report.error} onRetry={report.reload} compact />
      ) : !r ? (
        <Skeleton active />
      ) : r.requests === 0 ? (
        <Empty description={t('customers.slaReport.noRequests')} data-testid="sla-report-empty" />
      ) : (
        <ReportBody report={r} />
      )}
    </Card>
  );
}

function ReportBody({ report: r }: { report: CustomerSlaReport }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const user = useUser();
  const canOpen = hasPermission(user, 'request.read');
  const target = (code: string) => tDynamic(t, `customers.slaReport.targets.${code}`, code);
  const tallyColumns = [
    { key: 'total', title: t('customers.slaReport.columns.total'), dataIndex: 'total' },
    { key: 'met', title: t('customers.slaReport.columns.met'), dataIndex: 'met' },
    {
      key: 'missed',
      title: t('customers.slaReport.columns.missed'),
      render: (_: unknown, row: { missed: number }) =>
        row.missed ? <Typography.Text type="danger">{row.missed}</Typography.Text> : row.missed,
    },
    { key: 'open', title: t('customers.slaReport.columns.open'), dataIndex: 'open' },
    { key: 'ended', title: t('customers.slaReport.columns.ended'), dataIndex: 'ended' },
    {
      key: 'metPercent',
      title: t('customers.slaReport.columns.metPercent'),
      render: (_: unknown, row: { metPercent: number | null }) => (
        <span data-testid="sla-report-percent">{percentText(t, row.metPercent)}</span>
      ),
    },
  ];
  return (
    <Flex vertical gap={16}>
      <Flex gap={48} wrap>
        <Statistic
          title={t('customers.slaReport.requests')}
          value={r.requests}
          data-testid="sla-report-requests"
        />
        <Statistic
          title={t('customers.slaReport.overall')}
          value={percentText(t, r.overall.metPercent)}
          data-testid="sla-report-overall"
        />
      </Flex>
      <Table<TargetRow>
        rowKey="target"
        size="small"
        pagination={false}
        dataSource={r.targets}
        scroll={{ x: 'max-content' }}
        data-testid="sla-report-targets"
        columns={[
          {
            key: 'target',
            title: t('customers.slaReport.columns.target'),
            render: (_, row) => <span data-testid="sla-report-target">{target(row.target)}</span>,
          },
          ...tallyColumns,
          {
            key: 'rows',
            title: t('customers.slaReport.columns.rows'),
            render: (_, row) => (
              <Space orientation="vertical" size={0}>
                {row.rows.map((p) => (
                  <Typography.Text key={`${p.code}:${p.duration}`}>
                    {limitText(t, p.limit) || p.duration}{' '}
                    <Typography.Text type="secondary">
                      <Data>{p.name ?? p.code}</Data>
                      {p.level
                        ? ` · ${tDynamic(t, `customers.slaReport.levels.${p.level}`, p.level)}`
                        : ''} × {p.clocks}
                    </Typography.Text>
                  </Typography.Text>
                ))}
              </Space>
            ),
          },
        ]}
      />
      {r.branches.length ? (
        <div>
          <Typography.Title level={5}>{t('customers.slaReport.byBranch')}</Typography.Title>
          <Table<BranchRow>
            rowKey={(b) => b.branchId ?? 'head-office'}
            size="small"
            pagination={false}
            dataSource={r.branches}
            scroll={{ x: 'max-content' }}
            data-testid="sla-report-branches"
            columns={[
              {
                key: 'branch',
                title: t('customers.slaReport.columns.branch'),
                render: (_, b) =>
                  b.name ? (
                    <Data>{b.orgUnitName ? `${b.name} · ${b.orgUnitName}` : b.name}</Data>
                  ) : (
                    t('customers.slaReport.headOffice')
                  ),
              },
              { key: 'requests', title: t('customers.slaReport.columns.requests'), dataIndex: 'requests' },
              ...tallyColumns,
            ]}
          />
        </div>
      ) : null}
      <div data-testid="sla-report-contracts">
        <Typography.Title level={5}>{t('customers.slaReport.contract')}</Typography.Title>
        {r.contracts.length ? (
          <List
            size="small"
            dataSource={r.contracts}
            rowKey="contractId"
            renderItem={(c) => (
              <List.Item data-testid="sla-report-contract">
                <Flex vertical gap={4}>
                  <Typography.Text strong>
                    {t('customers.slaReport.contractLabel')} <Data>{c.contractId}</Data> ·{' '}
                    {t('customers.slaReport.contractRequests', { count: c.requests })}
                  </Typography.Text>
                  {c.rows.map((row) => (
                    <Flex key={row.code} gap={8} wrap align="center">
                      <Data>{row.name}</Data>
                      {!row.active ? <Tag>{t('customers.slaReport.inactive')}</Tag> : null}
                      {row.targets.map((x) => (
                        <Tag key={x.target}>
                          {t('customers.slaReport.contractTarget', {
                            target: target(x.target),
                            limit: limitText(t, x.limit) || x.duration,
                          })}
                        </Tag>
                      ))}
                    </Flex>
                  ))}
                </Flex>
              </List.Item>
            )}
          />
        ) : (
          <Typography.Text type="secondary">{t('customers.slaReport.noContract')}</Typography.Text>
        )}
      </div>
      <div>
        <Typography.Title level={5}>{t('customers.slaReport.missed')}</Typography.Title>
        {r.missedTotal > r.missed.length ? (
          <Typography.Paragraph type="secondary">
            {t('customers.slaReport.missedMore', { shown: r.missed.length, total: r.missedTotal })}
          </Typography.Paragraph>
        ) : null}
        <Table<MissedRow>
          rowKey={(m) => `${m.requestId}:${m.target}`}
          size="small"
          pagination={r.missed.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          dataSource={r.missed}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('customers.slaReport.noMissed') }}
          data-testid="sla-report-missed"
          columns={[
            {
              key: 'number',
              title: t('customers.slaReport.columns.number'),
              render: (_, m) =>
                canOpen ? (
                  <Link to={`/requests/${m.requestId}`}>
                    <Data>{m.number}</Data>
                  </Link>
                ) : (
                  <Data>{m.number}</Data>
                ),
            },
            {
              key: 'branch',
              title: t('customers.slaReport.columns.branch'),
              render: (_, m) => (m.branch ? <Data>{m.branch}</Data> : t('customers.slaReport.headOffice')),
            },
            {
              key: 'target',
              title: t('customers.slaReport.columns.target'),
              render: (_, m) => target(m.target),
            },
            {
              key: 'limit',
              title: t('customers.slaReport.columns.limit'),
              render: (_, m) => limitText(t, m.limit),
            },
            {
              key: 'deadline',
              title: t('customers.slaReport.columns.deadline'),
              render: (_, m) => fmt.dateTime(m.deadline),
            },
            {
              key: 'doneAt',
              title: t('customers.slaReport.columns.doneAt'),
              render: (_, m) => (m.doneAt ? fmt.dateTime(m.doneAt) : t('customers.slaReport.notDone')),
            },
            {
              key: 'late',
              title: t('customers.slaReport.columns.late'),
              render: (_, m) => (
                <Typography.Text type="danger" data-testid="sla-report-late">
                  {m.lateMinutes === null
                    ? t('customers.slaReport.closedWithout')
                    : m.doneAt
                      ? fmt.duration(m.lateMinutes * 60)
                      : t('customers.slaReport.soFar', { duration: fmt.duration(m.lateMinutes * 60) })}
                </Typography.Text>
              ),
            },
          ]}
        />
      </div>
    </Flex>
  );
}
