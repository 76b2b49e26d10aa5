import './texts.ts';
import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Tag,
  Timeline,
  Typography,
  type DescriptionsProps,
} from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { RequestDetail, TimelineEntry } from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import {
  PersonName,
  PriorityTag,
  readableNumber,
  RequestStatusTag,
  useCategories,
  useRefName,
  useRequestLabel,
  type PersonRef,
} from './common.tsx';
import { NoticesCard } from './NoticesCard.tsx';
import { RequestActions } from './RequestActions.tsx';
import { SlaCard } from './SlaCard.tsx';
import { SlaReopened, slaReopened, SlaStep, slaStep } from './SlaTimeline.tsx';

export function useRequest(id: string) {
  return useApiQuery(queryKeys.request(id), (signal) =>
    ok(api.GET('/api/v1/service-requests/{id}', { params: { path: { id } }, signal })),
  );
}

/** 工单详情: who owns it and who works on it, its timeline and what the workflow allows now. */
export default function RequestPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const view = useRequest(id);
  const r = view.data;
  return (
    <PageFrame
      testId="request-page"
      title={t('requests.view.pageTitle')}
      subtitle={r ? <Data>{`${readableNumber(r.number)} · ${r.title}`}</Data> : undefined}
      extra={
        <>
          <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)}>
            {t('requests.view.back')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={view.reload} data-testid="request-reload">
            {t('common.reload')}
          </Button>
        </>
      }
    >
      {view.error && !r ? (
        <ErrorResult error={view.error} onRetry={view.reload} />
      ) : !r ? (
        <Card loading />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={15}>
            <Header request={r} />
            <SlaCard requestId={r.id} />
            <Timeline_ request={r} />
            <NoticesCard requestId={r.id} />
          </Col>
          <Col xs={24} xl={9}>
            <RequestActions request={r} />
          </Col>
        </Row>
      )}
    </PageFrame>
  );
}

/** A person the request names, by name and unit (the API's); "me" first when it is the reader. */
function usePerson() {
  const { t } = useTranslation();
  const me = useUser();
  return (userId: string | null, person: PersonRef | null | undefined, testId?: string): ReactNode => {
    if (!userId) return null;
    return (
      <>
        {userId === me.id ? <>{t('requests.view.me')} · </> : null}
        <PersonName person={person} testId={testId} />
      </>
    );
  };
}

