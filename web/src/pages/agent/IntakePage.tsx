import '../requests/texts.ts';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  List,
  Radio,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { CustomerMatch, IdentifiedCaller, NewRequest, RequestKind } from '../../api/models.ts';
import { queryKeys, useApiMutation, useApiQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { useFormSubmit } from '../../components/FormDialog.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { newIdempotencyKey } from '../../lib/idempotency.ts';
import { AGENT_CHANNELS, KINDS, PRIORITIES, useCategories, useRequestLabel } from '../requests/common.tsx';
import { CallerRequests } from './CallerRequests.tsx';
import { CallerSummary, IdentifyCaller } from './IdentifyCaller.tsx';
import { useUser } from '../../auth/session.tsx';
import { hasPermission } from '../../nav/workspaces.ts';

interface IntakeForm {
  productInstanceId?: string;
  kind: RequestKind;
  category?: string;
  title: string;
  description: string;
  priority: NonNullable<NewRequest['priority']>;
  channel: NewRequest['channel'];
  accessNumber?: NonNullable<NewRequest['accessNumber']>;
  channelRef?: string;
  resolveNow?: boolean;
  resolution?: string;
}

/** What the API is sent: empty optional fields left out, the answer only when closed at intake. */
export function intakeBody(v: IntakeForm, customerId: string | undefined): NewRequest {
  const text = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);
  return {
    kind: v.kind,
    title: v.title.trim(),
    description: (v.description ?? '').trim(),
    channel: v.channel,
    priority: v.priority,
    ...(customerId ? { customerId } : {}),
    ...(customerId && v.productInstanceId ? { productInstanceId: v.productInstanceId } : {}),
    ...(v.category ? { category: v.category } : {}),
    ...(v.channel === 'hotline' && v.accessNumber ? { accessNumber: v.accessNumber } : {}),
    ...(text(v.channelRef) ? { channelRef: text(v.channelRef) } : {}),
    ...(v.resolveNow && text(v.resolution) ? { resolveAtIntake: { resolution: text(v.resolution)! } } : {}),
  };
}

/**
 * 新建工单 (受理): identify the caller, pick the service concerned, kind and category, describe the
 * problem. One Idempotency-Key per form: a double click or a retry after a lost answer makes one
 * request. Beside it the caller's open and recent requests, so a repeat is seen before it is made.
 */
export default function IntakePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const [customerId, setCustomerId] = useState<string | undefined>(params.get('customer') ?? undefined);
  // A caller identified across regions: what the API summarised (their 360 view is not ours to read).
  const [identified, setIdentified] = useState<IdentifiedCaller | undefined>();
  // One key for this form, kept across retries: the server answers a replay with the first result.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [form] = Form.useForm<IntakeForm>();
  const inFlight = useRef(false);
  const create = useApiMutation(
    (body: NewRequest) =>
      ok(api.POST('/api/v1/service-requests', { body, headers: { 'Idempotency-Key': idempotencyKey } })),
    [queryKeys.allRequests],
  );
  const { saving, submit } = useFormSubmit(form, async (v: IntakeForm) => {
    const created = await create.mutateAsync(intakeBody(v, customerId));
    // The number is data (translate="no"), not the console's words.
    void message.success(
      <>
        {t('requests.intake.created')} <Data>{created.number}</Data>
      </>,
    );
    void navigate(`/requests/${created.id}`, { replace: true });
  });

  return (
    <PageFrame
      testId="request-intake"
      title={t('requests.intake.title')}
      subtitle={t('requests.intake.subtitle')}
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <CustomerPicker
              customerId={customerId}
              identified={identified}
              onPick={(id, caller) => {
                setCustomerId(id);
                setIdentified(caller);
                form.setFieldValue('productInstanceId', undefined);
              }}
            />
            <Card>
              <Form<IntakeForm>
                form={form}
                name="intake"
                layout="vertical"
                initialValues={{
                  kind: 'fault',
                  priority: 'normal',
                  channel: 'hotline',
                  accessNumber: '10000',
                }}
                onFinish={(v) => {
                  // A double click must not send twice (the key would make it one request, but
                  // the second answer would only say so); a retry after a failure may.
                  if (inFlight.current) return;
                  inFlight.current = true;
                  void submit(v).finally(() => (inFlight.current = false));
                }}
              >
                <IntakeFields form={form} customerId={customerId} identified={identified} />
                <Button type="primary" htmlType="submit" loading={saving} data-testid="intake-submit">
                  {t('requests.intake.submit')}
                </Button>
              </Form>
            </Card>
          </Space>
        </Col>
        <Col xs={24} xl={9}>
          <CallerRequests customerId={customerId} identified={identified} />
        </Col>
      </Row>
    </PageFrame>
  );
}

