import { Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { errorKind } from '../../api/errors.ts';
import type { RequestNotice } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';

const STATUS_COLOURS: Record<string, string> = { sent: 'green', failed: 'red', waiting: 'gold' };

/**
 * 通知: what the customer was told about the request (or is about to be), over which channel, to
 * whom (masked by the API) and how it went. The API decides who may read it: refused, no card.
 */
export function NoticesCard({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const notices = useApiQuery(
    queryKeys.requestNotices(requestId),
    (signal) =>
      ok(api.GET('/api/v1/service-requests/{id}/notices', { params: { path: { id: requestId } }, signal })),
    // Notices are made and sent in the background a moment after each step: read them again.
    { refetchInterval: 10_000 },
  );
  if (notices.error && ['forbidden', 'notFound', 'unauthenticated'].includes(errorKind(notices.error)))
    return null;
  const items = notices.data?.items;
  return (
    <Card
      title={t('notices.title')}
      data-testid="request-notices"
      loading={!items && !notices.error}
      style={{ marginTop: 16 }}
    >
      {notices.error && !items ? (
        <ErrorResult error={notices.error} onRetry={notices.reload} compact />
      ) : !items || items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notices.empty')} />
      ) : (
        <List<RequestNotice> size="small" dataSource={items} renderItem={(n) => <NoticeItem notice={n} />} />
      )}
    </Card>
  );
}

function NoticeItem({ notice: n }: { notice: RequestNotice }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const when =
    n.status === 'sent' && n.sentAt
      ? t('notices.sentAt', { time: fmt.dateTime(n.sentAt) })
      : n.status === 'waiting' && n.attempts === 0
        ? t('notices.dueAt', { time: fmt.dateTime(n.dueAt) })
        : n.status === 'waiting'
          ? t('notices.nextAttempt')
          : fmt.dateTime(n.createdAt);
  return (
    <List.Item data-testid="request-notice" data-event={n.event} data-status={n.status}>
      <Space orientation="vertical" size={2} style={{ width: '100%' }}>
        <Space wrap size={6}>
          <Typography.Text strong>{tDynamic(t, `notices.events.${n.event}`, n.event)}</Typography.Text>
          <Tag>{tDynamic(t, `notices.channels.${n.channel}`, n.channel)}</Tag>
          <Tag color={STATUS_COLOURS[n.status]} data-testid="request-notice-status">
            {tDynamic(t, `notices.statuses.${n.status}`, n.status)}
          </Tag>
          <Typography.Text type="secondary">
            {t('notices.sentTo')} <Data>{n.to}</Data>
          </Typography.Text>
        </Space>
        <Typography.Text type="secondary">
          {when}
          {n.attempts > 0 ? ` · ${t('notices.attempts', { count: n.attempts })}` : null}
        </Typography.Text>
        {n.lastError && n.status !== 'sent' ? (
          <Typography.Text type="danger">
            {t('notices.lastError')}
            <Data>{n.lastError}</Data>
          </Typography.Text>
        ) : null}
        <Typography.Paragraph type="secondary" style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
          <Data>{n.body}</Data>
        </Typography.Paragraph>
      </Space>
    </List.Item>
  );
}
