import type { User } from '../../api/models.ts';

/** Roles that are not a service centre's staff: field technicians (dispatch's) and portal accounts. */
const NOT_STAFF = new Set(['technician', 'customer']);

/** Whether a user counts as staff of a service centre (holds at least one other role). */
export function isCentreStaff(user: Pick<User, 'roles'>): boolean {
  return user.roles.some((r) => !NOT_STAFF.has(r));
}

/** The roles a staff member is counted under. */
export function staffRoles(user: Pick<User, 'roles'>): string[] {
  return user.roles.filter((r) => !NOT_STAFF.has(r));
}
