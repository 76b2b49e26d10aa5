import { Button, Card, Checkbox, Flex, Form, Input, Radio, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { RequestDetail } from '../../api/models.ts';
import type { BodyOf } from '../../api/paths.ts';
import { queryKeys, useApiMutation } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { OrgUnitSelect, useOrgUnits } from '../../components/OrgUnitSelect.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import { useRequestLabel } from './common.tsx';
import { PhrasePicker } from './PhrasePicker.tsx';

/** What a canned phrase may fill in from the request (the customer's name as the API masked it). */
function phraseContext(r: RequestDetail) {
  return {
    request: { number: r.number, title: r.title },
    customer: { name: r.customer?.name ?? null, no: r.customer?.customerNo ?? null },
  };
}

type Action = BodyOf<'/api/v1/service-requests/{id}/transitions', 'post'>['action'];
type Visibility = BodyOf<'/api/v1/service-requests/{id}/notes', 'post'>['visibility'];

// Which actions must say why, and which give the result: the server's rule (it refuses the
// action naming body.reason / body.result otherwise, and that error lands on the field).
const NEEDS_REASON = new Set<string>(['suspend', 'escalate', 'return', 'reopen', 'cancel']);
const NEEDS_RESULT = new Set<string>(['resolve']);

/** The version read, as the ETag the API compares (If-Match): a stale one gets 409. */
const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

type Dialog =
  { kind: 'action'; action: Action } | { kind: 'note' } | { kind: 'urge' } | { kind: 'transfer' } | undefined;

/** The actions the workflow allows in this state (the API's allowedActions), and notes. */
export function RequestActions({ request: r }: { request: RequestDetail }) {
  const { t } = useTranslation();
  const label = useRequestLabel();
  const user = useUser();
  const [dialog, setDialog] = useState<Dialog>();
  if (!hasPermission(user, 'request.work'))
    return (
      <Card title={t('requests.actions.title')} data-testid="request-actions">
        <Typography.Text type="secondary">{t('requests.actions.noRight')}</Typography.Text>
      </Card>
    );
  const allowed = r.allowedActions as Action[];
  return (
    <Card title={t('requests.actions.title')} data-testid="request-actions">
      {allowed.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('requests.actions.none')}</Typography.Paragraph>
      ) : (
        <Flex wrap gap={8} style={{ marginBottom: 16 }}>
          {allowed.map((a, i) => (
            <Button
              key={a}
              type={i === 0 ? 'primary' : 'default'}
              onClick={() => setDialog({ kind: 'action', action: a })}
              data-testid={`action-${a}`}
            >
              {label('actions.names', a)}
            </Button>
          ))}
        </Flex>
      )}
      {r.status !== 'closed' && r.status !== 'cancelled' ? (
        <Flex wrap gap={8}>
          <Button onClick={() => setDialog({ kind: 'note' })} data-testid="action-note">
            {t('requests.notes.add')}
          </Button>
          <Button onClick={() => setDialog({ kind: 'urge' })} data-testid="action-urge">
            {t('requests.urge.add')}
          </Button>
          {hasPermission(user, 'request.dispatch') ? (
            <Button onClick={() => setDialog({ kind: 'transfer' })} data-testid="action-transfer">
              {t('requests.transfer.add')}
            </Button>
          ) : null}
        </Flex>
      ) : null}
      {dialog?.kind === 'action' ? (
        <ActionDialog request={r} action={dialog.action} onClose={() => setDialog(undefined)} />
      ) : null}
      {dialog?.kind === 'note' ? <NoteDialog request={r} onClose={() => setDialog(undefined)} /> : null}
      {dialog?.kind === 'urge' ? <UrgeDialog request={r} onClose={() => setDialog(undefined)} /> : null}
      {dialog?.kind === 'transfer' ? (
        <TransferDialog request={r} onClose={() => setDialog(undefined)} />
      ) : null}
    </Card>
  );
}

