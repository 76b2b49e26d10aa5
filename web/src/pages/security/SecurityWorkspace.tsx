import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Forbidden } from '../../components/errors.tsx';
import { useSecurityScreens } from './tabs.tsx';
import './texts.ts';

const AlertsPage = lazy(() => import('./AlertsPage.tsx'));
const IncidentsPage = lazy(() => import('./IncidentsPage.tsx'));

/** 安全管理: the security administrator's screens (安全告警, 安全事件), one tab each. */
export default function SecurityWorkspace() {
  const screens = useSecurityScreens();
  if (screens.length === 0) return <Forbidden />;
  const has = (id: string) => screens.some((s) => s.id === id);
  return (
    <Routes>
      <Route index element={<Navigate to={`/security/${screens[0]!.id}`} replace />} />
      {has('alerts') ? <Route path="alerts" element={<AlertsPage />} /> : null}
      {has('incidents') ? <Route path="incidents" element={<IncidentsPage />} /> : null}
      <Route path="*" element={<Forbidden />} />
    </Routes>
  );
}
