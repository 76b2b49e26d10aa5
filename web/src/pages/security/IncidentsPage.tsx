import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { useUser } from '../../auth/session.tsx';
import { ErrorResult, useActionError } from '../../components/errors.tsx';
import { LoadMoreFooter } from '../../components/LoadMore.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { useKeysetList } from '../../lib/useKeysetList.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { hasPermission } from '../../nav/workspaces.ts';
import {
  CATEGORIES,
  changeBody,
  createBody,
  DATA_KINDS,
  formValuesOf,
  INCIDENT_STATES,
  NEXT_STATES,
  parseCustomerNos,
  SEVERITIES,
  type IncidentFormValues,
} from './incident-form.ts';
import type { Incident, IncidentState, Recipient } from './models.ts';
import './texts.ts';

const PAGE = 50;
const STATE_COLOR: Record<IncidentState, string | undefined> = {
  open: 'red',
  assessed: 'gold',
  notified: 'blue',
  closed: undefined,
};
const SEVERITY_COLOR = { minor: undefined, significant: 'gold', major: 'orange', critical: 'red' } as const;

/** 安全事件: the register of information-security incidents (PIPL Art. 57). */
export default function IncidentsPage() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const canManage = hasPermission(useUser(), 'security.incident.manage');
  const [state, setState] = useState<IncidentState>();
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string>();
  const actionError = useActionError();
  const list = useKeysetList(
    (cursor, signal) =>
      ok(
        api.GET('/api/v1/security/incidents', {
          params: {
            query: { limit: PAGE, ...(state ? { state } : {}), ...(cursor ? { before: cursor } : {}) },
          },
          signal,
        }),
      ).then((p) => ({ items: p.items, nextCursor: p.nextBefore })),
    String(state),
    actionError,
  );

  return (
    <div data-testid="security-incidents">
      <Flex wrap gap={8} style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder={t('security.incidents.filters.state')}
          style={{ width: 160 }}
          value={state}
          onChange={(v?: IncidentState) => setState(v)}
          options={INCIDENT_STATES.map((s) => ({ value: s, label: t(`security.incidents.states.${s}`) }))}
        />
        <Button icon={<ReloadOutlined />} onClick={list.reload}>
          {t('common.reload')}
        </Button>
        {canManage ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="incident-new"
          >
            {t('security.incidents.new')}
          </Button>
        ) : null}
      </Flex>
      {list.error && !list.loaded ? (
        <ErrorResult error={list.error} onRetry={list.reload} />
      ) : (
        <>
          <Table<Incident>
            data-testid="incident-table"
            rowKey="id"
            size="middle"
            loading={list.loading}
            dataSource={list.rows}
            pagination={false}
            scroll={{ x: 900 }}
            locale={{ emptyText: t('security.incidents.empty') }}
            columns={[
              { title: t('security.incidents.fields.incidentNo'), dataIndex: 'incidentNo', width: 110 },
              {
                title: t('security.incidents.fields.title'),
                dataIndex: 'title',
                render: (title: string, i) => (
                  <Button
                    type="link"
                    style={{ padding: 0 }}
                    onClick={() => setOpenId(i.id)}
                    data-testid={`incident-open-${i.incidentNo}`}
                  >
                    {title}
                  </Button>
                ),
              },
              {
                title: t('security.incidents.fields.category'),
                dataIndex: 'category',
                width: 90,
                render: (c: Incident['category']) => t(`security.incidents.categories.${c}`),
              },
              {
                title: t('security.incidents.fields.severity'),
                dataIndex: 'severity',
                width: 100,
                render: (s: Incident['severity']) =>
                  s ? (
                    <Tag color={SEVERITY_COLOR[s]}>{t(`security.incidents.severities.${s}`)}</Tag>
                  ) : (
                    t('common.none')
                  ),
              },
              {
                title: t('security.incidents.fields.state'),
                dataIndex: 'state',
                width: 100,
                render: (s: IncidentState) => (
                  <Tag color={STATE_COLOR[s]}>{t(`security.incidents.states.${s}`)}</Tag>
                ),
              },
              {
                title: t('security.incidents.fields.discoveredAt'),
                dataIndex: 'discoveredAt',
                width: 170,
                render: (v: string) => fmt.dateTime(v),
              },
              {
                title: t('security.incidents.fields.affectedCustomers'),
                dataIndex: 'affectedCustomers',
                width: 110,
              },
            ]}
          />
          <LoadMoreFooter list={list} />
        </>
      )}
      {creating ? (
        <IncidentFormModal
          onClose={() => setCreating(false)}
          onSaved={(i) => {
            setCreating(false);
            list.reload();
            setOpenId(i.id);
          }}
        />
      ) : null}
      {openId ? (
        <IncidentDrawer
          id={openId}
          canManage={canManage}
          onClose={() => setOpenId(undefined)}
          onChanged={list.reload}
        />
      ) : null}
    </div>
  );
}

