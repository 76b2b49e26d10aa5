// What the dispatcher's, monitoring centre's and supervisor's boards share: the counters of
// GET /service-requests/overview and /queues (capped: "1,000+"), and a column of the newest
// requests in some states, read again every LIVE_MS while on screen.
import './texts.ts';
import { Badge, Card, Flex, List, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { CappedCount, RequestKind, RequestListItem, RequestStatus } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { PriorityTag, RequestLink, useRefName, useRequestLabel } from './common.tsx';
import { QueueCountdown } from './SlaCountdown.tsx';

/** Boards are live: their counters and lists are read again this often while on screen. */
export const LIVE_MS = 30_000;

export type BoardQuery = { kind?: RequestKind; desk?: 'monitoring' };

/** Open requests per state and priority, and 一次解决 today, in the caller's scope. */
export function useOverview(query: BoardQuery = {}) {
  return useApiQuery(
    queryKeys.requestOverview(query),
    (signal) => ok(api.GET('/api/v1/service-requests/overview', { params: { query }, signal })),
    { refetchInterval: LIVE_MS },
  );
}

/** Open requests per queue (urged, escalated …) in the caller's scope. */
export function useQueues(query: BoardQuery = {}) {
  return useApiQuery(
    queryKeys.requestQueues(query),
    (signal) => ok(api.GET('/api/v1/service-requests/queues', { params: { query }, signal })),
    { refetchInterval: LIVE_MS },
  );
}

/** The sum of some capped counts: capped when one of them is, or the sum passes the cap. */
export function sumCounts(counts: ReadonlyArray<CappedCount | undefined>, cap: number): CappedCount {
  const sum = counts.reduce((n, c) => n + (c?.count ?? 0), 0);
  const capped = counts.some((c) => c?.capped) || sum > cap;
  return { count: capped ? cap : sum, capped };
}

/** A count as the board shows it: "10,000+" beyond the cap. */
export function useCountText() {
  const { i18n } = useTranslation();
  return (c: CappedCount) => `${c.count.toLocaleString(i18n.language)}${c.capped ? '+' : ''}`;
}

/** How long ago a request was accepted: minutes, hours or days. */
export function useAge() {
  const { t } = useTranslation();
  return (iso: string, now = Date.now()): string => {
    const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
    if (minutes < 60) return t('requests.board.age.minutes', { count: minutes });
    if (minutes < 24 * 60) return t('requests.board.age.hours', { count: Math.floor(minutes / 60) });
    return t('requests.board.age.days', { count: Math.floor(minutes / (24 * 60)) });
  };
}

/** The newest open requests in some states, for a board's column. */
export function useColumnItems(statuses: readonly RequestStatus[], query: BoardQuery, limit: number) {
  const filters = { ...query, statuses: statuses.join(','), limit };
  return useApiQuery(
    queryKeys.requests(filters),
    async (signal) =>
      (await ok(api.GET('/api/v1/service-requests', { params: { query: filters }, signal }))).items,
    { refetchInterval: LIVE_MS },
  );
}

/**
 * One request in a column: number (to its page), kind, priority, the countdown of its nearest SLA
 * deadline, title, handling group, age.
 */
export function BoardItem({ item: r, action }: { item: RequestListItem; action?: ReactNode }) {
  const label = useRequestLabel();
  const refName = useRefName();
  const age = useAge();
  const where = refName(r.skillGroup) ?? refName(r.handlingUnit);
  return (
    <List.Item data-testid="board-item" data-request-id={r.id} actions={action ? [action] : undefined}>
      <List.Item.Meta
        title={
          <Flex gap={6} wrap align="center">
            <RequestLink id={r.id} number={r.number} />
            <PriorityTag priority={r.priority} />
            <Typography.Text type="secondary">{label('kinds', r.kind)}</Typography.Text>
            <QueueCountdown clock={r.sla} />
          </Flex>
        }
        description={
          <>
            <Typography.Text ellipsis style={{ display: 'block', maxWidth: '100%' }}>
              <Data>{r.title}</Data>
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[where, age(r.createdAt)].filter(Boolean).join(' · ')}
            </Typography.Text>
          </>
        }
      />
    </List.Item>
  );
}

/** A board's column: its title and count, then its newest requests (or why they are missing). */
export function BoardColumn(props: {
  title: string;
  testId: string;
  statuses: readonly RequestStatus[];
  count: CappedCount | undefined;
  query?: BoardQuery;
  limit?: number;
  action?: (item: RequestListItem) => ReactNode;
}) {
  const { t } = useTranslation();
  const countText = useCountText();
  const items = useColumnItems(props.statuses, props.query ?? {}, props.limit ?? 8);
  const shown = items.data?.length ?? 0;
  return (
    <Card
      size="small"
      data-testid={props.testId}
      title={
        <Flex gap={8} align="center">
          {props.title}
          {props.count ? (
            <Badge
              count={countText(props.count)}
              showZero
              color={props.count.count > 0 ? 'blue' : 'gray'}
              data-testid="column-count"
            />
          ) : null}
        </Flex>
      }
      styles={{ body: { paddingTop: 0 } }}
    >
      {items.error && !items.data ? (
        <ErrorResult error={items.error} onRetry={items.reload} compact />
      ) : (
        <List
          size="small"
          loading={!items.data}
          dataSource={items.data ?? []}
          locale={{ emptyText: items.data ? t('requests.board.columnEmpty') : ' ' }}
          renderItem={(r) => <BoardItem item={r} action={props.action?.(r)} />}
          footer={
            props.count && props.count.count > shown && shown > 0 ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('requests.board.newestShown', { count: shown })}
              </Typography.Text>
            ) : null
          }
        />
      )}
    </Card>
  );
}

/** A labelled number with a source behind it (a count from the API). */
export function CountTile(props: {
  title: string;
  count: CappedCount | undefined;
  testId: string;
  danger?: boolean;
}) {
  const countText = useCountText();
  return (
    <Card size="small" data-testid={props.testId}>
      <Typography.Text type="secondary">{props.title}</Typography.Text>
      <div
        data-testid="tile-count"
        style={{
          fontSize: 24,
          fontWeight: 600,
          color: props.danger && props.count && props.count.count > 0 ? '#cf1322' : undefined,
        }}
      >
        {props.count ? countText(props.count) : '\u00a0'}
      </div>
    </Card>
  );
}
