import { Card, Col, Empty, Row, Spin, Statistic } from 'antd';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { listAllUsers, countBy } from '../../api/queries.ts';
import { EChart, type ChartOption } from '../../charts/EChart.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { useLoad } from '../../lib/useLoad.ts';
import { roleLabel } from '../../i18n/dynamic.ts';

/** 班长/主管: staff in scope by role and by unit (from the users API). */
export default function SupervisorDashboard() {
  const { t, i18n } = useTranslation();
  const users = useLoad((signal) => listAllUsers({ status: 'active' }, signal), 'active-users');
  const items = users.data?.items;

  const byRole = useMemo(() => countBy(items ?? [], (u) => u.roles), [items]);
  const byUnit = useMemo(
    () => countBy(items ?? [], (u) => [u.orgUnitName ?? u.orgUnitId]).slice(0, 10),
    [items],
  );

  const roleOption = useMemo<ChartOption>(() => {
    const names = byRole.map(([role]) => roleLabel(t, i18n.language, role));
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: names, inverse: true },
      series: [
        { type: 'bar', name: t('supervisor.people'), data: byRole.map(([, n]) => n), barMaxWidth: 28 },
      ],
    };
  }, [byRole, t, i18n.language]);

  const unitOption = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          type: 'pie',
          name: t('supervisor.people'),
          radius: ['35%', '65%'],
          top: -24,
          data: byUnit.map(([name, value]) => ({ name, value })),
        },
      ],
    }),
    [byUnit, t],
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
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title={t('supervisor.kpi.staff')}
              value={items?.length ?? '—'}
              loading={users.loading && !items}
            />
          </Card>
        </Col>
        <Col xs={12} md={18}>
          <NotBuilt>{t('supervisor.notBuilt')}</NotBuilt>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('supervisor.staffByRole.title')}>
            {chartBody(
              <EChart option={roleOption} label={t('supervisor.staffByRole.title')} testId="chart-by-role" />,
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('supervisor.staffByUnit.title')}>
            {chartBody(
              <EChart option={unitOption} label={t('supervisor.staffByUnit.title')} testId="chart-by-unit" />,
            )}
          </Card>
        </Col>
      </Row>
    </PageFrame>
  );
}