function Header({ request: r }: { request: RequestDetail }) {
  const { t } = useTranslation();
  const label = useRequestLabel();
  const { fmt } = usePrefs();
  const refName = useRefName();
  const person = usePerson();
  const items: DescriptionsProps['items'] = [
    {
      key: 'number',
      label: t('requests.view.number'),
      children: (
        <Typography.Text strong copyable={{ text: r.number }} data-testid="request-number">
          <Data>{readableNumber(r.number)}</Data>
        </Typography.Text>
      ),
    },
    { key: 'kind', label: t('requests.view.kind'), children: label('kinds', r.kind) },
    { key: 'status', label: t('requests.view.status'), children: <RequestStatusTag status={r.status} /> },
    { key: 'priority', label: t('requests.view.priority'), children: <PriorityTag priority={r.priority} /> },
    {
      key: 'customer',
      label: t('requests.view.customer'),
      children: r.customer ? (
        <Link to={`/customers/${r.customer.id}`}>
          <Data>{`${r.customer.name} (${r.customer.customerNo})`}</Data>
        </Link>
      ) : (
        t('requests.view.noCustomer')
      ),
    },
    {
      key: 'channel',
      label: t('requests.view.channel'),
      children: [label('channels', r.channel), r.accessNumber ? label('accessNumbers', r.accessNumber) : null]
        .filter(Boolean)
        .join(' · '),
    },
    ...(r.channelRef
      ? [{ key: 'callId', label: t('requests.view.callId'), children: <Data>{r.channelRef}</Data> }]
      : []),
    ...(r.categoryCode
      ? [
          {
            key: 'category',
            label: t('requests.view.category'),
            children: <CategoryName kind={r.kind} code={r.categoryCode} />,
          },
        ]
      : []),
    {
      key: 'owner',
      label: t('requests.view.owner'),
      children: (
        <span data-testid="request-owner">
          {r.ownerUserId
            ? person(r.ownerUserId, r.owner, 'request-owner-name')
            : t('requests.view.ownerPending')}
        </span>
      ),
    },
    ...(r.deputyUserId
      ? [{ key: 'deputy', label: t('requests.view.deputy'), children: person(r.deputyUserId, r.deputy) }]
      : []),
    {
      key: 'handling',
      label: t('requests.view.handlingUnit'),
      children: (
        <span data-testid="request-handling">
          {[
            refName(r.handlingUnit) ?? t('requests.view.someUnit'),
            refName(r.skillGroup),
            tDynamic(t, `requests.view.lines.${r.supportLine}`, String(r.supportLine)),
          ]
            .filter(Boolean)
            .join(' · ')}
        </span>
      ),
    },
    {
      key: 'assignee',
      label: t('requests.view.assignee'),
      children: (
        <span data-testid="request-assignee">
          {r.assigneeId
            ? person(r.assigneeId, r.assignee, 'request-assignee-name')
            : t('requests.view.unassigned')}
        </span>
      ),
    },
    {
      key: 'urges',
      label: t('requests.view.urges'),
      children: (
        <span data-testid="request-urges">
          {r.urgeCount > 0 ? <Tag color="red">{r.urgeCount}</Tag> : r.urgeCount}
        </span>
      ),
    },
    ...(r.reopenCount > 0
      ? [{ key: 'reopens', label: t('requests.view.reopens'), children: r.reopenCount }]
      : []),
    ...(r.firstContactResolution
      ? [
          {
            key: 'fcr',
            label: t('requests.view.fcr'),
            children: <Tag color="green">{t('requests.view.fcr')}</Tag>,
          },
        ]
      : []),
    { key: 'createdAt', label: t('requests.view.createdAt'), children: fmt.dateTime(r.createdAt) },
    ...(r.resolvedAt
      ? [{ key: 'resolvedAt', label: t('requests.view.resolvedAt'), children: fmt.dateTime(r.resolvedAt) }]
      : []),
    ...(r.closedAt
      ? [{ key: 'closedAt', label: t('requests.view.closedAt'), children: fmt.dateTime(r.closedAt) }]
      : []),
    {
      key: 'description',
      label: t('requests.view.description'),
      span: 'filled' as const,
      children: <Data>{r.description}</Data>,
    },
    ...(r.suspendedReason
      ? [
          {
            key: 'suspended',
            label: t('requests.view.suspendedReason'),
            span: 'filled' as const,
            children: <Data>{r.suspendedReason}</Data>,
          },
        ]
      : []),
    ...(r.resolution
      ? [
          {
            key: 'resolution',
            label: t('requests.view.resolution'),
            span: 'filled' as const,
            children: <Data>{r.resolution}</Data>,
          },
        ]
      : []),
  ];
  return (
    <Card title={t('requests.view.header')} data-testid="request-header" style={{ marginBottom: 16 }}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} items={items} />
    </Card>
  );
}

/** A category's name from the taxonomy the API serves (the code until it has loaded). */
function CategoryName({ kind, code }: { kind: string; code: string }) {
  const { i18n } = useTranslation();
  const categories = useCategories();
  const c = categories.data?.find((x) => x.kind === kind && x.code === code);
  return c ? <>{i18n.language === 'en' ? c.nameEn : c.name}</> : <Data>{code}</Data>;
}

function Timeline_({ request: r }: { request: RequestDetail }) {
  const { t } = useTranslation();
  return (
    <Card title={t('requests.timeline.title')} data-testid="request-timeline">
      {r.timeline.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('requests.timeline.empty')} />
      ) : (
        <Timeline
          items={r.timeline.map((e) => ({
            key: e.id,
            color: e.visibility === 'customer' ? 'blue' : 'gray',
            children: <Entry entry={e} />,
          }))}
        />
      )}
    </Card>
  );
}

