import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useUser } from '../../auth/session.tsx';
import { hasPermission } from '../../nav/workspaces.ts';

/** 班长/主管's screens: the overview, and with `sla.report.read` the SLA lists and reports. */
export const SUPERVISOR_SCREENS = [
  { id: 'overview', path: '/supervisor', read: undefined },
  { id: 'atRisk', path: '/supervisor/at-risk', read: 'sla.report.read' },
  { id: 'reports', path: '/supervisor/sla-reports', read: 'sla.report.read' },
] as const;

export function useSupervisorScreens() {
  const user = useUser();
  return SUPERVISOR_SCREENS.filter((s) => s.read === undefined || hasPermission(user, s.read));
}

/** 概览 | 即将超时 | 服务时限报表: the tabs over the supervisor's screens. */
export function SupervisorTabs() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = useSupervisorScreens();
  if (screens.length < 2) return null;
  const active = [...screens].reverse().find((s) => location.pathname.startsWith(s.path))?.id;
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => navigate(screens.find((s) => s.id === key)!.path)}
      items={screens.map((s) => ({
        key: s.id,
        label: <span data-testid={`supervisor-tab-${s.id}`}>{t(`sla.reports.tabs.${s.id}`)}</span>,
      }))}
    />
  );
}