interface FormShape extends Omit<IncidentFormValues, 'discoveredAt' | 'occurredAt'> {
  discoveredAt: Dayjs;
  occurredAt: Dayjs | null;
}

/** Create (no incident) or edit (sends only what changed, with the version read). */
function IncidentFormModal(props: {
  incident?: Incident;
  onClose: () => void;
  onSaved: (i: Incident) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const [form] = Form.useForm<FormShape>();
  const [saving, setSaving] = useState(false);
  const notify = Form.useWatch('notifyIndividuals', form);
  const initial: Partial<FormShape> = props.incident
    ? (() => {
        const v = formValuesOf(props.incident);
        return {
          ...v,
          discoveredAt: dayjs(v.discoveredAt),
          occurredAt: v.occurredAt ? dayjs(v.occurredAt) : null,
        };
      })()
    : { category: 'leak', dataKinds: [], notifyIndividuals: true, discoveredAt: dayjs() };

  const submit = async (f: FormShape) => {
    const values: IncidentFormValues = {
      ...f,
      discoveredAt: f.discoveredAt.toISOString(),
      occurredAt: f.occurredAt ? f.occurredAt.toISOString() : null,
      estimatedAffected: f.estimatedAffected ?? null,
      severity: f.severity ?? null,
      dataKinds: f.dataKinds ?? [],
      cause: f.cause ?? '',
      harm: f.harm ?? '',
      measures: f.measures ?? '',
      advice: f.advice ?? '',
      decidedBy: f.decidedBy ?? '',
      noNoticeReason: f.noNoticeReason ?? '',
    };
    setSaving(true);
    try {
      if (props.incident) {
        const body = changeBody(props.incident, values);
        const saved = body
          ? await ok(
              api.PATCH('/api/v1/security/incidents/{id}', {
                params: { path: { id: props.incident.id } },
                body,
              }),
            )
          : props.incident;
        void message.success(t('common.saved'));
        props.onSaved(saved);
      } else {
        const saved = await ok(api.POST('/api/v1/security/incidents', { body: createBody(values) }));
        void message.success(t('security.incidents.created'));
        props.onSaved(saved);
      }
    } catch (err) {
      actionError(err);
    } finally {
      setSaving(false);
    }
  };

  const f = (k: keyof IncidentFormValues) => t(`security.incidents.fields.${k}`);
  return (
    <Modal
      open
      width={760}
      title={props.incident ? t('security.incidents.edit') : t('security.incidents.new')}
      data-testid="incident-form-modal"
      okText={t('common.save')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        name="incident"
        layout="vertical"
        initialValues={initial}
        onFinish={(v) => void submit(v)}
        data-testid="incident-form"
      >
        <Form.Item name="title" label={f('title')} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input data-testid="incident-title" />
        </Form.Item>
        <Form.Item
          name="description"
          label={f('description')}
          extra={t('security.incidents.fields.descriptionHint')}
          rules={[{ required: true, whitespace: true, max: 10000 }]}
        >
          <Input.TextArea rows={3} data-testid="incident-description" />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="category" label={f('category')} rules={[{ required: true }]}>
              <Select
                options={CATEGORIES.map((c) => ({
                  value: c,
                  label: t(`security.incidents.categories.${c}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="discoveredAt" label={f('discoveredAt')} rules={[{ required: true }]}>
              <DatePicker showTime style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="occurredAt" label={f('occurredAt')}>
              <DatePicker showTime style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col xs={24} sm={16}>
            <Form.Item name="dataKinds" label={f('dataKinds')}>
              <Select
                data-testid="incident-data-kinds"
                mode="multiple"
                options={DATA_KINDS.map((k) => ({ value: k, label: t(`security.incidents.dataKinds.${k}`) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="severity" label={f('severity')}>
              <Select
                data-testid="incident-severity"
                allowClear
                options={SEVERITIES.map((s) => ({
                  value: s,
                  label: t(`security.incidents.severities.${s}`),
                }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col xs={24} sm={16}>
            <Form.Item name="decidedBy" label={f('decidedBy')} rules={[{ max: 200 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="estimatedAffected" label={f('estimatedAffected')}>
              <InputNumber min={0} max={2_000_000_000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        {(['cause', 'harm', 'measures', 'advice'] as const).map((k) => (
          <Form.Item key={k} name={k} label={f(k)} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        ))}
        <Form.Item name="notifyIndividuals" valuePropName="checked">
          <Checkbox>{f('notifyIndividuals')}</Checkbox>
        </Form.Item>
        {notify === false ? (
          <Form.Item name="noNoticeReason" label={f('noNoticeReason')} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

function IncidentDrawer(props: {
  id: string;
  canManage: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const loaded = useLoad(
    (signal) =>
      ok(api.GET('/api/v1/security/incidents/{id}', { params: { path: { id: props.id } }, signal })),
    props.id,
  );
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState<IncidentState>();
  const [notice, setNotice] = useState(false);
  const i = loaded.data;
  const changed = () => {
    loaded.reload();
    props.onChanged();
  };
  const none = t('common.none');
  const f = (k: string) => t(`security.incidents.fields.${k}` as 'security.incidents.fields.title');

  return (
    <Drawer
      open
      size={760}
      title={i ? `${i.incidentNo} ${i.title}` : ''}
      onClose={props.onClose}
      data-testid="incident-drawer"
    >
      {loaded.error && !i ? <ErrorResult error={loaded.error} onRetry={loaded.reload} /> : null}
      {i ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Flex wrap gap={8}>
            <Tag color={STATE_COLOR[i.state]} data-testid="incident-state">
              {t(`security.incidents.states.${i.state}`)}
            </Tag>
            <div style={{ flex: 1 }} />
            <Button onClick={() => setNotice(true)} data-testid="incident-notice">
              {t('security.incidents.notice.open')}
            </Button>
            {props.canManage && i.state !== 'closed' ? (
              <>
                <Button onClick={() => setEditing(true)} data-testid="incident-edit">
                  {t('common.edit')}
                </Button>
                {NEXT_STATES[i.state].map((s) => (
                  <Button
                    key={s}
                    type={s === 'closed' ? 'default' : 'primary'}
                    onClick={() => setMoving(s)}
                    data-testid={`incident-move-${s}`}
                  >
                    {t(`security.incidents.move.${s as Exclude<IncidentState, 'open'>}`)}
                  </Button>
                ))}
              </>
            ) : null}
          </Flex>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={f('category')}>
              {t(`security.incidents.categories.${i.category}`)}
            </Descriptions.Item>
            <Descriptions.Item label={f('severity')}>
              {i.severity ? t(`security.incidents.severities.${i.severity}`) : none}
            </Descriptions.Item>
            <Descriptions.Item label={f('discoveredAt')}>{fmt.dateTime(i.discoveredAt)}</Descriptions.Item>
            <Descriptions.Item label={f('occurredAt')}>
              {i.occurredAt ? fmt.dateTime(i.occurredAt) : none}
            </Descriptions.Item>
            <Descriptions.Item label={f('description')}>{i.description}</Descriptions.Item>
            <Descriptions.Item label={f('dataKinds')}>
              {i.dataKinds.length
                ? i.dataKinds.map((k) => <Tag key={k}>{t(`security.incidents.dataKinds.${k}`)}</Tag>)
                : none}
            </Descriptions.Item>
            <Descriptions.Item label={f('affectedCustomers')}>
              {i.affectedCustomers}
              {i.estimatedAffected !== null ? ` / ${f('estimatedAffected')} ${i.estimatedAffected}` : ''}
            </Descriptions.Item>
            {(
              ['cause', 'harm', 'measures', 'advice', 'decidedBy', 'notificationNote', 'closeNote'] as const
            ).map((k) => (
              <Descriptions.Item key={k} label={f(k)}>
                {i[k] ?? none}
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={f('notifyIndividuals')}>
              {i.notifyIndividuals
                ? t('common.yes')
                : `${t('common.no')}${i.noNoticeReason ? `: ${i.noNoticeReason}` : ''}`}
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('security.incidents.timeline')}</Typography.Title>
            <Timeline
              items={(
                [
                  ['createdAt', i.createdAt, i.createdBy],
                  ['assessedAt', i.assessedAt, i.assessedBy],
                  ['notifiedAt', i.notifiedAt, i.notifiedBy],
                  ['closedAt', i.closedAt, i.closedBy],
                ] as const
              )
                .filter(([, at]) => at)
                .map(([k, at, by]) => ({ content: `${f(k)} · ${fmt.dateTime(at)} · ${by?.name ?? none}` }))}
            />
          </div>
          <CustomersSection
            incident={i}
            canManage={props.canManage && i.state !== 'closed'}
            onChanged={changed}
          />
        </Space>
      ) : null}
      {editing && i ? (
        <IncidentFormModal
          incident={i}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            changed();
          }}
        />
      ) : null}
      {moving && i ? (
        <MoveModal
          incident={i}
          to={moving}
          onClose={() => setMoving(undefined)}
          onDone={() => {
            setMoving(undefined);
            changed();
          }}
        />
      ) : null}
      {notice && i ? <NoticeModal incident={i} onClose={() => setNotice(false)} /> : null}
    </Drawer>
  );
}

/** Moves an incident on; the server names what the step still lacks (shown as the error). */
function MoveModal(props: {
  incident: Incident;
  to: IncidentState;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const [form] = Form.useForm<{ note?: string }>();
  const [saving, setSaving] = useState(false);
  const noteField =
    props.to === 'notified' ? 'notificationNote' : props.to === 'closed' ? 'closeNote' : undefined;
  const action = t(`security.incidents.move.${props.to as Exclude<IncidentState, 'open'>}`);
  const submit = async ({ note }: { note?: string }) => {
    setSaving(true);
    try {
      await ok(
        api.PATCH('/api/v1/security/incidents/{id}', {
          params: { path: { id: props.incident.id } },
          body: {
            state: props.to,
            version: props.incident.version,
            ...(noteField && note?.trim() ? { [noteField]: note.trim() } : {}),
          },
        }),
      );
      void message.success(t('security.incidents.move.done'));
      props.onDone();
    } catch (err) {
      actionError(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t('security.incidents.move.title', { incident: props.incident.incidentNo, action })}
      data-testid="incident-move-modal"
      okText={t('common.submit')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        {noteField ? (
          <Form.Item
            name="note"
            label={t(`security.incidents.fields.${noteField}`)}
            rules={[{ required: true, whitespace: true, max: 5000 }]}
          >
            <Input.TextArea rows={3} data-testid="incident-move-note" />
          </Form.Item>
        ) : (
          <Typography.Paragraph>{t('security.incidents.move.confirmAssess')}</Typography.Paragraph>
        )}
      </Form>
    </Modal>
  );
}

function useRecipientColumns() {
  const { t } = useTranslation();
  const none = t('common.none');
  const c = (k: string) => t(`security.incidents.customers.${k}` as 'security.incidents.customers.name');
  return [
    { title: c('customerNo'), dataIndex: 'customerNo', width: 120, render: (v: string | null) => v ?? none },
    {
      title: c('name'),
      key: 'name',
      render: (_: unknown, r: Recipient) =>
        r.inScope ? (
          r.contactName ? (
            `${r.name ?? ''}（${r.contactName}）`
          ) : (
            (r.name ?? none)
          )
        ) : (
          <Typography.Text type="secondary">{c('outOfScope')}</Typography.Text>
        ),
    },
    { title: c('phone'), dataIndex: 'phone', width: 130, render: (v: string | null) => v ?? none },
    { title: c('email'), dataIndex: 'email', render: (v: string | null) => v ?? none },
    {
      title: c('channel'),
      key: 'channel',
      width: 110,
      render: (_: unknown, r: Recipient) =>
        r.inScope && !r.reachable ? (
          <Tag color="orange">{c('unreachable')}</Tag>
        ) : r.preferredChannel ? (
          t(`security.incidents.customers.channels.${r.preferredChannel as 'sms'}`, {
            defaultValue: r.preferredChannel,
          })
        ) : (
          none
        ),
    },
  ];
}

function useRecipients(path: 'customers' | 'notice', id: string, key: string) {
  const actionError = useActionError();
  return useKeysetList<Recipient>(
    async (cursor, signal) => {
      const query = { limit: 100, ...(cursor ? { after: cursor } : {}) };
      const page =
        path === 'customers'
          ? await ok(
              api.GET('/api/v1/security/incidents/{id}/customers', {
                params: { path: { id }, query },
                signal,
              }),
            )
          : (
              await ok(
                api.GET('/api/v1/security/incidents/{id}/notice', {
                  params: { path: { id }, query },
                  signal,
                }),
              )
            ).individuals.recipients;
      return { items: page.items, nextCursor: page.nextAfter };
    },
    key,
    actionError,
  );
}

function CustomersSection(props: { incident: Incident; canManage: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const [pasted, setPasted] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useRecipients(
    'customers',
    props.incident.id,
    `${props.incident.id}#${props.incident.version}`,
  );
  const columns = useRecipientColumns();
  const add = async () => {
    const customerNos = parseCustomerNos(pasted);
    if (customerNos.length === 0) return;
    setBusy(true);
    try {
      const r = await ok(
        api.POST('/api/v1/security/incidents/{id}/customers', {
          params: { path: { id: props.incident.id } },
          body: { customerNos },
        }),
      );
      void message.success(
        t('security.incidents.customers.added', { added: r.added, already: r.alreadyLinked }),
      );
      setPasted('');
      props.onChanged();
    } catch (err) {
      actionError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (customerId: string) => {
    try {
      await ok(
        api.DELETE('/api/v1/security/incidents/{id}/customers/{customerId}', {
          params: { path: { id: props.incident.id, customerId } },
        }),
      );
      void message.success(t('security.incidents.customers.removed'));
      props.onChanged();
    } catch (err) {
      actionError(err);
    }
  };
  return (
    <div data-testid="incident-customers">
      <Typography.Title level={5}>{t('security.incidents.customers.title')}</Typography.Title>
      {props.canManage ? (
        <Flex gap={8} align="flex-start" style={{ marginBottom: 12 }}>
          <Input.TextArea
            rows={2}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            placeholder={t('security.incidents.customers.addHint')}
            data-testid="incident-customer-nos"
          />
          <Button onClick={() => void add()} loading={busy} data-testid="incident-customers-add">
            {t('security.incidents.customers.add')}
          </Button>
        </Flex>
      ) : null}
      {list.error && !list.loaded ? <ErrorResult error={list.error} onRetry={list.reload} compact /> : null}
      <Table<Recipient>
        rowKey="customerId"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('common.empty') }}
        columns={[
          ...columns,
          ...(props.canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 80,
                  render: (_: unknown, r: Recipient) =>
                    r.inScope ? (
                      <Button type="link" danger onClick={() => void remove(r.customerId)}>
                        {t('security.incidents.customers.remove')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <LoadMoreFooter list={list} />
    </div>
  );
}

/** The notice: what sending will need, until sending is built (the list and the texts). */
function NoticeModal(props: { incident: Incident; onClose: () => void }) {
  const { t } = useTranslation();
  const loaded = useLoad(
    (signal) =>
      ok(
        api.GET('/api/v1/security/incidents/{id}/notice', {
          params: { path: { id: props.incident.id }, query: { limit: 1 } },
          signal,
        }),
      ),
    props.incident.id,
  );
  const recipients = useRecipients('notice', props.incident.id, props.incident.id);
  const columns = useRecipientColumns();
  const n = loaded.data;
  const missingLabel = (m: string) =>
    m.startsWith('ONEPOINT_')
      ? m
      : t(`security.incidents.fields.${m}` as 'security.incidents.fields.title', { defaultValue: m });
  return (
    <Modal
      open
      width={860}
      title={t('security.incidents.notice.title', { incident: props.incident.incidentNo })}
      footer={<Button onClick={props.onClose}>{t('common.close')}</Button>}
      onCancel={props.onClose}
      data-testid="notice-modal"
    >
      {loaded.error && !n ? <ErrorResult error={loaded.error} onRetry={loaded.reload} compact /> : null}
      {n ? (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Alert
            type="info"
            showIcon
            title={t('security.incidents.notice.notBuilt')}
            data-testid="notice-not-built"
          />
          {n.missing.length ? (
            <Alert
              type="warning"
              showIcon
              title={t('security.incidents.notice.missing', {
                items: n.missing.map(missingLabel).join('、'),
              })}
            />
          ) : null}
          <Typography.Title level={5}>{t('security.incidents.notice.individuals')}</Typography.Title>
          {n.individuals.notify ? null : (
            <Alert
              type="warning"
              title={t('security.incidents.notice.individualsSkipped', {
                reason: n.individuals.noNoticeReason ?? '',
              })}
            />
          )}
          <Typography.Paragraph
            copyable={{ text: n.individuals.text }}
            style={{ whiteSpace: 'pre-wrap' }}
            data-testid="notice-individual-text"
          >
            {n.individuals.text}
          </Typography.Paragraph>
          <Typography.Text strong>
            {t('security.incidents.notice.recipients', { count: n.individuals.recipients.total })}
          </Typography.Text>
          <Table<Recipient>
            rowKey="customerId"
            size="small"
            loading={recipients.loading}
            dataSource={recipients.rows}
            pagination={false}
            scroll={{ x: 640, y: 240 }}
            columns={columns}
            data-testid="notice-recipients"
          />
          <LoadMoreFooter list={recipients} />
          <Typography.Title level={5}>{t('security.incidents.notice.regulator')}</Typography.Title>
          <Typography.Text type="secondary">
            {t('security.incidents.notice.regulatorTo', {
              to: n.regulator.to ?? t('security.incidents.notice.regulatorUnset'),
            })}
          </Typography.Text>
          <Typography.Paragraph
            copyable={{ text: n.regulator.text }}
            style={{ whiteSpace: 'pre-wrap' }}
            data-testid="notice-regulator-text"
          >
            {n.regulator.text}
          </Typography.Paragraph>
        </Space>
      ) : null}
    </Modal>
  );
}
