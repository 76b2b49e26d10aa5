import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type {
  NewSlaPolicy,
  SlaCalendar,
  SlaKind,
  SlaLocationClass,
  SlaPolicy,
  SlaPolicyChange,
  SlaPolicyCheck,
  SlaPolicyCheckResult,
  SlaPolicyMatch,
  SlaPriority,
  SlaTargetType,
  SlaTier,
} from '../../api/models.ts';
import { queryKeys, useApiMutation, useApiQuery, useListQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { useActionError } from '../../components/errors.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { useUser } from '../../auth/session.tsx';
import { allOf } from '../../lib/enum.ts';
import { adminScreensFor } from '../../nav/workspaces.ts';
import { ReasonText } from './ReasonText.tsx';

export const TARGET_TYPES = allOf<SlaTargetType>()([
  'response',
  'feedback',
  'arrival',
  'restoration',
  'resolution',
  'progress',
]);
const TIERS = allOf<SlaTier>()(['group', 'province', 'localA', 'localB', 'localC', 'public']);
const KINDS = allOf<SlaKind>()([
  'consultation',
  'business_order',
  'fault',
  'complaint',
  'billing',
  'technical_support',
  'integration',
  'suggestion',
]);
const PRIORITIES = allOf<SlaPriority>()(['urgent', 'high', 'normal', 'low']);
const LOCATION_CLASSES = allOf<SlaLocationClass>()(['urban', 'county', 'rural']);
const MATCH_FIELDS = [
  'contractId',
  'productCode',
  'productFamily',
  'tier',
  'kind',
  'category',
  'priority',
  'locationClass',
] as const;

/** A picked local date and time as an instant in Beijing time (the calendars' default zone). */
export const beijing = (d: Dayjs) => `${d.format('YYYY-MM-DDTHH:mm')}:00+08:00`;

function useCalendars() {
  return useApiQuery(
    queryKeys.slaCalendars,
    async (signal) => (await ok(api.GET('/api/v1/sla/calendars', { signal }))).items,
  );
}

function useProducts() {
  return useApiQuery(queryKeys.products, (signal) => ok(api.GET('/api/v1/products', { signal })));
}

/** One option list per match field with a fixed vocabulary, labelled. */
function useOptions() {
  const { t } = useTranslation();
  return {
    tier: TIERS.map((v) => ({ value: v, label: t(`sla.policies.tiers.${v}`) })),
    kind: KINDS.map((v) => ({ value: v, label: t(`sla.policies.kinds.${v}`) })),
    priority: PRIORITIES.map((v) => ({ value: v, label: t(`sla.policies.priorities.${v}`) })),
    locationClass: LOCATION_CLASSES.map((v) => ({ value: v, label: t(`sla.policies.locationClasses.${v}`) })),
  };
}

/** 服务时限策略: the matrix, its changes (sla.policy.manage) and the policy check. */
export default function SlaPoliciesPage() {
  const { t } = useTranslation();
  const me = useUser();
  const canManage = adminScreensFor(me).find((s) => s.id === 'slaPolicies')?.canManage ?? false;
  const [includeInactive, setIncludeInactive] = useState(false);
  const policies = useListQuery(
    queryKeys.slaPolicies(includeInactive),
    async (signal) =>
      (
        await ok(
          api.GET('/api/v1/sla/policies', {
            params: { query: includeInactive ? { includeInactive: 'true' } : {} },
            signal,
          }),
        )
      ).items,
  );
  const [editing, setEditing] = useState<SlaPolicy | 'new' | null>(null);
  const { message } = App.useApp();
  const actionError = useActionError();
  const toggle = useApiMutation(
    (p: SlaPolicy) =>
      ok(
        api.PATCH('/api/v1/sla/policies/{code}', {
          params: { path: { code: p.code } },
          body: { active: !p.active, version: p.version },
        }),
      ),
    [queryKeys.allSlaPolicies],
  );
  const flip = (p: SlaPolicy) =>
    toggle
      .mutateAsync(p)
      .then(
        () => void message.success(t(p.active ? 'sla.policies.deactivated' : 'sla.policies.reactivated')),
        actionError,
      );

  return (
    <ListPage<SlaPolicy>
      testId="sla-policies"
      title={t('sla.policies.title')}
      subtitle={t('sla.policies.subtitle')}
      list={policies}
      readOnly={!canManage}
      newButton={
        canManage
          ? { label: t('sla.policies.new'), onClick: () => setEditing('new'), testId: 'sla-policy-new' }
          : undefined
      }
      toolbar={
        <Space>
          <Switch
            checked={includeInactive}
            onChange={setIncludeInactive}
            data-testid="sla-policy-inactive"
            size="small"
          />
          {t('sla.policies.showInactive')}
        </Space>
      }
      header={<PolicyCheck />}
      emptyText={t('sla.policies.empty')}
      table={{
        'data-testid': 'sla-policy-table',
        rowKey: 'code',
        size: 'small',
        scroll: { x: 1400 },
        columns: [
          {
            title: t('sla.policies.fields.code'),
            dataIndex: 'code',
            width: 200,
            fixed: 'left',
            render: (code: string, p) => (
              <Flex vertical>
                <Data>{code}</Data>
                <Typography.Text type="secondary">
                  <Data>{p.name}</Data>
                </Typography.Text>
                {p.active ? null : <Tag>{t('sla.policies.inactive')}</Tag>}
              </Flex>
            ),
          },
          {
            title: t('sla.policies.fields.level'),
            dataIndex: 'level',
            width: 90,
            render: (level: SlaPolicy['level']) => <Tag>{t(`sla.policies.levels.${level}`)}</Tag>,
          },
          {
            title: t('sla.policies.fields.match'),
            key: 'match',
            width: 260,
            render: (_, p) => <MatchTags match={p.match} />,
          },
          ...TARGET_TYPES.map((type) => ({
            title: t(`sla.policies.targets.${type}`),
            key: type,
            width: 120,
            render: (_: unknown, p: SlaPolicy) => {
              const target = p.targets[type];
              return target ? (
                <Flex vertical data-testid={`sla-target-${type}`}>
                  <Data>{target.duration}</Data>
                  <Typography.Text type="secondary">
                    <Data>{target.calendar}</Data>
                    {target.counting ? <Data> ({target.counting})</Data> : null}
                  </Typography.Text>
                </Flex>
              ) : null;
            },
          })),
          {
            title: t('sla.policies.fields.source'),
            dataIndex: 'source',
            ellipsis: { showTitle: false },
            render: (v: string) => (
              <Typography.Text ellipsis={{ tooltip: v }}>
                <Data>{v}</Data>
              </Typography.Text>
            ),
          },
          ...(canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 160,
                  fixed: 'right' as const,
                  render: (_: unknown, p: SlaPolicy) => (
                    <Space size={0}>
                      <Button type="link" onClick={() => setEditing(p)} data-testid="sla-policy-edit">
                        {t('sla.policies.edit')}
                      </Button>
                      {p.active ? (
                        <Popconfirm
                          title={t('sla.policies.deactivateConfirm', { code: p.code })}
                          onConfirm={() => flip(p)}
                          okText={t('sla.policies.deactivate')}
                          cancelText={t('common.cancel')}
                        >
                          <Button type="link" danger data-testid="sla-policy-deactivate">
                            {t('sla.policies.deactivate')}
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button type="link" onClick={() => void flip(p)} data-testid="sla-policy-reactivate">
                          {t('sla.policies.reactivate')}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ],
      }}
    >
      {editing ? (
        <PolicyDialog policy={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      ) : null}
    </ListPage>
  );
}

function MatchTags({ match }: { match: SlaPolicy['match'] }) {
  const { t } = useTranslation();
  const shown = MATCH_FIELDS.filter((f) => match[f] !== undefined);
  if (!shown.length) return <Typography.Text type="secondary">{t('sla.policies.any')}</Typography.Text>;
  const value = (f: (typeof MATCH_FIELDS)[number], v: string) =>
    f === 'tier'
      ? t(`sla.policies.tiers.${v as SlaTier}`)
      : f === 'kind'
        ? t(`sla.policies.kinds.${v as SlaKind}`)
        : f === 'priority'
          ? t(`sla.policies.priorities.${v as SlaPriority}`)
          : f === 'locationClass'
            ? t(`sla.policies.locationClasses.${v as SlaLocationClass}`)
            : v;
  return (
    <Flex wrap gap={4}>
      {shown.map((f) => (
        <Tag key={f}>
          {t(`sla.policies.match.${f}`)}: <Data>{value(f, match[f]!)}</Data>
        </Tag>
      ))}
    </Flex>
  );
}

type TargetForm = { duration?: string; calendar?: string; civilCode?: boolean };
interface PolicyForm {
  code: string;
  name: string;
  source: string;
  position?: number | null;
  match: Partial<Record<(typeof MATCH_FIELDS)[number], string | null>>;
  targets: Partial<Record<SlaTargetType, TargetForm>>;
}

function toBody(v: PolicyForm): Omit<NewSlaPolicy, 'code'> {
  const match: Record<string, string> = {};
  for (const f of MATCH_FIELDS) {
    const value = v.match?.[f]?.trim();
    if (value) match[f] = value;
  }
  const targets: NewSlaPolicy['targets'] = {};
  for (const type of TARGET_TYPES) {
    const tf = v.targets?.[type];
    if (!tf?.duration?.trim()) continue;
    targets[type] = {
      duration: tf.duration.trim(),
      calendar: tf.calendar ?? '24x7',
      ...(tf.civilCode ? { counting: 'civil-code' as const } : {}),
    };
  }
  return {
    name: v.name.trim(),
    source: v.source.trim(),
    ...(typeof v.position === 'number' ? { position: v.position } : {}),
    match: match as SlaPolicyMatch,
    targets,
  };
}

function PolicyDialog({ policy: p, onClose }: { policy?: SlaPolicy; onClose: () => void }) {
  const { t } = useTranslation();
  const options = useOptions();
  const calendars = useCalendars();
  const products = useProducts();
  const save = useApiMutation(
    (v: PolicyForm) => {
      const body = toBody(v);
      if (!p) return ok(api.POST('/api/v1/sla/policies', { body: { ...body, code: v.code.trim() } }));
      const change: SlaPolicyChange = { ...body, version: p.version };
      return ok(
        api.PATCH('/api/v1/sla/policies/{code}', { params: { path: { code: p.code } }, body: change }),
      );
    },
    [queryKeys.allSlaPolicies],
  );
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  const calendarOptions = (calendars.data ?? []).map((c: SlaCalendar) => ({
    value: c.code,
    label: `${c.code} · ${c.name}`,
  }));
  const families = [...new Set((products.data ?? []).map((x) => x.category))];
  const initialTargets: PolicyForm['targets'] = {};
  for (const type of TARGET_TYPES) {
    const target = p?.targets[type];
    initialTargets[type] = target
      ? { duration: target.duration, calendar: target.calendar, civilCode: target.counting === 'civil-code' }
      : { calendar: '24x7' };
  }
  const select = (field: 'tier' | 'kind' | 'priority' | 'locationClass') => (
    <Select
      allowClear
      options={options[field] as { value: string; label: string }[]}
      placeholder={t('sla.policies.any')}
    />
  );
  return (
    <FormDialog<PolicyForm>
      name="sla-policy"
      testId="sla-policy-modal"
      width={860}
      creating={!p}
      title={p ? t('sla.policies.editTitle', { code: p.code }) : t('sla.policies.new')}
      intro={
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('sla.policies.recomputeNote')} />
      }
      initialValues={{
        code: p?.code ?? '',
        name: p?.name ?? '',
        source: p?.source ?? '',
        position: p?.position ?? null,
        match: { ...(p?.match ?? {}) },
        targets: initialTargets,
      }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
      conflictReloads={[queryKeys.allSlaPolicies]}
    >
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="code" label={t('sla.policies.fields.code')} rules={required}>
            <Input maxLength={64} disabled={!!p} />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name="name" label={t('sla.policies.fields.name')} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="position" label={t('sla.policies.fields.position')}>
            <InputNumber min={0} max={1_000_000} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="source" label={t('sla.policies.fields.source')} rules={required}>
        <Input maxLength={300} />
      </Form.Item>
      <Typography.Title level={5}>{t('sla.policies.fields.match')}</Typography.Title>
      <Row gutter={12}>
        <Col span={6}>
          <Form.Item name={['match', 'kind']} label={t('sla.policies.match.kind')}>
            {select('kind')}
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['match', 'tier']} label={t('sla.policies.match.tier')}>
            {select('tier')}
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['match', 'priority']} label={t('sla.policies.match.priority')}>
            {select('priority')}
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['match', 'locationClass']} label={t('sla.policies.match.locationClass')}>
            {select('locationClass')}
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['match', 'productCode']} label={t('sla.policies.match.productCode')}>
            <Select
              allowClear
              showSearch
              placeholder={t('sla.policies.any')}
              options={(products.data ?? []).map((x) => ({ value: x.code, label: `${x.code} · ${x.name}` }))}
            />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['match', 'productFamily']} label={t('sla.policies.match.productFamily')}>
            <Select
              allowClear
              placeholder={t('sla.policies.any')}
              options={families.map((f) => ({ value: f, label: f }))}
            />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['match', 'category']} label={t('sla.policies.match.category')}>
            <Input maxLength={64} placeholder={t('sla.policies.any')} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['match', 'contractId']} label={t('sla.policies.match.contractId')}>
            <Input maxLength={64} placeholder={t('sla.policies.any')} />
          </Form.Item>
        </Col>
      </Row>
      <Typography.Title level={5}>{t('sla.policies.fields.targets')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('sla.policies.durationHelp')}</Typography.Paragraph>
      {TARGET_TYPES.map((type) => (
        <Row gutter={12} key={type} align="middle">
          <Col span={4}>{t(`sla.policies.targets.${type}`)}</Col>
          <Col span={5}>
            <Form.Item name={['targets', type, 'duration']} style={{ marginBottom: 8 }}>
              <Input
                maxLength={16}
                placeholder={t('sla.policies.fields.duration')}
                data-testid={`sla-duration-${type}`}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name={['targets', type, 'calendar']} style={{ marginBottom: 8 }}>
              <Select options={calendarOptions} placeholder={t('sla.policies.fields.calendar')} />
            </Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item
              name={['targets', type, 'civilCode']}
              valuePropName="checked"
              style={{ marginBottom: 8 }}
            >
              <Checkbox>{t('sla.policies.fields.civilCode')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
      ))}
    </FormDialog>
  );
}

