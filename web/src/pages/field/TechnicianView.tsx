import { EnvironmentOutlined, PhoneOutlined } from '@ant-design/icons';
import { Button, Card, Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageFrame } from '../../components/PageFrame.tsx';
import { Placeholder } from '../../components/Placeholder.tsx';

/** 装维: a phone-first view of today's visits (one column, large touch targets). */
export default function TechnicianView() {
  const { t } = useTranslation();
  return (
    <PageFrame testId="workspace-field" title={t('field.title')} subtitle={t('field.subtitle')}>
      <Flex vertical gap={12} style={{ maxWidth: 640 }}>
        <Placeholder title={t('field.today.title')} empty={t('field.today.empty')} />
        <Card title={t('field.actionsTitle')} size="small">
          <Flex vertical gap={8}>
            <Button block size="large" icon={<EnvironmentOutlined />} disabled>
              {t('field.checkIn')}
            </Button>
            <Button block size="large" icon={<PhoneOutlined />} disabled>
              {t('field.contactDispatcher')}
            </Button>
          </Flex>
        </Card>
      </Flex>
    </PageFrame>
  );
}
