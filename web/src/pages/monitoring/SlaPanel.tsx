import { Card, Col, Row, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { CountTile } from '../requests/board.tsx';
import {
  metBarOption,
  REQUEST_SLA_STATES,
  shiftDate,
  SLA_LIVE_MS,
  todayIn,
  useMetReport,
  useOpenStates,
} from '../sla/report-parts.tsx';

/** How many days the chart and the breach count cover. */
const DAYS = 14;
const DESK = { kind: 'fault', desk: 'monitoring' } as const;

/**
 * The monitoring centre's time limits, from the real clocks: its open fault requests by SLA state,
 * the met % per day over the last two weeks (with each day's base) and the breaches in that time.
 * No day with an outcome: one plain line instead of an empty chart.
 */
export function SlaPanel() {
  const { t } = useTranslation();
  const { timeZone } = usePrefs();
  const today = todayIn(timeZone);
  const states = useOpenStates(DESK);
  const days = useMetReport(
    { ...DESK, groupBy: 'day', from: shiftDate(today, -(DAYS - 1)), to: today },
    { refetchInterval: SLA_LIVE_MS },
  );
  const rows = days.data?.rows;
  const option = useMemo(
    () =>
      rows
        ? metBarOption(
            rows.map((r) => (r.key ?? '').slice(5)),
            rows.map((r) => r.all),
            true,
          )
        : undefined,
    [rows],
  );
  const total = days.data?.total.all;
  const error = states.error ?? days.error;
  return (
    <Card
      title={t('sla.reports.panel.title')}
      data-testid="monitoring-sla"
      style={{ marginBottom: 16 }}
      extra={
        states.data ? (
          <Typography.Text type="secondary" data-testid="monitoring-sla-open">
            {t('sla.reports.panel.openTotal', { count: states.data.total })}
          </Typography.Text>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">
        {t('sla.reports.panel.subtitle', { days: DAYS })}
      </Typography.Paragraph>
      {error && (!states.data || !days.data) ? (
        <ErrorResult
          error={error}
          onRetry={() => {
            states.reload();
            days.reload();
          }}
          compact
        />
      ) : null}
      <Row gutter={[16, 16]}>
        {REQUEST_SLA_STATES.map((s) => (
          <Col key={s} xs={12} md={4}>
            <CountTile
              title={t(`sla.reports.panel.states.${s}`)}
              count={states.data ? { count: states.data.states[s], capped: false } : undefined}
              testId={`monitoring-sla-${s}`}
              danger={s === 'breached'}
            />
          </Col>
        ))}
        <Col xs={24} md={8}>
          <CountTile
            title={t('sla.reports.panel.breaches', { days: DAYS })}
            count={total ? { count: total.missed + total.openBreached, capped: false } : undefined}
            testId="monitoring-sla-breaches"
            danger
          />
        </Col>
        <Col xs={24}>
          {!days.data || !option ? null : total && total.decided > 0 ? (
            <EChart
              option={option}
              height={260}
              label={t('sla.reports.panel.chartTitle', { days: DAYS })}
              testId="monitoring-sla-chart"
            />
          ) : (
            <NotBuilt>{t('sla.reports.panel.noData', { days: DAYS })}</NotBuilt>
          )}
        </Col>
      </Row>
    </Card>
  );
}
