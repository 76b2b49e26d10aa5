import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { PortalRequest, PortalTimelineEntry } from '../../api/models.ts';
import { queryKeys, useApiMutation, useInvalidate } from '../../api/query.tsx';
import { ConflictNotice, useFormSubmit } from '../../components/FormDialog.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { readableNumber, RequestStatusTag, useRequestLabel } from '../requests/common.tsx';
import { usePortalRequest } from './common.tsx';
import { PortalCommitments } from './PortalCommitments.tsx';
import { PortalMessages } from './PortalMessages.tsx';

const RESOLVED = new Set(['resolved', 'callback']);

/**
 * One of my requests: its progress (the customer-visible timeline only), a note, 催单 while it is
 * being worked, and once resolved (回单) confirm (确认解决) or reject with a reason (重开).
 */
export default function PortalRequestPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const view = usePortalRequest(id);
  const r = view.data;
  return (
    <Flex vertical gap={12} data-testid="portal-request">
      <Link to="/portal/requests">
        <Button size="small" icon={<ArrowLeftOutlined />}>
          {t('portal.request.back')}
        </Button>
      </Link>
      {view.error && !r ? (
        <ErrorResult error={view.error} onRetry={view.reload} />
      ) : !r ? (
        <Card loading />
      ) : (
        <>
          <Summary request={r} />
          {RESOLVED.has(r.status) ? <Decision request={r} /> : null}
          <PortalCommitments commitments={r.commitments} />
          <Progress request={r} />
          <PortalMessages requestId={r.id} />
          {r.status === 'closed' || r.status === 'cancelled' ? (
            <Alert
              type={r.status === 'closed' ? 'success' : 'info'}
              showIcon
              title={t(r.status === 'closed' ? 'portal.request.closedHint' : 'portal.request.cancelledHint')}
              data-testid="portal-request-closed"
            />
          ) : (
            <NoteAndUrge request={r} />
          )}
        </>
      )}
    </Flex>
  );
}

