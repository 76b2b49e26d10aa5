import { CustomerServiceOutlined } from '@ant-design/icons';
import { Card, Flex, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useUser } from '../../auth/session.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';

/** 客户自助门户 landing: greet, say plainly what is not online yet, and how to reach us. */
export default function PortalHome() {
  const { t } = useTranslation();
  const user = useUser();
  useEffect(() => {
    document.title = `${t('portal.title')} · ${t('app.name')}`;
  }, [t]);
  return (
    <Flex vertical gap={12} data-testid="portal-home">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('portal.welcome', { name: user.displayName })}
        </Typography.Title>
        <NotBuilt>{t('portal.notBuilt')}</NotBuilt>
      </Card>
      <Link to="/portal/contact">
        <Card hoverable>
          <Flex vertical align="center" gap={8}>
            <CustomerServiceOutlined style={{ fontSize: 28 }} />
            {t('portal.nav.contact')}
          </Flex>
        </Card>
      </Link>
    </Flex>
  );
}
