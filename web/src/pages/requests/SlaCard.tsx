// 服务时限: a request's SLA clocks as GET /service-requests/{id}/sla gives them — per target the
// promised time, the deadline in the user's time zone, the state with a live countdown, and on
// expanding the row the policy row that applied and why, the calendar and the customer's pauses.
import './texts.ts';
import { Alert, Card, Collapse, Descriptions, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { errorKind } from '../../api/errors.ts';
import type { RequestSla, SlaClock } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { ReasonText } from '../sla/ReasonText.tsx';
import { clockTone, countdown, durationParts, firstWarningAt } from './sla-clock.ts';
import { TONE_COLORS, useCountdownText, useNow, useTargetName } from './SlaCountdown.tsx';

/** The clocks move on the server too (steps, recomputes): read them again while on screen. */
const LIVE_MS = 30_000;

export function SlaCard({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const sla = useApiQuery(
    queryKeys.requestSla(requestId),
    (signal) =>
      ok(api.GET('/api/v1/service-requests/{id}/sla', { params: { path: { id: requestId } }, signal })),
    { refetchInterval: LIVE_MS },
  );
  const kind = sla.error ? errorKind(sla.error) : undefined;
  // The request page already says when the request cannot be read.
  if (kind === 'forbidden' || kind === 'unauthenticated') return null;
  const data = sla.data;
  const provisional = data?.clocks.some(
    (c) => c.provisional && (c.state === 'running' || c.state === 'paused'),
  );
  return (
    <Card
      title={t('sla.clocks.title')}
      data-testid="request-sla"
      loading={!data && !sla.error}
      style={{ marginBottom: 16 }}
    >
      {kind === 'notFound' ? (
        <Typography.Text type="secondary" data-testid="request-sla-none">
          {t('sla.clocks.notTracked')}
        </Typography.Text>
      ) : sla.error && !data ? (
        <ErrorResult error={sla.error} onRetry={sla.reload} compact />
      ) : !data ? null : data.clocks.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sla.clocks.empty')} />
      ) : (
        <>
          {provisional ? (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('sla.clocks.provisionalHelp')}
              data-testid="request-sla-provisional"
            />
          ) : null}
          <ClockTable clocks={data.clocks} />
          <Matching sla={data} />
        </>
      )}
    </Card>
  );
}