interface CheckForm {
  kind: SlaKind;
  tier: SlaTier;
  productCode?: string;
  locationClass?: SlaLocationClass;
  priority?: SlaPriority;
  from: Dayjs;
}

/** 策略核算: which row gives each target, why, and the deadlines from a start. */
function PolicyCheck() {
  const { t } = useTranslation();
  const options = useOptions();
  const products = useProducts();
  const actionError = useActionError();
  const [result, setResult] = useState<SlaPolicyCheckResult | null>(null);
  const [running, setRunning] = useState(false);
  const run = async (v: CheckForm) => {
    const product = (products.data ?? []).find((x) => x.code === v.productCode);
    const body: SlaPolicyCheck = {
      kind: v.kind,
      tier: v.tier,
      from: beijing(v.from),
      ...(product ? { productCode: product.code, productFamily: product.category } : {}),
      ...(v.locationClass ? { locationClass: v.locationClass } : {}),
      ...(v.priority ? { priority: v.priority } : {}),
    };
    setRunning(true);
    try {
      setResult(await ok(api.POST('/api/v1/sla/policy-check', { body })));
    } catch (err) {
      actionError(err);
    } finally {
      setRunning(false);
    }
  };
  return (
    <Card title={t('sla.policies.check.title')} style={{ marginBottom: 16 }} data-testid="sla-policy-check">
      <Typography.Paragraph type="secondary">{t('sla.policies.check.subtitle')}</Typography.Paragraph>
      <Form<CheckForm>
        layout="inline"
        name="sla-check"
        initialValues={{ kind: 'fault', tier: 'public' }}
        onFinish={(v) => void run(v)}
      >
        <Form.Item
          name="kind"
          label={t('sla.policies.match.kind')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select options={options.kind} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item
          name="tier"
          label={t('sla.policies.match.tier')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select options={options.tier} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="productCode" label={t('sla.policies.match.productCode')}>
          <Select
            allowClear
            showSearch
            style={{ width: 220 }}
            placeholder={t('sla.policies.any')}
            options={(products.data ?? []).map((x) => ({ value: x.code, label: `${x.code} · ${x.name}` }))}
          />
        </Form.Item>
        <Form.Item name="locationClass" label={t('sla.policies.match.locationClass')}>
          <Select
            allowClear
            options={options.locationClass}
            style={{ width: 110 }}
            placeholder={t('sla.policies.any')}
          />
        </Form.Item>
        <Form.Item name="priority" label={t('sla.policies.match.priority')}>
          <Select
            allowClear
            options={options.priority}
            style={{ width: 110 }}
            placeholder={t('sla.policies.any')}
          />
        </Form.Item>
        <Form.Item
          name="from"
          label={t('sla.policies.check.from')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="sla-check-from" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={running} data-testid="sla-check-run">
            {t('sla.policies.check.run')}
          </Button>
        </Form.Item>
      </Form>
      {result ? <CheckResult result={result} /> : null}
    </Card>
  );
}

function CheckResult({ result }: { result: SlaPolicyCheckResult }) {
  const { t } = useTranslation();
  return (
    <div style={{ marginTop: 16 }} data-testid="sla-check-result">
      {result.provisional ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('sla.policies.check.provisional', { years: result.missingYears.join(', ') })}
        />
      ) : null}
      <Table
        size="small"
        rowKey="type"
        pagination={false}
        dataSource={result.deadlines}
        locale={{ emptyText: t('sla.policies.check.none') }}
        data-testid="sla-check-deadlines"
        columns={[
          {
            title: t('sla.policies.fields.targets'),
            dataIndex: 'type',
            render: (type: SlaTargetType) => t(`sla.policies.targets.${type}`),
          },
          {
            title: t('sla.policies.check.deadline'),
            dataIndex: 'at',
            render: (at: string | null) => <Data>{at ?? '—'}</Data>,
          },
          {
            title: t('sla.policies.fields.duration'),
            key: 'duration',
            render: (_, d) => (
              <Data>
                {d.duration} · {d.calendar}
                {d.counting ? ` (${d.counting})` : ''}
              </Data>
            ),
          },
          {
            title: t('sla.policies.check.row'),
            dataIndex: 'row',
            render: (row: string) => <Data>{row}</Data>,
          },
        ]}
      />
      <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
        <Descriptions.Item label={t('sla.policies.check.explanation')}>
          <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="sla-check-explanation">
            {result.explanation.map((line, i) => (
              <li key={i}>
                <ReasonText reason={result.reasons[i]} fallback={line} />
              </li>
            ))}
          </ul>
        </Descriptions.Item>
      </Descriptions>
    </div>
  );
}
