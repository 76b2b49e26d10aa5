import { Button, Result } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes } from 'react-router';
import {
  FullPageSpin,
  RequireAdminScreen,
  RequireAuth,
  RequirePermission,
  RequireWorkspace,
} from './auth/guards.tsx';
import { useUser } from './auth/session.tsx';
import { adminScreensFor, homePath } from './nav/workspaces.ts';
import LoginPage from './pages/LoginPage.tsx';

// Everything behind the login page loads on demand: each workspace is its own chunk.
const StaffLayout = lazy(() => import('./layouts/StaffLayout.tsx'));
const PortalLayout = lazy(() => import('./layouts/PortalLayout.tsx'));
const AgentWorkspace = lazy(() => import('./pages/agent/AgentWorkspace.tsx'));
// The intake form (Alt+N): the agent's, also for the monitoring centre and dispatchers who accept.
const IntakePage = lazy(() => import('./pages/agent/IntakePage.tsx'));
// The request screens are one chunk (list and request page share their parts).
const requestScreens = () => import('./pages/requests/request-screens.ts');
const RequestsPage = lazy(() => requestScreens().then((m) => ({ default: m.RequestsPage })));
const RequestPage = lazy(() => requestScreens().then((m) => ({ default: m.RequestPage })));
// The customer screens are one chunk (they share most of their parts).
const customerScreens = () => import('./pages/customers/screens.ts');
const CustomersPage = lazy(() => customerScreens().then((m) => ({ default: m.CustomersPage })));
const Customer360Page = lazy(() => customerScreens().then((m) => ({ default: m.Customer360Page })));
const CustomerImportPage = lazy(() => customerScreens().then((m) => ({ default: m.ImportPage })));
const MonitoringCentre = lazy(() => import('./pages/monitoring/MonitoringCentre.tsx'));
const DispatcherBoard = lazy(() => import('./pages/dispatch/DispatcherBoard.tsx'));
const TechnicianView = lazy(() => import('./pages/field/TechnicianView.tsx'));
const SupervisorWorkspace = lazy(() => import('./pages/supervisor/SupervisorWorkspace.tsx'));
const QualityInspection = lazy(() => import('./pages/quality/QualityInspection.tsx'));
const OrgUnitsPage = lazy(() => import('./pages/admin/OrgUnitsPage.tsx'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage.tsx'));
const RolesPage = lazy(() => import('./pages/admin/RolesPage.tsx'));
const SkillGroupsPage = lazy(() => import('./pages/admin/SkillGroupsPage.tsx'));
const NoticeTemplatesPage = lazy(() => import('./pages/admin/NoticeTemplatesPage.tsx'));
// The SLA screens are one chunk (服务时限策略, 工作日历: they share their parts and texts).
const slaScreens = () => import('./pages/sla/screens.ts');
const SlaPoliciesPage = lazy(() => slaScreens().then((m) => ({ default: m.SlaPoliciesPage })));
const SlaCalendarsPage = lazy(() => slaScreens().then((m) => ({ default: m.SlaCalendarsPage })));
const MailboxesPage = lazy(() => import('./pages/admin/MailboxesPage.tsx'));
const SecurityWorkspace = lazy(() => import('./pages/security/SecurityWorkspace.tsx'));
const AuditLogPage = lazy(() => import('./pages/audit/AuditLogPage.tsx'));
const PortalHome = lazy(() => import('./pages/portal/PortalHome.tsx'));
const PortalContact = lazy(() => import('./pages/portal/PortalContact.tsx'));
const PortalReport = lazy(() => import('./pages/portal/PortalReport.tsx'));
const PortalRequests = lazy(() => import('./pages/portal/PortalRequests.tsx'));
const PortalRequestPage = lazy(() => import('./pages/portal/PortalRequestPage.tsx'));

function Layout({ children }: { children: ReactNode }) {
  return <Suspense fallback={<FullPageSpin />}>{children}</Suspense>;
}

function HomeRedirect() {
  const user = useUser();
  const { t } = useTranslation();
  const home = homePath(user);
  if (home) return <Navigate to={home} replace />;
  return (
    <Result
      status="info"
      title={t('errors.noWorkspace.title')}
      subTitle={t('errors.noWorkspace.description')}
    />
  );
}

function AdminHome() {
  const user = useUser();
  const first = adminScreensFor(user)[0];
  return first ? (
    <Navigate to={first.path} replace />
  ) : (
    <RequireWorkspace id="admin">{null}</RequireWorkspace>
  );
}

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('errors.notFound.title')}
      subTitle={t('errors.notFound.description')}
      extra={
        <Link to="/">
          <Button type="primary">{t('errors.backHome')}</Button>
        </Link>
      }
      data-testid="not-found"
    />
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route index element={<HomeRedirect />} />
        <Route
          path="portal"
          element={
            <Layout>
              <PortalLayout />
            </Layout>
          }
        >
          <Route index element={<PortalHome />} />
          <Route path="contact" element={<PortalContact />} />
          <Route path="new" element={<PortalReport />} />
          <Route path="requests" element={<PortalRequests />} />
          <Route path="requests/:id" element={<PortalRequestPage />} />
        </Route>
        <Route
          element={
            <Layout>
              <StaffLayout />
            </Layout>
          }
        >
          <Route
            path="agent"
            element={
              <RequireWorkspace id="agent">
                <AgentWorkspace />
              </RequireWorkspace>
            }
          />
          <Route path="requests">
            <Route
              index
              element={
                <RequireWorkspace id="requests">
                  <RequestsPage />
                </RequireWorkspace>
              }
            />
            <Route
              path="new"
              element={
                <RequireWorkspace id="requests">
                  <RequirePermission permission="request.create">
                    <IntakePage />
                  </RequirePermission>
                </RequireWorkspace>
              }
            />
            <Route
              path=":id"
              element={
                <RequireWorkspace id="requests">
                  <RequestPage />
                </RequireWorkspace>
              }
            />
          </Route>
          <Route path="customers">
            <Route
              index
              element={
                <RequireWorkspace id="customers">
                  <CustomersPage />
                </RequireWorkspace>
              }
            />
            <Route
              path="import"
              element={
                <RequireWorkspace id="customers">
                  <RequirePermission permission="customer.import">
                    <CustomerImportPage />
                  </RequirePermission>
                </RequireWorkspace>
              }
            />
            <Route
              path=":id"
              element={
                <RequireWorkspace id="customers">
                  <Customer360Page />
                </RequireWorkspace>
              }
            />
          </Route>
          <Route
            path="monitoring"
            element={
              <RequireWorkspace id="monitoring">
                <MonitoringCentre />
              </RequireWorkspace>
            }
          />
          <Route
            path="dispatch"
            element={
              <RequireWorkspace id="dispatch">
                <DispatcherBoard />
              </RequireWorkspace>
            }
          />
          <Route
            path="field"
            element={
              <RequireWorkspace id="field">
                <TechnicianView />
              </RequireWorkspace>
            }
          />
          <Route
            path="supervisor/*"
            element={
              <RequireWorkspace id="supervisor">
                <SupervisorWorkspace />
              </RequireWorkspace>
            }
          />
          <Route
            path="quality"
            element={
              <RequireWorkspace id="quality">
                <QualityInspection />
              </RequireWorkspace>
            }
          />
          <Route path="admin">
            <Route index element={<AdminHome />} />
            <Route
              path="org"
              element={
                <RequireAdminScreen id="org">
                  <OrgUnitsPage />
                </RequireAdminScreen>
              }
            />
            <Route
              path="users"
              element={
                <RequireAdminScreen id="users">
                  <UsersPage />
                </RequireAdminScreen>
              }
            />
            <Route
              path="roles"
              element={
                <RequireAdminScreen id="roles">
                  <RolesPage />
                </RequireAdminScreen>
              }
            />
            <Route
              path="skill-groups"
              element={
                <RequireAdminScreen id="skillGroups">
                  <SkillGroupsPage />
                </RequireAdminScreen>
              }
            />
            <Route
              path="notice-templates"
              element={
                <RequireAdminScreen id="noticeTemplates">
                  <NoticeTemplatesPage />
                </RequireAdminScreen>
              }
            />
            <Route
              path="sla-policies"
              element={
                <RequireAdminScreen id="slaPolicies">
                  <SlaPoliciesPage />
                </RequireAdminScreen>
              }
            />
            <Route
              path="sla-calendars"
              element={
                <RequireAdminScreen id="slaCalendars">
                  <SlaCalendarsPage />
                </RequireAdminScreen>
              }
            />
            <Route
              path="mailboxes"
              element={
                <RequireAdminScreen id="mailboxes">
                  <MailboxesPage />
                </RequireAdminScreen>
              }
            />
          </Route>
          <Route
            path="security/*"
            element={
              <RequireWorkspace id="security">
                <SecurityWorkspace />
              </RequireWorkspace>
            }
          />
          <Route
            path="audit"
            element={
              <RequireWorkspace id="audit">
                <AuditLogPage />
              </RequireWorkspace>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Route>
    </Routes>
  );
}