function ClockTable({ clocks }: { clocks: SlaClock[] }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const target = useTargetName();
  const promised = usePromised();
  // Three columns fit the request page's main column: what and how long, when, how it stands.
  const columns: TableColumnsType<SlaClock> = [
    {
      title: t('sla.clocks.columns.target'),
      key: 'target',
      width: 170,
      render: (_: unknown, c) => (
        <>
          <div data-testid="sla-clock-target">
            {target(c.target)}
            {c.target === 'progress' && c.period > 1 ? ` · ${t('sla.clocks.period', { n: c.period })}` : null}
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {promised(c)}
          </Typography.Text>
        </>
      ),
    },
    {
      title: t('sla.clocks.columns.deadline'),
      key: 'deadline',
      width: 180,
      render: (_: unknown, c) => (
        <Space size={4} wrap>
          <span data-testid="sla-clock-deadline">
            {c.deadline ? fmt.dateTime(c.deadline) : t('sla.clocks.pausedDeadline')}
          </span>
          {c.provisional ? (
            <Tooltip title={t('sla.clocks.provisionalHelp')}>
              <Tag color="orange" data-testid="sla-clock-provisional">
                {t('sla.clocks.provisional')}
              </Tag>
            </Tooltip>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('sla.clocks.columns.state'),
      key: 'state',
      render: (_: unknown, c) => <ClockState clock={c} />,
    },
  ];
  return (
    <Table<SlaClock>
      size="small"
      rowKey="target"
      pagination={false}
      scroll={{ x: 560 }}
      dataSource={clocks}
      columns={columns}
      data-testid="sla-clocks"
      onRow={(c) => ({ 'data-testid': 'sla-clock', 'data-target': c.target }) as object}
      expandable={{ expandedRowRender: (c) => <ClockExplanation clock={c} /> }}
    />
  );
}

/** "4小时 · 7×24小时", "3个工作日 · 法定工作日 · 按民法典计算期间". */
function usePromised() {
  const { t } = useTranslation();
  return (c: Pick<SlaClock, 'duration' | 'calendar' | 'counting'>): ReactNode => {
    const d = durationParts(c.duration);
    return (
      <span data-testid="sla-clock-limit">
        {d ? t(`sla.clocks.durations.${d.unit}`, { count: d.count }) : <Data>{c.duration}</Data>}
        {' · '}
        <CalendarName code={c.calendar} />
        {c.counting === 'civil-code' ? ` · ${t('sla.clocks.civilCode')}` : null}
      </span>
    );
  };
}

/** A built-in calendar by its name; a unit's own by its code (its name needs another right). */
function CalendarName({ code }: { code: string }) {
  const { t } = useTranslation();
  const name = tDynamic(t, `sla.clocks.calendars.${code}`, '');
  return name ? <>{name}</> : <Data>{code}</Data>;
}

/** The tone as a coloured tag and the live countdown (or when the clock ended). */
function ClockState({ clock: c }: { clock: SlaClock }) {
  const { t } = useTranslation();
  const text = useCountdownText();
  const now = useNow();
  const facts = { state: c.state, deadline: c.deadline, warningAt: firstWarningAt(c.steps), metAt: c.metAt };
  const tone = clockTone(facts, now);
  return (
    <Space size={4} wrap data-testid="sla-clock-state" data-tone={tone} data-state={c.state}>
      <Tag color={TONE_COLORS[tone]}>{t(`sla.clocks.tones.${tone}`)}</Tag>
      <span data-testid="sla-clock-countdown">
        {c.state === 'paused' ? t('sla.clocks.paused') : text(countdown(facts, now))}
      </span>
    </Space>
  );
}

/** Why this deadline: the row and why it won, the calendar, the start, pauses and steps. */
function ClockExplanation({ clock: c }: { clock: SlaClock }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const stepState = (s: SlaClock['steps'][number]) =>
    s.actedAt
      ? t('sla.clocks.explain.acted', { time: fmt.dateTime(s.actedAt) })
      : s.skipped
        ? t('sla.clocks.explain.skipped')
        : t('sla.clocks.explain.pending');
  return (
    <Descriptions
      size="small"
      column={1}
      data-testid="sla-clock-explain"
      items={[
        {
          key: 'policy',
          label: t('sla.clocks.explain.policy'),
          children: (
            <Space size={6} wrap>
              {c.policy.name ? <Data>{c.policy.name}</Data> : null}
              <Tag>
                <Data>{c.policy.code}</Data>
              </Tag>
              {c.policy.level ? <Tag color="blue">{t(`sla.policies.levels.${c.policy.level}`)}</Tag> : null}
            </Space>
          ),
        },
        ...(c.policy.source
          ? [
              {
                key: 'source',
                label: t('sla.clocks.explain.source'),
                children: <Data>{c.policy.source}</Data>,
              },
            ]
          : []),
        {
          key: 'why',
          label: t('sla.clocks.explain.why'),
          children: (
            <span data-testid="sla-clock-why">
              <ReasonText reason={c.whyCoded} fallback={c.why} />
            </span>
          ),
        },
        {
          key: 'calendar',
          label: t('sla.clocks.explain.calendar'),
          children: (
            <>
              <CalendarName code={c.calendar} />
              {c.calendarUsed !== c.calendar ? (
                <>
                  {' → '}
                  {t('sla.clocks.explain.standIn')} <Data>{c.calendarUsed}</Data>
                </>
              ) : null}
            </>
          ),
        },
        { key: 'start', label: t('sla.clocks.explain.start'), children: fmt.dateTime(c.start) },
        {
          key: 'pauses',
          label: t('sla.clocks.explain.pauses'),
          children:
            c.pauses.length === 0 ? (
              t('sla.clocks.explain.noPauses')
            ) : (
              <div data-testid="sla-clock-pauses">
                {c.pauses.map((p) => (
                  <div key={p.from}>
                    {p.to
                      ? t('sla.clocks.explain.pause', { from: fmt.dateTime(p.from), to: fmt.dateTime(p.to) })
                      : t('sla.clocks.explain.pauseOpen', { from: fmt.dateTime(p.from) })}
                  </div>
                ))}
                {c.pausedMinutes > 0 ? (
                  <Typography.Text type="secondary">
                    {t('sla.clocks.explain.pausedTotal', { time: fmt.duration(c.pausedMinutes * 60) })}
                  </Typography.Text>
                ) : null}
              </div>
            ),
        },
        ...(c.pauses.length
          ? [
              {
                key: 'unpaused',
                label: t('sla.clocks.explain.unpausedDeadline'),
                children: fmt.dateTime(c.unpausedDeadline),
              },
            ]
          : []),
        {
          key: 'steps',
          label: t('sla.clocks.explain.steps'),
          children: (
            <div data-testid="sla-clock-steps">
              {c.steps.map((s) => (
                <div key={s.percent}>
                  {s.kind === 'breach'
                    ? t('sla.clocks.explain.breach')
                    : t('sla.clocks.explain.warning', { percent: s.percent })}
                  {' · '}
                  {/* A pause moves the steps still to come: their times are set on resume. */}
                  {s.at && !(c.state === 'paused' && !s.actedAt)
                    ? fmt.dateTime(s.at)
                    : t('sla.clocks.explain.waiting')}
                  {' · '}
                  <Typography.Text type="secondary">{stepState(s)}</Typography.Text>
                </div>
              ))}
            </div>
          ),
        },
        ...(c.recomputeReason
          ? [
              {
                key: 'recomputed',
                label: t('sla.clocks.explain.recomputed'),
                children: <ReasonText reason={c.recomputeReasonCoded} fallback={c.recomputeReason} />,
              },
            ]
          : []),
      ]}
    />
  );
}

/** How the policy matched the request's facts, and every recompute with its reason. */
function Matching({ sla }: { sla: RequestSla }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const target = useTargetName();
  const f = sla.facts;
  const facts: ReactNode[] = [
    tDynamic(t, `sla.policies.kinds.${f.kind}`, f.kind),
    f.tier ? t(`sla.policies.tiers.${f.tier}`) : null,
    f.productCode ? (
      <>
        {t('sla.policies.match.productCode')} <Data>{f.productCode}</Data>
      </>
    ) : null,
    f.productFamily ? (
      <>
        {t('sla.policies.match.productFamily')} <Data>{f.productFamily}</Data>
      </>
    ) : null,
    f.category ? (
      <>
        {t('sla.policies.match.category')} <Data>{f.category}</Data>
      </>
    ) : null,
    f.priority ? tDynamic(t, `sla.policies.priorities.${f.priority}`, f.priority) : null,
    f.locationClass ? t(`sla.policies.locationClasses.${f.locationClass}`) : null,
    f.contractId ? (
      <>
        {t('sla.policies.match.contractId')} <Data>{f.contractId}</Data>
      </>
    ) : null,
  ].filter((x) => x !== null);
  const items = [
    {
      key: 'matching',
      label: t('sla.clocks.explain.matching'),
      children: (
        <div data-testid="sla-matching">
          <Typography.Paragraph>
            {t('sla.clocks.explain.facts')}
            {': '}
            {facts.map((x, i) => (
              <span key={i}>
                {i > 0 ? ' · ' : null}
                {x}
              </span>
            ))}
          </Typography.Paragraph>
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {sla.explanation.map((line, i) => (
              <li key={i} data-testid="sla-reason">
                <ReasonText reason={sla.reasons[i]} fallback={line} />
              </li>
            ))}
          </ul>
        </div>
      ),
    },
    ...(sla.changes.length
      ? [
          {
            key: 'changes',
            label: `${t('sla.clocks.explain.changes')} (${sla.changes.length})`,
            children: (
              <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="sla-changes">
                {sla.changes.map((ch, i) => (
                  <li key={i}>
                    {fmt.dateTime(ch.at)} · {target(ch.target)} ·{' '}
                    <ReasonText reason={ch.reasonCoded} fallback={ch.reason} />
                    {ch.policyFrom !== ch.policyTo ? (
                      <>
                        {' · '}
                        {t('sla.clocks.explain.rowChange')} <Data>{ch.policyFrom ?? ''}</Data>
                        {' → '}
                        <Data>{ch.policyTo ?? ''}</Data>
                      </>
                    ) : null}
                    {' · '}
                    {t('sla.clocks.explain.deadlineChange', {
                      from: ch.deadlineFrom ? fmt.dateTime(ch.deadlineFrom) : t('sla.clocks.explain.none'),
                      to: ch.deadlineTo ? fmt.dateTime(ch.deadlineTo) : t('sla.clocks.explain.none'),
                    })}
                  </li>
                ))}
              </ul>
            ),
          },
        ]
      : []),
  ];
  return <Collapse size="small" ghost items={items} style={{ marginTop: 8 }} />;
}
