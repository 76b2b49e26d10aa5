import { CustomerServiceOutlined, ToolOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, List, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { errorKind } from '../../api/errors.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { serviceName, ServiceStatusTag, usePortalServices } from './common.tsx';

/** 我的服务: greet, the customer's services with their status, and where to report a fault. */
export default function PortalHome() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const services = usePortalServices();
  useEffect(() => {
    document.title = `${t('portal.title')} · ${t('app.name')}`;
  }, [t]);
  // A login linked to no customer (or staff looking at the portal): the API answers 404.
  const unlinked = services.error !== undefined && errorKind(services.error) === 'notFound';
  return (
    <Flex vertical gap={12} data-testid="portal-home">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('portal.welcome', { name: user.displayName })}
        </Typography.Title>
        {unlinked ? (
          <Alert type="info" showIcon title={t('portal.noCustomer')} data-testid="portal-unlinked" />
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('portal.intro')}</Typography.Paragraph>
            <Flex gap={8} wrap>
              <Button
                type="primary"
                icon={<ToolOutlined />}
                onClick={() => void navigate('/portal/new?kind=fault')}
                data-testid="portal-report"
              >
                {t('portal.actions.report')}
              </Button>
              <Button
                onClick={() => void navigate('/portal/new?kind=consultation')}
                data-testid="portal-other"
              >
                {t('portal.actions.other')}
              </Button>
            </Flex>
          </>
        )}
      </Card>
      {unlinked ? null : (
        <Card title={t('portal.services.title')} data-testid="portal-services">
          {services.error ? (
            <ErrorResult error={services.error} onRetry={services.reload} compact />
          ) : (
            <List
              loading={!services.data}
              dataSource={services.data ?? []}
              locale={{ emptyText: <Empty description={t('portal.services.empty')} /> }}
              renderItem={(s) => (
                <List.Item
                  data-testid="portal-service"
                  actions={
                    s.status === 'terminated'
                      ? []
                      : [
                          <Link
                            key="report"
                            to={`/portal/new?kind=fault&service=${s.id}`}
                            data-testid="portal-service-report"
                          >
                            {t('portal.services.report')}
                          </Link>,
                        ]
                  }
                >
                  <List.Item.Meta
                    title={
                      <Flex gap={8} align="center" wrap>
                        <span>{serviceName(s)}</span>
                        <ServiceStatusTag status={s.status} />
                      </Flex>
                    }
                    description={
                      <>
                        {t('portal.services.account')} <Data>{s.accountNo}</Data>
                        {s.bandwidthMbps
                          ? ` · ${t('portal.services.bandwidth', { mbps: s.bandwidthMbps })}`
                          : ''}
                        {s.serviceAddress ? (
                          <div>
                            {t('portal.services.address')} <Data>{s.serviceAddress}</Data>
                          </div>
                        ) : null}
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </Card>
      )}
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
