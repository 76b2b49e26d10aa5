import {
  ArrowLeftOutlined,
  CustomerServiceOutlined,
  FileTextOutlined,
  HomeOutlined,
  LogoutOutlined,
} from '@ant-design/icons';
import { Button, Flex, Layout, Segmented, Spin } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useSession, useUser } from '../auth/session.tsx';
import { Forbidden } from '../components/errors.tsx';
import { LanguageSelect } from '../components/Preferences.tsx';
import { canOpen, isPortalOnly, workspaceById } from '../nav/workspaces.ts';

const TABS = [
  { path: '/portal', key: 'home', icon: <HomeOutlined /> },
  { path: '/portal/requests', key: 'requests', icon: <FileTextOutlined /> },
  { path: '/portal/contact', key: 'contact', icon: <CustomerServiceOutlined /> },
] as const;

/** The customer portal: a narrow, phone-first layout (my services, my requests, contact). */
export default function PortalLayout() {
  const { t } = useTranslation();
  const user = useUser();
  const { logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const allowed = canOpen(workspaceById('portal'), user);
  // A request's page belongs to 我的请求; the report form to 我的服务 (home).
  const current =
    TABS.find((tab) => tab.path !== '/portal' && location.pathname.startsWith(tab.path))?.path ?? '/portal';

  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f6f8' }} data-testid="portal-layout">
      <Layout.Header
        style={{
          background: '#fff',
          borderBottom: '1px solid #eee',
          paddingInline: 12,
          display: 'flex',
          alignItems: 'center',
          gap: 8,
        }}
      >
        <Link to="/portal" className="op-brand" style={{ color: '#1662d4' }}>
          {t('app.name')}
        </Link>
        <div style={{ flex: 1 }} />
        {/* Staff who look at the portal (an administrator checking it) get back to their workspaces. */}
        {isPortalOnly(user) ? null : (
          <Link to="/" data-testid="portal-back">
            <Button size="small" icon={<ArrowLeftOutlined />}>
              {t('portal.backToWork')}
            </Button>
          </Link>
        )}
        <LanguageSelect size="small" />
        <Button
          size="small"
          icon={<LogoutOutlined />}
          data-testid="portal-logout"
          onClick={() => void logout().finally(() => navigate('/login', { replace: true }))}
        >
          {t('portal.logout')}
        </Button>
      </Layout.Header>
      <Layout.Content style={{ padding: 12, width: '100%', maxWidth: 720, margin: '0 auto' }}>
        {allowed ? (
          <>
            <Segmented
              block
              aria-label={t('nav.menu')}
              value={current}
              onChange={(v) => navigate(v)}
              options={TABS.map((tab) => ({
                value: tab.path,
                icon: tab.icon,
                label: t(`portal.nav.${tab.key}`),
              }))}
              style={{ marginBottom: 12 }}
              data-testid="portal-nav"
            />
            <Suspense
              fallback={
                <Flex justify="center" style={{ padding: 48 }}>
                  <Spin />
                </Flex>
              }
            >
              <Outlet />
            </Suspense>
          </>
        ) : (
          <Forbidden />
        )}
      </Layout.Content>
    </Layout>
  );
}
