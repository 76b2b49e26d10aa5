import {
  AlertOutlined,
  AuditOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  FileTextOutlined,
  FileSearchOutlined,
  IdcardOutlined,
  LogoutOutlined,
  MenuOutlined,
  NodeIndexOutlined,
  SafetyOutlined,
  QuestionCircleOutlined,
  SettingOutlined,
  ShopOutlined,
  ToolOutlined,
  UserOutlined,
} from '@ant-design/icons';
import {
  App,
  Avatar,
  Button,
  Drawer,
  Dropdown,
  Flex,
  Grid,
  Layout,
  Menu,
  Spin,
  Typography,
  type MenuProps,
} from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useSession, useUser } from '../auth/session.tsx';
import { MfaModal } from '../components/MfaModal.tsx';
import { LanguageSelect, PreferencesModal } from '../components/Preferences.tsx';
import { ShortcutsProvider, useShortcutList } from '../components/Shortcuts.tsx';
import { roleLabel } from '../i18n/dynamic.ts';
import {
  adminScreensFor,
  isPortalOnly,
  workspaceOfPath,
  workspacesFor,
  type WorkspaceId,
} from '../nav/workspaces.ts';

const ICONS: Record<WorkspaceId, ReactNode> = {
  agent: <CustomerServiceOutlined />,
  requests: <FileTextOutlined />,
  customers: <IdcardOutlined />,
  monitoring: <AlertOutlined />,
  dispatch: <NodeIndexOutlined />,
  field: <ToolOutlined />,
  supervisor: <DashboardOutlined />,
  quality: <AuditOutlined />,
  admin: <SettingOutlined />,
  security: <SafetyOutlined />,
  audit: <FileSearchOutlined />,
  portal: <ShopOutlined />,
};

/** The menu: exactly the workspaces (and admin screens) the user's roles may open. */
function useMenuItems(): MenuProps['items'] {
  const user = useUser();
  const { t } = useTranslation();
  return workspacesFor(user).map((w) => {
    const label = t(`nav.workspaces.${w.id}`);
    if (w.id === 'admin') {
      return {
        key: w.path,
        icon: ICONS[w.id],
        label: <span data-testid="nav-admin">{label}</span>,
        children: adminScreensFor(user).map((s) => ({
          key: s.path,
          label: (
            <Link to={s.path} data-testid={`nav-admin-${s.id}`}>
              {t(`nav.admin.${s.id}`)}
            </Link>
          ),
        })),
      };
    }
    return {
      key: w.path,
      icon: ICONS[w.id],
      label: (
        <Link to={w.path} data-testid={`nav-${w.id}`}>
          {label}
        </Link>
      ),
    };
  });
}

function UserMenu({ compact }: { compact: boolean }) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const { logout } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [prefsOpen, setPrefsOpen] = useState(false);
  const [mfaOpen, setMfaOpen] = useState(false);
  const { shortcuts, openHelp } = useShortcutList();
  const roleNames = user.roles.map((r) => roleLabel(t, i18n.language, r)).join(', ');
  const items: MenuProps['items'] = [
    { key: 'who', disabled: true, label: <Typography.Text type="secondary">{roleNames}</Typography.Text> },
    { type: 'divider' },
    { key: 'prefs', icon: <SettingOutlined />, label: t('prefs.title') },
    { key: 'mfa', icon: <SafetyOutlined />, label: t('auth.mfa.menu') },
    ...(shortcuts.length
      ? [{ key: 'shortcuts', icon: <QuestionCircleOutlined />, label: t('nav.shortcuts') }]
      : []),
    { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'), danger: true },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'prefs') setPrefsOpen(true);
    if (key === 'mfa') setMfaOpen(true);
    if (key === 'shortcuts') openHelp();
    if (key === 'logout') {
      void logout().then(
        () => {
          void message.success(t('auth.loggedOut'));
          navigate('/login', { replace: true });
        },
        () => navigate('/login', { replace: true }),
      );
    }
  };
  return (
    <>
      <Dropdown menu={{ items, onClick }} trigger={['click']}>
        <Button type="text" aria-label={t('nav.userMenu')} data-testid="user-menu" style={{ color: '#fff' }}>
          <Flex align="center" gap={8}>
            <Avatar size="small" icon={<UserOutlined />} />
            {compact ? null : <span>{user.displayName}</span>}
          </Flex>
        </Button>
      </Dropdown>
      <PreferencesModal open={prefsOpen} onClose={() => setPrefsOpen(false)} />
      <MfaModal open={mfaOpen} onClose={() => setMfaOpen(false)} />
    </>
  );
}

export default function StaffLayout() {
  const user = useUser();
  // A customer who opens a staff address (a bookmark, a link) gets the portal, not a staff frame.
  if (isPortalOnly(user)) return <Navigate to="/portal" replace />;
  return <StaffFrame />;
}

function StaffFrame() {
  const { t } = useTranslation();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const items = useMenuItems();
  // Deep pages (a customer's 360 view) keep their workspace's menu entry selected.
  const selected = location.pathname.startsWith('/admin')
    ? location.pathname
    : (workspaceOfPath(location.pathname)?.path ?? location.pathname);
  const openKeys = selected.startsWith('/admin') ? ['/admin'] : [];

  const menu = (
    <nav aria-label={t('nav.menu')} data-testid="main-nav">
      <Menu
        mode="inline"
        theme={mobile ? 'light' : 'dark'}
        items={items}
        selectedKeys={[selected]}
        defaultOpenKeys={openKeys}
        onClick={() => setDrawerOpen(false)}
      />
    </nav>
  );

  return (
    <ShortcutsProvider>
      <Layout style={{ minHeight: '100vh' }}>
        <a className="op-skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <Layout.Header
          style={{ display: 'flex', alignItems: 'center', gap: 12, paddingInline: mobile ? 12 : 24 }}
        >
          {mobile ? (
            <Button
              type="text"
              icon={<MenuOutlined style={{ color: '#fff' }} />}
              aria-label={t('nav.menu')}
              data-testid="menu-toggle"
              onClick={() => setDrawerOpen(true)}
            />
          ) : null}
          <Link to="/" className="op-brand">
            {t('app.name')}
          </Link>
          {mobile ? null : (
            <Typography.Text style={{ color: 'rgba(255,255,255,0.65)' }}>{t('app.tagline')}</Typography.Text>
          )}
          <div style={{ flex: 1 }} />
          {mobile ? null : <LanguageSelect size="small" />}
          <UserMenu compact={mobile} />
        </Layout.Header>
        <Layout>
          {mobile ? (
            <Drawer
              placement="left"
              open={drawerOpen}
              onClose={() => setDrawerOpen(false)}
              size={260}
              title={t('nav.menu')}
              styles={{ body: { padding: 0 } }}
            >
              {menu}
              <div style={{ padding: 16 }}>
                <LanguageSelect />
              </div>
            </Drawer>
          ) : (
            <Layout.Sider width={216} breakpoint="lg">
              {menu}
            </Layout.Sider>
          )}
          <Layout.Content id="main" style={{ padding: mobile ? 12 : 24, minWidth: 0 }}>
            <Suspense
              fallback={
                <Flex justify="center" style={{ padding: 48 }}>
                  <Spin />
                </Flex>
              }
            >
              <Outlet />
            </Suspense>
          </Layout.Content>
        </Layout>
      </Layout>
    </ShortcutsProvider>
  );
}
