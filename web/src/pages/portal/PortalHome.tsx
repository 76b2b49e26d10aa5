import { CustomerServiceOutlined, FileAddOutlined, FileTextOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useUser } from '../../auth/session.tsx';

/** 客户自助门户 landing: greet, submit a request, jump to requests or contact options. */
export default function PortalHome() {
  const { t } = useTranslation();
  const user = useUser();
  const [soon, setSoon] = useState(false);
  useEffect(() => {
    document.title = `${t('portal.title')} · ${t('app.name')}`;
  }, [t]);
  return (
    <Flex vertical gap={12} data-testid="portal-home">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('portal.welcome', { name: user.displayName })}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('portal.subtitle')}</Typography.Paragraph>
        <Button type="primary" size="large" block icon={<FileAddOutlined />} onClick={() => setSoon(true)}>
          {t('portal.newRequest')}
        </Button>
        {soon ? (
          <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('portal.newRequestSoon')} />
        ) : null}
      </Card>
      <Flex gap={12}>
        <Link to="/portal/requests" style={{ flex: 1 }}>
          <Card hoverable>
            <Flex vertical align="center" gap={8}>
              <FileTextOutlined style={{ fontSize: 28 }} />
              {t('portal.nav.requests')}
            </Flex>
          </Card>
        </Link>
        <Link to="/portal/contact" style={{ flex: 1 }}>
          <Card hoverable>
            <Flex vertical align="center" gap={8}>
              <CustomerServiceOutlined style={{ fontSize: 28 }} />
              {t('portal.nav.contact')}
            </Flex>
          </Card>
        </Link>
      </Flex>
    </Flex>
  );
}
