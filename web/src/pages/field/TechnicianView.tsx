import { useTranslation } from 'react-i18next';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';

/** 装维: a phone-first view of today's visits, once work orders exist. */
export default function TechnicianView() {
  const { t } = useTranslation();
  return (
    <PageFrame testId="workspace-field" title={t('field.title')} subtitle={t('field.subtitle')}>
      <NotBuilt>{t('field.notBuilt')}</NotBuilt>
    </PageFrame>
  );
}
