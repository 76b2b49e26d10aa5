import { useTranslation } from 'react-i18next';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';

/**
 * 监控中心: alarms and SLA of enterprise lines. No alarm source is connected yet, so it shows no
 * counters (a 0 would read as "all clear").
 */
export default function MonitoringCentre() {
  const { t } = useTranslation();
  return (
    <PageFrame
      testId="workspace-monitoring"
      title={t('monitoring.title')}
      subtitle={t('monitoring.subtitle')}
    >
      <NotBuilt>{t('monitoring.notBuilt')}</NotBuilt>
    </PageFrame>
  );
}
