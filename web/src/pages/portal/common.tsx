// What the portal screens share: the customer's services and requests as the portal API serves them.
import '../requests/texts.ts';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { PortalKind } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';

export const PORTAL_KINDS: readonly PortalKind[] = ['fault', 'consultation', 'complaint', 'suggestion'];

export function usePortalServices() {
  return useApiQuery(
    queryKeys.portalServices,
    async (signal) => (await ok(api.GET('/api/v1/portal/services', { signal }))).items,
  );
}

export function usePortalCategories(kind: PortalKind) {
  return useApiQuery(
    queryKeys.portalCategories(kind),
    async (signal) =>
      (
        await ok(
          api.GET('/api/v1/portal/service-request-categories', { params: { query: { kind } }, signal }),
        )
      ).items,
  );
}

export function usePortalRequest(id: string) {
  return useApiQuery(queryKeys.portalRequest(id), (signal) =>
    ok(api.GET('/api/v1/portal/service-requests/{id}', { params: { path: { id } }, signal })),
  );
}

/** A service's status as the customer reads it. */
export function ServiceStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const color = status === 'active' ? 'green' : status === 'suspended' ? 'orange' : undefined;
  return (
    <Tag color={color} data-testid="portal-service-status">
      {tDynamic(t, `portal.services.status.${status}`, status)}
    </Tag>
  );
}

/** A product's name in the reader's language (the code when the catalogue has none). */
export function serviceName(s: { productName: string | null; productCode: string }) {
  return s.productName ?? s.productCode;
}
