import { Card, Empty } from 'antd';
import { useTranslation } from 'react-i18next';

export default function PortalRequests() {
  const { t } = useTranslation();
  return (
    <Card title={t('portal.requests.title')} data-testid="portal-requests">
      <Empty description={t('portal.requests.empty')} />
    </Card>
  );
}
