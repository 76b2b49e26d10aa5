import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { Forbidden } from '../../components/errors.tsx';
import { useSupervisorScreens } from './tabs.tsx';
import '../sla/report-parts.tsx';

// Each screen is its own chunk (the dashboard's is named in the build's size report).
const SupervisorDashboard = lazy(() => import('./SupervisorDashboard.tsx'));
const AtRiskPage = lazy(() => import('./AtRiskPage.tsx'));
const SlaReportsPage = lazy(() => import('./SlaReportsPage.tsx'));

/** 班长/主管: the overview, 即将超时 (about to breach) and 服务时限报表 (SLA reports), one tab each. */
export default function SupervisorWorkspace() {
  const screens = useSupervisorScreens();
  const has = (id: string) => screens.some((s) => s.id === id);
  return (
    <Routes>
      <Route index element={<SupervisorDashboard />} />
      {has('atRisk') ? <Route path="at-risk" element={<AtRiskPage />} /> : null}
      {has('reports') ? <Route path="sla-reports" element={<SlaReportsPage />} /> : null}
      <Route path="*" element={<Forbidden />} />
    </Routes>
  );
}
