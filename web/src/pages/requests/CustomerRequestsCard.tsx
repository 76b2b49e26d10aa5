import './texts.ts';
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { RequestListItem } from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import { PriorityTag, RequestLink, RequestStatusTag, useRequestLabel } from './common.tsx';

/**
 * The customer 360 page's open requests, as the 360 view returns them (up to 20, in the reader's
 * scope; the API sends none to a user without request.read, so the card is not shown to them).
 */
export function CustomerRequestsCard({ customerId, items }: { customerId: string; items: unknown[] }) {
  const user = useUser();
  if (!hasPermission(user, 'request.read')) return null;
  // The 360 view types them loosely (customers cannot name the requests module's shape): they are
  // the request list's items (service-requests open-requests.ts → listItemView).
  return <OpenRequests customerId={customerId} items={items as RequestListItem[]} />;
}

function OpenRequests({ customerId, items }: { customerId: string; items: RequestListItem[] }) {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const label = useRequestLabel();
  const { fmt } = usePrefs();
  const columns: TableColumnsType<RequestListItem> = [
    {
      title: t('requests.columns.number'),
      dataIndex: 'number',
      render: (_: string, r) => <RequestLink id={r.id} number={r.number} />,
    },
    {
      title: t('requests.columns.title'),
      dataIndex: 'title',
      ellipsis: { showTitle: false },
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
      <Table<RequestListItem>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={items}
        columns={columns}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('requests.customerCard.none') }}
      />
    </Card>
  );
}