type SuspendCause = NonNullable<BodyOf<'/api/v1/service-requests/{id}/transitions', 'post'>['cause']>;
type ActionValues = { reason?: string; result?: string; toMe?: boolean; cause?: SuspendCause };

function ActionDialog({
  request: r,
  action,
  onClose,
}: {
  request: RequestDetail;
  action: Action;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ActionValues>();
  const label = useRequestLabel();
  const user = useUser();
  const name = label('actions.names', action);
  const run = useApiMutation(
    (v: ActionValues) =>
      ok(
        api.POST('/api/v1/service-requests/{id}/transitions', {
          params: { path: { id: r.id } },
          headers: ifMatch(r.version),
          body: {
            action,
            ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
            ...(v.result?.trim() ? { result: v.result.trim() } : {}),
            // Dispatch goes by the routing rules unless the dispatcher keeps it (一线自处理).
            ...(action === 'dispatch' && v.toMe ? { assigneeId: user.id } : {}),
            // Who the wait is for: only a customer-caused suspension pauses the SLA clocks.
            ...(action === 'suspend' && v.cause ? { cause: v.cause } : {}),
          },
        }),
      ),
    [queryKeys.allRequests],
  );
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<ActionValues>
      name="transition"
      form={form}
      testId="action-modal"
      title={t('requests.actions.confirmTitle', { action: name })}
      okText={name}
      onClose={onClose}
      onSubmit={(v) => run.mutateAsync(v).then(() => undefined)}
      successMessage={t('requests.actions.done', { action: name })}
      conflictReloads={[queryKeys.request(r.id)]}
    >
      {action === 'dispatch' ? (
        <Form.Item name="toMe" valuePropName="checked">
          <Checkbox data-testid="action-dispatch-to-me">{t('requests.actions.dispatchToMe')}</Checkbox>
        </Form.Item>
      ) : null}
      {action === 'suspend' ? (
        <Form.Item
          name="cause"
          label={t('sla.clocks.cause.label')}
          extra={t('sla.clocks.cause.help')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Radio.Group
            optionType="button"
            options={(['customer', 'operator'] as const).map((c) => ({
              value: c,
              label: t(`sla.clocks.cause.${c}`),
            }))}
            data-testid="action-suspend-cause"
          />
        </Form.Item>
      ) : null}
      {NEEDS_RESULT.has(action) ? (
        <PhrasePicker
          context={phraseContext(r)}
          onInsert={(text) =>
            form.setFieldValue('result', [form.getFieldValue('result'), text].filter(Boolean).join('\n'))
          }
        />
      ) : null}
      {NEEDS_RESULT.has(action) ? (
        <Form.Item name="result" label={t('requests.actions.result')} rules={required}>
          <Input.TextArea rows={4} maxLength={10000} data-testid="action-result" />
        </Form.Item>
      ) : (
        <Form.Item
          name="reason"
          label={t('requests.actions.reason')}
          rules={NEEDS_REASON.has(action) ? required : undefined}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="action-reason" />
        </Form.Item>
      )}
    </FormDialog>
  );
}

function NoteDialog({ request: r, onClose }: { request: RequestDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ body: string; visibility: Visibility }>();
  const add = useApiMutation(
    (v: { body: string; visibility: Visibility }) =>
      ok(
        api.POST('/api/v1/service-requests/{id}/notes', {
          params: { path: { id: r.id } },
          headers: ifMatch(r.version),
          body: { body: v.body.trim(), visibility: v.visibility },
        }),
      ),
    [queryKeys.allRequests],
  );
  return (
    <FormDialog<{ body: string; visibility: Visibility }>
      name="note"
      form={form}
      testId="note-modal"
      title={t('requests.notes.add')}
      okText={t('requests.notes.add')}
      initialValues={{ visibility: 'internal' }}
      onClose={onClose}
      onSubmit={(v) => add.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
      conflictReloads={[queryKeys.request(r.id)]}
    >
      <Form.Item name="visibility" label={t('requests.notes.visibility')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'internal', label: t('requests.timeline.internal') },
            { value: 'customer', label: t('requests.timeline.customer') },
          ]}
          data-testid="note-visibility"
        />
      </Form.Item>
      <PhrasePicker
        context={phraseContext(r)}
        onInsert={(text) =>
          form.setFieldValue('body', [form.getFieldValue('body'), text].filter(Boolean).join('\n'))
        }
      />
      <Form.Item
        name="body"
        label={t('requests.notes.body')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input.TextArea rows={4} maxLength={10000} data-testid="note-body" />
      </Form.Item>
    </FormDialog>
  );
}

/** 催单: the customer presses for progress (counted, on the timeline, visible to the customer). */
function UrgeDialog({ request: r, onClose }: { request: RequestDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const urge = useApiMutation(
    (v: { reason?: string }) =>
      ok(
        api.POST('/api/v1/service-requests/{id}/urges', {
          params: { path: { id: r.id } },
          headers: ifMatch(r.version),
          body: v.reason?.trim() ? { reason: v.reason.trim() } : {},
        }),
      ),
    [queryKeys.allRequests],
  );
  return (
    <FormDialog<{ reason?: string }>
      name="urge"
      testId="urge-modal"
      title={t('requests.urge.add')}
      okText={t('requests.urge.add')}
      intro={
        <Typography.Paragraph type="secondary">
          {t('requests.urge.intro', { count: r.urgeCount })}
        </Typography.Paragraph>
      }
      onClose={onClose}
      onSubmit={(v) => urge.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
      conflictReloads={[queryKeys.request(r.id)]}
    >
      <Form.Item name="reason" label={t('requests.urge.reason')}>
        <Input.TextArea rows={3} maxLength={2000} data-testid="urge-reason" />
      </Form.Item>
    </FormDialog>
  );
}

interface TransferForm {
  toUnitId?: string;
  supportLine?: 1 | 2 | 3;
  reason: string;
}

/** 转派: to another unit (any level or province) and/or another support line, with a reason. */
function TransferDialog({ request: r, onClose }: { request: RequestDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const units = useOrgUnits();
  const transfer = useApiMutation(
    (v: TransferForm) =>
      ok(
        api.POST('/api/v1/service-requests/{id}/transfers', {
          params: { path: { id: r.id } },
          headers: ifMatch(r.version),
          body: {
            reason: v.reason.trim(),
            ...(v.toUnitId ? { toUnitId: v.toUnitId } : {}),
            ...(v.supportLine ? { supportLine: v.supportLine } : {}),
          },
        }),
      ),
    [queryKeys.allRequests],
  );
  return (
    <FormDialog<TransferForm>
      name="transfer"
      testId="transfer-modal"
      title={t('requests.transfer.add')}
      okText={t('requests.transfer.add')}
      intro={<Typography.Paragraph type="secondary">{t('requests.transfer.intro')}</Typography.Paragraph>}
      onClose={onClose}
      onSubmit={(v) => transfer.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
      conflictReloads={[queryKeys.request(r.id)]}
    >
      <Form.Item name="toUnitId" label={t('requests.transfer.unit')}>
        <OrgUnitSelect
          units={units.data}
          allowClear
          exclude={new Set([r.handlingUnitId])}
          testId="transfer-unit"
        />
      </Form.Item>
      <Form.Item name="supportLine" label={t('requests.view.supportLine')}>
        <Select
          allowClear
          options={([1, 2, 3] as const).map((n) => ({ value: n, label: t(`requests.view.lines.${n}`) }))}
          data-testid="transfer-line"
        />
      </Form.Item>
      <Form.Item
        name="reason"
        label={t('requests.actions.reason')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input.TextArea rows={3} maxLength={2000} data-testid="transfer-reason" />
      </Form.Item>
    </FormDialog>
  );
}
