import './texts.ts';
import { Badge, Button, Checkbox, Input, Select, Tabs, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { RequestListItem, RequestQuery } from '../../api/models.ts';
import { queryKeys, useApiQuery, useKeysetQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { withoutEmpty } from '../../lib/query.ts';
import { hasPermission } from '../../nav/workspaces.ts';
import {
  KINDS,
  PRIORITIES,
  PriorityTag,
  RequestLink,
  RequestStatusTag,
  STATES,
  useRefName,
  useRequestLabel,
} from './common.tsx';
import { QueueCountdown } from './SlaCountdown.tsx';

const PAGE = 50;
/** Queues are live: the counts and the rows shown are read again this often while on screen. */
const LIVE_MS = 30_000;

type Filters = Pick<RequestQuery, 'queue' | 'kind' | 'status' | 'priority' | 'open' | 'q'>;
type Queue = NonNullable<RequestQuery['queue']>;

/** The agent's queues (open requests each), in the order of the tabs; counts come from the API. */
const QUEUES: readonly Queue[] = [
  'mine',
  'owned',
  'group',
  'unassigned',
  'urged',
  'escalated',
  'suspended',
  'open',
];

/** Open requests per queue in the caller's scope (counted up to the API's cap: "999+"). */
function useQueueCounts(filters: Pick<Filters, 'kind' | 'priority'>) {
  const query = withoutEmpty(filters);
  return useApiQuery(
    queryKeys.requestQueues(query),
    (signal) => ok(api.GET('/api/v1/service-requests/queues', { params: { query }, signal })),
    { refetchInterval: LIVE_MS },
  );
}

/** 工单: the requests in the caller's scope, newest first, with the queue filters the API has. */
export default function RequestsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const label = useRequestLabel();
  const refName = useRefName();
  const { fmt } = usePrefs();
  const [filters, setFilters] = useState<Filters>({ queue: 'mine' });
  const [text, setText] = useState('');
  const counts = useQueueCounts({ kind: filters.kind, priority: filters.priority });
  const list = useKeysetQuery(
    queryKeys.requests(filters),
    (cursor, signal) =>
      ok(
        api.GET('/api/v1/service-requests', {
          params: { query: { ...withoutEmpty(filters), limit: PAGE, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
    { refetchInterval: LIVE_MS },
  );
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const codeFilter = <K extends 'kind' | 'status' | 'priority'>(
    key: K,
    group: 'kinds' | 'states' | 'priorities',
    values: readonly string[],
    placeholder: string,
  ) => (
    <Select
      allowClear
      style={{ minWidth: 140 }}
      placeholder={placeholder}
      value={filters[key]}
      onChange={(v) => set({ [key]: v } as Partial<Filters>)}
      options={values.map((v) => ({ value: v, label: label(group, v) }))}
      data-testid={`request-filter-${key}`}
    />
  );

  const columns: TableColumnsType<RequestListItem> = [
    {
      title: t('requests.columns.number'),
      dataIndex: 'number',
      width: 190,
      render: (_: string, r) => <RequestLink id={r.id} number={r.number} />,
    },
    {
      title: t('requests.columns.title'),
      dataIndex: 'title',
      ellipsis: { showTitle: false },
      render: (v: string) => <Data>{v}</Data>,
    },
    {
      title: t('requests.columns.kind'),
      dataIndex: 'kind',
      width: 110,
      render: (v: string) => label('kinds', v),
    },
    {
      title: t('requests.columns.status'),
      dataIndex: 'status',
      width: 100,
      render: (v: string) => <RequestStatusTag status={v} />,
    },
    {
      title: t('requests.columns.priority'),
      dataIndex: 'priority',
      width: 90,
      render: (v: string) => <PriorityTag priority={v} />,
    },
    {
      // The nearest open SLA deadline, counting down live (the list answer carries it).
      title: t('sla.clocks.column'),
      key: 'sla',
      width: 190,
      render: (_: unknown, r) => <QueueCountdown clock={r.sla} />,
    },
    {
      title: t('requests.columns.customer'),
      key: 'customer',
      width: 160,
      render: (_: unknown, r) => (r.customer ? <Data>{r.customer.name}</Data> : t('common.none')),
    },
    {
      title: t('requests.columns.assignee'),
      key: 'assignee',
      width: 150,
      render: (_: unknown, r) =>
        r.assigneeId ? (
          <Data>{r.assignee?.name ?? t('requests.view.someone')}</Data>
        ) : (
          t('requests.view.unassigned')
        ),
    },
    {
      title: t('requests.columns.handling'),
      key: 'handling',
      width: 160,
      render: (_: unknown, r) => <Data>{refName(r.handlingUnit) ?? t('requests.view.someUnit')}</Data>,
    },
    {
      title: t('requests.columns.urges'),
      dataIndex: 'urgeCount',
      width: 70,
      render: (v: number) => (v > 0 ? v : null),
    },
    {
      title: t('requests.columns.createdAt'),
      dataIndex: 'createdAt',
      width: 170,
      render: (v: string) => fmt.dateTime(v),
    },
  ];

  return (
    <ListPage<RequestListItem>
      testId="requests"
      title={t('requests.title')}
      subtitle={t('requests.subtitle')}
      list={{
        ...list,
        reload: () => {
          list.reload();
          counts.reload();
        },
      }}
      header={
        <>
          <Input.Search
            value={text}
            onChange={(e) => setText(e.target.value)}
            onSearch={(v) => set({ q: v.trim() || undefined })}
            placeholder={t('requests.search.placeholder')}
            enterButton={t('common.search')}
            style={{ maxWidth: 640, marginBottom: 12 }}
            data-testid="request-search"
          />
          <Tabs
            activeKey={filters.queue ?? 'all'}
            onChange={(k) => set({ queue: k === 'all' ? undefined : (k as Queue) })}
            data-testid="request-queues"
            items={[
              ...QUEUES.map((q) => {
                const c = counts.data?.queues[q];
                return {
                  key: q,
                  label: (
                    <span data-testid={`queue-${q}`}>
                      {t(`requests.queues.${q}`)}{' '}
                      {c ? (
                        <Badge
                          count={c.capped ? `${c.count}+` : c.count}
                          showZero
                          overflowCount={100000}
                          color={c.count > 0 && (q === 'urged' || q === 'escalated') ? 'red' : 'gray'}
                        />
                      ) : null}
                    </span>
                  ),
                };
              }),
              { key: 'all', label: <span data-testid="queue-all">{t('requests.queues.all')}</span> },
            ]}
          />
        </>
      }
      newButton={
        hasPermission(user, 'request.create')
          ? {
              label: t('requests.intake.open'),
              onClick: () => void navigate('/requests/new'),
              testId: 'request-new',
            }
          : undefined
      }
      toolbar={
        <>
          {codeFilter('kind', 'kinds', KINDS, t('requests.filters.kind'))}
          {codeFilter('status', 'states', STATES, t('requests.filters.status'))}
          {codeFilter('priority', 'priorities', PRIORITIES, t('requests.filters.priority'))}
          {filters.queue ? null : (
            <Checkbox
              checked={filters.open === 'true'}
              onChange={(e) => set({ open: e.target.checked ? 'true' : undefined })}
              data-testid="request-filter-open"
            >
              {t('requests.filters.open')}
            </Checkbox>
          )}
          <Button
            onClick={() => {
              setText('');
              setFilters((f) => ({ queue: f.queue }));
            }}
          >
            {t('requests.filters.reset')}
          </Button>
        </>
      }
      emptyText={t('requests.empty')}
      loadMoreTestId="request-load-more"
      table={{ 'data-testid': 'request-table', rowKey: 'id', scroll: { x: 1490 }, columns }}
    />
  );
}
