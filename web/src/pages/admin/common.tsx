import { api, ok } from '../../api/client.ts';
import type { Role } from '../../api/models.ts';
import { queryKeys, useListQuery } from '../../api/query.tsx';

// The org-unit picker is shared with other screens (customers); administration keeps its names.
export { OrgUnitSelect, unitName, useOrgUnits } from '../../components/OrgUnitSelect.tsx';

/** The roles (a short list: all at once), as a list and by `.data` for pickers. */
export function useRoles() {
  const list = useListQuery(
    queryKeys.roles,
    async (signal) => (await ok(api.GET('/api/v1/roles', { signal }))).items,
  );
  return { ...list, data: list.loaded ? list.rows : undefined };
}

export function roleName(role: Pick<Role, 'name' | 'nameEn'>, language: string): string {
  return language === 'en' ? role.nameEn || role.name : role.name;
}