function Entry({ entry: e }: { entry: TimelineEntry }) {
  const { t, i18n } = useTranslation();
  const label = useRequestLabel();
  const { fmt } = usePrefs();
  const internal = e.visibility === 'internal';
  // The workflow action of a status entry (到场 keeps 处理中: the states alone would not say it).
  const action = e.kind === 'status' && typeof e.details.action === 'string' ? e.details.action : undefined;
  const named = action && i18n.exists(`requests.actions.names.${action}`) ? action : undefined;
  return (
    <div data-testid="timeline-entry" data-kind={e.kind} data-visibility={e.visibility}>
      <Typography.Text strong>
        {e.kind === 'sla'
          ? t('sla.clocks.timeline.kind')
          : tDynamic(t, `requests.timeline.kinds.${e.kind}`, e.kind)}
      </Typography.Text>{' '}
      {named ? (
        <Typography.Text data-testid="timeline-action">{label('actions.names', named)}</Typography.Text>
      ) : null}{' '}
      {e.fromStatus && e.toStatus ? (
        <Typography.Text data-testid="timeline-change">
          {t('requests.timeline.change', {
            from: label('states', e.fromStatus),
            to: label('states', e.toStatus),
          })}
        </Typography.Text>
      ) : e.toStatus ? (
        <Typography.Text data-testid="timeline-change">{label('states', e.toStatus)}</Typography.Text>
      ) : null}{' '}
      {suspendCause(e) ? (
        <Tag
          color={suspendCause(e) === 'customer' ? 'purple' : undefined}
          data-testid="timeline-suspend-cause"
        >
          {t(`sla.clocks.cause.${suspendCause(e)!}`)}
        </Tag>
      ) : null}
      <Tag color={internal ? undefined : 'blue'} data-testid="timeline-visibility">
        {internal ? t('requests.timeline.internal') : t('requests.timeline.customer')}
      </Tag>
      <Typography.Text type="secondary">
        {fmt.dateTime(e.createdAt)} ·{' '}
        {e.actor ? (
          <PersonName person={e.actor} testId="timeline-actor" />
        ) : e.actorId ? (
          t('requests.view.someone')
        ) : (
          t('requests.timeline.system')
        )}
      </Typography.Text>
      {noticeAttempt(e) ? (
        <NoticeAttempt details={noticeAttempt(e)!} />
      ) : slaStep(e) ? (
        <SlaStep details={slaStep(e)!} />
      ) : slaReopened(e) ? (
        <SlaReopened details={slaReopened(e)!} />
      ) : e.body ? (
        <Typography.Paragraph style={{ marginTop: 4, marginBottom: 0, whiteSpace: 'pre-wrap' }}>
          <Data>{e.body}</Data>
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}

/** Who a suspension waits for (客户原因 pauses the SLA clocks, 我方原因 does not). */
function suspendCause(e: TimelineEntry): 'customer' | 'operator' | undefined {
  const d = e.details as { action?: unknown; cause?: unknown };
  return e.kind === 'status' && d.action === 'suspend' && (d.cause === 'customer' || d.cause === 'operator')
    ? d.cause
    : undefined;
}

interface NoticeAttemptDetails {
  code: 'notice.sent' | 'notice.retry' | 'notice.gave_up';
  event: string;
  channel: string;
  to: string;
  attempt: number;
  error?: string;
  nextAttemptAt?: string;
}

/** A notice attempt written by the server as a code and its parameters (not as a sentence). */
function noticeAttempt(e: TimelineEntry): NoticeAttemptDetails | undefined {
  const d = e.details as Partial<NoticeAttemptDetails>;
  return e.kind === 'contact_attempt' &&
    (d.code === 'notice.sent' || d.code === 'notice.retry' || d.code === 'notice.gave_up')
    ? (d as NoticeAttemptDetails)
    : undefined;
}

function NoticeAttempt({ details: d }: { details: NoticeAttemptDetails }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const params = {
    event: tDynamic(t, `notices.events.${d.event}`, d.event),
    channel: tDynamic(t, `notices.channels.${d.channel}`, d.channel),
    attempt: d.attempt,
  };
  const outcome = d.code.slice('notice.'.length);
  return (
    <Typography.Paragraph
      style={{ marginTop: 4, marginBottom: 0 }}
      data-testid="timeline-notice-attempt"
      data-outcome={outcome}
    >
      {d.code === 'notice.sent'
        ? t('notices.attempt.sent', params)
        : d.code === 'notice.retry'
          ? t('notices.attempt.retry', params)
          : t('notices.attempt.gave_up', params)}{' '}
      <Data>{d.to}</Data>
      {d.error ? (
        <>
          {' · '}
          {t('notices.lastError')}
          <Data>{d.error}</Data>
        </>
      ) : null}
      {d.nextAttemptAt ? (
        <> · {t('notices.attempt.nextAt', { time: fmt.dateTime(d.nextAttemptAt) })}</>
      ) : null}
    </Typography.Paragraph>
  );
}
