import { api, ok } from '../../api/client.ts';
import type { Role } from '../../api/models.ts';
import { useLoad } from '../../lib/useLoad.ts';

// The org-unit picker is shared with other screens (customers); administration keeps its names.
export { OrgUnitSelect, unitName, useOrgUnits } from '../../components/OrgUnitSelect.tsx';

export function useRoles() {
  return useLoad(async (signal) => (await ok(api.GET('/api/v1/roles', { signal }))).items, 'roles');
}

export function roleName(role: Pick<Role, 'name' | 'nameEn'>, language: string): string {
  return language === 'en' ? role.nameEn || role.name : role.name;
}
