/** The role that administers the platform: nobody may take it away from themself (no lock-out). */
export const ADMIN_ROLE = 'admin';

export interface UserChange {
  status?: 'active' | 'disabled' | undefined;
  roles?: readonly string[] | undefined;
}

/**
 * Rules for a user editing their own account through the administration API: they may not disable
 * themself nor drop their own administrator role, so a slip cannot lock the last admin out.
 * Returns the problem as { field, message }, or undefined when the change is allowed.
 */
export function selfChangeProblem(
  callerId: string,
  target: { id: string; roles: readonly string[] },
  change: UserChange,
): { field: string; message: string } | undefined {
  if (callerId !== target.id) return undefined;
  if (change.status === 'disabled') return { field: 'status', message: 'you cannot disable yourself' };
  if (change.roles && target.roles.includes(ADMIN_ROLE) && !change.roles.includes(ADMIN_ROLE)) {
    return { field: 'roles', message: `you cannot remove your own ${ADMIN_ROLE} role` };
  }
  return undefined;
}
