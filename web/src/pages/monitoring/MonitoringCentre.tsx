import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageFrame } from '../../components/PageFrame.tsx';
import { Placeholder } from '../../components/Placeholder.tsx';

/** 监控中心: alarms and SLA of enterprise lines (data arrives with the monitoring issue). */
export default function MonitoringCentre() {
  const { t } = useTranslation();
  const stats = ['activeAlarms', 'affectedCustomers', 'openFaults'] as const;
  return (
    <PageFrame
      testId="workspace-monitoring"
      title={t('monitoring.title')}
      subtitle={t('monitoring.subtitle')}
    >
      <Row gutter={[16, 16]}>
        {stats.map((s) => (
          <Col xs={24} sm={8} key={s}>
            <Card>
              <Statistic title={t(`monitoring.stats.${s}`)} value={0} />
            </Card>
          </Col>
        ))}
        <Col xs={24} xl={14}>
          <Placeholder title={t('monitoring.alarms.title')} empty={t('monitoring.alarms.empty')} />
        </Col>
        <Col xs={24} xl={10}>
          <Placeholder title={t('monitoring.sla.title')} empty={t('monitoring.sla.empty')} />
        </Col>
        <Col xs={24}>
          <Placeholder title={t('monitoring.circuits.title')} empty={t('monitoring.circuits.empty')} soon />
        </Col>
      </Row>
    </PageFrame>
  );
}
