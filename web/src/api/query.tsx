// Server state for the whole console (TanStack Query): one cache, the keys that name what is in it,
// a query hook, a keyset ("load more") list hook and mutations that refresh the lists they change.
import {
  keepPreviousData,
  QueryClient,
  QueryClientProvider,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import { useCallback, useState, type ReactNode } from 'react';
import { useActionError } from '../components/errors.tsx';
import { errorKind } from './errors.ts';

export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      // A failure is shown at once (with a retry button), not retried behind a spinner. A screen
      // opened again shows what it had at once and reads it afresh (staleTime 0); a change
      // invalidates what it touched.
      queries: { retry: false, staleTime: 0, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  // Reference data many pickers ask for at once: read once a minute at most.
  for (const key of [queryKeys.roles, queryKeys.permissions, queryKeys.orgUnits, queryKeys.products])
    client.setQueryDefaults(key, { staleTime: 60_000 });
  return client;
}

/** The cache for the console; `SessionProvider` empties it when the user signs out. */
export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

/**
 * Keys of what the console caches. The first element is the resource: invalidating `['users']`
 * refreshes every users list whatever its filters, `['customers']` every customer list and 360 view.
 */
export const queryKeys = {
  roles: ['roles'] as const,
  permissions: ['permissions'] as const,
  orgUnits: ['org-units'] as const,
  allUsers: ['users'] as const,
  users: (filters: object) => ['users', 'list', filters] as const,
  skillGroups: ['skill-groups', 'list'] as const,
  allSkillGroups: ['skill-groups'] as const,
  skillGroupMembers: (id: string) => ['skill-groups', id, 'members'] as const,
  products: ['products'] as const,
  allCustomers: ['customers'] as const,
  customers: (filters: object) => ['customers', 'list', filters] as const,
  customerSearch: (q: string) => ['customers', 'search', q] as const,
  customer360: (id: string) => ['customers', id, '360'] as const,
  customerAccess: (id: string) => ['customers', id, 'access-log'] as const,
  /** An enterprise's service agreements (under the customer: a change to it reads them again). */
  customerContracts: (id: string) => ['customers', id, 'contracts'] as const,
  customerSlaReport: (id: string, from: string, to: string) =>
    ['customers', id, 'sla-report', from, to] as const,
  allRequests: ['service-requests'] as const,
  requests: (filters: object) => ['service-requests', 'list', filters] as const,
  request: (id: string) => ['service-requests', id] as const,
  /** A request's SLA clocks (under the request: every change to it reads them again). */
  requestSla: (id: string) => ['service-requests', id, 'sla'] as const,
  requestNotices: (id: string) => ['service-requests', id, 'notices'] as const,
  noticeTemplates: ['notice-templates'] as const,
  channelMailboxes: ['channel-mailboxes'] as const,
  channelSettings: ['channel-settings'] as const,
  requestQueues: (filters: object) => ['service-requests', 'queues', filters] as const,
  requestOverview: (filters: object) => ['service-requests', 'overview', filters] as const,
  requestCategories: ['service-request-categories'] as const,
  requestWorkflows: ['service-request-workflows'] as const,
  phrases: ['phrases', 'list'] as const,
  portalServices: ['portal-services'] as const,
  allPortalRequests: ['portal-requests'] as const,
  portalRequests: (open: string) => ['portal-requests', 'list', open] as const,
  portalRequest: (id: string) => ['portal-requests', id] as const,
  portalNotices: (id: string) => ['portal-requests', id, 'notices'] as const,
  portalCategories: (kind: string) => ['portal-categories', kind] as const,
  allSecurityAlerts: ['security-alerts'] as const,
  securityAlerts: (filters: object) => ['security-alerts', 'list', filters] as const,
  allIncidents: ['incidents'] as const,
  incidents: (filters: object) => ['incidents', 'list', filters] as const,
  incident: (id: string) => ['incidents', id] as const,
  incidentRecipients: (id: string, what: 'customers' | 'notice') => ['incidents', id, what] as const,
  incidentNotice: (id: string) => ['incidents', id, 'notice-text'] as const,
  auditLog: (filters: object) => ['audit', filters] as const,
  allSlaPolicies: ['sla-policies'] as const,
  slaPolicies: (includeInactive: boolean) => ['sla-policies', 'list', includeInactive] as const,
  /** The active policy rows, read on a customer's page for what its contracts commit. */
  slaContractRows: ['sla-policies', 'contract-rows'] as const,
  slaCalendars: ['sla-calendars'] as const,
  slaOverrides: ['sla-calendar-overrides'] as const,
  slaYears: ['sla-calendar-years'] as const,
  slaMet: (filters: object) => ['sla-reports', 'met', filters] as const,
  slaBreaches: (filters: object) => ['sla-reports', 'breaches', filters] as const,
  slaAtRisk: (filters: object) => ['sla-reports', 'at-risk', filters] as const,
  slaOpenStates: (filters: object) => ['sla-reports', 'open-states', filters] as const,
};

/** A refusal (401/403/404): the data the user may no longer see is dropped, not kept on screen. */
const refused = (err: unknown) => ['unauthenticated', 'forbidden', 'notFound'].includes(errorKind(err));

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  /** A load (first or again) is running. */
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data under `key` (cached, shared by every screen asking for the same key). The previous data
 * stays visible while a reload runs and after a transient failure, not after a refusal.
 */
export function useApiQuery<T>(
  key: QueryKey,
  load: (signal: AbortSignal) => Promise<T>,
  options: { enabled?: boolean; refetchInterval?: number } = {},
): Loaded<T> {
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => load(signal),
    enabled: options.enabled,
    // A live view (queue counts) reads itself again every so often while it is on screen.
    refetchInterval: options.refetchInterval,
  });
  const { refetch } = q;
  const reload = useCallback(() => void refetch(), [refetch]);
  return {
    data: q.error && refused(q.error) ? undefined : q.data,
    error: q.error ?? undefined,
    loading: q.isFetching,
    reload,
  };
}

