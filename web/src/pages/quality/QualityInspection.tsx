import { useTranslation } from 'react-i18next';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';

/** 质检: samples to score, the scorecard, appeals (once there are calls and requests to sample). */
export default function QualityInspection() {
  const { t } = useTranslation();
  return (
    <PageFrame testId="workspace-quality" title={t('quality.title')} subtitle={t('quality.subtitle')}>
      <NotBuilt>{t('quality.notBuilt')}</NotBuilt>
    </PageFrame>
  );
}
