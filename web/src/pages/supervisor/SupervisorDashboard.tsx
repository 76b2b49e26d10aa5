import { Card, Col, Empty, Row, Spin, Statistic, Typography } from 'antd';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { countBy, listAllUsers } from '../../api/queries.ts';
import { EChart, type ChartOption } from '../../charts/EChart.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { roleLabel } from '../../i18n/dynamic.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { isCentreStaff, staffRoles } from './staff.ts';
import { SupervisorTabs } from './tabs.tsx';
import { CountTile, sumCounts, useOverview, useQueues } from '../requests/board.tsx';
import { STATES, useRequestLabel } from '../requests/common.tsx';

const OPEN = STATES.filter((s) => s !== 'closed' && s !== 'cancelled');

/** A horizontal bar chart of counts with each value written on its bar (no tooltip needed). */
function barOption(names: string[], values: number[]): ChartOption {
  return {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { interval: 0 } },
    series: [{ type: 'bar', data: values, barMaxWidth: 24, label: { show: true, position: 'right' } }],
  };
}

/** Room for every bar and its name (a chart never cuts names off or pages through them). */
const chartHeight = (bars: number) => Math.max(160, 40 + bars * 32);

/** 班长/主管: the centre's staff in scope by role and by unit (from the users API). */
export default function SupervisorDashboard() {
  const { t, i18n } = useTranslation();
  const users = useApiQuery(queryKeys.users({ status: 'active', all: true }), (signal) =>
    listAllUsers({ status: 'active' }, signal),
  );
  const items = useMemo(() => users.data?.items.filter(isCentreStaff), [users.data]);

  const byRole = useMemo(() => countBy(items ?? [], staffRoles), [items]);
  const byUnit = useMemo(() => countBy(items ?? [], (u) => [u.orgUnitName ?? u.orgUnitId]), [items]);

  const roleOption = useMemo(
    () =>
      barOption(
        byRole.map(([role]) => roleLabel(t, i18n.language, role)),
        byRole.map(([, n]) => n),
      ),
    [byRole, t, i18n.language],
  );
  const unitOption = useMemo(
    () =>
      barOption(
        byUnit.map(([name]) => name),
        byUnit.map(([, n]) => n),
      ),
    [byUnit],
  );

  // The requests in scope (the API's capped counters): open by state, urged, escalated, 一次解决 today.
  const overview = useOverview();
  const queues = useQueues();
  const label = useRequestLabel();
  const o = overview.data;
  const openCount = o
    ? sumCounts(
        OPEN.map((s) => o.byStatus[s as keyof typeof o.byStatus]),
        o.cap,
      )
    : undefined;
  const stateRows = useMemo(
    () =>
      o
        ? OPEN.map((s) => [s, o.byStatus[s as keyof typeof o.byStatus]] as const).filter(
            ([, c]) => c.count > 0,
          )
        : [],
    [o],
  );
  const stateOption = useMemo(
    () =>
      barOption(
        stateRows.map(([s]) => label('states', s)),
        stateRows.map(([, c]) => c.count),
      ),
    // label depends on the language only
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stateRows, i18n.language],
  );

  const chartBody = (chart: ReactNode) => {
    if (users.error) return <ErrorResult error={users.error} onRetry={users.reload} compact />;
    if (!items) return <Spin style={{ display: 'block', padding: 48 }} />;
    if (items.length === 0) return <Empty description={t('supervisor.staffByRole.empty')} />;
    return chart;
  };

  return (
    <PageFrame
      testId="workspace-supervisor"
      title={t('supervisor.title')}
      subtitle={t('supervisor.subtitle')}
    >
      <SupervisorTabs />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t('supervisor.kpi.staff')}
              value={items?.length ?? ''}
              loading={!items && !users.error}
              data-testid="staff-count"
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('supervisor.kpi.staffHint')}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={4}>
          <CountTile title={t('supervisor.kpi.open')} count={openCount} testId="supervisor-open" />
        </Col>
        <Col xs={12} md={4}>
          <CountTile
            title={t('supervisor.kpi.urged')}
            count={queues.data?.queues.urged}
            testId="supervisor-urged"
            danger
          />
        </Col>
        <Col xs={12} md={4}>
          <CountTile
            title={t('supervisor.kpi.escalated')}
            count={queues.data?.queues.escalated}
            testId="supervisor-escalated"
            danger
          />
        </Col>
        <Col xs={12} md={4}>
          <CountTile
            title={t('supervisor.kpi.fcrToday')}
            count={o?.firstContactResolvedToday}
            testId="supervisor-fcr-today"
          />
        </Col>
        <Col xs={24}>
          <NotBuilt>{t('supervisor.notBuilt')}</NotBuilt>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('supervisor.openByStatus.title')}>
            {overview.error && !o ? (
              <ErrorResult error={overview.error} onRetry={overview.reload} compact />
            ) : !o ? (
              <Spin style={{ display: 'block', padding: 48 }} />
            ) : stateRows.length === 0 ? (
              <Empty description={t('requests.board.columnEmpty')} />
            ) : (
              <EChart
                option={stateOption}
                height={chartHeight(stateRows.length)}
                label={t('supervisor.openByStatus.title')}
                testId="chart-open-by-status"
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('supervisor.staffByRole.title')}>
            {chartBody(
              <EChart
                option={roleOption}
                height={chartHeight(byRole.length)}
                label={t('supervisor.staffByRole.title')}
                testId="chart-by-role"
              />,
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('supervisor.staffByUnit.title')}>
            {chartBody(
              <EChart
                option={unitOption}
                height={chartHeight(byUnit.length)}
                label={t('supervisor.staffByUnit.title')}
                testId="chart-by-unit"
              />,
            )}
          </Card>
        </Col>
      </Row>
    </PageFrame>
  );
}