function Summary({ request: r }: { request: PortalRequest }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  return (
    <Card
      title={
        <Flex gap={8} align="center" wrap>
          <Data>{r.title}</Data>
          <RequestStatusTag status={r.status} />
        </Flex>
      }
      data-testid="portal-request-summary"
    >
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'number',
            label: t('portal.requests.number'),
            children: (
              <span data-testid="portal-request-number">
                <Data>{readableNumber(r.number)}</Data>
              </span>
            ),
          },
          {
            key: 'kind',
            label: t('portal.report.kind'),
            children: tDynamic(t, `portal.kinds.${r.kind}`, r.kind),
          },
          { key: 'createdAt', label: t('portal.requests.createdAt'), children: fmt.dateTime(r.createdAt) },
          ...(r.description
            ? [
                {
                  key: 'description',
                  label: t('portal.request.description'),
                  children: <Data>{r.description}</Data>,
                },
              ]
            : []),
          ...(r.resolution
            ? [
                {
                  key: 'resolution',
                  label: t('portal.request.resolution'),
                  children: (
                    <span data-testid="portal-request-resolution">
                      <Data>{r.resolution}</Data>
                    </span>
                  ),
                },
              ]
            : []),
          ...(r.urgeCount > 0
            ? [
                {
                  key: 'urges',
                  label: t('portal.request.urge'),
                  children: <Tag color="red">{t('portal.requests.urged', { count: r.urgeCount })}</Tag>,
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

/** An action of the customer's on the request; the request and the list are read again after it. */
function useRequestAction<V>(id: string, run: (body: V) => Promise<unknown>) {
  return useApiMutation(run, [queryKeys.portalRequest(id), queryKeys.allPortalRequests]);
}

function Decision({ request: r }: { request: PortalRequest }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [rejecting, setRejecting] = useState(false);
  const [form] = Form.useForm<{ accept: boolean; reason?: string }>();
  const invalidate = useInvalidate();
  const decide = useRequestAction(r.id, (body: { accept: boolean; reason?: string }) =>
    ok(
      api.POST('/api/v1/portal/service-requests/{id}/decision', {
        params: { path: { id: r.id } },
        body: { ...body, version: r.version },
      }),
    ),
  );
  const { saving, conflict, submit } = useFormSubmit(
    form,
    async (v: { accept: boolean; reason?: string }) => {
      await decide.mutateAsync(v);
      void message.success(v.accept ? t('portal.request.confirmed') : t('portal.request.rejected'));
      setRejecting(false);
    },
  );
  return (
    <Card data-testid="portal-decision">
      {conflict ? <ConflictNotice onReload={() => void invalidate(queryKeys.portalRequest(r.id))} /> : null}
      <Typography.Paragraph strong>{t('portal.request.resolvedHint')}</Typography.Paragraph>
      {rejecting ? (
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => void submit({ accept: false, reason: v.reason })}
        >
          <Form.Item
            name="reason"
            label={t('portal.request.rejectReason')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} data-testid="portal-reject-reason" />
          </Form.Item>
          <Space>
            <Button
              type="primary"
              danger
              htmlType="submit"
              loading={saving}
              data-testid="portal-reject-submit"
            >
              {t('portal.request.rejectSubmit')}
            </Button>
            <Button onClick={() => setRejecting(false)}>{t('portal.report.cancel')}</Button>
          </Space>
        </Form>
      ) : (
        <Space wrap>
          <Button
            type="primary"
            loading={saving}
            onClick={() => void submit({ accept: true })}
            data-testid="portal-confirm"
          >
            {t('portal.request.confirm')}
          </Button>
          <Button onClick={() => setRejecting(true)} data-testid="portal-reject">
            {t('portal.request.reject')}
          </Button>
        </Space>
      )}
    </Card>
  );
}

function Progress({ request: r }: { request: PortalRequest }) {
  const { t } = useTranslation();
  return (
    <Card title={t('portal.request.progress')} data-testid="portal-timeline">
      {r.timeline.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Timeline
          items={[...r.timeline].reverse().map((e) => ({
            key: e.id,
            color: e.byCustomer ? 'gray' : 'blue',
            children: <Entry entry={e} />,
          }))}
        />
      )}
    </Card>
  );
}

function Entry({ entry: e }: { entry: PortalTimelineEntry }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const label = useRequestLabel();
  return (
    <div data-testid="portal-timeline-entry" data-kind={e.kind}>
      <Typography.Text strong>
        {e.kind === 'status' && e.toStatus
          ? label('states', e.toStatus)
          : tDynamic(t, `portal.request.entries.${e.kind}`, e.kind)}
      </Typography.Text>{' '}
      <Typography.Text type="secondary">
        {fmt.dateTime(e.createdAt)} · {e.byCustomer ? t('portal.request.you') : t('portal.request.us')}
      </Typography.Text>
      {e.body ? (
        <Typography.Paragraph style={{ marginTop: 4, marginBottom: 0, whiteSpace: 'pre-wrap' }}>
          <Data>{e.body}</Data>
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}

function NoteAndUrge({ request: r }: { request: PortalRequest }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [noteForm] = Form.useForm<{ body: string }>();
  const [urgeForm] = Form.useForm<{ reason?: string }>();
  const [urging, setUrging] = useState(false);
  const invalidate = useInvalidate();
  const note = useRequestAction(r.id, (body: { body: string }) =>
    ok(
      api.POST('/api/v1/portal/service-requests/{id}/notes', {
        params: { path: { id: r.id } },
        body: { ...body, version: r.version },
      }),
    ),
  );
  const urge = useRequestAction(r.id, (body: { reason?: string }) =>
    ok(
      api.POST('/api/v1/portal/service-requests/{id}/urge', {
        params: { path: { id: r.id } },
        body: { ...body, version: r.version },
      }),
    ),
  );
  const noteSubmit = useFormSubmit(noteForm, async (v: { body: string }) => {
    await note.mutateAsync(v);
    noteForm.resetFields();
    void message.success(t('portal.request.noteSent'));
  });
  const urgeSubmit = useFormSubmit(urgeForm, async (v: { reason?: string }) => {
    await urge.mutateAsync(v.reason?.trim() ? { reason: v.reason.trim() } : {});
    urgeForm.resetFields();
    setUrging(false);
    void message.success(t('portal.request.urged'));
  });
  const reload = () => void invalidate(queryKeys.portalRequest(r.id));
  const canUrge = !RESOLVED.has(r.status);
  return (
    <Card title={t('portal.request.note')} data-testid="portal-note">
      {noteSubmit.conflict || urgeSubmit.conflict ? <ConflictNotice onReload={reload} /> : null}
      <Form form={noteForm} layout="vertical" onFinish={(v) => void noteSubmit.submit(v)}>
        <Form.Item
          name="body"
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            placeholder={t('portal.request.notePlaceholder')}
            data-testid="portal-note-body"
          />
        </Form.Item>
        <Space wrap>
          <Button
            type="primary"
            htmlType="submit"
            loading={noteSubmit.saving}
            data-testid="portal-note-submit"
          >
            {t('portal.request.noteSubmit')}
          </Button>
          {canUrge && !urging ? (
            <Button danger onClick={() => setUrging(true)} data-testid="portal-urge">
              {t('portal.request.urge')}
            </Button>
          ) : null}
        </Space>
      </Form>
      {canUrge && urging ? (
        <Form
          form={urgeForm}
          layout="vertical"
          style={{ marginTop: 16 }}
          onFinish={(v) => void urgeSubmit.submit(v)}
        >
          <Form.Item name="reason" label={t('portal.request.urgeReason')}>
            <Input maxLength={500} data-testid="portal-urge-reason" />
          </Form.Item>
          <Space>
            <Button
              type="primary"
              danger
              htmlType="submit"
              loading={urgeSubmit.saving}
              data-testid="portal-urge-submit"
            >
              {t('portal.request.urgeSubmit')}
            </Button>
            <Button onClick={() => setUrging(false)}>{t('portal.report.cancel')}</Button>
          </Space>
        </Form>
      ) : null}
    </Card>
  );
}
