import { ReloadOutlined } from '@ant-design/icons';
import { Button, Flex, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SlaAtRiskItem } from '../../api/models.ts';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { PriorityTag, RequestLink, RequestStatusTag, useRefName } from '../requests/common.tsx';
import { useAtRisk, useMinutes, useSlaLabels } from '../sla/report-parts.tsx';
import { SupervisorTabs } from './tabs.tsx';

/** The horizons offered, in minutes. */
const HORIZONS = [30, 60, 120, 240] as const;

/**
 * 即将超时: open time limits in the supervisor's scope that run out within the chosen horizon, or
 * have run out and still wait for their milestone, the least time left first; read again every
 * 30 s. Each row links to its request.
 */
export default function AtRiskPage() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const labels = useSlaLabels();
  const minutes = useMinutes();
  const refName = useRefName();
  const [horizon, setHorizon] = useState<number>(60);
  const risk = useAtRisk({ horizonMinutes: horizon });
  const data = risk.data;

  const left = (r: SlaAtRiskItem) =>
    r.breached ? (
      <Tag color="red" data-testid="at-risk-overdue">
        {t('sla.reports.atRisk.overdue', { time: minutes(r.minutesLeft) })}
      </Tag>
    ) : (
      <Tag color={r.minutesLeft < 30 ? 'orange' : 'gold'} data-testid="at-risk-left">
        {t('sla.reports.atRisk.left', { time: minutes(r.minutesLeft) })}
      </Tag>
    );

  return (
    <PageFrame
      testId="sla-at-risk"
      title={t('sla.reports.atRisk.title')}
      subtitle={t('sla.reports.atRisk.subtitle')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={risk.reload} data-testid="list-reload">
          {t('common.reload')}
        </Button>
      }
    >
      <SupervisorTabs />
      <Flex wrap gap={12} align="center" style={{ marginBottom: 16 }}>
        <Typography.Text>{t('sla.reports.atRisk.horizon')}</Typography.Text>
        <Segmented
          value={horizon}
          onChange={(v) => setHorizon(Number(v))}
          data-testid="at-risk-horizon"
          aria-label={t('sla.reports.atRisk.horizon')}
          options={HORIZONS.map((m) => ({
            value: m,
            label:
              m < 60
                ? t('sla.reports.atRisk.horizonMinutes', { count: m })
                : t('sla.reports.atRisk.horizonHours', { count: m / 60 }),
          }))}
        />
        {data ? (
          <Typography.Text type="secondary" data-testid="at-risk-as-of">
            {t('sla.reports.atRisk.asOf', { time: fmt.dateTime(data.asOf) })}
          </Typography.Text>
        ) : null}
      </Flex>
      {risk.error && !data ? (
        <ErrorResult error={risk.error} onRetry={risk.reload} />
      ) : (
        <>
          <Table<SlaAtRiskItem>
            data-testid="at-risk-table"
            rowKey={(r) => `${r.requestId}:${r.target}`}
            loading={risk.loading && !data}
            dataSource={data?.items ?? []}
            pagination={false}
            scroll={{ x: 1000 }}
            locale={{
              emptyText: data ? t('sla.reports.atRisk.empty') : <div style={{ height: 96 }} />,
            }}
            columns={[
              {
                title: t('sla.reports.atRisk.columns.left'),
                key: 'left',
                width: 150,
                render: (_, r) => left(r),
              },
              {
                title: t('sla.reports.atRisk.columns.number'),
                key: 'number',
                render: (_, r) => <RequestLink id={r.requestId} number={r.number} />,
              },
              {
                title: t('sla.reports.atRisk.columns.target'),
                key: 'target',
                render: (_, r) => labels.target(r.target),
              },
              {
                title: t('sla.reports.atRisk.columns.deadline'),
                key: 'deadline',
                render: (_, r) => fmt.dateTime(r.deadline),
              },
              {
                title: t('sla.reports.atRisk.columns.status'),
                key: 'status',
                render: (_, r) => <RequestStatusTag status={r.requestStatus} />,
              },
              {
                title: t('sla.reports.atRisk.columns.priority'),
                key: 'priority',
                render: (_, r) => <PriorityTag priority={r.priority} />,
              },
              {
                title: t('sla.reports.atRisk.columns.assignee'),
                key: 'assignee',
                render: (_, r) =>
                  r.assignee ? (
                    <Data>{r.assignee.name ?? r.assignee.id}</Data>
                  ) : (
                    <Typography.Text type="secondary">{t('sla.reports.atRisk.nobody')}</Typography.Text>
                  ),
              },
              {
                title: t('sla.reports.atRisk.columns.group'),
                key: 'group',
                render: (_, r) =>
                  r.group ? (
                    <Data>{refName({ name: r.group.name ?? '', nameEn: r.group.nameEn ?? null })}</Data>
                  ) : null,
              },
              {
                title: t('sla.reports.atRisk.columns.unit'),
                key: 'unit',
                render: (_, r) =>
                  r.handlingUnit ? (
                    <Data>
                      {refName({ name: r.handlingUnit.name ?? '', nameEn: r.handlingUnit.nameEn ?? null })}
                    </Data>
                  ) : null,
              },
            ]}
          />
          {data && data.items.length > 0 ? (
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }} data-testid="at-risk-count">
              {t('sla.reports.atRisk.shown', { total: data.total, count: data.items.length })}
            </Typography.Paragraph>
          ) : null}
        </>
      )}
    </PageFrame>
  );
}