function IntakeFields({
  form,
  customerId,
  identified,
}: {
  form: ReturnType<typeof Form.useForm<IntakeForm>>[0];
  customerId?: string;
  identified?: IdentifiedCaller;
}) {
  const { t, i18n } = useTranslation();
  const label = useRequestLabel();
  const kind = Form.useWatch('kind', form) ?? 'fault';
  const channel = Form.useWatch('channel', form);
  const resolveNow = Form.useWatch('resolveNow', form);
  const categories = useCategories();
  const workflow = useApiQuery(['service-request-workflows', kind], (signal) =>
    ok(api.GET('/api/v1/service-request-workflows/{kind}', { params: { path: { kind } }, signal })),
  );
  const kindCategories = (categories.data ?? []).filter((c) => c.kind === kind && c.active);
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <>
      {identified ? (
        <IdentifiedInstanceField caller={identified} />
      ) : customerId ? (
        <InstanceField customerId={customerId} />
      ) : null}
      <Form.Item name="kind" label={t('requests.intake.kind')} rules={required}>
        <Radio.Group
          optionType="button"
          onChange={() => form.setFieldsValue({ category: undefined, resolveNow: false })}
          options={KINDS.map((k) => ({ value: k, label: label('kinds', k) }))}
          data-testid="intake-kind"
        />
      </Form.Item>
      <Form.Item name="category" label={t('requests.intake.category')}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={categories.loading}
          placeholder={t('requests.intake.noCategory')}
          notFoundContent={t('requests.intake.noCategories')}
          // A "none" option rather than antd's clear button (its label is English: "Clear").
          options={[
            { value: '', label: t('requests.intake.noCategory') },
            ...kindCategories.map((c) => ({
              value: c.code,
              label: i18n.language === 'en' ? c.nameEn : c.name,
            })),
          ]}
          data-testid="intake-category"
        />
      </Form.Item>
      <Form.Item name="title" label={t('requests.intake.titleField')} rules={required}>
        <Input maxLength={200} data-testid="intake-title" />
      </Form.Item>
      <Form.Item name="description" label={t('requests.intake.description')} rules={required}>
        <Input.TextArea rows={4} maxLength={10000} data-testid="intake-description" />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="priority" label={t('requests.intake.priority')} rules={required}>
            <Select
              options={PRIORITIES.map((p) => ({ value: p, label: label('priorities', p) }))}
              data-testid="intake-priority"
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="channel" label={t('requests.intake.channel')} rules={required}>
            <Select
              options={AGENT_CHANNELS.map((c) => ({ value: c, label: label('channels', c) }))}
              data-testid="intake-channel"
            />
          </Form.Item>
        </Col>
        {channel === 'hotline' ? (
          <Col xs={24} md={8}>
            <Form.Item name="accessNumber" label={t('requests.intake.accessNumber')}>
              <Select
                options={(['10000', '10000-9'] as const).map((n) => ({
                  value: n,
                  label: label('accessNumbers', n),
                }))}
                data-testid="intake-access-number"
              />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
      <Form.Item name="channelRef" label={t('requests.intake.callId')}>
        <Input maxLength={100} data-testid="intake-call-id" />
      </Form.Item>
      {/* 一次解决: only for kinds whose workflow (from the API) may close at intake. */}
      {workflow.data?.definition.closeAtIntake ? (
        <>
          <Form.Item name="resolveNow" valuePropName="checked">
            <Checkbox data-testid="intake-resolve-now">{t('requests.intake.resolveNow')}</Checkbox>
          </Form.Item>
          {resolveNow ? (
            <Form.Item name="resolution" label={t('requests.intake.resolution')} rules={required}>
              <Input.TextArea rows={3} maxLength={10000} data-testid="intake-resolution" />
            </Form.Item>
          ) : null}
        </>
      ) : null}
    </>
  );
}

/** The caller's services, from their 360 view (a request may concern none in particular). */
function InstanceField({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const view = useApiQuery(queryKeys.customer360(customerId), (signal) =>
    ok(api.GET('/api/v1/customers/{id}/360', { params: { path: { id: customerId } }, signal })),
  );
  const instances = (view.data?.instances ?? []).filter((i) => i.status !== 'terminated');
  return (
    <Form.Item name="productInstanceId" label={t('requests.intake.instance')}>
      <Select
        loading={view.loading}
        placeholder={t('requests.intake.noInstance')}
        data-testid="intake-instance"
        options={[
          { value: '', label: t('requests.intake.noInstance') },
          ...instances.map((i) => ({
            value: i.id,
            // Product names, account numbers and circuit ids are data (not the console's words).
            label: (
              <Data>
                {`${i.productName ?? i.productCode} · ${i.accountNo}${i.circuitId ? ` · ${i.circuitId}` : ''}`}
              </Data>
            ),
          })),
        ]}
      />
    </Form.Item>
  );
}

/** The services of a caller identified across regions, as the summary lists them (masked). */
function IdentifiedInstanceField({ caller }: { caller: IdentifiedCaller }) {
  const { t } = useTranslation();
  return (
    <Form.Item name="productInstanceId" label={t('requests.intake.instance')}>
      <Select
        placeholder={t('requests.intake.noInstance')}
        data-testid="intake-instance"
        options={[
          { value: '', label: t('requests.intake.noInstance') },
          ...caller.services.map((s) => ({
            value: s.instanceId,
            label: <Data>{[s.productName ?? s.productCode, s.number].filter(Boolean).join(' · ')}</Data>,
          })),
        ]}
      />
    </Form.Item>
  );
}

/**
 * Identify the caller: the customer search in the agent's scope (whole number or 尾号 for phones),
 * or, for holders of customer.identify, a caller of another region by a whole identifier.
 */
function CustomerPicker({
  customerId,
  identified,
  onPick,
}: {
  customerId?: string;
  identified?: IdentifiedCaller;
  onPick: (id: string | undefined, identified?: IdentifiedCaller) => void;
}) {
  const { t } = useTranslation();
  const user = useUser();
  const [q, setQ] = useState('');
  const search = useApiQuery(
    queryKeys.customerSearch(q),
    async (signal) =>
      (await ok(api.GET('/api/v1/customers/search', { params: { query: { q, limit: 50 } }, signal }))).items,
    { enabled: q !== '' && !customerId },
  );
  if (identified)
    return (
      <Card
        title={t('requests.intake.picked')}
        data-testid="intake-customer-picked"
        extra={
          <Button size="small" onClick={() => onPick(undefined)} data-testid="intake-change-customer">
            {t('requests.intake.change')}
          </Button>
        }
      >
        <span data-testid="intake-customer-name">
          <CallerSummary caller={identified} />
        </span>
      </Card>
    );
  if (customerId) return <PickedCustomer customerId={customerId} onChange={() => onPick(undefined)} />;
  return (
    <Card title={t('requests.intake.customer')} data-testid="intake-customer">
      <Input.Search
        autoFocus
        placeholder={t('requests.intake.lookup')}
        enterButton={t('requests.intake.lookupButton')}
        loading={search.loading}
        onSearch={(v) => setQ(v.trim())}
        data-testid="intake-lookup"
      />
      {search.error ? <ErrorResult compact error={search.error} onRetry={search.reload} /> : null}
      {q && search.data ? (
        search.data.length === 0 ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('requests.intake.noMatch', { q })}
          </Typography.Paragraph>
        ) : (
          <List<CustomerMatch>
            style={{ marginTop: 12 }}
            size="small"
            dataSource={search.data}
            data-testid="intake-matches"
            renderItem={(c) => (
              <List.Item
                actions={[
                  <Button
                    key="pick"
                    size="small"
                    type="primary"
                    onClick={() => onPick(c.id)}
                    data-testid="intake-pick"
                  >
                    {t('requests.intake.pick')}
                  </Button>,
                ]}
              >
                <Data>{`${c.name} · ${c.customerNo}${c.phone ? ` · ${c.phone}` : ''}`}</Data>
              </List.Item>
            )}
          />
        )
      ) : null}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('requests.intake.withoutCustomer')}
      </Typography.Paragraph>
      {hasPermission(user, 'customer.identify') ? (
        <IdentifyCaller onPick={(c) => onPick(c.customerId, c)} />
      ) : null}
    </Card>
  );
}

function PickedCustomer({ customerId, onChange }: { customerId: string; onChange: () => void }) {
  const { t } = useTranslation();
  const view = useApiQuery(queryKeys.customer360(customerId), (signal) =>
    ok(api.GET('/api/v1/customers/{id}/360', { params: { path: { id: customerId } }, signal })),
  );
  const c = view.data?.customer;
  return (
    <Card
      title={t('requests.intake.picked')}
      data-testid="intake-customer-picked"
      loading={!c && !view.error}
      extra={
        <Button size="small" onClick={onChange} data-testid="intake-change-customer">
          {t('requests.intake.change')}
        </Button>
      }
    >
      {view.error && !c ? (
        <ErrorResult compact error={view.error} onRetry={view.reload} />
      ) : c ? (
        <Typography.Text strong data-testid="intake-customer-name">
          <Data>{`${c.name} (${c.customerNo})`}</Data>
        </Typography.Text>
      ) : null}
    </Card>
  );
}
