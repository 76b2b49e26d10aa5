import './texts.ts';
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { RequestListItem } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import { PriorityTag, RequestLink, RequestStatusTag, useRequestLabel } from './common.tsx';

/** The customer 360 page's open requests, from the requests API (only for users who may read them). */
export function CustomerRequestsCard({ customerId }: { customerId: string }) {
  const user = useUser();
  if (!hasPermission(user, 'request.read')) return null;
  return <OpenRequests customerId={customerId} />;
}

function OpenRequests({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const label = useRequestLabel();
  const { fmt } = usePrefs();
  const filters = { customerId, open: 'true' as const, limit: 20 };
  const list = useApiQuery(
    queryKeys.requests(filters),
    async (signal) =>
      (await ok(api.GET('/api/v1/service-requests', { params: { query: filters }, signal }))).items,
  );
  const columns: TableColumnsType<RequestListItem> = [
    {
      title: t('requests.columns.number'),
      dataIndex: 'number',
      render: (_: string, r) => <RequestLink id={r.id} number={r.number} />,
    },
    {
      title: t('requests.columns.title'),
      dataIndex: 'title',
      ellipsis: true,
      render: (v: string) => <Data>{v}</Data>,
    },
    { title: t('requests.columns.kind'), dataIndex: 'kind', render: (v: string) => label('kinds', v) },
    {
      title: t('requests.columns.status'),
      dataIndex: 'status',
      render: (v: string) => <RequestStatusTag status={v} />,
    },
    {
      title: t('requests.columns.priority'),
      dataIndex: 'priority',
      render: (v: string) => <PriorityTag priority={v} />,
    },
    {
      title: t('requests.columns.createdAt'),
      dataIndex: 'createdAt',
      render: (v: string) => fmt.dateTime(v),
    },
  ];
  return (
    <Card
      title={t('requests.customerCard.title')}
      data-testid="customer-open-requests"
      extra={
        hasPermission(user, 'request.create') ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => void navigate(`/requests/new?customer=${customerId}`)}
            data-testid="customer-new-request"
          >
            {t('requests.customerCard.new')}
          </Button>
        ) : undefined
      }
    >
      {list.error && !list.data ? (
        <ErrorResult compact error={list.error} onRetry={list.reload} />
      ) : (
        <Table<RequestListItem>
          size="small"
          rowKey="id"
          pagination={false}
          loading={!list.data}
          dataSource={list.data ?? []}
          columns={columns}
          scroll={{ x: 720 }}
          locale={{ emptyText: list.data ? t('requests.customerCard.none') : ' ' }}
        />
      )}
    </Card>
  );
}
