import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useUser } from '../../auth/session.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import './texts.ts';

export const SECURITY_SCREENS = [
  { id: 'alerts', read: 'security.alert.read' },
  { id: 'incidents', read: 'security.incident.read' },
] as const;

/** The security screens this user may open. */
export function useSecurityScreens() {
  const user = useUser();
  return SECURITY_SCREENS.filter((s) => hasPermission(user, s.read));
}

/** 安全告警 | 安全事件: the tabs over each security screen (each screen is its own list page). */
export function SecurityTabs() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = useSecurityScreens();
  const active = screens.find((s) => location.pathname.startsWith(`/security/${s.id}`))?.id;
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => navigate(`/security/${key}`)}
      items={screens.map((s) => ({
        key: s.id,
        label: <span data-testid={`security-tab-${s.id}`}>{t(`security.tabs.${s.id}`)}</span>,
      }))}
    />
  );
}
