import { Tabs } from 'antd';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useUser } from '../../auth/session.tsx';
import { Forbidden } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import './texts.ts';

const AlertsPage = lazy(() => import('./AlertsPage.tsx'));
const IncidentsPage = lazy(() => import('./IncidentsPage.tsx'));

const SCREENS = [
  { id: 'alerts', read: 'security.alert.read' },
  { id: 'incidents', read: 'security.incident.read' },
] as const;

/** 安全管理: the security administrator's screens (安全告警, 安全事件), one tab each. */
export default function SecurityWorkspace() {
  const { t } = useTranslation();
  const user = useUser();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = SCREENS.filter((s) => hasPermission(user, s.read));
  const active = screens.find((s) => location.pathname.startsWith(`/security/${s.id}`))?.id;
  if (screens.length === 0) return <Forbidden />;
  return (
    <PageFrame testId="security" title={t('security.title')} subtitle={t('security.subtitle')}>
      <Tabs
        activeKey={active}
        onChange={(key) => navigate(`/security/${key}`)}
        items={screens.map((s) => ({
          key: s.id,
          label: <span data-testid={`security-tab-${s.id}`}>{t(`security.tabs.${s.id}`)}</span>,
        }))}
      />
      <Routes>
        <Route index element={<Navigate to={`/security/${screens[0]!.id}`} replace />} />
        {screens.some((s) => s.id === 'alerts') ? <Route path="alerts" element={<AlertsPage />} /> : null}
        {screens.some((s) => s.id === 'incidents') ? (
          <Route path="incidents" element={<IncidentsPage />} />
        ) : null}
        <Route path="*" element={<Forbidden />} />
      </Routes>
    </PageFrame>
  );
}
