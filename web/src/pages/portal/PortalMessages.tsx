import { Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { PortalNotice } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';

/** 我的消息: the notices sent to me about this request (what reached me, not the attempts). */
export function PortalMessages({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const messages = useApiQuery(queryKeys.portalNotices(requestId), (signal) =>
    ok(
      api.GET('/api/v1/portal/service-requests/{id}/notices', {
        params: { path: { id: requestId } },
        signal,
      }),
    ),
  );
  const items = messages.data?.items;
  return (
    <Card title={t('notices.mine')} data-testid="portal-messages" loading={!items && !messages.error}>
      {messages.error && !items ? (
        <ErrorResult error={messages.error} onRetry={messages.reload} compact />
      ) : !items || items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notices.mineEmpty')} />
      ) : (
        <List<PortalNotice>
          size="small"
          dataSource={items}
          renderItem={(n) => (
            <List.Item data-testid="portal-message" data-event={n.event}>
              <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                <Space wrap size={6}>
                  <Typography.Text strong>
                    {tDynamic(t, `notices.events.${n.event}`, n.event)}
                  </Typography.Text>
                  <Tag>{tDynamic(t, `notices.channels.${n.channel}`, n.channel)}</Tag>
                  <Typography.Text type="secondary">
                    {t('notices.sentAt', { time: fmt.dateTime(n.sentAt) })} · {t('notices.sentTo')}{' '}
                    <Data>{n.to}</Data>
                  </Typography.Text>
                </Space>
                <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
                  <Data>{n.body}</Data>
                </Typography.Paragraph>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