export interface KeysetPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/** What a list screen (components/ListPage.tsx) shows: its rows, how far they are loaded, its error. */
export interface ListState<T> {
  rows: T[];
  /** The API has more after the rows loaded. */
  hasMore: boolean;
  /** The first page is loading (again). */
  loading: boolean;
  /** The first page arrived at least once. */
  loaded: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  error: unknown;
  reload: () => void;
}

/**
 * A list the API pages by cursor (keyset): the first page loads under `key` (which holds the
 * filters), "load more" appends the next pages. Changing the filters starts again, with the rows
 * of the previous filters under the spinner until the new ones arrive. A failed "load more" is a
 * notification; the rows loaded stay.
 */
export function useKeysetQuery<T>(
  key: QueryKey,
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<KeysetPage<T>>,
  options: { enabled?: boolean; refetchInterval?: number } = {},
): ListState<T> {
  const actionError = useActionError();
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled: options.enabled,
    refetchInterval: options.refetchInterval,
  });
  const { refetch, fetchNextPage } = q;
  const reload = useCallback(() => void refetch(), [refetch]);
  const data = q.error && refused(q.error) ? undefined : q.data;
  return {
    rows: data?.pages.flatMap((p) => p.items) ?? [],
    hasMore: q.hasNextPage && !q.isPlaceholderData,
    loading: q.isFetching && !q.isFetchingNextPage,
    loaded: data !== undefined,
    loadingMore: q.isFetchingNextPage,
    loadMore: () =>
      void fetchNextPage().then((r) => {
        if (r.isFetchNextPageError) actionError(r.error);
      }),
    error: q.error ?? undefined,
    reload,
  };
}

/** An unpaged list (roles, skill groups) as a ListState: everything arrives at once. */
export function useListQuery<T>(
  key: QueryKey,
  load: (signal: AbortSignal) => Promise<T[]>,
  options: { enabled?: boolean } = {},
): ListState<T> {
  const q = useApiQuery(key, load, options);
  return {
    rows: q.data ?? [],
    hasMore: false,
    loading: q.loading,
    loaded: q.data !== undefined,
    loadingMore: false,
    loadMore: () => {},
    error: q.error,
    reload: q.reload,
  };
}

/**
 * A change to the server (create, save, delete): after it succeeds, every cached query under the
 * `invalidates` keys is refreshed (e.g. `[queryKeys.roles]`, `[['customers']]`).
 */
export function useApiMutation<V, R = unknown>(
  run: (vars: V) => Promise<R>,
  invalidates: readonly QueryKey[],
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => Promise.all(invalidates.map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}

/** Refreshes the cached queries under these keys (after a change made elsewhere, or a conflict). */
export function useInvalidate() {
  const client = useQueryClient();
  return useCallback(
    (...keys: QueryKey[]) => Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey }))),
    [client],
  );
}
