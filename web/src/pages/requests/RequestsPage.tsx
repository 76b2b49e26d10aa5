import './texts.ts';
import { Button, Checkbox, Select, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { RequestListItem, RequestQuery } from '../../api/models.ts';
import { queryKeys, useKeysetQuery } from '../../api/query.tsx';
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
  useRequestLabel,
} from './common.tsx';

const PAGE = 50;

type Filters = Pick<RequestQuery, 'kind' | 'status' | 'priority' | 'assignee' | 'unassigned' | 'open'>;

/** 工单: the requests in the caller's scope, newest first, with the queue filters the API has. */
export default function RequestsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const label = useRequestLabel();
  const { fmt } = usePrefs();
  const [filters, setFilters] = useState<Filters>({ open: 'true' });
  const list = useKeysetQuery(queryKeys.requests(filters), (cursor, signal) =>
    ok(
      api.GET('/api/v1/service-requests', {
        params: { query: { ...withoutEmpty(filters), limit: PAGE, ...(cursor ? { cursor } : {}) } },
        signal,
      }),
    ),
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
      ellipsis: true,
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
      title: t('requests.columns.customer'),
      key: 'customer',
      width: 160,
      render: (_: unknown, r) => (r.customer ? <Data>{r.customer.name}</Data> : t('common.none')),
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
      list={list}
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
          <Checkbox
            checked={filters.open === 'true'}
            onChange={(e) => set({ open: e.target.checked ? 'true' : undefined })}
            data-testid="request-filter-open"
          >
            {t('requests.filters.open')}
          </Checkbox>
          <Checkbox
            checked={filters.assignee === 'me'}
            onChange={(e) => set({ assignee: e.target.checked ? 'me' : undefined })}
            data-testid="request-filter-mine"
          >
            {t('requests.filters.mine')}
          </Checkbox>
          <Checkbox
            checked={filters.unassigned === 'true'}
            onChange={(e) => set({ unassigned: e.target.checked ? 'true' : undefined })}
            data-testid="request-filter-unassigned"
          >
            {t('requests.filters.unassigned')}
          </Checkbox>
          <Button onClick={() => setFilters({})}>{t('requests.filters.reset')}</Button>
        </>
      }
      emptyText={t('requests.empty')}
      loadMoreTestId="request-load-more"
      table={{ 'data-testid': 'request-table', rowKey: 'id', scroll: { x: 1000 }, columns }}
    />
  );
}
