import { Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import { Forbidden } from '../components/errors.tsx';
import {
  adminScreensFor,
  canOpen,
  hasPermission,
  workspaceById,
  type AdminScreen,
  type WorkspaceId,
} from '../nav/workspaces.ts';
import { useSession, useUser } from './session.tsx';

export function FullPageSpin() {
  const { t } = useTranslation();
  return (
    <div className="op-full-center">
      <Spin size="large" description={t('app.loading')} />
    </div>
  );
}

/** Signed-in users only; others go to the login page and come back afterwards. */
export function RequireAuth() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'anonymous') {
    return (
      <Navigate
        to="/login"
        replace
        state={{ from: location.pathname + location.search, reason: state.reason }}
      />
    );
  }
  return <Outlet />;
}

/** A workspace the user's roles may not open shows a 403 page, never a blank one. */
export function RequireWorkspace(props: { id: WorkspaceId; children: ReactNode }) {
  const user = useUser();
  return canOpen(workspaceById(props.id), user) ? <>{props.children}</> : <Forbidden />;
}

export function RequireAdminScreen(props: { id: AdminScreen; children: ReactNode }) {
  const user = useUser();
  return adminScreensFor(user).some((s) => s.id === props.id) ? <>{props.children}</> : <Forbidden />;
}

/** A screen inside a workspace that needs one more permission (e.g. importing customers). */
export function RequirePermission(props: { permission: string; children: ReactNode }) {
  const user = useUser();
  return hasPermission(user, props.permission) ? <>{props.children}</> : <Forbidden />;
}
