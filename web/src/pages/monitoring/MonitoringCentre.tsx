import { Card, Col, Flex, Row, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CappedCount, RequestStatus } from '../../api/models.ts';
import { ErrorResult } from '../../components/errors.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { useUser } from '../../auth/session.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import {
  BoardColumn,
  CountTile,
  sumCounts,
  useCountText,
  useOverview,
  useQueues,
  type BoardQuery,
} from '../requests/board.tsx';
import { PRIORITIES, PriorityTag, RequestStatusTag, STATES } from '../requests/common.tsx';
import { SlaPanel } from './SlaPanel.tsx';

/** The monitoring centre's own requests: faults routed to it or entered by it (the API's desk). */
const DESK: BoardQuery = { desk: 'monitoring' };
const OPEN: RequestStatus[] = STATES.filter((s) => s !== 'closed' && s !== 'cancelled');

/**
 * 监控中心: the fault requests the monitoring centre handles, counted by state and priority, with
 * the urged and escalated ones and the newest. No alarm source is connected yet, so there is no
 * alarm counter (a 0 would read as "all clear"): one plain line says so.
 */
export default function MonitoringCentre() {
  const { t } = useTranslation();
  const user = useUser();
  const countText = useCountText();
  const overview = useOverview(DESK);
  const queues = useQueues(DESK);
  const o = overview.data;
  const open = o
    ? sumCounts(
        OPEN.map((s) => o.byStatus[s as keyof typeof o.byStatus]),
        o.cap,
      )
    : undefined;
  const breakdown = (
    title: string,
    testId: string,
    rows: Array<{ key: string; tag: ReactNode; c: CappedCount }>,
  ) => (
    <Card size="small" title={title} data-testid={testId}>
      <Flex vertical gap={6}>
        {rows.map((r) => (
          <Flex key={r.key} justify="space-between" align="center" data-testid={`${testId}-${r.key}`}>
            {r.tag}
            <Typography.Text strong data-testid="breakdown-count">
              {countText(r.c)}
            </Typography.Text>
          </Flex>
        ))}
      </Flex>
    </Card>
  );
  return (
    <PageFrame
      testId="workspace-monitoring"
      title={t('monitoring.title')}
      subtitle={t('monitoring.subtitle')}
    >
      <NotBuilt>{t('monitoring.alarmsNotConnected')}</NotBuilt>
      {overview.error && !o ? <ErrorResult error={overview.error} onRetry={overview.reload} compact /> : null}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={8}>
          <CountTile title={t('monitoring.open')} count={open} testId="monitoring-open" />
        </Col>
        <Col xs={12} sm={8}>
          <CountTile
            title={t('monitoring.urged')}
            count={queues.data?.queues.urged}
            testId="monitoring-urged"
            danger
          />
        </Col>
        <Col xs={12} sm={8}>
          <CountTile
            title={t('monitoring.escalated')}
            count={queues.data?.queues.escalated}
            testId="monitoring-escalated"
            danger
          />
        </Col>
      </Row>
      {hasPermission(user, 'sla.report.read') ? <SlaPanel /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={6}>
          {o
            ? breakdown(
                t('monitoring.byStatus'),
                'monitoring-by-status',
                OPEN.map((s) => ({
                  key: s,
                  tag: <RequestStatusTag status={s} />,
                  c: o.byStatus[s as keyof typeof o.byStatus],
                })),
              )
            : null}
          {o ? (
            <div style={{ marginTop: 16 }}>
              {breakdown(
                t('monitoring.byPriority'),
                'monitoring-by-priority',
                PRIORITIES.map((p) => ({ key: p, tag: <PriorityTag priority={p} />, c: o.byPriority[p] })),
              )}
            </div>
          ) : null}
        </Col>
        <Col xs={24} lg={18}>
          <BoardColumn
            title={t('monitoring.newest')}
            testId="monitoring-newest"
            statuses={OPEN}
            count={open}
            query={DESK}
            limit={10}
          />
        </Col>
      </Row>
    </PageFrame>
  );
}
