import { Card, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { IdentifiedCaller, RequestListItem } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { RequestLink, RequestStatusTag, useRequestLabel } from '../requests/common.tsx';

const RECENT = 10;

/**
 * The caller's requests beside the intake form: the open ones, then the most recent of all. For a
 * caller of another region, the open requests their summary lists (the list API shows only ours).
 */
export function CallerRequests({
  customerId,
  identified,
}: {
  customerId?: string;
  identified?: IdentifiedCaller;
}) {
  const { t } = useTranslation();
  if (identified && !identified.inScope)
    return (
      <Card title={t('requests.intake.history.title')} data-testid="caller-requests">
        <div data-testid="caller-open">
          <Typography.Text strong>{t('requests.intake.history.open')}</Typography.Text>
          <Items items={identified.openRequests as RequestListItem[]} />
        </div>
      </Card>
    );
  return (
    <Card title={t('requests.intake.history.title')} data-testid="caller-requests">
      {customerId ? (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('requests.intake.history.repeatHint')}</Typography.Text>
          <Section
            customerId={customerId}
            open
            testId="caller-open"
            title={t('requests.intake.history.open')}
          />
          <Section
            customerId={customerId}
            testId="caller-recent"
            title={t('requests.intake.history.recent')}
          />
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('requests.intake.history.pickCustomer')}</Typography.Text>
      )}
    </Card>
  );
}

function Section(props: { customerId: string; open?: boolean; title: string; testId: string }) {
  const filters = {
    customerId: props.customerId,
    ...(props.open ? { open: 'true' as const } : {}),
    limit: RECENT,
  };
  const list = useApiQuery(
    queryKeys.requests(filters),
    async (signal) =>
      (await ok(api.GET('/api/v1/service-requests', { params: { query: filters }, signal }))).items,
  );
  if (list.error && !list.data) return <ErrorResult compact error={list.error} onRetry={list.reload} />;
  return (
    <div data-testid={props.testId}>
      <Typography.Text strong>{props.title}</Typography.Text>
      <Items items={list.data} />
    </div>
  );
}

/** Requests as a short list (undefined: still loading). */
function Items({ items }: { items: RequestListItem[] | undefined }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const label = useRequestLabel();
  return (
    <List<RequestListItem>
      size="small"
      loading={!items}
      dataSource={items ?? []}
      locale={{ emptyText: items ? t('requests.intake.history.none') : ' ' }}
      renderItem={(r) => (
        <List.Item>
          <Space orientation="vertical" size={0} style={{ width: '100%' }}>
            <Space wrap>
              <RequestLink id={r.id} number={r.number} />
              <RequestStatusTag status={r.status} />
              <Typography.Text type="secondary">{label('kinds', r.kind)}</Typography.Text>
            </Space>
            <Typography.Text ellipsis>
              <Data>{r.title}</Data>
            </Typography.Text>
            <Typography.Text type="secondary">{fmt.dateTime(r.createdAt)}</Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}
