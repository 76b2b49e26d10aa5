import { Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageFrame } from '../../components/PageFrame.tsx';
import { Placeholder } from '../../components/Placeholder.tsx';

/** 质检: samples to score, the scorecard, appeals. */
export default function QualityInspection() {
  const { t } = useTranslation();
  return (
    <PageFrame testId="workspace-quality" title={t('quality.title')} subtitle={t('quality.subtitle')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Placeholder title={t('quality.samples.title')} empty={t('quality.samples.empty')} />
        </Col>
        <Col xs={24} lg={10}>
          <Placeholder title={t('quality.scorecard.title')} empty={t('quality.scorecard.empty')} soon />
        </Col>
        <Col xs={24}>
          <Placeholder title={t('quality.appeals.title')} empty={t('quality.appeals.empty')} />
        </Col>
      </Row>
    </PageFrame>
  );
}
