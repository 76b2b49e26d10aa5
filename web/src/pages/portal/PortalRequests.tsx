import { Card, Empty, Flex, List, Segmented, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ok } from '../../api/client.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { readableNumber, RequestStatusTag } from '../requests/common.tsx';
import { CommitmentSummary } from './PortalCommitments.tsx';

type Show = 'true' | 'all' | 'false';

/** 我的请求: the customer's requests, newest first, with their number and status. */
export default function PortalRequests() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const [show, setShow] = useState<Show>('all');
  const list = useApiQuery(
    queryKeys.portalRequests(show),
    async (signal) =>
      (
        await ok(
          api.GET('/api/v1/portal/service-requests', {
            params: { query: { limit: 100, ...(show === 'all' ? {} : { open: show }) } },
            signal,
          }),
        )
      ).items,
  );
  return (
    <Card
      title={t('portal.requests.title')}
      data-testid="portal-requests"
      extra={
        <Segmented<Show>
          size="small"
          aria-label={t('portal.requests.title')}
          value={show}
          onChange={setShow}
          options={[
            { value: 'all', label: t('portal.requests.all') },
            { value: 'true', label: t('portal.requests.open') },
            { value: 'false', label: t('portal.requests.closed') },
          ]}
        />
      }
    >
      {list.error ? (
        <ErrorResult error={list.error} onRetry={list.reload} compact />
      ) : (
        <List
          loading={!list.data}
          dataSource={list.data ?? []}
          locale={{ emptyText: <Empty description={t('portal.requests.empty')} /> }}
          renderItem={(r) => (
            <List.Item data-testid="portal-request-item" data-id={r.id}>
              <List.Item.Meta
                title={
                  <Flex gap={8} align="center" wrap>
                    <Link to={`/portal/requests/${r.id}`} data-testid="portal-request-link">
                      <Data>{r.title}</Data>
                    </Link>
                    <RequestStatusTag status={r.status} />
                    {r.urgeCount > 0 ? (
                      <Tag color="red">{t('portal.requests.urged', { count: r.urgeCount })}</Tag>
                    ) : null}
                  </Flex>
                }
                description={
                  <Flex vertical gap={2}>
                    <Typography.Text type="secondary">
                      {tDynamic(t, `portal.kinds.${r.kind}`, r.kind)} · {t('portal.requests.number')}{' '}
                      <Data>{readableNumber(r.number)}</Data> · {t('portal.requests.createdAt')}{' '}
                      {fmt.dateTime(r.createdAt)}
                    </Typography.Text>
                    <CommitmentSummary commitments={r.commitments} />
                  </Flex>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
