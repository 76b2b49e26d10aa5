// 服务承诺: a request's promised times as the customer reads them — what we promise, by when,
// and whether it was kept, is in progress or paused at the customer's request. No policy rows,
// calendars or staff: the API gives none.
import { Alert, Card, Flex, List, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RequestCommitment } from '../../api/models.ts';
import { addScreenTexts } from '../../i18n/index.ts';
import slaEn from '../../i18n/locales/sla.en.ts';
import slaZhCN from '../../i18n/locales/sla.zh-CN.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';

addScreenTexts('sla', { 'zh-CN': slaZhCN, en: slaEn });

const STATUS_COLORS: Record<string, string | undefined> = {
  met: 'green',
  missed: 'red',
  running: 'blue',
  paused: 'orange',
  ended: undefined,
};

/** "48 小时内（全天候）", or "每 4 小时" for the progress interval. */
function limitText(t: TFunction, c: RequestCommitment): string | null {
  if (!c.limit) return null;
  const group = c.target === 'progress' ? 'every' : 'within';
  return t(`sla.promised.${group}.${c.limit.unit}`, { count: c.limit.amount });
}

export function CommitmentStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="portal-commitment-status" data-status={status}>
      {tDynamic(t, `sla.promised.status.${status}`, status)}
    </Tag>
  );
}

/** The promised times of one of my requests (nothing when the request has none). */
export function PortalCommitments({ commitments }: { commitments: readonly RequestCommitment[] }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  if (!commitments.length) return null;
  return (
    <Card title={t('sla.promised.title')} data-testid="portal-commitments">
      <Typography.Paragraph type="secondary">{t('sla.promised.hint')}</Typography.Paragraph>
      <List
        dataSource={[...commitments]}
        rowKey="target"
        renderItem={(c) => {
          const limit = limitText(t, c);
          return (
            <List.Item data-testid="portal-commitment" data-target={c.target}>
              <Flex vertical gap={4} style={{ width: '100%' }}>
                <Flex gap={8} align="center" wrap>
                  <Typography.Text strong>
                    {tDynamic(t, `sla.promised.targets.${c.target}`, c.target)}
                  </Typography.Text>
                  <CommitmentStatusTag status={c.status} />
                  {limit ? <Typography.Text type="secondary">{limit}</Typography.Text> : null}
                </Flex>
                {c.promisedBy && c.status !== 'ended' ? (
                  <Typography.Text data-testid="portal-commitment-by">
                    {t(c.target === 'progress' ? 'sla.promised.nextBy' : 'sla.promised.by', {
                      time: fmt.dateTime(c.promisedBy),
                    })}
                  </Typography.Text>
                ) : null}
                {c.doneAt && c.target !== 'progress' ? (
                  <Typography.Text type="secondary">
                    {t('sla.promised.doneAt', { time: fmt.dateTime(c.doneAt) })}
                  </Typography.Text>
                ) : null}
                {c.status === 'paused' ? (
                  <Typography.Text type="warning">{t('sla.promised.pausedNow')}</Typography.Text>
                ) : c.pausedMinutes > 0 ? (
                  <Typography.Text type="secondary">
                    {t('sla.promised.pausedFor', { duration: fmt.duration(c.pausedMinutes * 60) })}
                  </Typography.Text>
                ) : null}
                {c.status === 'missed' && !c.doneAt ? (
                  <Typography.Text type="danger">{t('sla.promised.lateSorry')}</Typography.Text>
                ) : null}
                {c.provisional && c.status === 'running' ? (
                  <Alert type="info" showIcon title={t('sla.promised.provisional')} />
                ) : null}
              </Flex>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

/** The commitment a list shows for a request: repair (else resolution), else the first one still open. */
export function mainCommitment(commitments: readonly RequestCommitment[]): RequestCommitment | undefined {
  return (
    commitments.find((c) => c.target === 'restoration') ??
    commitments.find((c) => c.target === 'resolution') ??
    commitments.find((c) => c.status === 'running' || c.status === 'paused')
  );
}

/** One line in 我的请求: "承诺修复时间 不晚于 … · 进行中". */
export function CommitmentSummary({ commitments }: { commitments: readonly RequestCommitment[] }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const c = mainCommitment(commitments);
  if (!c) return null;
  return (
    <Flex gap={6} align="center" wrap data-testid="portal-request-commitment" data-target={c.target}>
      <Typography.Text type="secondary">
        {tDynamic(t, `sla.promised.targets.${c.target}`, c.target)}
        {c.promisedBy && c.status !== 'ended'
          ? ` ${t('sla.promised.by', { time: fmt.dateTime(c.promisedBy) })}`
          : ''}
      </Typography.Text>
      <CommitmentStatusTag status={c.status} />
    </Flex>
  );
}
